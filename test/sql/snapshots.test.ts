/**
 * Schema snapshots: a Supabase Studio export ("not meant to be run") and the declarative schemas
 * the migrations are generated from describe the tables the migrations make. Beside the
 * migrations they add nothing; alone, an export is read for its columns but says nothing of who
 * may read them. And a table a migration dropped, met again by a later policy, is the table as it
 * last stood: the files were applied in another order than their names say.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../../src/scan.js';
import { findingsIn } from '../scan-helpers.js';

const folder = 'test/fixtures/sql/snapshots';

test('beside the migrations, an export and the declarative schemas repeat nothing', async () => {
  assert.equal(await findingsIn(`${folder}/with-migrations`), [
    `pii-unencrypted ${folder}/with-migrations/supabase/migrations/20250101000000_patients.sql:5:3`,
  ]);
});

test('an export alone is read for its columns, Studio spellings included, and claims no access', async () => {
  const { findings } = await scan({ cwd: process.cwd(), paths: [`${folder}/export-only`] });
  assert.equal(
    findings.map(
      (finding) =>
        `${finding.ruleId} ${finding.line}:${finding.column} ${finding.categories.join(',')}`,
    ),
    ['pii-unencrypted 8:3 demographic.birth_date', 'pii-unencrypted 9:3 health.allergy'],
  );
});

test('a policy on a table an earlier file dropped meets the table with its row-level security', async () => {
  assert.equal(await findingsIn(`${folder}/dropped-then-policy`), []);
  // The same policy on a table no file ever made still says the policies restrict nothing.
  const { findings } = await scan({ cwd: process.cwd(), paths: [`${folder}/never-created`] });
  assert.equal(
    findings.map((finding) => `${finding.ruleId} ${finding.line}:${finding.column}`),
    ['public-access-grant 1:1'],
  );
  assert.match(findings[0]?.message ?? '', /row-level security is never enabled/);
});

test.run();
