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

test('createTable chain defines a column at each addColumn segment', () => {
  assert.equal(extractFixture('kysely/001_create_patients.ts').map(describeWithLocation), [
    '4:9-5:29 table-created patients table',
    '6:6-6:58 column-defined patients.id serial pk',
    '7:6-7:68 column-defined patients.full_name varchar(255)',
    '8:6-8:32 column-defined patients.email text',
    '9:6-9:40 column-defined patients.ip_address inet',
    '10:6-10:86 column-defined patients.prescriber_id integer -> prescribers.id',
  ]);
});

test('alterTable: addColumn, renameColumn, alterColumn setDataType, dropColumn', () => {
  assert.equal(extractFixture('kysely/002_alter_patients.ts').map(describeWithLocation), [
    '6:6-6:39 column-defined patients.phone varchar(32)',
    '8:42-8:81 column-renamed patients.full_name -> legal_name',
    '11:6-11:64 column-retyped patients.medication bytea',
    '13:42-13:59 column-dropped patients.fax',
  ]);
});

test('sql`…` statements, insertInto().columns().expression(select) and a view over a select', () => {
  const facts = extractFixture('kysely/003_raw_copy.ts');
  assert.equal(facts.map(describeWithLocation), [
    '4:13-4:45 access-granted patients select to anon',
    '5:9-9:15 data-copied insert accounts display_name<-patients.full_name(copy) username<-patients.email(copy)',
    '10:9-11:36 table-created patient_contacts view',
    '10:9-13:15 data-copied view patient_contacts name<-patients.full_name(copy) email<-patients.email(copy)',
  ]);
  assert.equal(copiedColumnLocations(facts), [
    'display_name@8:56-8:69',
    'username@8:71-8:80',
    'name@12:43-12:62',
    'email@12:64-12:71',
  ]);
});

for (const [fixture, sql] of [
  ['kysely/001_create_patients.ts', 'kysely/create.sql'],
  ['kysely/002_alter_patients.ts', 'kysely/alter.sql'],
  ['kysely/003_raw_copy.ts', 'kysely/raw-copy.sql'],
] as const) {
  test(`${fixture} gives the facts of the equivalent SQL`, () => {
    const { orm, sql: expected } = equivalentFacts(fixture, sql);
    assert.equal(orm, expected);
  });
}

test('an encrypting update, renameTo, a sql view body; literal values copy nothing', () => {
  const facts = extractSource(`
import { Kysely, sql } from 'kysely';
export async function up(db: Kysely<any>) {
  await db.insertInto('accounts').values({ display_name: 'x' }).execute();
  await db.insertInto('accounts').values([{ username: 'y' }]).execute();
  await db.updateTable('patients').set({ ssn: sql\`pgp_sym_encrypt(ssn, \${key})\` }).execute();
  await db.schema.alterTable('visits').renameTo('encounters').execute();
  await db.schema.createView('v').as(sql\`SELECT email FROM patients\`).execute();
}
export async function down(db: Kysely<any>) {
  await db.schema.dropTable('accounts').execute();
}`);
  assert.equal(facts.map(describeWithLocation), [
    '6:9-6:93 data-copied update patients ssn<-patients.ssn(encrypt)',
    '7:40-7:62 table-renamed visits -> encounters',
    '8:9-8:68 table-created v view',
    '8:9-8:68 data-copied view v email<-patients.email(copy)',
  ]);
});

test.run();
