import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findingsOfFiles } from './_scan-files.js';
import { publicAccessGrant } from '../../src/rules/public-access-grant.js';
import { check, col, config, dataMap, facts as f, item, where } from './_helpers.js';

const members = [
  f.table('db/1_init.sql', 1, 'members'),
  f.column('db/1_init.sql', 2, 'members', 'id', 'integer', { primaryKey: true }),
  f.column('db/1_init.sql', 3, 'members', 'email'),
  f.column('db/1_init.sql', 4, 'members', 'plan_tier'),
];

test('GRANT SELECT to anon on a table with personal columns, at the grant, listing them', () => {
  const findings = check(publicAccessGrant, [
    ...members,
    f.grant('db/2_expose.sql', 3, 'members', ['anon']),
  ]);
  assert.equal(findings.map(where), ['db/2_expose.sql:3:1']);
  assert.is(
    findings[0]?.message,
    'GRANT SELECT ON members TO anon: this makes db.members readable by everyone, exposing email: Personal data (contact.email per the classifier).',
  );
  assert.equal(findings[0]?.categories, ['contact.email']);
  assert.equal(findings[0]?.target, { store: 'db', table: 'members', exposure: 'public' });
  assert.is(findings[0]?.phi, false);
});

test('GRANT to PUBLIC and to a configured anonymous role; not to an authenticated role', () => {
  assert.equal(
    check(publicAccessGrant, [...members, f.grant('db/2.sql', 1, 'members', ['public'])]).map(
      where,
    ),
    ['db/2.sql:1:1'],
  );
  const custom = config({ anonymousRoles: ['visitor'] });
  assert.equal(
    check(publicAccessGrant, [...members, f.grant('db/2.sql', 1, 'members', ['visitor'])], {
      config: custom,
    }).map(where),
    ['db/2.sql:1:1'],
  );
  assert.equal(
    check(publicAccessGrant, [...members, f.grant('db/2.sql', 1, 'members', ['authenticated'])]),
    [],
  );
  assert.equal(
    check(publicAccessGrant, [
      ...members,
      f.grant('db/2.sql', 1, 'members', ['anon'], { privileges: ['insert'] }),
    ]),
    [],
  );
});

test('granting only non-personal columns is no finding; a personal column is', () => {
  assert.equal(
    check(publicAccessGrant, [
      ...members,
      f.grant('db/2.sql', 1, 'members', ['anon'], { columns: ['id', 'plan_tier'] }),
    ]),
    [],
  );
  const findings = check(publicAccessGrant, [
    ...members,
    f.grant('db/2.sql', 1, 'members', ['anon'], { columns: ['id', 'email'] }),
  ]);
  assert.equal(findings.map(where), ['db/2.sql:1:1']);
  assert.match(
    findings[0]?.message ?? '',
    /^GRANT SELECT \(id, email\) ON members TO anon: .* exposing email: /,
  );
});

test('Supabase: a table with personal data and RLS off is public at its CREATE TABLE; RLS enabled later in the same file is no finding', () => {
  const file = 'supabase/migrations/20240101_profiles.sql';
  const open = [f.table(file, 1, 'profiles'), f.column(file, 2, 'profiles', 'full_name')];
  const findings = check(publicAccessGrant, open);
  assert.equal(findings.map(where), [`${file}:1:1`]);
  assert.match(
    findings[0]?.message ?? '',
    /^profiles is created in the public schema of a Supabase project, whose default privileges \(for tables created before 2026-10-30\) grant it to anon, and row-level security is not enabled: this makes supabase\.profiles readable by everyone, exposing full_name: Personal data \(person\.name per the classifier\)/,
  );
  assert.equal(check(publicAccessGrant, [...open, f.rls(file, 5, 'profiles', true)]), []);
  // Enabled only in a later file: the first file already made it public.
  assert.equal(
    check(publicAccessGrant, [
      ...open,
      f.rls('supabase/migrations/20240102_rls.sql', 1, 'profiles', true),
    ]).map(where),
    [`${file}:1:1`],
  );
});

test('a USING (true) policy for every role on Supabase is reported at the policy', () => {
  const input = [
    f.supabase('db/0.sql', 1),
    f.table('db/1.sql', 1, 'patients'),
    f.column('db/1.sql', 2, 'patients', 'email'),
    f.rls('db/1.sql', 3, 'patients', true),
    f.policy('db/2.sql', 4, 'patients', [], true),
  ];
  const findings = check(publicAccessGrant, input, {
    dataMap: dataMap({
      pharmacy: { exposure: 'internal', context: 'health', migrations: ['db/**'] },
    }),
  });
  assert.equal(findings.map(where), ['db/2.sql:4:1']);
  assert.match(
    findings[0]?.message ?? '',
    /^policy "read" on patients lets every role read every row \(USING true\): this makes pharmacy\.patients readable by everyone, exposing email: PHI \(contact\.email per the classifier\)/,
  );
  assert.is(findings[0]?.phi, true);
  const owner = [...input.slice(0, 4), f.policy('db/2.sql', 4, 'patients', [], false)];
  assert.equal(check(publicAccessGrant, owner), []);
});

test('DISABLE ROW LEVEL SECURITY on a table anon can reach', () => {
  const input = [
    ...members,
    f.rls('db/1_init.sql', 6, 'members', true),
    f.grant('db/1_init.sql', 7, 'members', ['anon']),
    f.rls('db/3_open.sql', 2, 'members', false),
  ];
  const findings = check(publicAccessGrant, input);
  assert.equal(findings.map(where), ['db/3_open.sql:2:1']);
  assert.match(
    findings[0]?.message ?? '',
    /^ALTER TABLE members DISABLE ROW LEVEL SECURITY while anon can reach it \(GRANT SELECT ON members TO anon, db\/1_init\.sql:7\): /,
  );
  assert.equal(check(publicAccessGrant, input.slice(0, -1)), []);
});

test('a view over personal columns granted to anon', () => {
  const input = [
    ...members,
    f.view('db/2_view.sql', 1, 'member_directory'),
    f.copy(
      'db/2_view.sql',
      1,
      'member_directory',
      [item('db/2_view.sql', 2, 'contact', [col('members', 'email')])],
      'view',
    ),
    f.grant('db/2_view.sql', 5, 'member_directory', ['anon']),
  ];
  const findings = check(publicAccessGrant, input);
  assert.equal(findings.map(where), ['db/2_view.sql:5:1']);
  assert.match(
    findings[0]?.message ?? '',
    /exposing contact: Personal data \(contact\.email from db\.members\.email\)/,
  );
  const counts = [
    ...members,
    f.view('db/2_view.sql', 1, 'member_counts'),
    f.copy('db/2_view.sql', 1, 'member_counts', [item('db/2_view.sql', 2, 'total', [])], 'view'),
    f.grant('db/2_view.sql', 5, 'member_counts', ['anon']),
  ];
  assert.equal(check(publicAccessGrant, counts), []);
});

test('a bucket made public is a finding (it may hold personal files); a private bucket is not', () => {
  const findings = check(publicAccessGrant, [
    f.bucket('supabase/migrations/1.sql', 3, 'avatars', true),
  ]);
  assert.equal(findings.map(where), ['supabase/migrations/1.sql:3:1']);
  assert.is(
    findings[0]?.message,
    'Bucket avatars is made public: anyone can read every file in it by its URL, and its name says it holds personal files.',
  );
  // No severity of its own: the rule's, an error.
  assert.is(findings[0]?.severity, undefined);
  assert.equal(
    check(publicAccessGrant, [f.bucket('supabase/migrations/1.sql', 3, 'avatars', false)]),
    [],
  );
});

test("a public bucket is judged by its name: people's files are an error, a name that says nothing a warning, the site's assets nothing", () => {
  const judged = (name: string) =>
    check(publicAccessGrant, [f.bucket('supabase/migrations/1.sql', 3, name, true)]).map(
      (finding) => finding.severity ?? 'error',
    );
  assert.equal(judged('prescription-scans'), ['error']);
  assert.equal(judged('patient_documents'), ['error']);
  assert.equal(judged('pet-media'), ['warning']);
  assert.equal(judged('product-images'), []);
  assert.equal(judged('clinic-images'), []);
  assert.equal(judged('site_assets'), []);
  // A name with both kinds of word is read as people's.
  assert.equal(judged('public-uploads'), ['error']);
});

test('policy.public.allow: exposing only allowed categories is no finding', () => {
  const map = dataMap(
    {
      forum: {
        exposure: 'internal',
        migrations: ['db/**'],
        tables: { users: { columns: { handle: 'person.username' } } },
      },
    },
    { policy: { public: { deny: ['*'], allow: ['person.username'] } } },
  );
  const input = [
    f.table('db/1.sql', 1, 'users'),
    f.column('db/1.sql', 2, 'users', 'handle'),
    f.grant('db/2.sql', 1, 'users', ['anon']),
  ];
  assert.equal(check(publicAccessGrant, input, { dataMap: map }), []);
});

test('CREATE TABLE IF NOT EXISTS (or guarded by IF NOT EXISTS in PL/pgSQL) of a table an earlier migration made adds no columns', async () => {
  // A therapy practice's "consolidated schema" file lists columns the table never got.
  const findings = await findingsOfFiles({
    'db/001_notes.sql':
      'CREATE TABLE session_notes (id uuid PRIMARY KEY, appointment_id uuid);\n' +
      'GRANT SELECT ON session_notes TO anon;\n',
    'db/002_consolidated.sql':
      'CREATE TABLE IF NOT EXISTS session_notes (id uuid PRIMARY KEY, client_email text);\n',
    // The same, guarded in PL/pgSQL.
    'db/002_dashboard.sql':
      "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 'session_notes') THEN\n" +
      '  CREATE TABLE public.session_notes (id uuid PRIMARY KEY, client_email text);\n' +
      'END IF; END $$;\n',
    'db/003_add_email.sql': 'ALTER TABLE session_notes ADD COLUMN client_email text;\n',
  });
  assert.equal(
    findings.map(
      (finding) => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`,
    ),
    ['public-access-grant db/003_add_email.sql:1:38'],
  );
});

test('an opening a later numbered migration closes is a warning naming that file; one nothing closes stays an error', async () => {
  // An EHR turned row-level security off for seeding and on again in the next migration.
  const findings = await findingsOfFiles({
    'supabase/migrations/20250101000000_vitals.sql':
      'CREATE TABLE vital_signs (id uuid PRIMARY KEY, patient_id uuid, systolic_bp int);\n' +
      'ALTER TABLE vital_signs ENABLE ROW LEVEL SECURITY;\n' +
      'CREATE TABLE patient_notes (id uuid PRIMARY KEY, patient_id uuid, email text);\n' +
      'ALTER TABLE patient_notes ENABLE ROW LEVEL SECURITY;\n',
    'supabase/migrations/20250102000000_disable_for_seeding.sql':
      'ALTER TABLE vital_signs DISABLE ROW LEVEL SECURITY;\n' +
      'ALTER TABLE patient_notes DISABLE ROW LEVEL SECURITY;\n',
    'supabase/migrations/20250103000000_enable_after_seeding.sql':
      'ALTER TABLE vital_signs ENABLE ROW LEVEL SECURITY;\n',
  });
  const grants = findings.filter((finding) => finding.ruleId === 'public-access-grant');
  assert.equal(
    grants.map(
      (finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.severity}`,
    ),
    [
      'supabase/migrations/20250102000000_disable_for_seeding.sql:1:25 warning',
      'supabase/migrations/20250102000000_disable_for_seeding.sql:2:27 error',
    ],
  );
  assert.ok(
    grants[0]?.message.endsWith(
      'A later migration (supabase/migrations/20250103000000_enable_after_seeding.sql) closes it again: everyone could read it between the two, and a copy taken then stays taken (a warning, not an error).',
    ),
    grants[0]?.message,
  );
});

test('a view a later migration drops and creates again, still readable, was never closed', async () => {
  // An orthodontic lab's patient view, redefined to change its columns: the new view is granted
  // by the same default privileges, so both openings stay errors.
  const view = (columns: string) =>
    `DROP VIEW IF EXISTS public.case_overview;\nCREATE VIEW public.case_overview AS SELECT ${columns} FROM cases;\n`;
  const findings = await findingsOfFiles({
    'supabase/migrations/20250101000000_cases.sql':
      'CREATE TABLE cases (id uuid PRIMARY KEY, patient_name text, notes text);\n' +
      'ALTER TABLE cases ENABLE ROW LEVEL SECURITY;\n' +
      'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO anon;\n' +
      view('id, patient_name'),
    'supabase/migrations/20250201000000_case_notes.sql': view('id, patient_name, notes'),
  });
  assert.equal(
    findings
      .filter((finding) => finding.ruleId === 'public-access-grant')
      .map((finding) => `${finding.file}:${finding.line} ${finding.severity}`),
    [
      'supabase/migrations/20250101000000_cases.sql:3 error',
      'supabase/migrations/20250201000000_case_notes.sql:2 error',
    ],
  );
});

test('loose setup scripts run in no known order: one sorted after another does not lower it', async () => {
  const findings = await findingsOfFiles({
    'sql/DISABLE_RLS.sql':
      'CREATE TABLE patients (id uuid PRIMARY KEY, email text, auth_id uuid REFERENCES auth.users);\n',
    'sql/FIX_RLS.sql': 'ALTER TABLE patients ENABLE ROW LEVEL SECURITY;\n',
  });
  assert.equal(
    findings
      .filter((finding) => finding.ruleId === 'public-access-grant')
      .map((finding) => `${finding.file}:${finding.line} ${finding.severity}`),
    ['sql/DISABLE_RLS.sql:1 error'],
  );
});

test('a table readable with only keys personal (patient_id, doctor_id) is a warning; with a name beside them an error', () => {
  const slots = [
    f.table('db/1_init.sql', 1, 'doctor_slots'),
    f.column('db/1_init.sql', 2, 'doctor_slots', 'id', 'uuid', { primaryKey: true }),
    f.column('db/1_init.sql', 3, 'doctor_slots', 'doctor_id', 'uuid'),
    f.column('db/1_init.sql', 4, 'doctor_slots', 'patient_id', 'uuid'),
    f.column('db/1_init.sql', 5, 'doctor_slots', 'starts_at', 'timestamptz'),
  ];
  const [keys] = check(publicAccessGrant, [
    ...slots,
    f.grant('db/2_expose.sql', 3, 'doctor_slots', ['anon']),
  ]);
  assert.is(keys?.severity, 'warning');
  assert.match(keys?.message ?? '', /Only keys are exposed: they name nobody by themselves/);
  const named = [...slots, f.column('db/1_init.sql', 6, 'doctor_slots', 'patient_name')];
  const [withName] = check(publicAccessGrant, [
    ...named,
    f.grant('db/2_expose.sql', 3, 'doctor_slots', ['anon']),
  ]);
  assert.is(withName?.severity, undefined);
  assert.not.match(withName?.message ?? '', /Only keys/);
});

test.run();
