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
import { findingsIn } from '../scan-helpers.js';

test.before(async () => {
  await initSqlParser();
});

test('createTable(new Table(…)) defines each column at its object literal, with foreign keys', () => {
  assert.equal(
    extractFixture('typeorm/1700000000001-CreatePatients.ts').map(describeWithLocation),
    [
      '5:11-20:6 table-created patients table',
      '9:11-9:74 column-defined patients.id integer pk',
      '10:11-10:64 column-defined patients.full_name varchar(255)',
      '11:11-11:88 column-defined patients.email varchar(320)',
      '12:11-12:64 column-defined patients.medication text',
      '13:11-13:53 column-defined patients.prescriber_id integer -> prescribers.id',
    ],
  );
});

test('addColumn, renameColumn on a fetched table, changeColumn retype, dropColumn; down skipped', () => {
  assert.equal(extractFixture('typeorm/1700000000002-AlterPatients.ts').map(describeWithLocation), [
    '8:56-8:104 column-defined patients.phone varchar(32)',
    '9:11-9:70 column-renamed patients.full_name -> legal_name',
    '13:23-13:60 column-retyped patients.medication bytea',
    '15:11-15:52 column-dropped patients.fax',
  ]);
});

test('queryRunner.query and manager.query are SQL; a View expression is read as CREATE VIEW', () => {
  const facts = extractFixture('typeorm/1700000000003-RawAndCopy.ts');
  assert.equal(facts.map(describeWithLocation), [
    '5:30-5:62 access-granted patients select to anon',
    '7:8-8:45 data-copied insert accounts display_name<-patients.full_name(copy) username<-patients.email(copy)',
    '10:11-11:94 table-created patient_contacts view',
    '10:11-11:94 data-copied view patient_contacts full_name<-patients.full_name(copy) email<-patients.email(copy)',
  ]);
  assert.equal(copiedColumnLocations(facts), [
    'display_name@8:15-8:24',
    'username@8:26-8:31',
    'full_name@11:64-11:73',
    'email@11:75-11:80',
  ]);
});

test('entities are declared tables; an encrypting transformer is encryption evidence', () => {
  assert.equal(extractFixture('typeorm/patient.entity.ts').map(describeWithLocation), [
    '4:1-4:20 table-created patients table declared',
    '6:3-7:14 column-defined patients.id serial pk',
    '9:3-10:20 column-defined patients.fullName varchar',
    '12:3-13:17 column-defined patients.email varchar(320)',
    '15:3-16:22 column-defined patients.medication text encrypted(transformer: new EncryptionTransformer({ key: process.env.KEY }))',
    '18:3-19:28 column-defined patients.dateOfBirth date',
  ]);
});

for (const [fixture, sql] of [
  ['typeorm/1700000000001-CreatePatients.ts', 'typeorm/create.sql'],
  ['typeorm/1700000000002-AlterPatients.ts', 'typeorm/alter.sql'],
  ['typeorm/1700000000003-RawAndCopy.ts', 'typeorm/raw-copy.sql'],
] as const) {
  test(`${fixture} gives the facts of the equivalent SQL`, () => {
    const { orm, sql: expected } = equivalentFacts(fixture, sql);
    assert.equal(orm, expected);
  });
}

test('changeColumns with a new name renames then retypes; an entity without a name is snake_case', () => {
  const facts = extractSource(`
import { Entity, Column, QueryRunner, TableColumn } from 'typeorm';
@Entity({ schema: 'clinic' })
export class PatientNote { @Column('text') body: string; }
export class Rename1 {
  async up(queryRunner: QueryRunner) {
    await queryRunner.changeColumns('notes', [
      { oldColumn: 'body', newColumn: new TableColumn({ name: 'note_text', type: 'text' }) },
    ]);
    await queryRunner.renameTable('notes', 'patient_notes');
  }
}`);
  assert.equal(facts.map(describeWithLocation), [
    '3:1-3:30 table-created clinic.patient_note table declared',
    '4:28-4:57 column-defined clinic.patient_note.body text',
    '8:55-8:90 column-renamed notes.body -> note_text',
    '8:55-8:90 column-retyped notes.note_text text',
    '10:11-10:60 table-renamed notes -> patient_notes',
  ]);
});

test('an entity linked to a patient through @ManyToOne holds health data; a code table does not', async () => {
  // The relation's key (`patientId`, from @JoinColumn) references the patient entity's table.
  const folder = 'test/fixtures/typescript/typeorm-relations';
  assert.equal(await findingsIn(folder), [
    `pii-unencrypted ${folder}/src/entities/visit-note.entity.ts:14:3`,
  ]);
});

test.run();
