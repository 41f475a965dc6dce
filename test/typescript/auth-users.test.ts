/**
 * Supabase's auth API as a read of `auth.users`: `auth.admin.listUsers()`, `getUserById()` and
 * `auth.getUser()` hand back accounts, so logging their e-mails is reported. A seed that only
 * writes to a table (and runs before the migrations build it) does not take the table away from
 * the store whose migrations build it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../../src/scan.js';
import { findingsIn } from '../scan-helpers.js';

const folder = 'test/fixtures/typescript/auth-users';

test('accounts listed or fetched through the auth API are rows of auth.users; an id alone is no finding', async () => {
  assert.equal(await findingsIn(folder), [
    `pii-logged ${folder}/supabase/functions/remind/index.ts:9:5`,
    `pii-logged ${folder}/supabase/functions/remind/index.ts:13:3`,
    `pii-logged ${folder}/web/src/contact.js:8:3`,
  ]);
  const { findings } = await scan({ cwd: process.cwd(), paths: [folder] });
  assert.match(findings[0]?.message ?? '', /contact\.email from supabase\.auth\.users\.email/);
});

test("a seed's write to a table the migrations build later leaves the table in the migrations' store", async () => {
  // `supabase/Seed/` sorts before `supabase/migrations/`: its upsert is the first the replay sees
  // of `profiles`. The app's read of `profiles.contact` still finds the migration's e-mail in it.
  const { findings } = await scan({ cwd: process.cwd(), paths: [folder] });
  const contact = findings.find((finding) => finding.file.endsWith('contact.js'));
  assert.match(contact?.message ?? '', /contact\.email/);
  assert.equal(contact?.path.at(-1)?.description, 'logged with console.log');
});

test.run();
