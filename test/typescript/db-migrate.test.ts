import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractSqlFile, initSqlParser } from '../../src/extractors/sql/index.js';
import type { ScannedFile } from '../../src/extractors/types.js';
import { createTsFileContext } from '../../src/extractors/typescript/context.js';
import { dbMigrateExtractor } from '../../src/extractors/typescript/db-migrate/schema.js';
import { extractTypeScriptFile } from '../../src/extractors/typescript/index.js';
import { nodePgMigrateExtractor } from '../../src/extractors/typescript/node-pg-migrate/schema.js';
import { parseSourceFile, releaseSourceFile } from '../../src/extractors/typescript/project.js';
import type { Fact, SourceLocation } from '../../src/facts.js';

const DIR = 'test/fixtures/typescript/db-migrate';

function fixture(name: string, text?: string): ScannedFile {
  const path = `${DIR}/${name}`;
  return { path, absolutePath: path, text: text ?? readFileSync(path, 'utf8') };
}

function extract(file: ScannedFile): Fact[] {
  assert.ok(dbMigrateExtractor.applies(file.text), 'prefilter accepts the file');
  const sourceFile = parseSourceFile(file.path, file.text);
  try {
    return dbMigrateExtractor.extract(createTsFileContext(file, sourceFile));
  } finally {
    releaseSourceFile(sourceFile);
  }
}

function withoutLocations(facts: Fact[]): unknown {
  return JSON.parse(
    JSON.stringify(facts, (key, value: unknown) => (key === 'at' ? undefined : value)),
  ) as unknown;
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

test('createTable with callback: db-migrate types mapped, foreign key, `down` skipped', () => {
  const file = '20240101000000-create-patients.js';
  const patients = { name: 'patients' };
  assert.equal(extract(fixture(file)), [
    { kind: 'table-created', at: at(file, 12, 3, 17, 15), table: patients, objectType: 'table' },
    {
      kind: 'column-defined',
      at: at(file, 13, 5, 13, 42),
      table: patients,
      column: 'id',
      dataType: 'integer',
      primaryKey: true,
    },
    {
      kind: 'column-defined',
      at: at(file, 14, 5, 14, 24),
      table: patients,
      column: 'full_name',
      dataType: 'varchar(255)',
    },
    {
      kind: 'column-defined',
      at: at(file, 15, 5, 15, 46),
      table: patients,
      column: 'email',
      dataType: 'varchar(255)',
    },
    {
      kind: 'column-defined',
      at: at(file, 16, 5, 16, 108),
      table: patients,
      column: 'clinic_id',
      dataType: 'integer',
      references: { table: { name: 'clinics' }, column: 'id' },
    },
  ]);
});

test('async alterations and runSql, each at its call', () => {
  const file = '20240102000000-alter-patients.js';
  const patients = { name: 'patients' };
  const facts = extract(fixture(file));
  assert.equal(facts.slice(0, 5), [
    {
      kind: 'column-defined',
      at: at(file, 2, 9, 2, 72),
      table: patients,
      column: 'ssn',
      dataType: 'varchar(11)',
    },
    {
      kind: 'column-renamed',
      at: at(file, 3, 9, 3, 63),
      table: patients,
      column: 'full_name',
      newName: 'legal_name',
    },
    {
      kind: 'column-retyped',
      at: at(file, 4, 9, 4, 63),
      table: patients,
      column: 'email',
      dataType: 'text',
    },
    { kind: 'column-dropped', at: at(file, 5, 9, 5, 49), table: patients, column: 'clinic_id' },
    { kind: 'table-renamed', at: at(file, 6, 9, 6, 46), table: patients, newName: 'members' },
  ]);
  const copy = facts[5];
  assert.ok(copy?.kind === 'data-copied');
  assert.equal(copy.at, at(file, 7, 20, 7, 99));
  assert.equal(
    copy.columns.map((column) => [
      column.column,
      column.at.line,
      column.at.column,
      column.at.endColumn,
    ]),
    [
      ['name', 7, 69, 79],
      ['email', 7, 81, 86],
    ],
  );
  assert.equal(facts.length, 6);
});

test('each migration gives the facts of its SQL equivalent', () => {
  for (const name of ['20240101000000-create-patients', '20240102000000-alter-patients']) {
    assert.equal(
      withoutLocations(extract(fixture(`${name}.js`))),
      withoutLocations(extractSqlFile(fixture(`${name}.sql`))),
    );
  }
});

test('type constants, { columns } options and promise chains', () => {
  const text = [
    'exports.up = function (db) {',
    "  return db.createTable('visits', { ifNotExists: true, columns: { at: { type: dbm.dataType.DATE_TIME }, scan: 'blob', ok: type.BOOLEAN } })",
    "    .then(() => db.changeColumn('visits', 'scan', { type: 'decimal', precision: 10, scale: 2 }));",
    '};',
  ].join('\n');
  const facts = extract(fixture('chain.js', text));
  assert.equal(
    facts.map((fact) =>
      fact.kind === 'column-defined' || fact.kind === 'column-retyped'
        ? [fact.kind, fact.column, fact.dataType, fact.at.line, fact.at.column]
        : [fact.kind, fact.at.line, fact.at.column],
    ),
    [
      ['table-created', 2, 10],
      ['column-defined', 'at', 'timestamp', 2, 67],
      ['column-defined', 'scan', 'bytea', 2, 105],
      ['column-defined', 'ok', 'boolean', 2, 119],
      ['column-retyped', 'scan', 'numeric(10,2)', 3, 17],
    ],
  );
});

test('db-migrate and node-pg-migrate do not both claim a file; Sequelize is left alone', () => {
  const dbMigrate = readFileSync(`${DIR}/20240101000000-create-patients.js`, 'utf8');
  assert.not.ok(nodePgMigrateExtractor.applies(dbMigrate));
  assert.not.ok(
    dbMigrateExtractor.applies(
      "module.exports = { up: async (queryInterface, Sequelize) => queryInterface.removeColumn('t', 'c') };",
    ),
  );
});

test('runs through the TypeScript pipeline (registered)', () => {
  const facts = extractTypeScriptFile(fixture('20240102000000-alter-patients.js'));
  assert.equal(
    facts.map((fact) => fact.kind),
    [
      'column-defined',
      'column-renamed',
      'column-retyped',
      'column-dropped',
      'table-renamed',
      'data-copied',
    ],
  );
});

test('a bare callback migration (no dbmigrate setup, no _meta) is read: createTable with string, timestamp and a String default', () => {
  const file = '20200416201319-create-members.js';
  const members = { name: 'members' };
  const text = readFileSync(`${DIR}/${file}`, 'utf8');
  assert.not.ok(/dbmigrate|_meta|runSql|removeColumn|changeColumn/.test(text));
  const facts = extractTypeScriptFile(fixture(file));
  assert.equal(facts[0], {
    kind: 'table-created',
    at: at(file, 5, 3, 17, 4),
    table: members,
    objectType: 'table',
  });
  assert.equal(
    facts
      .slice(1)
      .map((fact) =>
        fact.kind === 'column-defined'
          ? [fact.column, fact.dataType, fact.at.line, fact.at.column, fact.at.endColumn]
          : [fact.kind],
      ),
    [
      ['id', 'integer', 8, 7, 65],
      ['display_name', 'varchar(255)', 9, 7, 52],
      ['login', 'varchar(255)', 10, 7, 59],
      ['email', 'varchar(255)', 11, 7, 45],
      ['avatar_url', 'varchar(255)', 12, 7, 37],
      ['password_hash', 'varchar(255)', 13, 7, 40],
      ['joined_at', 'timestamp', 14, 7, 74],
    ],
  );
});

test('the bare form: async and arrow `up`, each builder call; Sequelize, node-pg-migrate and Knex are left alone', () => {
  const accepted = [
    "exports.up = async function (db) { await db.addColumn('members', 'phone', { type: 'string' }); };",
    "exports.up = (db, callback) => db.renameColumn('members', 'login', 'username', callback);",
    "exports.up = async (db) => { await db.addIndex('members', 'members_email', ['email']); };",
    "exports.up = db => db.dropTable('old_members');",
  ];
  for (const text of accepted) assert.ok(dbMigrateExtractor.applies(text), text);
  const phone = extract(fixture('add-phone.js', accepted[0]));
  assert.equal(
    phone.map((fact) => [fact.kind, fact.at.line, fact.at.column]),
    [['column-defined', 1, 42]],
  );
  const refused = [
    // A builder call without db-migrate's `up (db, …)`.
    "export async function seed(db) { await db.createTable('x', {}); }",
    // Knex names its parameter knex.
    "exports.up = function (knex) { return knex.schema.createTable('members', (t) => { t.string('email'); }); };",
    "exports.up = async (queryInterface, Sequelize) => { await queryInterface.createTable('members', { email: Sequelize.STRING }); };",
    "exports.up = (db) => { const pgm = db; pgm.createTable('members', { email: 'text' }); db.createTable('x', {}); };",
  ];
  for (const text of refused) assert.not.ok(dbMigrateExtractor.applies(text), text);
});

test.run();
