import { test } from 'uvu';
import * as assert from 'uvu/assert';
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
    {
      kind: 'platform-hint',
      at: spanOf(sql, 'anon'),
      platform: 'supabase',
      evidence: 'role anon',
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
  assert.equal(extract(sql), [
    {
      kind: 'parse-error',
      at: spanOf(sql, '{{ .C }}'),
      message: 'syntax error at or near "{{ .C }}"',
    },
  ]);
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

test.run();
