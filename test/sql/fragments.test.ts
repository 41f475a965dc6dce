import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SqlFragment } from '../../src/extractors/sql/index.js';
import { analyseQuery, extractSqlFragment } from '../../src/extractors/sql/index.js';
import { createLineIndex } from '../../src/util/location.js';
import { spanOf } from './_helpers.js';

const HOST = 'scripts/merge.ts';

/** A fragment for the content between the first and last backtick (or quote) of `host`. */
function fragmentIn(host: string, quote = '`'): SqlFragment {
  const start = host.indexOf(quote) + 1;
  const end = host.lastIndexOf(quote);
  const lines = createLineIndex(host);
  return {
    text: host.slice(start, end),
    file: HOST,
    position: (offset) => lines.position(start + offset),
  };
}

test('template literal with ${…}, :name, ? and $1: facts keep exact columns in the host file', () => {
  const host = [
    'await db.execute(sql`',
    '  INSERT INTO ${target} (a) SELECT email FROM patients;',
    '  INSERT INTO accounts (display_name, email_hash)',
    '    SELECT p.full_name, md5(${column}) FROM patients p WHERE p.id = :id AND x = ? AND y::text = $1;',
    '`);',
  ].join('\n');
  const facts = extractSqlFragment(fragmentIn(host));
  const secondInsert = host.slice(host.indexOf('INSERT INTO accounts'), host.indexOf(' = $1;') + 5);
  assert.equal(facts, [
    {
      kind: 'data-copied',
      at: spanOf(host, secondInsert, 0, HOST),
      target: { name: 'accounts' },
      via: 'insert',
      columns: [
        {
          column: 'display_name',
          value: {
            from: [{ table: { name: 'patients' }, column: 'full_name' }],
            transform: 'copy',
          },
          at: spanOf(host, 'p.full_name', 0, HOST),
        },
        {
          column: 'email_hash',
          value: { from: [], transform: 'hash', via: 'md5' },
          at: spanOf(host, 'md5(${column})', 0, HOST),
        },
      ],
    },
  ]);
});

test('a placeholder in a qualified name drops only its part; placeholder tables are dropped', () => {
  const host = 'knex.raw(`ALTER TABLE ${schema}.patients ADD COLUMN ssn text; DROP TABLE ??;`)';
  assert.equal(extractSqlFragment(fragmentIn(host)), [
    {
      kind: 'column-defined',
      at: spanOf(host, 'ssn text', 0, HOST),
      table: { name: 'patients' },
      column: 'ssn',
      dataType: 'text',
    },
  ]);
});

test('JavaScript escapes in a double-quoted literal are decoded with exact offsets', () => {
  const host = 'db.query("CREATE TABLE t (\\"Name\\" text, note text)")';
  const table = { name: 't' };
  assert.equal(extractSqlFragment(fragmentIn(host, '"')), [
    {
      kind: 'table-created',
      at: spanOf(host, 'CREATE TABLE t (\\"Name\\" text, note text)', 0, HOST),
      table,
      objectType: 'table',
    },
    {
      kind: 'column-defined',
      at: spanOf(host, '\\"Name\\" text', 0, HOST),
      table,
      column: 'Name',
      dataType: 'text',
    },
    {
      kind: 'column-defined',
      at: spanOf(host, 'note text', 0, HOST),
      table,
      column: 'note',
      dataType: 'text',
    },
  ]);
});

test('analyseQuery: a SELECT with aliases and a join', () => {
  const text =
    'SELECT p.email AS contact, u.name, lower(p.first_name) FROM patients p JOIN users u ON u.id = p.uid';
  const fragment: SqlFragment = {
    text,
    file: HOST,
    position: (offset) => ({ line: 7, column: 11 + offset }),
  };
  const at = (snippet: string) => {
    const start = text.indexOf(snippet);
    return {
      file: HOST,
      line: 7,
      column: 11 + start,
      endLine: 7,
      endColumn: 11 + start + snippet.length,
    };
  };
  assert.equal(analyseQuery(fragment), {
    kind: 'select',
    outputs: [
      {
        name: 'contact',
        value: { from: [{ table: { name: 'patients' }, column: 'email' }], transform: 'copy' },
        at: at('p.email AS contact'),
      },
      {
        name: 'name',
        value: { from: [{ table: { name: 'users' }, column: 'name' }], transform: 'copy' },
        at: at('u.name'),
      },
      {
        name: 'lower',
        value: { from: [{ table: { name: 'patients' }, column: 'first_name' }], transform: 'copy' },
        at: at('lower(p.first_name)'),
      },
    ],
  });
});

test('analyseQuery: INSERT with $1..$3 and with ? parameters', () => {
  const position = (offset: number) => ({ line: 1, column: offset + 1 });
  const dollar =
    "INSERT INTO accounts (display_name, email, ssn) VALUES ($2, lower($1), pgp_sym_encrypt($3, 'k'))";
  const at = (text: string, snippet: string) => ({
    file: HOST,
    line: 1,
    column: text.indexOf(snippet) + 1,
    endLine: 1,
    endColumn: text.indexOf(snippet) + 1 + snippet.length,
  });
  assert.equal(analyseQuery({ text: dollar, file: HOST, position }), {
    kind: 'insert',
    target: { name: 'accounts' },
    columns: [
      {
        column: 'display_name',
        parameter: 2,
        value: { from: [], transform: 'copy' },
        at: at(dollar, '$2'),
      },
      { column: 'email', value: { from: [], transform: 'copy' }, at: at(dollar, 'lower($1)') },
      {
        column: 'ssn',
        value: { from: [], transform: 'encrypt', via: 'pgp_sym_encrypt' },
        at: at(dollar, "pgp_sym_encrypt($3, 'k')"),
      },
    ],
  });
  const question = 'INSERT INTO accounts (display_name, email) VALUES (?, ?::text)';
  assert.equal(analyseQuery({ text: question, file: HOST, position, dialect: 'mysql' }), {
    kind: 'insert',
    target: { name: 'accounts' },
    columns: [
      {
        column: 'display_name',
        parameter: 1,
        value: { from: [], transform: 'copy' },
        at: at(question, '?'),
      },
      {
        column: 'email',
        parameter: 2,
        value: { from: [], transform: 'copy' },
        at: at(question, '?::text'),
      },
    ],
  });
});

test('analyseQuery: UPDATE parameters, other statements and unparsable text', () => {
  const position = (offset: number) => ({ line: 1, column: offset + 1 });
  const text = 'UPDATE users SET email = :email, name = $1 WHERE id = $2';
  const shape = analyseQuery({ text, file: HOST, position });
  assert.equal(
    shape?.kind === 'update'
      ? shape.columns.map((column) => [column.column, column.parameter, column.at.column])
      : shape,
    [
      ['email', undefined, 18],
      ['name', 1, 34],
    ],
  );
  assert.equal(analyseQuery({ text: 'DELETE FROM users WHERE id = $1', file: HOST, position }), {
    kind: 'other',
  });
  assert.is(analyseQuery({ text: 'SELEC nothing', file: HOST, position }), undefined);
});

test('${…} after VALUES is a row, as a SET item an assignment: no parse error, exact places', () => {
  const host = [
    'await prisma.$executeRaw`',
    '  UPDATE "Survey" AS s SET questions = v.questions',
    '  FROM (VALUES ${valuesList}) AS v(id, questions) WHERE s.id = v.id;',
    '  UPDATE "Survey" SET ${setClauses.join(", ")}, updated_at = NOW(), note = p.email',
    '  FROM patients p WHERE p.id = ${id};',
    '  INSERT INTO accounts (email, name) VALUES ${Prisma.join(rows)}, ${more};',
    '`;',
  ].join('\n');
  const facts = extractSqlFragment(fragmentIn(host));
  assert.equal(facts, [
    {
      kind: 'data-copied',
      at: spanOf(
        host,
        'UPDATE "Survey" SET ${setClauses.join(", ")}, updated_at = NOW(), note = p.email\n  FROM patients p WHERE p.id = ${id}',
        0,
        HOST,
      ),
      target: { name: 'Survey' },
      via: 'update',
      columns: [
        {
          column: 'note',
          value: { from: [{ table: { name: 'patients' }, column: 'email' }], transform: 'copy' },
          at: spanOf(host, 'note = p.email', 0, HOST),
        },
      ],
    },
  ]);
});

test('a statement with ${…} that still does not parse is no parse error; others keep theirs', () => {
  const host = 'db.query(`SELECT ${cols} ${more} ${rest} FROM t; CREATE TABL x (a int)`)';
  assert.equal(extractSqlFragment(fragmentIn(host)), [
    {
      kind: 'parse-error',
      at: spanOf(host, 'TABL', 0, HOST),
      message: 'syntax error at or near "TABL"',
    },
  ]);
});

test('a parse error names the placeholder as written, never its stand-in', () => {
  const host = 'knex.raw("SELECT * FROM t WHERE x IN ?? ??")';
  assert.equal(extractSqlFragment(fragmentIn(host, '"')), [
    {
      kind: 'parse-error',
      at: spanOf(host, '??', 0, HOST),
      message: 'syntax error at or near "??"',
    },
  ]);
});

test('analyseQuery: SET ${assignments} is no column; VALUES ${rows} parses', () => {
  const update = 'db.query(`UPDATE patients SET ${sets}, email = $1 WHERE id = $2`)';
  assert.equal(analyseQuery(fragmentIn(update)), {
    kind: 'update',
    target: { name: 'patients' },
    columns: [
      {
        column: 'email',
        parameter: 1,
        value: { from: [], transform: 'copy' },
        at: spanOf(update, 'email = $1', 0, HOST),
      },
    ],
  });
  const insert = 'db.query(`INSERT INTO patients (email) VALUES ${rows}`)';
  assert.is(analyseQuery(fragmentIn(insert))?.kind, 'insert');
});

test.run();
