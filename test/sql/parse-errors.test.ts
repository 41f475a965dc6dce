import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extract, fixture, spanOf } from './_helpers.js';

test('ClickHouse: one note at the first failing statement, what parses is still read', () => {
  const sql = fixture('clickhouse.sql');
  const logs = { schema: 'trigger_dev', name: 'logs' };
  assert.equal(extract(sql), [
    {
      kind: 'parse-error',
      at: spanOf(sql, 'CODEC'),
      message:
        'ClickHouse SQL is not supported; statements that failed to parse were skipped (3 statements; here: syntax error at or near "CODEC")',
    },
    {
      kind: 'table-created',
      at: spanOf(sql, 'CREATE TABLE trigger_dev.logs (message text)'),
      table: logs,
      objectType: 'table',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'message text'),
      table: logs,
      column: 'message',
      dataType: 'text',
    },
  ]);
});

test('at most 3 statement parse errors per file; the third counts the rest', () => {
  const sql = [
    'CREATE TABL a (x int);',
    'CREATE TABL b (x int);',
    'CREATE TABLE ok (email text);',
    'CREATE TABL c (x int);',
    'CREATE TABL d (x int);',
    'CREATE TABL e (x int);',
  ].join('\n');
  const errors = extract(sql).filter((fact) => fact.kind === 'parse-error');
  assert.equal(errors, [
    {
      kind: 'parse-error',
      at: spanOf(sql, 'TABL', 0),
      message: 'syntax error at or near "TABL"',
    },
    {
      kind: 'parse-error',
      at: spanOf(sql, 'TABL', 1),
      message: 'syntax error at or near "TABL"',
    },
    {
      kind: 'parse-error',
      at: spanOf(sql, 'TABL', 3), // occurrence 2 is inside `TABLE ok`
      message:
        'syntax error at or near "TABL"; and 2 more statements after this one could not be parsed',
    },
  ]);
});

test('exactly 3 failing statements: no summary', () => {
  const sql = 'CREATE TABL a (x int);\nCREATE TABL b (x int);\nCREATE TABL c (x int);';
  const errors = extract(sql).filter((fact) => fact.kind === 'parse-error');
  assert.equal(
    errors.map((fact) => [
      fact.at.line,
      fact.at.column,
      fact.kind === 'parse-error' && fact.message,
    ]),
    [
      [1, 8, 'syntax error at or near "TABL"'],
      [2, 8, 'syntax error at or near "TABL"'],
      [3, 8, 'syntax error at or near "TABL"'],
    ],
  );
});

test.run();
