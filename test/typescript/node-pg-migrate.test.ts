import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractSqlFile, initSqlParser } from '../../src/extractors/sql/index.js';
import type { ScannedFile } from '../../src/extractors/types.js';
import { createTsFileContext } from '../../src/extractors/typescript/context.js';
import { extractTypeScriptFile } from '../../src/extractors/typescript/index.js';
import { nodePgMigrateExtractor } from '../../src/extractors/typescript/node-pg-migrate/schema.js';
import { parseSourceFile, releaseSourceFile } from '../../src/extractors/typescript/project.js';
import type { Fact, SourceLocation } from '../../src/facts.js';

const DIR = 'test/fixtures/typescript/node-pg-migrate';

function fixture(name: string, text?: string): ScannedFile {
  const path = `${DIR}/${name}`;
  return { path, absolutePath: path, text: text ?? readFileSync(path, 'utf8') };
}

function extract(file: ScannedFile): Fact[] {
  assert.ok(nodePgMigrateExtractor.applies(file.text), 'prefilter accepts the file');
  const sourceFile = parseSourceFile(file.path, file.text);
  try {
    return nodePgMigrateExtractor.extract(createTsFileContext(file, sourceFile));
  } finally {
    releaseSourceFile(sourceFile);
  }
}

/** Facts without locations, for comparing a migration with its SQL equivalent. */
function withoutLocations(facts: Fact[]): unknown[] {
  return JSON.parse(
    JSON.stringify(facts, (key, value: unknown) =>
      key === 'at' || key === 'declared' ? undefined : value,
    ),
  ) as unknown[];
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, inner]) => [key, sortKeys(inner)]),
  );
}

function assertSameFactsAsSql(migration: string, sql: string): void {
  const fromMigration = sortKeys(withoutLocations(extract(fixture(migration))));
  const fromSql = sortKeys(withoutLocations(extractSqlFile(fixture(sql))));
  assert.equal(fromMigration, fromSql);
}

const at = (
  file: string,
  line: number,
  column: number,
  endLine: number,
  endColumn: number,
): SourceLocation => ({ file: `${DIR}/${file}`, line, column, endLine, endColumn });

test.before(async () => {
  await initSqlParser();
});

test('createTable: a table and a column per property, at the property', () => {
  const file = '1700000000000_create-patients.js';
  const patients = { name: 'patients' };
  assert.equal(extract(fixture(file)), [
    { kind: 'table-created', at: at(file, 5, 3, 10, 5), table: patients, objectType: 'table' },
    {
      kind: 'column-defined',
      at: at(file, 6, 5, 6, 13),
      table: patients,
      column: 'id',
      dataType: 'serial',
      primaryKey: true,
    },
    {
      kind: 'column-defined',
      at: at(file, 7, 5, 7, 47),
      table: patients,
      column: 'full_name',
      dataType: 'text',
    },
    {
      kind: 'column-defined',
      at: at(file, 8, 5, 8, 26),
      table: patients,
      column: 'email',
      dataType: 'varchar(255)',
    },
    {
      kind: 'column-defined',
      at: at(file, 9, 5, 9, 58),
      table: patients,
      column: 'clinic_id',
      dataType: 'integer',
      references: { table: { name: 'clinics' }, column: 'id' },
    },
  ]);
});

test('alterations in `export async function up(pgm: MigrationBuilder)`; `down` is skipped', () => {
  const file = '1700000000001_alter-patients.ts';
  const patients = { name: 'patients' };
  assert.equal(extract(fixture(file)), [
    {
      kind: 'column-defined',
      at: at(file, 5, 5, 5, 33),
      table: patients,
      column: 'ssn',
      dataType: 'varchar(11)',
    },
    {
      kind: 'column-renamed',
      at: at(file, 7, 3, 7, 58),
      table: patients,
      column: 'full_name',
      newName: 'legal_name',
    },
    {
      kind: 'column-retyped',
      at: at(file, 8, 3, 8, 57),
      table: patients,
      column: 'email',
      dataType: 'text',
    },
    { kind: 'column-dropped', at: at(file, 9, 3, 9, 45), table: patients, column: 'clinic_id' },
    { kind: 'table-renamed', at: at(file, 10, 3, 10, 41), table: patients, newName: 'members' },
  ]);
});

test('raw SQL, a view, RLS, a policy and a grant: SQL facts located in the .js file', () => {
  const file = '1700000000002_expose-members.js';
  const members = { name: 'members' };
  const facts = extract(fixture(file));
  assert.equal(
    facts.map((fact) => [
      fact.kind,
      fact.at.line,
      fact.at.column,
      fact.at.endLine,
      fact.at.endColumn,
    ]),
    [
      ['data-copied', 2, 12, 2, 91],
      ['table-created', 3, 3, 3, 81],
      ['data-copied', 3, 3, 3, 81],
      ['row-security-changed', 4, 3, 4, 58],
      ['policy-created', 5, 3, 5, 94],
      ['access-granted', 6, 3, 6, 84],
    ],
  );
  const view = facts[2];
  assert.ok(view?.kind === 'data-copied');
  // The select-list items keep their own positions inside the string literal.
  assert.equal(
    view.columns.map((column) => [
      column.column,
      column.at.line,
      column.at.column,
      column.at.endColumn,
    ]),
    [
      ['legal_name', 3, 49, 59],
      ['email', 3, 61, 66],
    ],
  );
  assert.equal(facts[4], {
    kind: 'policy-created',
    at: at(file, 5, 3, 5, 94),
    table: members,
    name: 'read_all',
    roles: ['anon'],
    command: 'select',
    permissive: true,
    usingAlwaysTrue: true,
    using: 'true',
  });
  assert.equal(facts[5], {
    kind: 'access-granted',
    at: at(file, 6, 3, 6, 84),
    table: members,
    roles: ['anon'],
    privileges: ['select'],
  });
});

test('each migration gives the facts of its SQL equivalent', () => {
  assertSameFactsAsSql('1700000000000_create-patients.js', '1700000000000_create-patients.sql');
  assertSameFactsAsSql('1700000000001_alter-patients.ts', '1700000000001_alter-patients.sql');
  assertSameFactsAsSql('1700000000002_expose-members.js', '1700000000002_expose-members.sql');
});

test('alterColumn with USING is judged by the SQL reader (decrypting removes encryption)', () => {
  const text = [
    'exports.up = (pgm) => {',
    "  pgm.alterColumn('patients', 'ssn', { type: 'text', using: 'pgp_sym_decrypt(ssn, current_setting(\\'app.key\\'))' });",
    '};',
  ].join('\n');
  const facts = extract(fixture('using.js', text));
  assert.equal(facts.length, 1);
  const retyped = facts[0];
  assert.ok(retyped?.kind === 'column-retyped');
  assert.equal(retyped.at, at('using.js', 2, 3, 2, 116));
  assert.equal(
    [retyped.table, retyped.column, retyped.dataType],
    [{ name: 'patients' }, 'ssn', 'text'],
  );
  assert.equal(retyped.using?.transform, 'decrypt');
  assert.equal(retyped.using?.from, [{ table: { name: 'patients' }, column: 'ssn' }]);
});

test('grants on every table of a schema, schema-qualified names, constants and helpers', () => {
  const text = [
    "const TABLE = 'patients';",
    'function addAudit(pgm, table) {',
    "  pgm.addColumns(table, { updated_by: 'text' });",
    '}',
    'module.exports = {',
    '  up(pgm) {',
    "    pgm.dropTable({ schema: 'legacy', name: TABLE });",
    "    pgm.grantOnTables({ tables: 'ALL', schema: 'public', privileges: 'ALL', roles: ['PUBLIC'] });",
    "    pgm.alterTable(TABLE, { levelSecurity: 'ENABLE' });",
    "    pgm.createPolicy(TABLE, 'own', { using: 'auth.uid() = user_id' });",
    '  },',
    '  down(pgm) {',
    '    pgm.createTable(TABLE, { id: "id" });',
    '  },',
    '};',
  ].join('\n');
  const file = 'grants.js';
  assert.equal(extract(fixture(file, text)), [
    {
      kind: 'table-dropped',
      at: at(file, 7, 5, 7, 53),
      table: { name: 'patients', schema: 'legacy' },
    },
    {
      kind: 'access-granted',
      at: at(file, 8, 5, 8, 97),
      table: { name: '*', schema: 'public' },
      roles: ['public'],
      privileges: ['all'],
    },
    {
      kind: 'row-security-changed',
      at: at(file, 9, 5, 9, 55),
      table: { name: 'patients' },
      enabled: true,
    },
    {
      kind: 'policy-created',
      at: at(file, 10, 5, 10, 70),
      table: { name: 'patients' },
      name: 'own',
      roles: [],
      command: 'all',
      permissive: true,
      usingAlwaysTrue: false,
      using: 'auth.uid() = user_id',
    },
    {
      kind: 'platform-hint',
      at: at(file, 10, 45, 10, 67),
      platform: 'supabase',
      evidence: 'auth.uid()',
    },
  ]);
});

test('the prefilter leaves other tools’ migrations alone', () => {
  assert.not.ok(
    nodePgMigrateExtractor.applies(
      "exports.up = (knex) => knex.schema.createTable('t', (table) => table.text('email'));",
    ),
  );
  assert.not.ok(
    nodePgMigrateExtractor.applies(
      "module.exports = { up: async (queryInterface, Sequelize) => queryInterface.createTable('t', {}) };",
    ),
  );
});

test('runs through the TypeScript pipeline (registered)', () => {
  const facts = extractTypeScriptFile(fixture('1700000000000_create-patients.js'));
  assert.equal(
    facts.map((fact) => fact.kind),
    ['table-created', 'column-defined', 'column-defined', 'column-defined', 'column-defined'],
  );
});

test.run();
