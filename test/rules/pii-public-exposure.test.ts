import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { piiPublicExposure } from '../../src/rules/pii-public-exposure.js';
import { check, col, dataMap, facts as f, item, mapping, where } from './_helpers.js';
import { findingsOfFiles } from './_scan-files.js';

const MERGE = 'db/kroger/2_merge.sql';

function ppsToKroger(accountsExposure: 'public' | 'internal', publicAllow: string[] = []) {
  return dataMap(
    {
      pps: { exposure: 'internal', context: 'health', migrations: ['db/pps/**'] },
      kroger: {
        exposure: 'internal',
        migrations: ['db/kroger/**'],
        tables: {
          accounts: {
            exposure: accountsExposure,
            columns: { display_name: {}, username: {}, email_hash: {}, tier: 'none' },
          },
        },
      },
    },
    { policy: { public: { deny: ['*'], allow: publicAllow } } },
  );
}

const schema = [
  f.table('db/pps/1_init.sql', 1, 'patients'),
  f.column('db/pps/1_init.sql', 2, 'patients', 'full_name'),
  f.column('db/pps/1_init.sql', 3, 'patients', 'email'),
  f.column('db/pps/1_init.sql', 4, 'patients', 'loyalty_points', 'integer'),
  f.table('db/kroger/1_init.sql', 1, 'accounts'),
  f.column('db/kroger/1_init.sql', 2, 'accounts', 'display_name'),
  f.column('db/kroger/1_init.sql', 3, 'accounts', 'username'),
  f.column('db/kroger/1_init.sql', 4, 'accounts', 'email_hash'),
  f.column('db/kroger/1_init.sql', 5, 'accounts', 'tier'),
];

const merge = f.copy(MERGE, 1, 'accounts', [
  item(MERGE, 2, 'display_name', [col('pps.patients', 'full_name')]),
  item(MERGE, 3, 'username', [col('pps.patients', 'email')]),
  item(MERGE, 4, 'email_hash', [col('pps.patients', 'email')], 'hash'),
  item(MERGE, 5, 'tier', [col('pps.patients', 'loyalty_points')]),
]);

test('PPS → Kroger: PHI copied into a public table, one finding per target column at its select item', () => {
  const findings = check(piiPublicExposure, [...schema, merge], { dataMap: ppsToKroger('public') });
  assert.equal(findings.map(where), [`${MERGE}:2:10`, `${MERGE}:3:10`, `${MERGE}:4:10`]);
  const [name, email, hashed] = findings;
  assert.is(
    name?.message,
    'PHI (person.name from pps.patients.full_name) copied into kroger.accounts.display_name (public) by INSERT … SELECT.',
  );
  assert.is(name?.severity, 'error');
  assert.is(name?.phi, true);
  assert.equal(name?.categories, ['person.name']);
  assert.equal(name?.source, { store: 'pps', table: 'patients', column: 'full_name' });
  assert.equal(name?.target, {
    store: 'kroger',
    table: 'accounts',
    column: 'display_name',
    exposure: 'public',
  });
  assert.equal(name?.evidence, [
    `flow from pps.patients.full_name (${MERGE}:2); pps.patients.full_name: classifier: name "full_name" reads as person.name (hint "full name")`,
  ]);
  assert.is(name?.at.endColumn, 22);
  assert.equal(email?.categories, ['contact.email']);
  assert.match(
    email?.message ?? '',
    /^PHI \(contact\.email from pps\.patients\.email\) copied into kroger\.accounts\.username \(public\)/,
  );
  // A hash is still personal, one severity lower.
  assert.is(hashed?.severity, 'warning');
  assert.match(hashed?.message ?? '', /contact\.email \(pseudonymised\) from pps\.patients\.email/);
});

test('the same copy into an internal table is no finding', () => {
  assert.equal(
    check(piiPublicExposure, [...schema, merge], { dataMap: ppsToKroger('internal') }),
    [],
  );
});

test('policy.public.allow lets a category through', () => {
  const findings = check(piiPublicExposure, [...schema, merge], {
    dataMap: ppsToKroger('public', ['contact.email']),
  });
  assert.equal(findings.map(where), [`${MERGE}:2:10`]);
});

test('tokenized or encrypted values reaching public are no finding', () => {
  const safe = f.copy(MERGE, 1, 'accounts', [
    item(MERGE, 2, 'display_name', [col('pps.patients', 'full_name')], 'tokenize'),
    item(MERGE, 3, 'username', [col('pps.patients', 'email')], 'encrypt'),
  ]);
  assert.equal(check(piiPublicExposure, [...schema, safe], { dataMap: ppsToKroger('public') }), []);
});

test('a multi-step flow shows every earlier step in its path', () => {
  const input = [
    ...schema,
    f.table('db/kroger/1_init.sql', 8, 'staging'),
    f.column('db/kroger/1_init.sql', 9, 'staging', 'label'),
    f.copy('db/kroger/2_stage.sql', 1, 'staging', [
      item('db/kroger/2_stage.sql', 3, 'label', [col('pps.patients', 'full_name')]),
    ]),
    f.copy('db/kroger/3_publish.sql', 1, 'accounts', [
      item('db/kroger/3_publish.sql', 4, 'display_name', [col('staging', 'label')]),
    ]),
  ];
  const [finding] = check(piiPublicExposure, input, { dataMap: ppsToKroger('public') });
  assert.is(where(finding), 'db/kroger/3_publish.sql:4:10');
  assert.equal(finding?.source, { store: 'pps', table: 'patients', column: 'full_name' });
  assert.equal(
    finding?.path?.map((step) => `${step.file}:${step.line}`),
    ['db/kroger/2_stage.sql:3', 'db/kroger/3_publish.sql:4'],
  );
});

test('a declared mapping into a public table is reported at each target field line', () => {
  const map = dataMap(
    {
      pps: {
        exposure: 'internal',
        tables: {
          patients: {
            subject: 'patient',
            columns: { full_name: 'person.name', email: 'contact.email', plan: 'none' },
          },
        },
      },
      kroger: {
        exposure: 'internal',
        tables: {
          accounts: { exposure: 'public', columns: { display_name: {}, username: {}, kind: {} } },
        },
      },
    },
    {
      mappings: [
        mapping('pps-member-accounts', 'pps.patients', 'kroger.accounts', [
          ['display_name', 'full_name', 'copy', 51],
          ['username', 'email', 'mask', 52],
          ['kind', 'plan', 'copy', 53],
        ]),
      ],
    },
  );
  const findings = check(piiPublicExposure, [], { dataMap: map });
  assert.equal(findings.map(where), ['datamap.yaml:51:7', 'datamap.yaml:52:7']);
  assert.is(
    findings[0]?.message,
    'PHI (person.name from pps.patients.full_name) copied into kroger.accounts.display_name (public) by mapping pps-member-accounts.',
  );
  assert.is(findings[0]?.severity, 'error');
  assert.is(findings[1]?.severity, 'warning');
});

test('a column of a table the map declares public is reported at its definition, even with no copy', () => {
  const map = dataMap({
    forum: {
      exposure: 'public',
      migrations: ['db/forum/**'],
      tables: { posts: { columns: { author_email: 'contact.email', body: 'none' } } },
    },
  });
  const input = [
    f.table('db/forum/1.sql', 1, 'posts'),
    f.column('db/forum/1.sql', 2, 'posts', 'author_email'),
    f.column('db/forum/1.sql', 3, 'posts', 'body'),
    f.column('db/forum/1.sql', 4, 'posts', 'phone'),
  ];
  const findings = check(piiPublicExposure, input, { dataMap: map });
  assert.equal(findings.map(where), ['db/forum/1.sql:2:3', 'db/forum/1.sql:4:3']);
  assert.is(
    findings[0]?.message,
    'Personal data (contact.email per the data map) held by forum.posts.author_email, a column of a table the data map declares public. Remove or tokenize the column, or make the table non-public.',
  );
  assert.equal(findings[1]?.categories, ['contact.phone']);
  assert.equal(findings[1]?.evidence?.length, 1);
  assert.match(findings[1]?.evidence?.[0] ?? '', /^classifier: /);
});

test('a copy into a table made public by an earlier migration is reported; by the same file, public-access-grant reports it', () => {
  const earlier = [...schema, f.grant('db/kroger/1_init.sql', 7, 'accounts', ['anon']), merge];
  const findings = check(piiPublicExposure, earlier, { dataMap: ppsToKroger('internal') });
  assert.equal(findings.map(where), [`${MERGE}:2:10`, `${MERGE}:3:10`, `${MERGE}:4:10`]);
  const sameFile = [...schema, merge, f.grant(MERGE, 9, 'accounts', ['anon'])];
  assert.equal(check(piiPublicExposure, sameFile, { dataMap: ppsToKroger('internal') }), []);
});

test('an upload with a public ACL carrying personal values', () => {
  const input = [
    ...schema,
    f.send(
      'scripts/export.ts',
      12,
      { type: 'object-store', service: 's3', bucket: 'exports', publicAcl: true },
      [{ from: [col('pps.patients', 'email')], transform: 'copy' }],
    ),
    f.send(
      'scripts/export.ts',
      14,
      { type: 'object-store', service: 's3', bucket: 'exports', publicAcl: false },
      [{ from: [col('pps.patients', 'email')], transform: 'copy' }],
    ),
  ];
  const findings = check(piiPublicExposure, input, { dataMap: ppsToKroger('internal') });
  assert.equal(findings.map(where), ['scripts/export.ts:12:5']);
  assert.match(
    findings[0]?.message ?? '',
    /^PHI \(contact\.email from pps\.patients\.email\) uploaded to s3 bucket exports with a public ACL/,
  );
  assert.equal(findings[0]?.target, { store: 's3', table: 'exports', exposure: 'public' });
});

test("an RPC that keeps a public row's own values copies nothing into it", async () => {
  // A Supabase table made in the dashboard, granted to anon, edited through a function.
  const findings = await findingsOfFiles({
    'supabase/grants.sql': 'GRANT SELECT, UPDATE ON patients TO anon;\n',
    'supabase/edit.sql':
      'CREATE FUNCTION edit_patient(p_id bigint, email_param text) RETURNS void\n' +
      'LANGUAGE plpgsql SECURITY INVOKER AS $$\nBEGIN\n' +
      '  UPDATE patients SET email = COALESCE(email_param, patients.email) WHERE id = p_id;\n' +
      'END;\n$$;\n',
  });
  assert.equal(
    findings.map(
      (finding) => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`,
    ),
    ['public-access-grant supabase/grants.sql:1:1'],
  );
  assert.match(
    findings[0]?.message ?? '',
    /email: Personal data \(contact\.email per the classifier\)/,
  );
});

test('a copy between two public tables widens nothing; from a private table it is reported', async () => {
  const findings = await findingsOfFiles({
    'db/001_tables.sql':
      'CREATE TABLE profiles (id uuid PRIMARY KEY, email text);\n' +
      'CREATE TABLE contacts (id uuid PRIMARY KEY, email text);\n' +
      'CREATE TABLE patients (id uuid PRIMARY KEY, email text);\n' +
      'GRANT SELECT ON profiles TO anon;\n' +
      'GRANT SELECT ON contacts TO anon;\n',
    'db/002_copy.sql':
      'INSERT INTO contacts (id, email) SELECT id, email FROM profiles;\n' +
      'INSERT INTO contacts (id, email) SELECT id, email FROM patients;\n',
  });
  assert.equal(
    findings.map(
      (finding) => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`,
    ),
    [
      'public-access-grant db/001_tables.sql:4:1',
      'public-access-grant db/001_tables.sql:5:1',
      'pii-public-exposure db/002_copy.sql:2:45',
    ],
  );
});

test.run();
