import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { piiUnencrypted } from '../../src/rules/pii-unencrypted.js';
import { publicAccessGrant } from '../../src/rules/public-access-grant.js';
import { unclassifiedPii } from '../../src/rules/unclassified-pii.js';
import { check, dataMap, model } from '../rules/_helpers.js';
import { extract, fixture, spanOf } from './_helpers.js';

const NAMESPACE = '{{ index .Options "Namespace" }}';

test('Go templates (supabase/auth): tables under a template schema are read at their exact place', () => {
  const sql = fixture('go-template.sql');
  const users = { schema: NAMESPACE, name: 'users' };
  assert.equal(extract(sql), [
    {
      kind: 'table-created',
      at: spanOf(sql, sql.slice(sql.indexOf('CREATE TABLE'), sql.indexOf(');') + 1)),
      table: users,
      objectType: 'table',
      ifNotExists: true,
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'instance_id uuid NULL'),
      table: users,
      column: 'instance_id',
      dataType: 'uuid',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'id uuid NOT NULL UNIQUE'),
      table: users,
      column: 'id',
      dataType: 'uuid',
      primaryKey: true,
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'email varchar(255) NULL UNIQUE'),
      table: users,
      column: 'email',
      dataType: 'varchar(255)',
    },
    // Inside `{{ if … }}` … `{{ end }}`: the control actions are blanked, the body is read.
    {
      kind: 'column-defined',
      at: spanOf(sql, 'phone varchar(15) NULL'),
      table: users,
      column: 'phone',
      dataType: 'varchar(15)',
    },
    {
      kind: 'access-granted',
      at: spanOf(sql, `GRANT SELECT ON ${NAMESPACE}.users TO anon`),
      table: users,
      roles: ['anon'],
      privileges: ['select'],
    },
  ]);
});

test('a template in a quoted name swallows the quotes; the same template is the same schema', () => {
  const sql = [
    'ALTER TABLE "{{ index .Options "Namespace" }}".users ADD COLUMN ssn text;',
    'ALTER TABLE {{index .Options "Namespace"}}.users ADD COLUMN dob date;',
  ].join('\n');
  const users = { schema: NAMESPACE, name: 'users' };
  assert.equal(extract(sql), [
    {
      kind: 'column-defined',
      at: spanOf(sql, 'ssn text'),
      table: users,
      column: 'ssn',
      dataType: 'text',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'dob date'),
      table: users,
      column: 'dob',
      dataType: 'date',
    },
  ]);
});

test('GRANT … ON ALL TABLES IN SCHEMA {{ … }} names the template schema', () => {
  const sql = 'GRANT SELECT ON ALL TABLES IN SCHEMA {{ .Schema }} TO reporting;';
  assert.equal(extract(sql), [
    {
      kind: 'access-granted',
      at: spanOf(sql, sql.slice(0, -1)),
      table: { schema: '{{ .Schema }}', name: '*' },
      roles: ['reporting'],
      privileges: ['select'],
    },
  ]);
});

test('Jinja/dbt: {% … %} and {# … #} are blanked, {{ … }} schemas kept, template tables dropped', () => {
  const sql = [
    "{% set cols = ['a'] %}",
    '{# a comment #}',
    'CREATE TABLE {{ target.schema }}.patients (ssn text);',
    "{%- if var('x') -%}",
    'ALTER TABLE {{target.schema}}.patients ADD COLUMN email text;',
    '{% endif %}',
    "INSERT INTO {{ this }} SELECT * FROM {{ ref('users') }};",
  ].join('\n');
  const patients = { schema: '{{ target.schema }}', name: 'patients' };
  assert.equal(extract(sql), [
    {
      kind: 'table-created',
      at: spanOf(sql, 'CREATE TABLE {{ target.schema }}.patients (ssn text)'),
      table: patients,
      objectType: 'table',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'ssn text'),
      table: patients,
      column: 'ssn',
      dataType: 'text',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'email text'),
      table: patients,
      column: 'email',
      dataType: 'text',
    },
  ]);
});

test('a template where no name fits: the parse error quotes the template, not the stand-in', () => {
  const sql =
    'CREATE TABLE "{{ .Prefix }}_users" (email text);\nSELECT {{ .A }} {{ .B }} {{ .C }};';
  const facts = extract(sql);
  assert.equal(facts.at(-1), {
    kind: 'parse-error',
    at: spanOf(sql, '{{ .C }}'),
    message: 'syntax error at or near "{{ .C }}"',
  });
  // Inside a quoted name the template is text, as Postgres reads the file unrendered: the table
  // keeps the name as written rather than vanishing (`"patients{{x}}"` must still be checked).
  assert.equal(
    facts.slice(0, -1).map((fact) => [fact.kind, 'table' in fact ? fact.table.name : '']),
    [
      ['table-created', '{{ .Prefix }}_users'],
      ['column-defined', '{{ .Prefix }}_users'],
    ],
  );
});

test('braces that are no template (JSON and array literals) are left alone', () => {
  const sql =
    "CREATE TABLE t (doc jsonb DEFAULT '{}', tags text[] DEFAULT '{a,b}', x text DEFAULT '{{');";
  const facts = extract(sql);
  assert.equal(
    facts.map((fact) => fact.kind),
    ['table-created', 'column-defined', 'column-defined', 'column-defined'],
  );
});

test('a template schema is an unknown schema: the map declares the table by its bare or auth. name', () => {
  const sql = fixture('go-template-mfa.sql');
  const file = 'auth/migrations/20221003041349_add_mfa_schema.up.sql';
  const facts = extract(sql, file);
  const secretAt = spanOf(sql, 'secret text NULL', 0, file);

  // No map: the implicit store, and the table reads by its name, not the raw template.
  const [unencrypted] = check(piiUnencrypted, facts);
  assert.equal(unencrypted?.at, secretAt);
  assert.equal(unencrypted?.target, {
    store: 'auth',
    table: 'mfa_factors',
    column: 'secret',
    exposure: 'internal',
  });
  assert.match(unencrypted?.message ?? '', / stored in auth\.mfa_factors\.secret without /);
  assert.not.match(unencrypted?.message ?? '', /\{\{/);
  // The model keeps the template as the schema: it is not `public`.
  const table = model(facts).stores.get('auth')?.tables.get('mfa_factors');
  assert.is(table?.schema, '{{ index .Options "Namespace" }}');

  // `encrypted: true` in the map silences it, whether the key is `mfa_factors` or `auth.mfa_factors`.
  for (const key of ['mfa_factors', 'auth.mfa_factors']) {
    const map = dataMap({
      supabase_auth: {
        exposure: 'internal',
        tables: {
          [key]: {
            columns: {
              secret: { category: 'credential.secret', encrypted: true },
              friendly_name: 'none',
              user_id: 'identifier.person_id',
            },
          },
          'auth.users': { columns: { email: 'contact.email' } },
        },
      },
    });
    assert.equal(check(piiUnencrypted, facts, { dataMap: map }), [], key);
    assert.equal(check(unclassifiedPii, facts, { dataMap: map }), [], key);
    const declared = model(facts, { dataMap: map }).stores.get('supabase_auth')?.tables.get(key);
    assert.is(declared?.columns.get('secret')?.encryption.encrypted, true, key);
  }
});

test('a template schema under supabase/ is not the public schema: no default anon grant', () => {
  const sql = fixture('go-template-mfa.sql');
  const file = 'supabase/migrations/20221003041349_add_mfa_schema.sql';
  const facts = extract(sql, file);
  assert.equal(check(publicAccessGrant, [...facts, supabaseHint(file)]), []);
  // The same table in the public schema would be public there.
  const plain = sql.replace('{{ index .Options "Namespace" }}.', '');
  const findings = check(publicAccessGrant, [...extract(plain, file), supabaseHint(file)]);
  assert.equal(
    findings.map((finding) => finding.target),
    [{ store: 'supabase', table: 'mfa_factors', exposure: 'public' }],
  );
});

/** Supabase evidence elsewhere in the repository (`auth.uid()` in another migration). */
function supabaseHint(file: string) {
  return {
    kind: 'platform-hint' as const,
    at: { file, line: 1, column: 1, endLine: 1, endColumn: 2 },
    platform: 'supabase' as const,
    evidence: 'auth.uid()',
  };
}

test('go-template.sql with a data map: `auth.users` declares the templated users table', () => {
  const sql = fixture('go-template.sql');
  const file = 'auth/migrations/00_init_auth_schema.up.sql';
  const facts = extract(sql, file);
  const map = dataMap({
    supabase_auth: {
      exposure: 'internal',
      tables: {
        'auth.users': { columns: { email: 'contact.email', phone: 'contact.phone' } },
      },
    },
  });
  assert.equal(check(unclassifiedPii, facts, { dataMap: map }), []);
  const [grant] = check(publicAccessGrant, facts, { dataMap: map });
  assert.equal(
    grant?.at,
    spanOf(sql, 'GRANT SELECT ON {{ index .Options "Namespace" }}.users TO anon', 0, file),
  );
  assert.match(grant?.message ?? '', /supabase_auth\.auth\.users/);
  assert.not.match(grant?.message ?? '', /\{\{/);
});

test.run();
