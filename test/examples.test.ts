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
}

function scan(example: string, format: 'json' | 'text') {
  const run = spawnSync(
    process.execPath,
    [BIN, 'scan', `examples/${example}`, '--format', format],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
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
  assert.equal(findings.map(where), [
    `pii-public-exposure error ${dir}/datamap.yaml:43:7`,
    `pii-public-exposure error ${dir}/datamap.yaml:44:7`,
    `pii-public-exposure error ${dir}/db/kroger/migrations/002_import_pps_members.sql:3:8`,
    `pii-public-exposure error ${dir}/db/kroger/migrations/002_import_pps_members.sql:3:21`,
  ]);
  const [mappedName, mappedEmail, copiedName, copiedEmail] = findings;
  for (const [finding, category, sourceColumn, targetColumn] of [
    [mappedName, 'person.name', 'full_name', 'display_name'],
    [mappedEmail, 'contact.email', 'email', 'username'],
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
  assert.match(run.stdout, /✖ 4 errors, 0 warnings, 0 notes in 4 files\n$/);
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

test('supabase-anon: one public-access-grant at the statement that made the table public', () => {
  const { code, findings } = findingsOf('supabase-anon');
  assert.is(code, 1);
  const file = 'examples/supabase-anon/supabase/migrations/20240101000000_patients.sql';
  assert.equal(findings.map(where), [
    `pii-unencrypted error ${file}:6:3`,
    `pii-unencrypted error ${file}:7:3`,
    `public-access-grant error ${file}:12:22`,
  ]);
  const grant = findings[2];
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

test.run();
