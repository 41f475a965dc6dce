// Builders followed through a project's own helpers, getters and shared definitions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findingsIn, SHAPES } from '../scan-helpers.js';

const HERE = `${SHAPES}/indirection`;

test('Kysely: columns a migration adds through its own table helper in another module', async () => {
  assert.equal(await findingsIn(`${HERE}/kysely-helper`), [
    `pii-unencrypted ${HERE}/kysely-helper/db/migrations/20240101_patients.ts:8:8`,
    `pii-unencrypted ${HERE}/kysely-helper/db/migrations/20240101_patients.ts:9:8`,
  ]);
});

test('knex: getters (a parameter, an imported function), this.knex, an imported table helper', async () => {
  assert.equal(await findingsIn(`${HERE}/knex-getter`), [
    `pii-unencrypted ${HERE}/knex-getter/migrations/001_patients.js:9:9`,
    `pii-unencrypted ${HERE}/knex-getter/migrations/002_demographics.js:6:5`,
    `pii-unencrypted ${HERE}/knex-getter/migrations/003_consents.js:10:7`,
    `pii-unencrypted ${HERE}/knex-getter/migrations/003_consents.js:13:7`,
  ]);
});

test('TypeORM: new Table definitions of another module created in a loop; shared column lists', async () => {
  assert.equal(await findingsIn(`${HERE}/typeorm-shared`), [
    `pii-unencrypted ${HERE}/typeorm-shared/src/migrations/1700000000000-Init.ts:7:13`,
    // `columns: [...baseColumns, { name: 'national_id' }]`: the column written in place
    `pii-unencrypted ${HERE}/typeorm-shared/src/migrations/1700000000001-Caregivers.ts:9:35`,
    // addColumns('patients', identityColumns.map(…)): date_of_birth, passport_number of columns.ts
    `pii-unencrypted ${HERE}/typeorm-shared/src/migrations/1700000000001-Caregivers.ts:12:11`,
    `pii-unencrypted ${HERE}/typeorm-shared/src/migrations/1700000000001-Caregivers.ts:12:11`,
  ]);
});

test("Sequelize: a model's exported attributes given to createTable, spread shared attributes", async () => {
  assert.equal(await findingsIn(`${HERE}/sequelize-attributes`), [
    // date_of_birth and ssn of models/patient.ts (through models/index.ts), at the createTable call
    `pii-unencrypted ${HERE}/sequelize-attributes/src/migrations/20240301000000-create-patients.ts:6:11`,
    `pii-unencrypted ${HERE}/sequelize-attributes/src/migrations/20240301000000-create-patients.ts:6:11`,
    // passport_number, after `...AuditAttributes`
    `pii-unencrypted ${HERE}/sequelize-attributes/src/migrations/20240302000000-create-guardians.js:10:7`,
  ]);
});

test('knex: an imported list of column names looped over, an imported column helper, a select list', async () => {
  const findings = await findingsIn(`${HERE}/knex-columns`);
  assert.equal(
    findings.filter((finding) => !finding.startsWith('unclassified-pii')),
    [
      // PERSON_COLUMNS.forEach((column) => table.string(column)): date_of_birth
      `pii-unencrypted ${HERE}/knex-columns/migrations/20240301_patients.js:6:40`,
      // addIdentityColumns(table) of lib/columns.js: passport_number and national_id
      `pii-unencrypted ${HERE}/knex-columns/migrations/20240301_patients.js:7:5`,
      `pii-unencrypted ${HERE}/knex-columns/migrations/20240301_patients.js:7:5`,
      // for (const column of PERSON_COLUMNS) table.string(column).notNullable()
      `pii-unencrypted ${HERE}/knex-columns/migrations/20240302_guardians.js:7:7`,
      // knex('care_team_directory').insert(knex('guardians').select(DIRECTORY_COLUMNS))
      `pii-public-exposure ${HERE}/knex-columns/migrations/20240303_directory.js:9:69`,
    ],
  );
});

test('ctx.db: a migration context holding the knex or Kysely connection', async () => {
  assert.equal(await findingsIn(`${HERE}/ctx-db`), [
    `pii-unencrypted ${HERE}/ctx-db/migrations/001_patients.ts:12:5`,
    `pii-unencrypted ${HERE}/ctx-db/migrations/002_guardians.ts:9:6`,
  ]);
});

test('Kysely: a static helper of a workspace package, read from the call when its source is out of reach', async () => {
  assert.equal(await findingsIn(`${HERE}/kysely-class-helper`), [
    `pii-unencrypted ${HERE}/kysely-class-helper/migrations/src/migration-0001.ts:9:8`,
    `pii-unencrypted ${HERE}/kysely-class-helper/migrations/src/migration-0001.ts:10:8`,
  ]);
});

test('AdonisJS: this.schema with the table named by the class field tableName, create then alter', async () => {
  const migrations = `${HERE}/adonis-schema/database/migrations`;
  assert.equal(await findingsIn(`${HERE}/adonis-schema`), [
    `pii-unencrypted ${migrations}/1700000000000_create_patients_table.ts:10:7`,
    `pii-unencrypted ${migrations}/1700000000000_create_patients_table.ts:11:7`,
    `pii-unencrypted ${migrations}/1700000000001_alter_patients_table.ts:8:7`,
  ]);
});

test('TypeORM: per-database methods that only down() calls are never replayed', async () => {
  const file = `${HERE}/typeorm-dialect-methods/src/migrations/1700000000000-Init.ts`;
  assert.equal(await findingsIn(`${HERE}/typeorm-dialect-methods`), [
    `pii-unencrypted ${file}:28:53`,
    `pii-unencrypted ${file}:28:71`,
  ]);
});

test.run();
