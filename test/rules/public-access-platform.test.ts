/**
 * `public-access-grant` on SQL as real Supabase and PostgREST projects write it: every opening
 * statement reported where it stands, Supabase only on evidence in the store's own files, default
 * privileges and the 2026-10-30 change, and the database linter's checks computed from migrations.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Config } from '../../src/config/types.js';
import type { Fact } from '../../src/facts.js';
import { publicAccessGrant } from '../../src/rules/public-access-grant.js';
import { extract, spanOf } from '../sql/_helpers.js';
import { check, config } from './_helpers.js';

interface Migration {
  file: string;
  sql: string;
}

function factsOf(migrations: Migration[]): Fact[] {
  return migrations.flatMap(({ file, sql }) => extract(sql, file));
}

function findingsOf(migrations: Migration[], settings: Partial<Config> = {}) {
  return check(publicAccessGrant, factsOf(migrations), { config: config(settings) });
}

/** `file:line:column` of a snippet, computed from the text itself. */
function at({ file, sql }: Migration, snippet: string): string {
  const span = spanOf(sql, snippet, 0, file);
  return `${file}:${span.line}:${span.column}`;
}

function where(findings: ReturnType<typeof findingsOf>): string[] {
  return findings.map((finding) => `${finding.at.file}:${finding.at.line}:${finding.at.column}`);
}

const patientsTable = `create table patients (
  id uuid primary key,
  user_id uuid,
  full_name text,
  email text,
  date_of_birth date
);
`;

// ---------------------------------------------------------------- 1. every opening statement

test('a fix file that disables RLS and grants to anon after the table was already reachable: both statements', () => {
  const init: Migration = {
    file: 'supabase/migrations/20240101000000_init.sql',
    sql: `${patientsTable}alter table patients enable row level security;
create policy own on patients for select using (auth.uid() = user_id);
grant select on patients to anon;
create policy everyone on patients for select to anon using (true);
`,
  };
  const fix: Migration = {
    file: 'supabase/migrations/20240301000000_fix.sql',
    sql: `alter table patients disable row level security;
grant all on patients to anon;
`,
  };
  const findings = findingsOf([init, fix]);
  assert.equal(where(findings), [
    at(init, 'grant select on patients to anon'),
    at(init, 'create policy everyone'),
    at(fix, 'disable row level security'),
    at(fix, 'grant all on patients to anon'),
  ]);
  assert.match(
    findings[3]?.message ?? '',
    /^GRANT ALL ON patients TO anon: this makes supabase\.patients readable by everyone, exposing user_id: .*; full_name: /,
  );
  assert.match(findings[3]?.message ?? '', /email: .*date_of_birth: /);
});

test('a grant to anon in plain Postgres opens that table only, at the grant; other tables and stores stay internal', () => {
  const api: Migration = {
    file: 'db/migrations/001_init.sql',
    sql: `${patientsTable}create table visits (id int, patient_id uuid, reason text, email text);
grant select on patients to anon;
`,
  };
  const other: Migration = {
    file: 'billing/migrations/001_init.sql',
    sql: 'create table customers (id int, email text, full_name text);\n',
  };
  const findings = findingsOf([api, other]);
  assert.equal(where(findings), [at(api, 'grant select on patients to anon')]);
  assert.equal(findings[0]?.target, { store: 'db', table: 'patients', exposure: 'public' });
});

test('ALL TABLES IN SCHEMA reports each table it opens at the statement; a TEMP table is never opened', () => {
  const file: Migration = {
    file: 'db/migrations/001_init.sql',
    sql: `${patientsTable}create temp table import_rows (email text, full_name text);
grant select on all tables in schema public to web_anon;
`,
  };
  const findings = findingsOf([file]);
  assert.equal(where(findings), [
    at(file, 'grant select on all tables in schema public to web_anon'),
  ]);
  assert.equal(findings[0]?.target?.table, 'patients');
});

test('ALTER DEFAULT PRIVILEGES: tables created later are reported, at the defaults in their file and at CREATE TABLE after it', () => {
  const defaults: Migration = {
    file: 'db/migrations/001_defaults.sql',
    sql: `alter default privileges in schema public grant select on tables to anon;
${patientsTable}`,
  };
  const later: Migration = {
    file: 'db/migrations/002_contacts.sql',
    sql: 'create table contacts (id int, phone_number text, email text);\n',
  };
  const findings = findingsOf([defaults, later]);
  assert.equal(where(findings), [
    at(defaults, 'alter default privileges in schema public grant select on tables to anon'),
    at(later, 'create table contacts'),
  ]);
  assert.match(
    findings[1]?.message ?? '',
    /^ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO anon \(db\/migrations\/001_defaults\.sql:1\) covers contacts, created here/,
  );
  assert.equal(findings[1]?.path?.[0]?.file, defaults.file);
  // Revoked before the table exists: no finding for it.
  const revoked: Migration = {
    file: 'db/migrations/002_contacts.sql',
    sql: `alter default privileges in schema public revoke select on tables from anon;
create table contacts (id int, phone_number text, email text);
`,
  };
  assert.equal(where(findingsOf([defaults, revoked])), [
    at(defaults, 'alter default privileges in schema public grant select on tables to anon'),
  ]);
});

test('a column-level grant of personal columns is reported; of other columns it is not', () => {
  const file: Migration = {
    file: 'db/migrations/001_init.sql',
    sql: `${patientsTable}grant select (id) on patients to anon;
grant select (id, email) on patients to anon;
`,
  };
  const findings = findingsOf([file]);
  assert.equal(where(findings), [at(file, 'grant select (id, email) on patients to anon')]);
  assert.match(findings[0]?.message ?? '', /exposing email: /);
  assert.not.match(findings[0]?.message ?? '', /full_name/);
});

test('a personal column added to a table already readable is reported at the column', () => {
  const init: Migration = {
    file: 'db/migrations/001_init.sql',
    sql: 'create table members (id int, plan text);\ngrant select on members to anon;\n',
  };
  const add: Migration = {
    file: 'db/migrations/002_email.sql',
    sql: 'alter table members add column email text;\n',
  };
  const findings = findingsOf([init, add]);
  assert.equal(where(findings), [at(add, 'email text')]);
  assert.match(
    findings[0]?.message ?? '',
    /^members is already readable by everyone \(GRANT SELECT ON members TO anon, db\/migrations\/001_init\.sql:2\)/,
  );
});

// ---------------------------------------------------------------- 2. platform per store

const supabaseInit: Migration = {
  file: 'supabase/migrations/20240101000000_init.sql',
  sql: patientsTable,
};

test('Supabase by its folder: a 2024 table with RLS never enabled is reported at CREATE TABLE, saying why', () => {
  const findings = findingsOf([supabaseInit]);
  assert.equal(where(findings), [at(supabaseInit, 'create table patients')]);
  assert.match(
    findings[0]?.message ?? '',
    /default privileges \(for tables created before 2026-10-30\) grant it to anon, and row-level security is not enabled/,
  );
  assert.match(findings[0]?.fix ?? '', /ENABLE ROW LEVEL SECURITY.*REVOKE ALL/);
});

test('Supabase: a policy TO public that reads every row opens an RLS table to anon, as one with no TO does', () => {
  // A hospital audit app that uses the anon key and no login.
  const init: Migration = {
    file: 'supabase/migrations/20251005191112_audits.sql',
    sql: `${patientsTable}alter table patients enable row level security;\n`,
  };
  for (const roles of ['to public ', '', 'to anon ', 'to authenticated ']) {
    const open: Migration = {
      file: 'supabase/migrations/20260115000000_anon.sql',
      sql: `create policy "read" on patients for select ${roles}using (true);\n`,
    };
    const expected = roles === 'to authenticated ' ? [] : [at(open, 'create policy')];
    assert.equal(where(findingsOf([init, open])), expected, roles);
  }
});

test('Supabase: a migration dated 2026-11-15 that creates a table with no grant is clean under auto', () => {
  const late: Migration = {
    file: 'supabase/migrations/20261115093000_init.sql',
    sql: patientsTable,
  };
  assert.equal(findingsOf([late]), []);
  assert.equal(where(findingsOf([late], { supabase: { defaultGrants: 'always' } })), [
    at(late, 'create table patients'),
  ]);
  assert.equal(findingsOf([supabaseInit], { supabase: { defaultGrants: 'never' } }), []);
  // With an explicit grant it is reported at the grant.
  const granted: Migration = {
    ...late,
    sql: `${patientsTable}grant select on patients to anon;\n`,
  };
  assert.equal(where(findingsOf([granted])), [at(granted, 'grant select on patients to anon')]);
});

test('Supabase evidence is per store: auth.uid() in one store makes no other store public', () => {
  const app: Migration = {
    file: 'app/db/migrations/001_init.sql',
    sql: `${patientsTable}alter table patients enable row level security;
create policy own on patients for select using (auth.uid() = user_id);
create table contacts (id int, email text);
`,
  };
  const mysql: Migration = {
    file: 'legacy/migrations/001_init.sql',
    sql: 'create table customers (id int, email text, full_name text);\n',
  };
  const findings = findingsOf([app, mysql]);
  assert.equal(where(findings), [at(app, 'create table contacts')]);
});

test('a grant to anon alone is no Supabase evidence: ungranted tables of a PostgREST project stay internal', () => {
  const postgrest: Migration = {
    file: 'db/migrations/001_init.sql',
    sql: `${patientsTable}create table notes (id int, email text);
grant select on notes to anon;
`,
  };
  assert.equal(where(findingsOf([postgrest])), [at(postgrest, 'grant select on notes to anon')]);
});

test('unexposed schemas are never public by the platform default; exposedSchemas decides', () => {
  const file: Migration = {
    file: 'supabase/migrations/20240101000000_init.sql',
    sql: 'create table private.patients (id int, email text);\ncreate table api.contacts (id int, email text);\n',
  };
  assert.equal(findingsOf([file]), []);
});

// ---------------------------------------------------------------- 4. the database linter, statically

test('a view without security_invoker over an RLS table, readable by anon, bypasses RLS; with security_invoker it does not', () => {
  const base = `${patientsTable}alter table patients enable row level security;
create policy own on patients for select using (auth.uid() = user_id);
grant select on patients to anon;
`;
  const definer: Migration = {
    file: 'db/migrations/001_init.sql',
    sql: `${base}create view patient_directory as select full_name, email from patients;
grant select on patient_directory to anon;
`,
  };
  const findings = findingsOf([definer]);
  assert.equal(where(findings), [at(definer, 'grant select on patient_directory to anon')]);
  assert.match(findings[0]?.message ?? '', /bypasses the row-level security of patients/);
  assert.match(findings[0]?.fix ?? '', /security_invoker = true/);
  const invoker: Migration = {
    ...definer,
    sql: `${base}create view patient_directory with (security_invoker = true) as select full_name, email from patients;
grant select on patient_directory to anon;
`,
  };
  assert.equal(findingsOf([invoker]), []);
});

test('policies while RLS is off: a warning at the policy; enabling RLS clears it', () => {
  const file: Migration = {
    file: 'supabase/migrations/20261201000000_init.sql',
    sql: `${patientsTable}create policy own on patients for select using (auth.uid() = user_id);\n`,
  };
  const findings = findingsOf([file]);
  assert.equal(where(findings), [at(file, 'create policy own')]);
  assert.is(findings[0]?.severity, 'warning');
  assert.match(
    findings[0]?.message ?? '',
    /row-level security is never enabled, so the policies restrict nothing/,
  );
  const enabled: Migration = {
    ...file,
    sql: `${file.sql}alter table patients enable row level security;\n`,
  };
  assert.equal(findingsOf([enabled]), []);
});

test('a policy that trusts user_metadata is a warning; one on auth.uid() is not', () => {
  const file: Migration = {
    file: 'db/migrations/001_init.sql',
    sql: `${patientsTable}alter table patients enable row level security;
create policy staff on patients for select using ((auth.jwt() -> 'user_metadata' ->> 'role') = 'staff');
`,
  };
  const findings = findingsOf([file]);
  assert.equal(where(findings), [at(file, 'create policy staff')]);
  assert.is(findings[0]?.severity, 'warning');
  const owner: Migration = {
    ...file,
    sql: `${patientsTable}alter table patients enable row level security;
create policy own on patients for select using (auth.uid() = user_id);
`,
  };
  assert.equal(findingsOf([owner]), []);
});

test('a SECURITY DEFINER function anyone may execute that reads personal columns; revoked from PUBLIC it is not', () => {
  const definer = `create function public.find_patient(q text) returns table (full_name text, email text)
language sql security definer as $$ select full_name, email from patients where full_name ilike q $$;
`;
  const file: Migration = { file: 'db/migrations/001_init.sql', sql: `${patientsTable}${definer}` };
  const findings = findingsOf([file]);
  assert.equal(where(findings), [at(file, 'create function public.find_patient')]);
  assert.match(
    findings[0]?.message ?? '',
    /SECURITY DEFINER function find_patient .* public may execute it \(Postgres grants EXECUTE to PUBLIC by default\)/,
  );
  assert.match(findings[0]?.message ?? '', /full_name: .*email: /);
  const revoked: Migration = {
    ...file,
    sql: `${file.sql}revoke execute on function public.find_patient(text) from public;\n`,
  };
  assert.equal(findingsOf([revoked]), []);
  const invoker: Migration = {
    ...file,
    sql: file.sql.replace('security definer', 'security invoker'),
  };
  assert.equal(findingsOf([invoker]), []);
});

test('default privileges that revoke EXECUTE on new functions hold for the functions created after them', () => {
  const definer = `alter table patients enable row level security;
create function public.list_members() returns table (email text)
language sql security definer as $$ select email from patients $$;
`;
  // A SaaS kit's setup: new functions are executable by no one until granted, then each is granted
  // to signed-in users only.
  const revokedFirst: Migration = {
    file: 'db/migrations/001_init.sql',
    sql: `alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;
${patientsTable}${definer}grant execute on function public.list_members() to authenticated;
`,
  };
  assert.equal(findingsOf([revokedFirst]), []);
  // Default privileges of another schema do not hold for a function in public: reported.
  const elsewhere: Migration = {
    ...revokedFirst,
    sql: `alter default privileges in schema private revoke execute on functions from public;
${patientsTable}${definer}`,
  };
  assert.equal(where(findingsOf([elsewhere])), [
    at(elsewhere, 'create function public.list_members'),
  ]);
  // A revoke after the function was created changes only later functions.
  const revokedLater: Migration = {
    ...revokedFirst,
    sql: `${patientsTable}${definer}alter default privileges revoke execute on functions from public;
`,
  };
  assert.equal(where(findingsOf([revokedLater])), [
    at(revokedLater, 'create function public.list_members'),
  ]);
});

test('a materialized view and a foreign table with personal columns granted to anon: reported at the grant', () => {
  const file: Migration = {
    file: 'db/migrations/001_init.sql',
    sql: `${patientsTable}create materialized view patient_emails as select email from patients;
grant select on patient_emails to anon;
create foreign table remote_contacts (id int, phone_number text) server crm;
grant select on remote_contacts to anon;
create materialized view visit_counts as select count(*) as visits from patients;
grant select on visit_counts to anon;
`,
  };
  assert.equal(where(findingsOf([file])), [
    at(file, 'grant select on patient_emails to anon'),
    at(file, 'grant select on remote_contacts to anon'),
  ]);
});

test('a view over auth.users that signed-in users can read; one over a profiles table is not that', () => {
  const file: Migration = {
    file: 'supabase/migrations/20261201000000_users.sql',
    sql: `create view public.user_emails as select id, email from auth.users;
grant select on public.user_emails to authenticated;
`,
  };
  const findings = findingsOf([file]);
  assert.equal(where(findings), [at(file, 'create view public.user_emails')]);
  assert.match(findings[0]?.message ?? '', /exposes auth\.users to authenticated/);
  const profiles: Migration = {
    ...file,
    sql: 'create table profiles (id uuid, email text);\nalter table profiles enable row level security;\ncreate view public.user_emails as select id, email from profiles;\ngrant select on public.user_emails to authenticated;\n',
  };
  assert.equal(findingsOf([profiles]), []);
});

test('a public bucket with a SELECT policy for everyone on storage.objects can be listed; a private one cannot', () => {
  const file: Migration = {
    file: 'supabase/migrations/20240101000000_storage.sql',
    sql: `insert into storage.buckets (id, name, public) values ('records', 'records', true);
create policy "read records" on storage.objects for select using (bucket_id = 'records');
`,
  };
  const findings = findingsOf([file]);
  assert.equal(where(findings), [at(file, 'true'), at(file, 'create policy "read records"')]);
  assert.match(findings[1]?.message ?? '', /list every file of public bucket records/);
  const privateBucket: Migration = { ...file, sql: file.sql.replace(', true)', ', false)') };
  assert.equal(findingsOf([privateBucket]), []);
  // Each signed-in user listing their own folder lets an anonymous caller list nothing.
  const ownFolder: Migration = {
    ...file,
    sql: file.sql.replace(
      "using (bucket_id = 'records')",
      "using (bucket_id = 'records' and auth.uid()::text = (storage.foldername(name))[1])",
    ),
  };
  assert.equal(where(findingsOf([ownFolder])), [at(file, 'true')]);
});

test('a definer function returning its own columns (RETURNS TABLE) exposes only the columns its body names', () => {
  // An EHR's scheduling function reads buffer minutes from a settings table that also holds the
  // clinic's sender address: it hands back two numbers.
  const definer = `create table system_settings (id uuid primary key, buffer_minutes int, contact_email text);
create function public.get_buffer(p_clinic uuid) returns table (pre_minutes int, post_minutes int)
language plpgsql security definer as $$ begin
  return query select coalesce(s.buffer_minutes, 0), coalesce(s.buffer_minutes, 0) from system_settings s limit 1;
end $$;
`;
  const file: Migration = { file: 'db/migrations/001_init.sql', sql: `${patientsTable}${definer}` };
  assert.equal(findingsOf([file]), []);
  // RETURNS SETOF a table hands back every column of it.
  const setof: Migration = {
    ...file,
    sql: `${patientsTable}create function public.all_patients() returns setof patients
language sql security definer as $$ select * from patients $$;
`,
  };
  assert.equal(where(findingsOf([setof])), [at(setof, 'create function public.all_patients')]);
});

test('a definer function anyone may call that deletes or updates personal rows on the caller say; a counter or a fixed purge is not', () => {
  // A therapist app's RPC: anyone with the anon key deletes any patient by guessing two ids.
  const deletes = `create function public.delete_patient_by_id(patient_id_param bigint, user_id_param bigint)
returns table (success boolean, deleted_id bigint) language plpgsql security definer as $$
begin
  delete from patients where id = patient_id_param and user_id = user_id_param;
  return query select true, patient_id_param;
end $$;
`;
  const file: Migration = { file: 'db/migrations/001_init.sql', sql: `${patientsTable}${deletes}` };
  const findings = findingsOf([file]);
  assert.equal(where(findings), [at(file, 'create function public.delete_patient_by_id')]);
  assert.match(
    findings[0]?.message ?? '',
    /delete_patient_by_id .* may execute it .*: calling it deletes or changes rows of [\w-]+\.patients past row-level security, whoever owns them, with the personal columns .*email/,
  );
  const updates: Migration = {
    ...file,
    sql: `${patientsTable}create function public.set_email(p_id uuid, p_email text) returns void
language sql security definer as $$ update patients set email = p_email where id = p_id $$;
create function public.touch(p_id uuid) returns void
language sql security definer as $$ update patients set date_of_birth = date_of_birth where false; update patients set id = id where id = p_id $$;
create function public.purge() returns void
language sql security definer as $$ delete from patients where date_of_birth < '1900-01-01' $$;
`,
  };
  // Only set_email: touch sets no personal column on the caller's say, purge takes no argument.
  assert.equal(where(findingsOf([updates])), [at(updates, 'create function public.set_email')]);
});

test('a definer function exposes what it returns: not its parameters, WHERE columns, the rows it inserts, or a count', () => {
  // A practice app's RPCs, each callable with the anon key: a plan lookup keyed by the caller's
  // user id, a role lookup, a patient count, a self-registration that returns what was sent.
  const functions = `create table user_roles (id uuid primary key, user_id uuid references patients (id), role text);
create function public.plan_features(user_id uuid) returns jsonb language plpgsql security definer as $$
declare v_plan text;
begin
  select plan_slug into v_plan from subscriptions s where s.user_id = plan_features.user_id;
  return jsonb_build_object('plan', v_plan);
end $$;
create function public.roles_of(_user_id uuid) returns setof text language sql security definer as $$
  select role from public.user_roles where user_id = _user_id
$$;
create function public.patient_limit(p_user_id uuid) returns integer language plpgsql security definer as $$
begin
  return (select count(*) from patients where user_id = p_user_id);
end $$;
create function public.register_patient(p_full_name text, p_email text) returns setof patients
language plpgsql security definer as $$
declare v_new patients%rowtype;
begin
  insert into patients (full_name, email) values (p_full_name, p_email) returning * into v_new;
  return next v_new;
end $$;
`;
  const file: Migration = {
    file: 'db/migrations/001_init.sql',
    sql: `${patientsTable}${functions}`,
  };
  assert.equal(findingsOf([file]), []);
});

test('a definer function returning a row it selected, or a field of one, exposes those columns', () => {
  const functions = `create function public.invitation(p_key text) returns jsonb language plpgsql security definer as $$
declare _row patients%rowtype; _name text;
begin
  select * into _row from patients where id::text = p_key;
  select full_name into _name from patients where id::text = p_key;
  return jsonb_build_object('email', _row.email, 'name', _name);
end $$;
create function public.whole(p_key text) returns jsonb language plpgsql security definer as $$
declare _row patients%rowtype;
begin
  select * into strict _row from patients where id::text = p_key;
  return to_jsonb(_row);
end $$;
create function public.outs(p_key text, out date_of_birth date) language plpgsql security definer as $$
begin
  select p.date_of_birth into date_of_birth from patients p where p.id::text = p_key;
  return;
end $$;
`;
  const file: Migration = {
    file: 'db/migrations/001_init.sql',
    sql: `${patientsTable}${functions}`,
  };
  const findings = findingsOf([file]);
  assert.equal(where(findings), [
    at(file, 'create function public.invitation'),
    at(file, 'create function public.whole'),
    at(file, 'create function public.outs'),
  ]);
  const exposedIn = (index: number) =>
    [...(findings[index]?.message ?? '').matchAll(/(\w+): (?:Personal data|PHI)/g)].map(
      (match) => match[1],
    );
  assert.equal(exposedIn(0), ['full_name', 'email']);
  assert.ok(exposedIn(1).includes('date_of_birth'));
  assert.equal(exposedIn(2), ['date_of_birth']);
  // Keyed by a secret the caller must hold (an invitation link's token), it reads only the row
  // that secret names, as an auth.uid() function reads only the caller's own.
  const invitation: Migration = {
    ...file,
    sql: file.sql
      .replaceAll('p_key text', 'p_invite_token text')
      .replaceAll('= p_key', '= md5(p_invite_token)'),
  };
  assert.equal(findingsOf([invitation]), []);
});

test('a comment before a definer function statement does not hide it', () => {
  // A cycle tracker's RPC: its comment starts with the word the statement starts with.
  const updates = `create function public.edit_entry(p_id uuid, p_email text) returns jsonb
language plpgsql security definer as $$
begin
  -- Update the entry
  update patients set email = coalesce(p_email, email) where id = p_id;
  return jsonb_build_object('success', true);
end $$;
`;
  const file: Migration = { file: 'db/migrations/001_init.sql', sql: `${patientsTable}${updates}` };
  const findings = findingsOf([file]);
  assert.equal(where(findings), [at(file, 'create function public.edit_entry')]);
  assert.match(findings[0]?.message ?? '', /deletes or changes rows of [\w-]+\.patients/);
});

test('a view filtered by the caller (where owner = auth.uid()) shows an anonymous caller no row', () => {
  // A lab's credit balances, each client seeing their own: granted to anon by default privileges.
  const views = (
    where: string,
  ) => `alter default privileges in schema public grant select on tables to anon;
create view public.my_patients as select p.id, p.full_name, p.email from patients p ${where};
`;
  const scoped: Migration = {
    file: 'supabase/migrations/20250101000000_views.sql',
    sql: `${patientsTable}alter table patients enable row level security;
${views('where (p.user_id = (select auth.uid() as uid)) or public.is_admin()')}`,
  };
  assert.equal(findingsOf([scoped]), []);
  const everyone: Migration = { ...scoped, sql: scoped.sql.replace(/where [^\n]*/, '') };
  assert.equal(where(findingsOf([everyone])), [at(everyone, 'alter default privileges')]);
});

test.run();
