// One dialect per store: the data map's engine, else the configured client, else the file's syntax.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findingsIn } from '../scan-helpers.js';

const HERE = 'test/fixtures/sql/store-dialect';

function withoutUnclassified(findings: string[]): string[] {
  return findings.filter((finding) => !finding.startsWith('unclassified-pii'));
}

test('engine: mariadb makes plain SQL without backticks MySQL (UPDATE … JOIN … SET)', async () => {
  assert.equal(withoutUnclassified(await findingsIn(`${HERE}/mysql-engine`)), [
    `pii-public-exposure ${HERE}/mysql-engine/migrations/V1__init.sql:2:51`,
    // SET pp.display_name = p.full_name
    `pii-public-exposure ${HERE}/mysql-engine/migrations/V2__names.sql:2:74`,
  ]);
});

test("a knexfile's client: 'mysql2' makes knex.raw SQL MySQL; its branch is the one read", async () => {
  assert.equal(withoutUnclassified(await findingsIn(`${HERE}/knexfile-client`)), [
    `pii-unencrypted ${HERE}/knexfile-client/migrations/20240101_archive.js:5:5`,
    // national_id copied into patients_archive by CREATE TABLE … SELECT
    `pii-unencrypted ${HERE}/knexfile-client/migrations/20240101_archive.js:8:71`,
    // the else branch of `client === 'pg'` (passport_number), not the pg branch's date_of_birth
    `pii-unencrypted ${HERE}/knexfile-client/migrations/20240102_consents.js:6:66`,
  ]);
});

test('engine: postgres: a MySQL-only statement is a parse error, not read as MySQL', async () => {
  assert.equal(withoutUnclassified(await findingsIn(`${HERE}/postgres-engine`)), [
    `parse-error ${HERE}/postgres-engine/migrations/001_init.sql:3:41`,
  ]);
});

test.run();
