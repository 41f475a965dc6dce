/**
 * Request bodies as sources: what a handler was sent (`req.body`, `await req.json()`) carries the
 * fields the file reads from it, each judged by its name, so a handler that logs its request or a
 * caller's phone number is reported where it logs, and one whose body names only a room is not.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../../src/scan.js';
import { findingsIn } from '../scan-helpers.js';

const folder = 'test/fixtures/typescript/request-bodies';

test('logging a request body or the fields read from it is reported at the log call; keys, counts, a room name and a stored field are not', async () => {
  assert.equal(await findingsIn(folder), [
    `pii-logged ${folder}/server/controllers/signup.js:5:3`,
    // A field holding an object: its `allergies` are read by name; its `locale` names no one.
    `pii-logged ${folder}/supabase/functions/draft-prescription/index.ts:4:3`,
    `pii-logged ${folder}/supabase/functions/send-reminder/index.ts:11:3`,
    `pii-logged ${folder}/supabase/functions/send-reminder/index.ts:13:3`,
    // The date of birth the registration form sent is stored in a plain column: reported at the
    // column, as for any write; a handler storing what it was sent makes no copy of its own.
    `pii-unencrypted ${folder}/supabase/migrations/20261101000000_clinic.sql:5:3`,
  ]);
});

test('the finding names the request fields and the step where the body was read', async () => {
  const { findings } = await scan({ cwd: process.cwd(), paths: [folder] });
  const signUp = findings.find((finding) => finding.file.endsWith('signup.js'));
  assert.match(
    signUp?.message ?? '',
    /contact\.email from the request body's email, credential\.secret from the request body's password, demographic\.birth_date from the request body's birthDate/,
  );
  const reminder = findings.find((finding) => finding.line === 11);
  assert.match(reminder?.message ?? '', /contact\.phone from the request body's phone/);
  assert.equal(
    reminder?.path.map((step) => `${step.line}:${step.description}`),
    [
      '9:read from the request body',
      '10:passed to formatPhone',
      '11:mapped to to',
      // The slot the request named carries nothing personal: it adds no step to the phone's path.
      '11:logged with console.log',
    ],
  );
});

test.run();
