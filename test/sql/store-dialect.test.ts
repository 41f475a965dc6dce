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

test("a knexfile's client: 'mysql2' makes knex.raw SQL MySQL (CREATE TABLE … SELECT)", async () => {
  assert.equal(withoutUnclassified(await findingsIn(`${HERE}/knexfile-client`)), [
    `pii-unencrypted ${HERE}/knexfile-client/migrations/20240101_archive.js:5:5`,
    // national_id copied into patients_archive
    `pii-unencrypted ${HERE}/knexfile-client/migrations/20240101_archive.js:8:71`,
  ]);
});

test('engine: postgres: a MySQL-only statement is a parse error, not read as MySQL', async () => {
  assert.equal(withoutUnclassified(await findingsIn(`${HERE}/postgres-engine`)), [
    `parse-error ${HERE}/postgres-engine/migrations/001_init.sql:3:41`,
  ]);
});

test.run();
