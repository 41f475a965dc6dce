import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  copiedColumnLocations,
  describeWithLocation,
  equivalentFacts,
  extractFixture,
  extractSource,
  initSqlParser,
} from './helpers.js';

test.before(async () => {
  await initSqlParser();
});

test('createTable defines each column at its builder chain, with Postgres types', () => {
  assert.equal(extractFixture('knex/create.ts').map(describeWithLocation), [
    '4:9-12:5 table-created patients table',
    '5:5-5:23 column-defined patients.id serial pk',
    '6:5-6:40 column-defined patients.full_name varchar(255)',
    '7:5-7:36 column-defined patients.email varchar(320)',
    '8:5-8:25 column-defined patients.medication text',
    '9:5-9:30 column-defined patients.ssn_encrypted bytea',
    '10:5-10:71 column-defined patients.prescriber_id integer -> prescribers.id',
    '11:5-11:41 column-defined patients.ip_address inet',
  ]);
});

test('alterTable through an alias and a helper: add, rename, .alter() retype, drop; down is skipped', () => {
  assert.equal(extractFixture('knex/alter.js').map(describeWithLocation), [
    '4:5-4:30 column-defined patients.phone varchar(32)',
    '5:5-5:50 column-renamed patients.full_name -> legal_name',
    '6:5-6:43 column-retyped patients.medication_notes text',
    '12:3-12:32 column-defined patients.date_of_birth date',
    '13:3-13:28 column-dropped patients.fax',
  ]);
});

test('knex.raw and schema.raw are SQL located in the .ts file; expressions like now() are not', () => {
  assert.equal(extractFixture('knex/raw.ts').map(describeWithLocation), [
    '4:19-4:51 access-granted patients select to anon',
    '5:47-5:73 row-security-changed patients off',
    '7:6-7:65 table-created visits table',
    '7:27-7:48 column-defined visits.id serial pk',
    '7:50-7:64 column-defined visits.diagnosis text',
    '9:9-9:97 table-created notes table',
    '9:51-9:94 column-defined notes.body text',
  ]);
});

test('insert of a select builder, a raw column list, an encrypting update and a view are copies', () => {
  const facts = extractFixture('knex/copy.ts');
  assert.equal(facts.map(describeWithLocation), [
    '4:9-6:4 data-copied insert accounts display_name<-patients.full_name(copy) username<-patients.email(copy)',
    '7:9-9:51 data-copied insert members contact<-patients.email(copy)',
    '10:9-10:97 data-copied update patients ssn<-patients.ssn(encrypt)',
    '11:9-14:5 table-created patient_contacts view',
    '11:9-14:5 data-copied view patient_contacts name<-patients.full_name(copy) mail<-patients.email(copy)',
  ]);
  assert.equal(copiedColumnLocations(facts), [
    'display_name@5:34-5:63',
    'username@5:65-5:86',
    'contact@9:25-9:32',
    'ssn@10:35-10:94',
    'name@13:37-13:48',
    'mail@13:50-13:57',
  ]);
});

for (const [fixture, sql] of [
  ['knex/create.ts', 'knex/create.sql'],
  ['knex/alter.js', 'knex/alter.sql'],
  ['knex/raw.ts', 'knex/raw.sql'],
  ['knex/copy.ts', 'knex/copy.sql'],
] as const) {
  test(`${fixture} gives the facts of the equivalent SQL`, () => {
    const { orm, sql: expected } = equivalentFacts(fixture, sql);
    assert.equal(orm, expected);
  });
}

test('withSchema, qualified names, a connection name and a transaction callback', () => {
  const facts = extractSource(`
import type { Knex } from 'knex';
export async function up(ppsDb: Knex) {
  await ppsDb.transaction(async (trx) => {
    await trx.schema.withSchema('clinic').createTable('visits', (t) => {
      t.uuid('id').primary();
      t.timestamps(true, true);
    });
    await trx.schema.renameTable('audit.logs', 'audit_logs');
    await trx.schema.dropTableIfExists('tmp');
    await ppsDb('accounts').insert(ppsDb.select('email').from('patients'));
  });
}
`);
  assert.equal(facts.map(describeWithLocation), [
    '5:11-8:7 table-created clinic.visits table',
    '6:7-6:29 column-defined clinic.visits.id uuid pk',
    '7:7-7:31 column-defined clinic.visits.created_at timestamptz',
    '7:7-7:31 column-defined clinic.visits.updated_at timestamptz',
    '9:11-9:61 table-renamed audit.logs -> audit_logs',
    '10:11-10:46 table-dropped tmp',
    '11:11-11:75 data-copied insert ppsDb:accounts email<-ppsDb:patients.email(copy)',
  ]);
});

test('literal rows copy nothing; a file that only mentions knex gives nothing', () => {
  assert.equal(
    extractSource(`exports.up = async (knex) => {
  await knex('accounts').insert([{ display_name: 'x' }]);
  await knex.batchInsert('accounts', [{ username: 'y' }]);
};`),
    [],
  );
  assert.equal(extractSource(`// knex is configured elsewhere\nexport const x = 1;`), []);
});

test.run();
