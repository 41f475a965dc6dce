import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DataCopied, Fact } from '../../src/facts.js';
import { extract, spanOf } from './_helpers.js';

const patients = { name: 'patients' };

function copyOf(facts: Fact[]): DataCopied {
  const copies = facts.filter((fact): fact is DataCopied => fact.kind === 'data-copied');
  assert.is(copies.length, 1);
  return copies[0] as DataCopied;
}

test('INSERT … SELECT: column by column through aliases, a join, expressions and a CTE', () => {
  const sql = [
    'WITH contacts AS (SELECT patient_id, lower(email) AS mail FROM emails)',
    'INSERT INTO kroger.accounts (display_name, username, tier, loyalty)',
    "SELECT p.first_name || ' ' || p.last_name, c.mail, 'gold', m.points",
    'FROM pps.patients p',
    'JOIN contacts c ON c.patient_id = p.id',
    'LEFT JOIN (SELECT member_id, count(*) AS points FROM visits GROUP BY member_id) m ON m.member_id = p.id;',
  ].join('\n');
  const ppsPatients = { schema: 'pps', name: 'patients' };
  assert.equal(extract(sql), [
    {
      kind: 'data-copied',
      at: spanOf(sql, sql.slice(0, -1)),
      target: { schema: 'kroger', name: 'accounts' },
      via: 'insert',
      columns: [
        {
          column: 'display_name',
          value: {
            from: [
              { table: ppsPatients, column: 'first_name' },
              { table: ppsPatients, column: 'last_name' },
            ],
            transform: 'copy',
          },
          at: spanOf(sql, "p.first_name || ' ' || p.last_name"),
        },
        {
          column: 'username',
          value: { from: [{ table: { name: 'emails' }, column: 'email' }], transform: 'copy' },
          at: spanOf(sql, 'c.mail'),
        },
        { column: 'tier', value: { from: [], transform: 'copy' }, at: spanOf(sql, "'gold'") },
        { column: 'loyalty', value: { from: [], transform: 'copy' }, at: spanOf(sql, 'm.points') },
      ],
    },
  ]);
});

test('INSERT … SELECT with UNION merges the sources of each position', () => {
  const sql =
    'INSERT INTO contacts (email) SELECT email FROM patients UNION SELECT u.mail FROM users u';
  const copy = copyOf(extract(sql));
  assert.equal(copy.columns, [
    {
      column: 'email',
      value: {
        from: [
          { table: patients, column: 'email' },
          { table: { name: 'users' }, column: 'mail' },
        ],
        transform: 'copy',
      },
      at: spanOf(sql, 'email', 1),
    },
  ]);
});

test('INSERT without a column list names columns after the select outputs', () => {
  const sql = 'INSERT INTO archive SELECT full_name, email AS contact, md5(ssn) FROM patients';
  const copy = copyOf(extract(sql));
  assert.equal(copy.columns, [
    {
      column: 'full_name',
      value: { from: [{ table: patients, column: 'full_name' }], transform: 'copy' },
      at: spanOf(sql, 'full_name'),
    },
    {
      column: 'contact',
      value: { from: [{ table: patients, column: 'email' }], transform: 'copy' },
      at: spanOf(sql, 'email AS contact'),
    },
    {
      column: 'md5',
      value: { from: [{ table: patients, column: 'ssn' }], transform: 'hash', via: 'md5' },
      at: spanOf(sql, 'md5(ssn)'),
    },
  ]);
});

test('SELECT * and p.* copy every column', () => {
  const sql =
    'INSERT INTO backup SELECT * FROM patients;\nINSERT INTO backup2 SELECT p.* FROM patients p JOIN x ON true;';
  const copies = extract(sql).filter((fact): fact is DataCopied => fact.kind === 'data-copied');
  assert.equal(
    copies.map((copy) => copy.columns),
    [
      [
        {
          column: '*',
          value: { from: [{ table: patients, column: '*' }], transform: 'copy' },
          at: spanOf(sql, '*'),
        },
      ],
      [
        {
          column: '*',
          value: { from: [{ table: patients, column: '*' }], transform: 'copy' },
          at: spanOf(sql, 'p.*'),
        },
      ],
    ],
  );
});

test('a star inside a subquery passes named columns through to their table', () => {
  const sql = 'INSERT INTO t (a) SELECT s.email FROM (SELECT * FROM patients) s';
  assert.equal(copyOf(extract(sql)).columns, [
    {
      column: 'a',
      value: { from: [{ table: patients, column: 'email' }], transform: 'copy' },
      at: spanOf(sql, 's.email'),
    },
  ]);
});

test('an unqualified column with several FROM tables is attached to each candidate', () => {
  const sql = 'INSERT INTO t (a) SELECT email FROM patients, users';
  assert.equal(copyOf(extract(sql)).columns[0]?.value, {
    from: [
      { table: patients, column: 'email' },
      { table: { name: 'users' }, column: 'email' },
    ],
    transform: 'copy',
  });
});

test('transforms: encrypt, decrypt, hash, mask, generalize, tokenize, aggregates, CASE and coalesce', () => {
  const sql = [
    'CREATE TABLE derived AS SELECT',
    "  pgp_sym_encrypt(lower(email), 'k') AS a,",
    "  lower(pgp_sym_decrypt(ssn, 'k')) AS b,",
    "  encode(digest(phone, 'sha256'), 'hex') AS c,",
    '  right(card, 4) AS d,',
    '  extract(year FROM dob) AS e,',
    "  date_trunc('month', seen_at) AS f,",
    '  tokenize_value(passport) AS g,',
    '  count(email) AS h,',
    '  CASE WHEN vip THEN full_name ELSE nickname END AS i,',
    '  coalesce(mobile, landline)::text AS j,',
    '  email IS NOT NULL AS k,',
    '  concat(md5(email), full_name) AS l,',
    '  mask_email(email) AS m',
    'FROM patients;',
  ].join('\n');
  const column = (name: string) => ({ table: patients, column: name });
  const values = copyOf(extract(sql)).columns.map((copied) => [copied.column, copied.value]);
  assert.equal(values, [
    ['a', { from: [column('email')], transform: 'encrypt', via: 'pgp_sym_encrypt' }],
    ['b', { from: [column('ssn')], transform: 'decrypt', via: 'pgp_sym_decrypt' }],
    ['c', { from: [column('phone')], transform: 'hash', via: 'digest' }],
    ['d', { from: [column('card')], transform: 'mask', via: 'right' }],
    ['e', { from: [column('dob')], transform: 'generalize', via: 'extract' }],
    ['f', { from: [column('seen_at')], transform: 'generalize', via: 'date_trunc' }],
    ['g', { from: [column('passport')], transform: 'tokenize', via: 'tokenize_value' }],
    ['h', { from: [], transform: 'copy' }],
    ['i', { from: [column('full_name'), column('nickname')], transform: 'copy' }],
    ['j', { from: [column('mobile'), column('landline')], transform: 'copy' }],
    ['k', { from: [], transform: 'copy' }],
    ['l', { from: [column('email'), column('full_name')], transform: 'copy' }],
    ['m', { from: [column('email')], transform: 'mask', via: 'mask_email' }],
  ]);
});

test('CREATE TABLE AS: table-created and a create-table-as copy with output names', () => {
  const sql = 'CREATE TABLE public_members (who) AS SELECT full_name FROM patients WHERE active;';
  const statement = spanOf(sql, sql.slice(0, -1));
  const target = { name: 'public_members' };
  assert.equal(extract(sql), [
    { kind: 'table-created', at: statement, table: target, objectType: 'table' },
    {
      kind: 'data-copied',
      at: statement,
      target,
      via: 'create-table-as',
      columns: [
        {
          column: 'who',
          value: { from: [{ table: patients, column: 'full_name' }], transform: 'copy' },
          at: spanOf(sql, 'full_name'),
        },
      ],
    },
  ]);
});

test('views and materialized views: each output column with its lineage', () => {
  const sql =
    'CREATE OR REPLACE VIEW public.directory AS\n  SELECT p.full_name AS name, o.total\n  FROM patients p JOIN orders o ON o.patient_id = p.id;\n' +
    'CREATE MATERIALIZED VIEW stats AS SELECT count(*) AS n FROM patients;';
  const view = { schema: 'public', name: 'directory' };
  const viewStatement = spanOf(sql, sql.slice(0, sql.indexOf(';')));
  const stats = spanOf(sql, 'CREATE MATERIALIZED VIEW stats AS SELECT count(*) AS n FROM patients');
  assert.equal(extract(sql), [
    { kind: 'table-created', at: viewStatement, table: view, objectType: 'view' },
    {
      kind: 'data-copied',
      at: viewStatement,
      target: view,
      via: 'view',
      columns: [
        {
          column: 'name',
          value: { from: [{ table: patients, column: 'full_name' }], transform: 'copy' },
          at: spanOf(sql, 'p.full_name AS name'),
        },
        {
          column: 'total',
          value: { from: [{ table: { name: 'orders' }, column: 'total' }], transform: 'copy' },
          at: spanOf(sql, 'o.total'),
        },
      ],
    },
    { kind: 'table-created', at: stats, table: { name: 'stats' }, objectType: 'materialized-view' },
    {
      kind: 'data-copied',
      at: stats,
      target: { name: 'stats' },
      via: 'view',
      columns: [
        { column: 'n', value: { from: [], transform: 'copy' }, at: spanOf(sql, 'count(*) AS n') },
      ],
    },
  ]);
});

test('UPDATE … SET with a hash of its own column, and UPDATE … FROM through aliases', () => {
  const sql =
    'UPDATE patients SET email_hash = md5(email), updated_at = now();\n' +
    'UPDATE accounts a SET display_name = p.full_name FROM patients p WHERE p.id = a.patient_id;';
  assert.equal(extract(sql), [
    {
      kind: 'data-copied',
      at: spanOf(sql, 'UPDATE patients SET email_hash = md5(email), updated_at = now()'),
      target: patients,
      via: 'update',
      columns: [
        {
          column: 'email_hash',
          value: { from: [{ table: patients, column: 'email' }], transform: 'hash', via: 'md5' },
          at: spanOf(sql, 'email_hash = md5(email)'),
        },
      ],
    },
    {
      kind: 'data-copied',
      at: spanOf(
        sql,
        'UPDATE accounts a SET display_name = p.full_name FROM patients p WHERE p.id = a.patient_id',
      ),
      target: { name: 'accounts' },
      via: 'update',
      columns: [
        {
          column: 'display_name',
          value: { from: [{ table: patients, column: 'full_name' }], transform: 'copy' },
          at: spanOf(sql, 'display_name = p.full_name'),
        },
      ],
    },
  ]);
});

test("UPDATE … SET that keeps the row's own value copies nothing; a hash of it still counts", () => {
  // A Supabase RPC that edits a patient: each column keeps its value unless a parameter is given.
  const sql =
    'UPDATE patients SET full_name = COALESCE($1, patients.full_name), email = lower(email),\n' +
    '  email_hash = COALESCE($2, md5(email)), ssn = md5(ssn) WHERE id = $3;';
  assert.equal(extract(sql), [
    {
      kind: 'data-copied',
      at: spanOf(sql, sql.slice(0, -1)),
      target: patients,
      via: 'update',
      // The columns stay, with nothing copied into them: the table has them.
      columns: [
        {
          column: 'full_name',
          value: { from: [], transform: 'copy' },
          at: spanOf(sql, 'full_name = COALESCE($1, patients.full_name)'),
        },
        {
          column: 'email',
          value: { from: [], transform: 'copy' },
          at: spanOf(sql, 'email = lower(email)'),
        },
        {
          column: 'email_hash',
          value: { from: [{ table: patients, column: 'email' }], transform: 'hash', via: 'md5' },
          at: spanOf(sql, 'email_hash = COALESCE($2, md5(email))'),
        },
        {
          column: 'ssn',
          value: { from: [{ table: patients, column: 'ssn' }], transform: 'hash', via: 'md5' },
          at: spanOf(sql, 'ssn = md5(ssn)'),
        },
      ],
    },
  ]);
});

test('INSERT … VALUES: only encryption evidence is a copy', () => {
  const sql =
    "INSERT INTO patients (full_name, ssn, note) VALUES ('Ann', pgp_sym_encrypt('123-45-6789', 'key'), 'x');\n" +
    "INSERT INTO patients (full_name) VALUES ('Bob');";
  assert.equal(extract(sql), [
    {
      kind: 'data-copied',
      at: spanOf(sql, sql.slice(0, sql.indexOf(';'))),
      target: patients,
      via: 'insert',
      columns: [
        {
          column: 'ssn',
          value: { from: [], transform: 'encrypt', via: 'pgp_sym_encrypt' },
          at: spanOf(sql, "pgp_sym_encrypt('123-45-6789', 'key')"),
        },
      ],
    },
  ]);
});

test.run();
