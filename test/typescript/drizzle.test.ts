import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractSqlFile, initSqlParser } from '../../src/extractors/sql/index.js';
import type { ScannedFile } from '../../src/extractors/types.js';
import { createTsFileContext } from '../../src/extractors/typescript/context.js';
import { drizzleExtractor } from '../../src/extractors/typescript/drizzle/schema.js';
import { extractTypeScriptFile } from '../../src/extractors/typescript/index.js';
import { parseSourceFile, releaseSourceFile } from '../../src/extractors/typescript/project.js';
import type { Fact, SourceLocation } from '../../src/facts.js';
import { findingsIn } from '../scan-helpers.js';

const DIR = 'test/fixtures/typescript/drizzle';

function fixture(name: string, text?: string): ScannedFile {
  const path = `${DIR}/${name}`;
  return { path, absolutePath: path, text: text ?? readFileSync(path, 'utf8') };
}

function extract(file: ScannedFile): Fact[] {
  assert.ok(drizzleExtractor.applies(file.text), 'prefilter accepts the file');
  const sourceFile = parseSourceFile(file.path, file.text);
  try {
    return drizzleExtractor.extract(createTsFileContext(file, sourceFile));
  } finally {
    releaseSourceFile(sourceFile);
  }
}

/** Facts without locations or platform evidence, for comparing a schema with its SQL equivalent. */
function comparable(facts: Fact[]): unknown {
  const stripped = facts.filter((fact) => fact.kind !== 'platform-hint');
  return JSON.parse(
    JSON.stringify(stripped, (key, value: unknown) =>
      key === 'at' || key === 'declared' ? undefined : value,
    ),
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

test('pgTable: declared tables, columns named by the builder, references, policy, Supabase', () => {
  const file = 'schema.ts';
  const clinics = { name: 'clinics' };
  const patients = { name: 'patients' };
  assert.equal(extract(fixture(file)), [
    {
      kind: 'platform-hint',
      at: at(file, 3, 1, 3, 49),
      platform: 'supabase',
      evidence: 'imports anonRole from drizzle-orm/supabase',
    },
    {
      kind: 'table-created',
      at: at(file, 5, 24, 7, 3),
      table: clinics,
      objectType: 'table',
      declared: true,
    },
    {
      kind: 'column-defined',
      at: at(file, 6, 3, 6, 32),
      table: clinics,
      column: 'id',
      dataType: 'serial',
      primaryKey: true,
    },
    {
      kind: 'table-created',
      at: at(file, 9, 25, 21, 2),
      table: patients,
      objectType: 'table',
      declared: true,
    },
    {
      kind: 'column-defined',
      at: at(file, 12, 5, 12, 34),
      table: patients,
      column: 'id',
      dataType: 'serial',
      primaryKey: true,
    },
    {
      kind: 'column-defined',
      at: at(file, 13, 5, 13, 42),
      table: patients,
      column: 'full_name',
      dataType: 'text',
    },
    {
      kind: 'column-defined',
      at: at(file, 14, 5, 14, 45),
      table: patients,
      column: 'email',
      dataType: 'varchar(255)',
    },
    {
      kind: 'column-defined',
      at: at(file, 15, 5, 15, 31),
      table: patients,
      column: 'date_of_birth',
      dataType: 'date',
    },
    {
      kind: 'column-defined',
      at: at(file, 16, 5, 16, 64),
      table: patients,
      column: 'clinic_id',
      dataType: 'integer',
      references: { table: clinics, column: 'id' },
    },
    // drizzle-kit enables RLS on a table with a policy.
    {
      kind: 'row-security-changed',
      at: at(file, 19, 5, 19, 94),
      table: patients,
      enabled: true,
    },
    {
      kind: 'policy-created',
      at: at(file, 19, 5, 19, 94),
      table: patients,
      name: 'read_all',
      roles: ['anon'],
      command: 'select',
      permissive: true,
      usingAlwaysTrue: true,
      using: 'true',
    },
  ]);
});

test('the schema gives the facts of the SQL drizzle-kit generates for it', () => {
  assert.equal(
    comparable(extract(fixture('schema.ts'))),
    comparable(extractSqlFile(fixture('schema.sql'))),
  );
});

test('pgSchema tables, an encrypting customType, enableRLS and a query-builder view', () => {
  const file = 'secure.ts';
  const prescriptions = { name: 'prescriptions', schema: 'pharmacy' };
  assert.equal(extract(fixture(file)), [
    {
      kind: 'table-created',
      at: at(file, 15, 30, 19, 3),
      table: prescriptions,
      objectType: 'table',
      declared: true,
    },
    // A builder from another file: the column is known, its type is not.
    { kind: 'column-defined', at: at(file, 16, 3, 16, 23), table: prescriptions, column: 'id' },
    {
      kind: 'column-defined',
      at: at(file, 17, 3, 17, 42),
      table: prescriptions,
      column: 'medication',
      dataType: 'bytea',
      encryption: 'drizzle customType encryptedText encrypts in toDriver (encrypt)',
    },
    {
      kind: 'column-defined',
      at: at(file, 18, 3, 18, 59),
      table: prescriptions,
      column: 'filled_at',
      dataType: 'timestamptz',
    },
    {
      kind: 'row-security-changed',
      at: at(file, 19, 4, 19, 13),
      table: prescriptions,
      enabled: true,
    },
    {
      kind: 'table-created',
      at: at(file, 21, 32, 23, 2),
      table: { name: 'medication_names' },
      objectType: 'view',
      declared: true,
    },
    {
      kind: 'data-copied',
      at: at(file, 21, 32, 23, 2),
      target: { name: 'medication_names' },
      via: 'view',
      columns: [
        {
          column: 'medication',
          value: { from: [{ table: prescriptions, column: 'medication' }], transform: 'copy' },
          at: at(file, 22, 15, 22, 45),
        },
      ],
    },
  ]);
});

test('mysqlTable, sqliteTable, callback columns, withRLS, restrictive policies and roles', () => {
  const text = [
    "import { int, mysqlTable, varchar } from 'drizzle-orm/mysql-core';",
    "import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';",
    "import { pgPolicy, pgRole, pgTable } from 'drizzle-orm/pg-core';",
    "const staff = pgRole('staff');",
    "export const members = mysqlTable('members', { id: int().primaryKey(), email: varchar({ length: 320 }) });",
    "export const notes = sqliteTable('notes', (t) => ({ body: t.text('body'), at: integer('at', { mode: 'timestamp' }) }));",
    "export const visits = pgTable.withRLS('visits', { id: integer('id') }, () => [",
    "  pgPolicy('staff_only', { as: 'restrictive', to: [staff, 'authenticated'] }),",
    ']);',
  ].join('\n');
  const facts = extract(fixture('dialects.ts', text));
  assert.equal(
    facts.map((fact) => {
      switch (fact.kind) {
        case 'column-defined':
          return [
            fact.kind,
            fact.table.name,
            fact.column,
            fact.dataType,
            fact.at.line,
            fact.at.column,
          ];
        case 'policy-created':
          return [
            fact.kind,
            fact.name,
            fact.roles,
            fact.command,
            fact.permissive,
            fact.usingAlwaysTrue,
          ];
        default:
          return [fact.kind, fact.at.line, fact.at.column];
      }
    }),
    [
      ['table-created', 5, 24],
      ['column-defined', 'members', 'id', 'integer', 5, 48],
      ['column-defined', 'members', 'email', 'varchar(320)', 5, 72],
      ['table-created', 6, 22],
      ['column-defined', 'notes', 'body', 'text', 6, 53],
      ['column-defined', 'notes', 'at', 'integer', 6, 75],
      ['table-created', 7, 23],
      ['column-defined', 'visits', 'id', 'integer', 7, 51],
      ['row-security-changed', 7, 31],
      ['policy-created', 'staff_only', ['staff', 'authenticated'], 'all', false, false],
    ],
  );
});

test('the prefilter needs a drizzle table, view, policy or schema', () => {
  assert.not.ok(
    drizzleExtractor.applies("import { eq } from 'drizzle-orm'; db.select().from(users);"),
  );
  assert.ok(drizzleExtractor.applies("const t = sqliteTable('t', {});"));
});

test('runs through the TypeScript pipeline (registered)', () => {
  const kinds = extractTypeScriptFile(fixture('secure.ts')).map((fact) => fact.kind);
  assert.equal(kinds.filter((kind) => kind === 'column-defined').length, 3);
  assert.ok(kinds.includes('data-copied'));
});

test("pgTable('auth.users'): a table of the auth schema, not a dotted name in public", () => {
  const text = [
    "import { pgTable, uuid, varchar } from 'drizzle-orm/pg-core';",
    "export const usersInAuth = pgTable('auth.users', { id: uuid('id'), email: varchar('email') });",
    '',
  ].join('\n');
  const facts = extract(fixture('auth-mirror.ts', text));
  const users = { name: 'users', schema: 'auth' };
  assert.equal(
    facts.map((fact) => [fact.kind, 'table' in fact ? fact.table : undefined]),
    [
      ['table-created', users],
      ['column-defined', users],
      ['column-defined', users],
    ],
  );
});

test('rows read back from an insert with .returning() carry its table; a plain insert returns a count', async () => {
  const folder = 'test/fixtures/typescript/drizzle-returning';
  assert.equal(await findingsIn(folder), [`pii-logged ${folder}/src/db/register.ts:9:3`]);
});

test.run();
