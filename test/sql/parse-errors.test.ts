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

const CLICKHOUSE_NOTE =
  'ClickHouse SQL is not supported; statements that failed to parse were skipped';

test('ClickHouse files with no ENGINE, CODEC or LowCardinality: one labelled note each', () => {
  const cases: Array<[sql: string, failing: string, token: string, count: number]> = [
    [
      'ALTER TABLE analytics.page_events\nADD COLUMN tags Array(String) DEFAULT [],\nADD COLUMN note text;\nALTER TABLE analytics.page_events ADD COLUMN referrer text;',
      'Array',
      'Array',
      1,
    ],
    [
      'CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.mv_daily\nTO analytics.daily_counts AS\nSELECT toDate(ts) AS day, count() AS n FROM analytics.page_events GROUP BY day;',
      'TO',
      'TO',
      1,
    ],
    [
      'ALTER TABLE analytics.page_events\n    ADD INDEX IF NOT EXISTS idx_path lower(path) TYPE ngrambf_v1(3, 32768, 2, 0) GRANULARITY 1;\nALTER TABLE analytics.page_events\n    ADD INDEX IF NOT EXISTS idx_ref lower(referrer) TYPE ngrambf_v1(3, 32768, 2, 0) GRANULARITY 1;\nALTER TABLE analytics.page_events\n    ADD INDEX IF NOT EXISTS idx_ua lower(agent) TYPE ngrambf_v1(3, 32768, 2, 0) GRANULARITY 1;\nALTER TABLE analytics.page_events\n    ADD INDEX IF NOT EXISTS idx_ip ip TYPE bloom_filter GRANULARITY 4;',
      'EXISTS',
      'EXISTS',
      4,
    ],
    [
      'ALTER TABLE analytics.mv_daily MODIFY QUERY\nSELECT toDate(ts) AS day, count() AS n FROM analytics.page_events GROUP BY day;',
      'MODIFY',
      'MODIFY',
      1,
    ],
    [
      'ALTER TABLE analytics.page_events\n  ADD COLUMN IF NOT EXISTS seen_at Nullable(DateTime64(3)) AFTER created_at;',
      'AFTER',
      'AFTER',
      1,
    ],
  ];
  for (const [sql, failing, token, count] of cases) {
    const errors = extract(sql).filter((fact) => fact.kind === 'parse-error');
    const skipped = count === 1 ? '1 statement' : `${count} statements`;
    assert.equal(
      errors,
      [
        {
          kind: 'parse-error',
          at: spanOf(sql, failing),
          message: `${CLICKHOUSE_NOTE} (${skipped}; here: syntax error at or near "${token}")`,
        },
      ],
      sql.slice(0, 60),
    );
  }
});

test('a file under a clickhouse folder is ClickHouse even when its text says nothing', () => {
  const sql = fixture('clickhouse/drop-indexes.sql');
  const file = 'internal-packages/clickhouse/schema/018_drop_indexes.sql';
  assert.equal(extract(sql, file), [
    {
      kind: 'parse-error',
      at: spanOf(sql, 'IF', 0, file),
      message: `${CLICKHOUSE_NOTE} (4 statements; here: syntax error at or near "IF")`,
    },
  ]);
  // The same text elsewhere (its ClickHouse index is in the Down part, never read): plain errors.
  const elsewhere = extract(sql).filter((fact) => fact.kind === 'parse-error');
  assert.equal(
    elsewhere.map((fact) => [
      fact.at.line,
      fact.at.column,
      fact.kind === 'parse-error' && fact.message,
    ]),
    [
      [
        3,
        16,
        'syntax error at or near "IF"; and 3 more statements after this one could not be parsed',
      ],
    ],
  );
});

test('Postgres ARRAY(SELECT …) and MySQL MODIFY COLUMN are not ClickHouse', () => {
  const sql = [
    'CREATE TABL a (x int);',
    'SELECT ARRAY(SELECT 1);',
    'CREATE TABL b (x int);',
    'ALTER TABLE t MODIFY COLUMN x int;',
    'ALTER TABLE t ADD INDEX idx_type (type);',
  ].join('\n');
  const errors = extract(sql).filter((fact) => fact.kind === 'parse-error');
  assert.equal(
    errors.map((fact) => [
      fact.at.line,
      fact.at.column,
      fact.kind === 'parse-error' && fact.message,
    ]),
    [
      [
        1,
        8,
        'syntax error at or near "TABL"; and 1 more statement after this one could not be parsed',
      ],
    ],
  );
});

test('one statement parse error per file; it counts the rest', () => {
  const sql = [
    'CREATE TABL a (x int);',
    'CREATE TABL b (x int);',
    'CREATE TABLE ok (email text);',
    'CREATE TABL c (x int);',
  ].join('\n');
  const facts = extract(sql);
  assert.equal(
    facts.filter((fact) => fact.kind === 'parse-error'),
    [
      {
        kind: 'parse-error',
        at: spanOf(sql, 'TABL', 0),
        message:
          'syntax error at or near "TABL"; and 2 more statements after this one could not be parsed',
      },
    ],
  );
  // What parses is still read.
  assert.ok(facts.some((fact) => fact.kind === 'column-defined' && fact.column === 'email'));
});

test('a single failing statement: no count', () => {
  const sql = 'CREATE TABL a (x int);\nCREATE TABLE ok (email text);';
  const errors = extract(sql).filter((fact) => fact.kind === 'parse-error');
  assert.equal(
    errors.map((fact) => [
      fact.at.line,
      fact.at.column,
      fact.kind === 'parse-error' && fact.message,
    ]),
    [[1, 8, 'syntax error at or near "TABL"']],
  );
});

test('backticks in a Postgres comment do not make the file MySQL: its backslash strings stay whole', () => {
  // A Supabase kit's setup migration: its comments hold backticks and apostrophes, a function
  // strips backslashes. Read as MySQL, the comments' quotes paired up with the code's, '\' became
  // an escape, and the function failed to parse.
  const sql = [
    "/* quoting: ` `' */",
    "/* it's */",
    'create function public.clean(t text) returns text as $$',
    "  select replace(t, '\\', '') || E'[\\\\n]+';",
    '$$ language sql;',
    'create table public.accounts (id uuid primary key, email text);',
  ].join('\n');
  const facts = extract(sql);
  assert.equal(
    facts.filter((fact) => fact.kind === 'parse-error'),
    [],
  );
  assert.ok(facts.some((fact) => fact.kind === 'column-defined' && fact.column === 'email'));
});

test("a MySQL dump's USE and LOCK TABLES statements are no parse errors; its schema is read", () => {
  const sql = [
    'USE `heroku_clinic`;',
    'LOCK TABLES `patients` WRITE;',
    "INSERT INTO `patients` VALUES (1,'1990-01-01');",
    'UNLOCK TABLES;',
    'CREATE TABLE `visits` (`id` int NOT NULL AUTO_INCREMENT, `diagnosis` text, PRIMARY KEY (`id`)) ENGINE=InnoDB;',
  ].join('\n');
  const kinds = extract(sql).map((fact) => fact.kind);
  assert.not.ok(kinds.includes('parse-error'), kinds.join(', '));
  assert.ok(kinds.includes('column-defined'), kinds.join(', '));
});

test.run();
