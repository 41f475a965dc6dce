import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SyntaxKind } from 'ts-morph';
import {
  createTsFileContext,
  looksLikeSqlStatement,
  neutraliseEscapes,
} from '../../src/extractors/typescript/context.js';
import {
  filesInCurrentProject,
  parseSourceFile,
  releaseSourceFile,
} from '../../src/extractors/typescript/project.js';
import {
  bindReceivers,
  isInDownMigration,
  stringValue,
} from '../../src/extractors/typescript/receivers.js';
import { describeWithLocation, extractSource, initSqlParser } from './helpers.js';

test.before(async () => {
  await initSqlParser();
});

test('SQL in a template literal is located at its own line and column in the .ts file', () => {
  const source = [
    "import { Kysely, sql } from 'kysely';", // 1
    '', // 2
    'export async function up(db: Kysely<any>) {', // 3
    '  // a comment', // 4
    '  const key = process.env.KEY;', // 5
    '  await db.transaction().execute(async () => {});', // 6
    '  await sql.raw(`--set up`).execute(db); await sql`', // 7: template starts at column 50
    '    CREATE TABLE patients (id serial PRIMARY KEY, email text, ssn text DEFAULT ${key})',
    '  `.execute(db);',
    '}',
  ].join('\n');
  const facts = extractSource(source);
  assert.equal(facts.map(describeWithLocation), [
    '8:5-8:87 table-created patients table',
    '8:28-8:49 column-defined patients.id serial pk',
    '8:51-8:61 column-defined patients.email text',
    '8:63-8:86 column-defined patients.ssn text',
  ]);
});

test('a template starting on line 7 column 25 puts the column of its second line exactly', () => {
  const source = [
    'module.exports = {', // 1
    '  async up(queryInterface) {', // 2
    '    // 3', // 3
    '    // 4', // 4
    '    // 5', // 5
    '    // 6', // 6
    '    await queryRunner.query(`', // 7: backtick at column 25
    '      CREATE TABLE visits (diagnosis text)`);',
    '  },',
    '};',
    'const queryRunner = { query() {} };',
  ].join('\n');
  assert.equal(extractSource(source, 'inline/migration.js').map(describeWithLocation), [
    '8:7-8:43 table-created visits table',
    '8:28-8:42 column-defined visits.diagnosis text',
  ]);
});

test('each literal is extracted once even when an ORM extractor and the embedded pass both see it', () => {
  const facts = extractSource(`
import type { Knex } from 'knex';
export async function up(knex: Knex) {
  const statement = 'GRANT SELECT ON patients TO web_anon';
  await knex.raw(statement);
  await knex.schema.raw(statement);
}`);
  assert.equal(facts.map(describeWithLocation), [
    '4:22-4:58 access-granted patients select to web_anon',
  ]);
});

test('SQL in down, in log messages and in plain SELECTs is not read; escapes keep offsets', () => {
  const facts = extractSource(`
export async function up(db) {
  console.log('Update the patients table');
  await db.query('SELECT full_name FROM patients');
  await db.query('ALTER TABLE patients ADD COLUMN note text DEFAULT \\'none\\'');
}
export async function down(db) {
  await db.query('DROP TABLE patients');
}`);
  assert.equal(facts.map(describeWithLocation), ['5:51-5:77 column-defined patients.note text']);
  assert.is(neutraliseEscapes(String.raw`a\'b\nc`), "a 'b  c");
  assert.is(neutraliseEscapes(String.raw`x\\y\u00e9`), 'x \\y      ');
});

test('looksLikeSqlStatement accepts statements that change things, rejects prose and reads', () => {
  for (const sql of [
    'CREATE TABLE t (a int)',
    '  create or replace view v as select 1',
    '-- comment\nALTER TABLE t ADD COLUMN b text',
    'INSERT INTO t SELECT * FROM s',
    'UPDATE patients SET email = null',
    'GRANT SELECT ON t TO anon',
    'REVOKE ALL ON t FROM public',
    'DROP TABLE t',
    'SELECT * INTO backup FROM t',
    'WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x',
  ]) {
    assert.ok(looksLikeSqlStatement(sql), sql);
  }
  for (const text of [
    'Update the patients table',
    'select a from b',
    'created table',
    'Grant access',
    'drop it',
  ]) {
    assert.not.ok(looksLikeSqlStatement(text), text);
  }
});

test('receivers: migration parameters, types, aliases, destructuring, callbacks and helpers', () => {
  const sourceFile = parseSourceFile(
    'inline/receivers.ts',
    `
export async function up(k, other: Knex.Transaction) {
  const s = k.schema;
  const { schema } = other;
  await k.transaction(async (trx) => helper(trx));
}
function helper(builder) {}
export const down = async ({ context: qi }) => {};
`,
  );
  const bindings = bindReceivers(sourceFile, {
    migrationParameters: ['knex'],
    destructured: { context: 'queryInterface' },
    typeNames: { Knex: 'knex' },
    properties: { knex: { schema: 'schema' } },
    callbacks: { knex: { transaction: 'knex' } },
  });
  assert.equal(Object.fromEntries(bindings.names), {
    k: 'knex',
    other: 'knex',
    qi: 'queryInterface',
    s: 'schema',
    schema: 'schema',
    trx: 'knex',
    builder: 'knex',
  });
  const calls = sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression);
  assert.is(isInDownMigration(calls[0]!), false);
  releaseSourceFile(sourceFile);
});

test('constants: names, object properties and templates resolve to strings', () => {
  const sourceFile = parseSourceFile(
    'inline/constants.ts',
    "const SCHEMA = 'clinic';\nconst T = { patients: 'patients' } as const;\nconst NAME = `${SCHEMA}.${T.patients}`;\nf(NAME, T.patients, other);",
  );
  const context = createTsFileContext(
    {
      path: 'inline/constants.ts',
      absolutePath: '/inline/constants.ts',
      text: sourceFile.getFullText(),
    },
    sourceFile,
  );
  const call = context.sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)[0]!;
  const [name, patients, other] = call.getArguments();
  assert.is(stringValue(name), 'clinic.patients');
  assert.is(stringValue(patients), 'patients');
  assert.is(stringValue(other), undefined);
  assert.equal(context.locate(call), {
    file: 'inline/constants.ts',
    line: 4,
    column: 1,
    endLine: 4,
    endColumn: 27,
  });
  releaseSourceFile(sourceFile);
});

test('a syntax error is a parse-error note and the rest of the file is still read', () => {
  const facts = extractSource(`
export async function up(knex) {
  await knex.raw('DROP TABLE visits');
  const broken = ;
}`);
  assert.equal(facts.map(describeWithLocation), [
    '3:19-3:36 table-dropped visits',
    '4:18-4:19 parse-error syntax error: Expression expected.; the rest of the file was still read',
  ]);
});

test('the project is recycled so memory stays bounded over many files', () => {
  let largest = 0;
  for (let index = 0; index < 250; index++) {
    extractSource("exports.up = (knex) => knex.raw('DROP TABLE a');", `inline/${index}.js`);
    largest = Math.max(largest, filesInCurrentProject());
  }
  assert.ok(largest <= 100, `at most 100 files held, saw ${largest}`);
  assert.ok(largest >= 50, `files are kept until the project is recycled, saw ${largest}`);
});

test('a file only the embedded-SQL pass reads gets no ts-morph tree unless it holds SQL', () => {
  const before = filesInCurrentProject();
  const prose = extractSource(
    '// update the badge when the user signs in\nexport const greet = (name: string) => `hello ${name}`;\n',
    'inline/greeting.ts',
  );
  assert.equal(prose, []);
  assert.equal(filesInCurrentProject(), before, 'no source file was wrapped for prose');
  const facts = extractSource(
    "export async function archive(pool) {\n  await pool.query('DROP TABLE visits');\n}\n",
    'inline/archive.ts',
  );
  assert.equal(facts.map(describeWithLocation), ['2:21-2:38 table-dropped visits']);
});

test.run();
