import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FILE, extract, fixture, spanOf } from './_helpers.js';

test('GRANT on tables with a column list: column-level and table-level privileges are separate facts', () => {
  const sql =
    'GRANT SELECT (display_name, username), INSERT ON accounts, public.directory TO web_anon, Reporter;';
  const at = spanOf(sql, sql.slice(0, -1));
  const roles = ['web_anon', 'reporter'];
  assert.equal(extract(sql), [
    {
      kind: 'access-granted',
      at,
      table: { name: 'accounts' },
      roles,
      privileges: ['select'],
      columns: ['display_name', 'username'],
    },
    { kind: 'access-granted', at, table: { name: 'accounts' }, roles, privileges: ['insert'] },
    {
      kind: 'access-granted',
      at,
      table: { schema: 'public', name: 'directory' },
      roles,
      privileges: ['select'],
      columns: ['display_name', 'username'],
    },
    {
      kind: 'access-granted',
      at,
      table: { schema: 'public', name: 'directory' },
      roles,
      privileges: ['insert'],
    },
  ]);
});

test('GRANT ALL PRIVILEGES TO PUBLIC, ALL TABLES IN SCHEMA, REVOKE, default privileges', () => {
  const sql = [
    'GRANT ALL PRIVILEGES ON patients TO PUBLIC;',
    'GRANT SELECT, UPDATE ON ALL TABLES IN SCHEMA reporting TO analyst;',
    'REVOKE ALL ON patients FROM PUBLIC;',
    'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO web_anon;',
    'GRANT USAGE ON SCHEMA public TO web_anon;',
  ].join('\n');
  assert.equal(extract(sql), [
    {
      kind: 'access-granted',
      at: spanOf(sql, 'GRANT ALL PRIVILEGES ON patients TO PUBLIC'),
      table: { name: 'patients' },
      roles: ['public'],
      privileges: ['all'],
    },
    {
      kind: 'access-granted',
      at: spanOf(sql, 'GRANT SELECT, UPDATE ON ALL TABLES IN SCHEMA reporting TO analyst'),
      table: { schema: 'reporting', name: '*' },
      roles: ['analyst'],
      privileges: ['select', 'update'],
    },
    {
      kind: 'access-revoked',
      at: spanOf(sql, 'REVOKE ALL ON patients FROM PUBLIC'),
      table: { name: 'patients' },
      roles: ['public'],
      privileges: ['all'],
    },
    {
      kind: 'access-granted',
      at: spanOf(
        sql,
        'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO web_anon',
      ),
      table: { schema: 'public', name: '*' },
      roles: ['web_anon'],
      privileges: ['select'],
      defaultPrivileges: true,
    },
  ]);
});

test('Supabase file: RLS, policies with USING (true) and auth.uid(), DROP POLICY, buckets, one platform hint', () => {
  const sql = fixture('supabase.sql');
  const profiles = { schema: 'public', name: 'profiles' };
  const facts = extract(sql).filter(
    (fact) => fact.kind !== 'column-defined' && fact.kind !== 'table-created',
  );
  assert.equal(facts, [
    {
      kind: 'platform-hint',
      at: spanOf(sql, 'auth.users'),
      platform: 'supabase',
      evidence: 'auth.users',
    },
    {
      kind: 'row-security-changed',
      at: spanOf(sql, 'enable row level security'),
      table: profiles,
      enabled: true,
    },
    {
      kind: 'policy-created',
      at: { file: FILE, line: 9, column: 1, endLine: 11, endColumn: 17 },
      table: profiles,
      name: 'Public profiles are viewable by everyone.',
      roles: [],
      command: 'select',
      permissive: true,
      using: 'true',
      usingAlwaysTrue: true,
    },
    {
      kind: 'policy-created',
      at: { file: FILE, line: 13, column: 1, endLine: 16, endColumn: 28 },
      table: profiles,
      name: 'Users can update own profile.',
      roles: ['authenticated'],
      command: 'update',
      permissive: true,
      using: 'auth.uid() = id',
      usingAlwaysTrue: false,
    },
    {
      kind: 'policy-dropped',
      at: spanOf(sql, 'drop policy "Old policy" on public.profiles'),
      table: profiles,
      name: 'Old policy',
    },
    { kind: 'bucket-changed', at: spanOf(sql, 'true', 1), bucket: 'avatars', public: true },
    {
      kind: 'bucket-changed',
      at: spanOf(sql, 'public = false'),
      bucket: 'documents',
      public: false,
    },
  ]);
});

test('policies: equivalent always-true constants, restrictive, roles and missing USING', () => {
  const sql = [
    "CREATE POLICY a ON t AS RESTRICTIVE FOR DELETE TO anon, PUBLIC USING ('t');",
    'CREATE POLICY b ON t USING (1 = 1);',
    'CREATE POLICY c ON t FOR INSERT TO authenticated WITH CHECK (true);',
    'CREATE POLICY d ON t FOR SELECT USING ((owner = current_user));',
  ].join('\n');
  const facts = extract(sql).filter((fact) => fact.kind === 'policy-created');
  assert.equal(
    facts.map((fact) =>
      fact.kind === 'policy-created'
        ? [
            fact.name,
            fact.command,
            fact.permissive,
            fact.roles,
            fact.using,
            fact.usingAlwaysTrue,
            fact.at.line,
          ]
        : [],
    ),
    [
      ['a', 'delete', false, ['anon', 'public'], "'t'", true, 1],
      ['b', 'all', true, [], '1 = 1', true, 2],
      ['c', 'insert', true, ['authenticated'], undefined, false, 3],
      ['d', 'select', true, [], '(owner = current_user)', false, 4],
    ],
  );
});

test('platform hint: auth.uid() as first evidence, once per file', () => {
  const sql =
    'CREATE POLICY own ON notes USING (auth.uid() = user_id);\nGRANT SELECT ON notes TO anon;';
  const hints = extract(sql).filter((fact) => fact.kind === 'platform-hint');
  assert.equal(hints, [
    {
      kind: 'platform-hint',
      at: spanOf(sql, 'auth.uid()'),
      platform: 'supabase',
      evidence: 'auth.uid()',
    },
  ]);
  assert.equal(
    extract('GRANT SELECT ON notes TO reporter;').filter((fact) => fact.kind === 'platform-hint'),
    [],
  );
});

test('storage.buckets: several rows and an UPDATE without a single bucket', () => {
  const sql =
    "insert into storage.buckets (id, name, public) values ('a', 'a', true), ('b', 'b', false);\n" +
    'update storage.buckets set public = true;';
  const buckets = extract(sql).filter((fact) => fact.kind === 'bucket-changed');
  assert.equal(buckets, [
    { kind: 'bucket-changed', at: spanOf(sql, 'true'), bucket: 'a', public: true },
    { kind: 'bucket-changed', at: spanOf(sql, 'false'), bucket: 'b', public: false },
    { kind: 'bucket-changed', at: spanOf(sql, 'public = true'), bucket: '*', public: true },
  ]);
});

test.run();
