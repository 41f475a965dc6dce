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

test('TypeORM: new Table definitions of another module created in a loop', async () => {
  assert.equal(await findingsIn(`${HERE}/typeorm-shared`), [
    `pii-unencrypted ${HERE}/typeorm-shared/src/migrations/1700000000000-Init.ts:7:13`,
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
