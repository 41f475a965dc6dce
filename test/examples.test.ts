// The incident examples: each README's command, its exit code and every finding's exact location.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  categories: string[];
  phi: boolean;
  source: { store: string; table: string; column?: string } | null;
  target: { store: string; table: string; column?: string; exposure?: string } | null;
  fix: string;
  path: Array<{ file: string; line: number; column: number; description: string }>;
}

function scan(example: string, format: 'json' | 'text') {
  const target = example.includes('/') ? example : `examples/${example}`;
  const run = spawnSync(process.execPath, [BIN, 'scan', target, '--format', format], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function findingsOf(example: string): { code: number | null; findings: JsonFinding[] } {
  const run = scan(example, 'json');
  assert.is(run.stderr, '');
  return {
    code: run.code,
    findings: (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings,
  };
}

const where = (finding: JsonFinding) =>
  `${finding.ruleId} ${finding.severity} ${finding.file}:${finding.line}:${finding.column}`;

test('pps-kroger-merge: patient names and emails reach public Kroger accounts', () => {
  const { code, findings } = findingsOf('pps-kroger-merge');
  assert.is(code, 1);
  const dir = 'examples/pps-kroger-merge';
  // The data map's mapping and the SQL that implements it are one flow: reported once, at the
  // SQL, with the mapping named in the evidence.
  assert.equal(findings.map(where), [
    `pii-public-exposure error ${dir}/db/kroger/migrations/002_import_pps_members.sql:3:8`,
    `pii-public-exposure error ${dir}/db/kroger/migrations/002_import_pps_members.sql:3:21`,
  ]);
  const [copiedName, copiedEmail] = findings;
  for (const [finding, category, sourceColumn, targetColumn] of [
    [copiedName, 'person.name', 'full_name', 'display_name'],
    [copiedEmail, 'contact.email', 'email', 'username'],
  ] as const) {
    assert.ok(finding);
    assert.equal(finding.categories, [category]);
    assert.is(finding.phi, true);
    assert.equal(finding.source, { store: 'pps', table: 'patients', column: sourceColumn });
    assert.equal(finding.target, {
      store: 'kroger',
      table: 'accounts',
      column: targetColumn,
      exposure: 'public',
    });
    assert.match(finding.message, 'PHI');
    assert.match(finding.message, `pps.patients.${sourceColumn}`);
    assert.ok(finding.fix.length > 0);
    assert.ok(
      (finding as JsonFinding & { evidence: string[] }).evidence.includes(
        "the same flow is declared by the data map's mapping pps-member-accounts",
      ),
    );
  }
});

test('pps-kroger-merge: the README command prints the PPS finding and exits 1', () => {
  const run = scan('pps-kroger-merge', 'text');
  assert.is(run.code, 1);
  assert.match(
    run.stdout,
    'examples/pps-kroger-merge/db/kroger/migrations/002_import_pps_members.sql\n',
  );
  assert.match(run.stdout, '    > 3 | SELECT p.full_name, p.email\n');
  assert.match(run.stdout, 'person.name (PHI) from pps.patients.full_name');
  assert.match(run.stdout, '    target: kroger.accounts.display_name (public)\n');
  assert.match(run.stdout, '    fix:    ');
  assert.match(
    run.stdout,
    'PHI (protected health information) (person.name from pps.patients.full_name)',
  );
  assert.match(
    run.stdout,
    /✖ 2 errors, 0 warnings, 0 notes in 4 files scanned, 1 with findings\n$/,
  );
});

test('truepill-fills: medication and date of birth in plain text; the encrypted ssn is no finding', () => {
  const { code, findings } = findingsOf('truepill-fills');
  assert.is(code, 1);
  const file = 'examples/truepill-fills/migrations/001_fills.sql';
  assert.equal(findings.map(where), [
    `pii-unencrypted error ${file}:7:3`,
    `pii-unencrypted error ${file}:14:3`,
  ]);
  assert.equal(
    findings.map((finding) => finding.categories),
    [['demographic.birth_date'], ['health.medication']],
  );
  assert.equal(
    findings.map((finding) => finding.target?.column),
    ['date_of_birth', 'medication'],
  );
});

test('supabase-anon: public-access-grant at each statement that opens the table', () => {
  const { code, findings } = findingsOf('supabase-anon');
  assert.is(code, 1);
  const file = 'examples/supabase-anon/supabase/migrations/20240101000000_patients.sql';
  assert.equal(findings.map(where), [
    `pii-unencrypted error ${file}:6:3`,
    `pii-unencrypted error ${file}:7:3`,
    `public-access-grant error ${file}:12:22`,
    `public-access-grant error ${file}:15:1`,
  ]);
  assert.match(
    findings[2]?.message ?? '',
    /^ALTER TABLE patients DISABLE ROW LEVEL SECURITY while anon can reach it \(GRANT SELECT ON patients TO anon, /,
  );
  const grant = findings[3];
  assert.equal(grant?.categories, [
    'person.name',
    'contact.email',
    'demographic.birth_date',
    'health.diagnosis',
  ]);
  assert.is(grant?.target?.exposure, 'public');
  for (const column of ['full_name', 'email', 'date_of_birth', 'diagnosis']) {
    assert.match(grant?.message ?? '', column);
  }
});

const step = (finding: JsonFinding | undefined, index: number) => {
  const found = index < 0 ? finding?.path.at(index) : finding?.path[index];
  return found ? `${found.line}:${found.column} ${found.description}` : undefined;
};

test('pps-kroger-script: the merge script across two connections, with its path', () => {
  const { code, findings } = findingsOf('pps-kroger-script');
  assert.is(code, 1);
  const file = 'examples/pps-kroger-script/scripts/merge-pps-members.ts';
  assert.equal(findings.map(where), [
    `pii-public-exposure error ${file}:14:43`,
    `pii-public-exposure error ${file}:14:70`,
    `pii-logged warning ${file}:17:7`,
  ]);
  const [name, email, logged] = findings;
  assert.equal(name?.source, { store: 'pps', table: 'patients', column: 'full_name' });
  assert.equal(name?.target, {
    store: 'kroger',
    table: 'accounts',
    column: 'display_name',
    exposure: 'public',
  });
  assert.equal(email?.categories, ['contact.email']);
  assert.is(name?.phi, true);
  // The path starts at the read through ppsDb and ends at the insert through krogerDb.
  for (const finding of [name, email]) {
    assert.match(
      step(finding, 0) ?? '',
      /^8:26 read patients\.full_name, patients\.email through ppsDb/,
    );
    assert.match(step(finding, -1) ?? '', /^14:13 inserted into accounts through krogerDb/);
  }
  // Progress counts and the status are logged too, but only the email in the catch branch is a finding.
  assert.equal(logged?.categories, ['contact.email']);
  assert.match(step(logged, 0) ?? '', /^8:26 read /);
  assert.match(step(logged, -1) ?? '', /^17:7 logged /);
});

test('insulet-marketing: IP addresses and pump usage sent to Segment and a partner host', () => {
  const { code, findings } = findingsOf('insulet-marketing');
  assert.is(code, 1);
  const file = 'examples/insulet-marketing/src/telemetry/forward-pump-events.ts';
  assert.equal(findings.map(where), [
    `pii-third-party error ${file}:17:5`,
    `pii-third-party error ${file}:25:9`,
  ]);
  const [segment, partner] = findings;
  assert.ok(segment?.categories.includes('device.ip_address'));
  assert.ok(segment?.categories.includes('health.device_usage'));
  assert.equal(partner?.categories.sort(), ['device.ip_address', 'health.device_serial']);
  assert.is(partner?.target?.store, 'marketing_partner');
  assert.is(partner?.target?.exposure, 'partner');
  assert.match(partner?.message ?? '', 'collect.adpartner.example');
  for (const finding of [segment, partner]) {
    assert.is(finding?.phi, true);
    assert.match(step(finding, 0) ?? '', /^11:26 read pump_events\./);
    // Steps are in source order and end at the send itself.
    const last = finding?.path.at(-1);
    assert.equal([last?.line, last?.column], [finding?.line, finding?.column]);
    const lines = finding?.path.map((entry) => entry.line) ?? [];
    assert.equal(
      lines.slice(0, 2),
      [...lines.slice(0, 2)].sort((a, b) => a - b),
    );
  }
});

test('a backfill that logs patient emails is a finding; counts, ids and statuses are not', () => {
  const dir = 'test/fixtures/cli/backfill-logs-emails';
  const { code, findings } = findingsOf(dir);
  assert.is(code, 0); // pii-logged is a warning: the default --fail-on error passes
  const file = `${dir}/migrations/20240302090000_backfill_normalized_email.ts`;
  assert.equal(findings.map(where), [`pii-logged warning ${file}:9:5`]);
  const [logged] = findings;
  assert.equal(logged?.categories, ['contact.email']);
  assert.equal(logged?.source, {
    store: 'backfill-logs-emails',
    table: 'patients',
    column: 'email',
  });
  assert.match(step(logged, 0) ?? '', /^5:22 read patients\.id, patients\.email/);
  assert.match(step(logged, 1) ?? '', /^7:14 each item of rows as row/);
});

test.run();
