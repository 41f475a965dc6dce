import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Fact } from '../../src/facts.js';
import { sqliteAsPostgres } from '../../src/extractors/sql/sqlite-spelling.js';
import { extract, spanOf } from './_helpers.js';

function brief(facts: Fact[]): string[] {
  return facts.map((fact) => {
    if (fact.kind === 'column-defined')
      return `column ${fact.table.name}.${fact.column} ${fact.dataType ?? ''}`;
    if (fact.kind === 'table-created') return `table ${fact.table.name}`;
    if (fact.kind === 'data-copied') return `copy into ${fact.target.name}`;
    return fact.kind;
  });
}

test("SQLite DDL (Drizzle's SQLite output, a desktop app's local schema) is read, at the columns' own places", () => {
  const sql = [
    'CREATE TABLE `patients` (',
    '\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,',
    '\t`cpf` text NOT NULL,',
    '\t`date_of_birth` integer',
    ');',
    '--> statement-breakpoint',
    'CREATE TABLE visits (',
    '  id INTEGER PRIMARY KEY AUTOINCREMENT,',
    "  diagnosis TEXT DEFAULT 'AUTOINCREMENT', -- STRICT in a comment",
    '  patient_id INTEGER REFERENCES patients(id)',
    ') STRICT, WITHOUT ROWID;',
    'INSERT OR REPLACE INTO visits (patient_id, diagnosis) SELECT id, cpf FROM patients;',
  ].join('\n');
  const facts = extract(sql);
  assert.equal(brief(facts), [
    'table patients',
    'column patients.id integer',
    'column patients.cpf text',
    'column patients.date_of_birth integer',
    'table visits',
    'column visits.id integer',
    'column visits.diagnosis text',
    'column visits.patient_id integer',
    'copy into visits',
  ]);
  const cpf = facts.find((fact) => fact.kind === 'column-defined' && fact.column === 'cpf');
  assert.equal(cpf?.at, spanOf(sql, '`cpf` text NOT NULL'));
  const copy = facts.find((fact) => fact.kind === 'data-copied');
  assert.equal(copy?.at.line, 12);
});

test('SQLite words are blanked in place, never inside strings, names or comments', () => {
  const statement =
    "CREATE TABLE t (id integer PRIMARY KEY AUTOINCREMENT, note text DEFAULT 'STRICT') STRICT";
  const spelled = sqliteAsPostgres(statement) as string;
  assert.is(spelled.length, statement.length);
  assert.is(
    spelled,
    "CREATE TABLE t (id integer PRIMARY KEY              , note text DEFAULT 'STRICT')       ",
  );
  assert.is(
    sqliteAsPostgres('INSERT OR IGNORE INTO t (a) VALUES (1)'),
    'INSERT           INTO t (a) VALUES (1)',
  );
  // Nothing SQLite's: no rewrite.
  assert.is(sqliteAsPostgres('CREATE TABLE t (id serial PRIMARY KEY)'), undefined);
  assert.is(sqliteAsPostgres("SELECT 'AUTOINCREMENT'"), undefined);
});

test('a Postgres statement that fails is still a parse error, not read as SQLite', () => {
  const sql = 'CREATE TABLE t (id integer PRIMARY KEY AUTOINCREMENT, email text,);';
  const facts = extract(sql);
  assert.equal(brief(facts), ['parse-error']);
});

test.run();
