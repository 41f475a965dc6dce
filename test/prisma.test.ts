import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractPrismaSchema } from '../src/extractors/prisma.js';
import type { Fact, SourceLocation } from '../src/facts.js';
import { findingsIn } from './scan-helpers.js';

const FIXTURES = 'test/fixtures/prisma';

function scan(name: string, text = readFileSync(`${FIXTURES}/${name}`, 'utf8')): Fact[] {
  const path = `${FIXTURES}/${name}`;
  return extractPrismaSchema({ path, absolutePath: path, text });
}

function at(
  file: string,
  line: number,
  column: number,
  endLine: number,
  endColumn: number,
): SourceLocation {
  return { file: `${FIXTURES}/${file}`, line, column, endLine, endColumn };
}

const schemaAt = (line: number, column: number, endLine: number, endColumn: number) =>
  at('schema.prisma', line, column, endLine, endColumn);

const patients = { name: 'patients', schema: 'public' };
const prescriptions = { name: 'Prescription' };

test('models become declared tables with @@map and @@schema, scalar fields columns', () => {
  assert.equal(scan('schema.prisma'), [
    {
      kind: 'table-created',
      at: schemaAt(16, 1, 31, 2),
      table: patients,
      objectType: 'table',
      declared: true,
    },
    {
      kind: 'column-defined',
      at: schemaAt(17, 3, 17, 61),
      table: patients,
      column: 'id',
      dataType: 'serial',
      primaryKey: true,
    },
    {
      kind: 'column-defined',
      at: schemaAt(18, 3, 18, 49),
      table: patients,
      column: 'full_name',
      dataType: 'text',
    },
    {
      kind: 'column-defined',
      at: schemaAt(19, 3, 19, 48),
      table: patients,
      column: 'email',
      dataType: 'varchar(255)',
    },
    {
      kind: 'column-defined',
      at: schemaAt(20, 3, 20, 40),
      table: patients,
      column: 'dob',
      dataType: 'date',
    },
    {
      kind: 'column-defined',
      at: schemaAt(21, 3, 21, 23),
      table: patients,
      column: 'ssn',
      dataType: 'text',
      encryption: 'prisma @encrypted marker',
    },
    {
      kind: 'column-defined',
      at: schemaAt(23, 3, 23, 23),
      table: patients,
      column: 'diagnosis',
      dataType: 'text',
      encryption: 'prisma @encrypted marker',
    },
    {
      kind: 'column-defined',
      at: schemaAt(24, 3, 24, 49),
      table: patients,
      column: 'role',
      dataType: 'role',
    },
    {
      kind: 'column-defined',
      at: schemaAt(25, 3, 25, 25),
      table: patients,
      column: 'tags',
      dataType: 'text[]',
    },
    {
      kind: 'column-defined',
      at: schemaAt(26, 3, 26, 46),
      table: patients,
      column: 'notes',
      dataType: 'jsonb',
    },
    {
      kind: 'table-created',
      at: schemaAt(33, 1, 42, 2),
      table: prescriptions,
      objectType: 'table',
      declared: true,
    },
    {
      kind: 'column-defined',
      at: schemaAt(34, 3, 34, 25),
      table: prescriptions,
      column: 'id',
      dataType: 'bigint',
      primaryKey: true,
    },
    {
      kind: 'column-defined',
      at: schemaAt(35, 3, 35, 40),
      table: prescriptions,
      column: 'patient_id',
      dataType: 'integer',
      references: { table: patients, column: 'id' },
    },
    {
      kind: 'column-defined',
      at: schemaAt(37, 3, 37, 20),
      table: prescriptions,
      column: 'medication',
      dataType: 'text',
    },
    {
      kind: 'column-defined',
      at: schemaAt(38, 3, 38, 21),
      table: prescriptions,
      column: 'dosage',
      dataType: 'numeric(65,30)',
    },
    {
      kind: 'column-defined',
      at: schemaAt(39, 3, 39, 21),
      table: prescriptions,
      column: 'paid',
      dataType: 'boolean',
    },
    {
      kind: 'column-defined',
      at: schemaAt(40, 3, 40, 19),
      table: prescriptions,
      column: 'scan',
      dataType: 'bytea',
    },
    {
      kind: 'column-defined',
      at: schemaAt(41, 3, 41, 19),
      table: prescriptions,
      column: 'ratio',
      dataType: 'double precision',
    },
  ]);
});

test('unbalanced braces are parse errors at the problem; the rest is still read', () => {
  const brokenAt = (line: number, column: number, endLine: number, endColumn: number) =>
    at('broken.prisma', line, column, endLine, endColumn);
  assert.equal(scan('broken.prisma'), [
    {
      kind: 'parse-error',
      at: brokenAt(1, 1, 1, 14),
      message: 'model Patient is not closed: missing }',
    },
    { kind: 'parse-error', at: brokenAt(9, 1, 9, 2), message: 'Unexpected } outside a block' },
    {
      kind: 'table-created',
      at: brokenAt(1, 1, 5, 1),
      table: { name: 'Patient' },
      objectType: 'table',
      declared: true,
    },
    {
      kind: 'column-defined',
      at: brokenAt(2, 3, 2, 19),
      table: { name: 'Patient' },
      column: 'id',
      dataType: 'integer',
      primaryKey: true,
    },
    {
      kind: 'column-defined',
      at: brokenAt(3, 3, 3, 15),
      table: { name: 'Patient' },
      column: 'email',
      dataType: 'text',
    },
    {
      kind: 'table-created',
      at: brokenAt(5, 1, 8, 2),
      table: { name: 'Clinic' },
      objectType: 'table',
      declared: true,
    },
    {
      kind: 'column-defined',
      at: brokenAt(6, 3, 6, 18),
      table: { name: 'Clinic' },
      column: 'id',
      dataType: 'integer',
      primaryKey: true,
    },
    {
      kind: 'column-defined',
      at: brokenAt(7, 3, 7, 14),
      table: { name: 'Clinic' },
      column: 'name',
      dataType: 'text',
    },
  ]);
});

test('composite @@id, model-level @@encrypted and the MySQL provider', () => {
  const text = [
    'datasource db {',
    '  provider = "mysql"',
    '}',
    '/// @@encrypted',
    'model Visit {',
    '  clinicId Int    @map("clinic_id")',
    '  number   Int',
    '  notes    String',
    '  at       DateTime',
    '  @@id([clinicId, number])',
    '}',
  ].join('\n');
  const facts = scan('inline.prisma', text);
  const columns = facts.flatMap((fact) =>
    fact.kind === 'column-defined'
      ? [[fact.column, fact.dataType, fact.primaryKey ?? false, fact.encryption ?? '']]
      : [],
  );
  assert.equal(columns, [
    ['clinic_id', 'integer', true, ''],
    ['number', 'integer', true, ''],
    ['notes', 'varchar(191)', false, 'prisma @encrypted marker'],
    ['at', 'datetime(3)', false, ''],
  ]);
});

test('a plain // comment is no encryption marker; enums and relations are no columns', () => {
  const facts = scan('schema.prisma');
  const names = facts.flatMap((fact) => (fact.kind === 'column-defined' ? [fact.column] : []));
  assert.not.ok(names.includes('prescriptions'));
  assert.not.ok(names.includes('patient'));
  assert.not.ok(names.includes('PATIENT'));
  const medication = facts.find(
    (fact) => fact.kind === 'column-defined' && fact.column === 'medication',
  );
  assert.ok(medication && medication.kind === 'column-defined' && !medication.encryption);
});

test('never throws on text that is not Prisma', () => {
  const facts = scan('garbage.prisma', '{{{ ]]] "unterminated\n\u0000');
  assert.ok(facts.every((fact) => fact.kind === 'parse-error'));
  assert.ok(facts.length > 0);
});

test('a committed generated client (runtime/, index.d.ts, a schema copy) is not read: one finding, at the schema', async () => {
  const folder = 'test/fixtures/prisma-generated-client';
  assert.equal(await findingsIn(folder), [
    `pii-unencrypted ${folder}/server/prisma/schema.prisma:15:3`,
  ]);
});

test.run();
