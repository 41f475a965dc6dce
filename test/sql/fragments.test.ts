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

test.run();
