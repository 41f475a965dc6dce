// Facts share one copy of each long string (no slice of the file's text) and kept strings are flattened,
// without changing any value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractTypeScriptFile } from '../src/extractors/typescript/index.js';
import { flatString, shareStrings } from '../src/util/shared-strings.js';

test('shareStrings changes no value, in nested objects and arrays, and returns the same object', () => {
  const text = `${'x'.repeat(500)}patient_email_address${'y'.repeat(500)}`;
  const fact = {
    kind: 'column-defined',
    table: { schema: 'public', name: text.slice(500, 521) },
    columns: [text.slice(500, 521), 'id', 7, null, undefined, true],
    at: { file: 'db/migrations/20240101_patients.ts', line: 3, column: 5 },
  };
  const before = structuredClone(fact);
  assert.is(shareStrings(fact), fact);
  assert.equal(fact, before);
  assert.is(fact.table.name, 'patient_email_address');
});

test('flatString returns the same text', () => {
  const parts = ['classifier: name "', 'email', '" reads as contact.email'];
  assert.is(flatString(`${parts[0]}${parts[1]}${parts[2]}`), parts.join(''));
  assert.is(flatString(''), '');
});

test('TypeScript facts keep their names and locations', () => {
  const text = [
    "import type { Knex } from 'knex';",
    'export async function up(knex: Knex) {',
    "  await knex.schema.createTable('patient_contacts', (table) => {",
    "    table.string('patient_email_address');",
    '  });',
    '}',
  ].join('\n');
  const facts = extractTypeScriptFile({
    path: 'db/migrations/001_contacts.ts',
    absolutePath: '/project/db/migrations/001_contacts.ts',
    text,
  });
  const column = facts.find((fact) => fact.kind === 'column-defined');
  assert.ok(column && column.kind === 'column-defined');
  assert.is(column.table.name, 'patient_contacts');
  assert.is(column.column, 'patient_email_address');
  assert.equal([column.at.line, column.at.column], [4, 5]);
});

test.run();
