// What a change touches is what a scan reports: a grant added to an old table, a data map flipped
// to public, one file named on the command line; and baselines and store names that do not depend
// on the folder piilint runs from. Spawns the built CLI (`npm run build` first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import { git, write } from './git-repository.js';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  fingerprint: string;
}

function commit(root: string, message: string): void {
  git(root, 'add', '.');
  git(root, 'commit', '--quiet', '-m', message);
}

function newRepository(): string {
  const root = mkdtempSync(join(tmpdir(), 'piilint-scope-'));
  git(root, 'init', '--quiet');
  return root;
}

function scan(cwd: string, args: string[]) {
  const run = spawnSync(process.execPath, [BIN, 'scan', '--format', 'json', ...args], {
    cwd,
    encoding: 'utf8',
  });
  const findings = (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
  return {
    code: run.status,
    stderr: run.stderr,
    findings,
    where: findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`),
  };
}

const PATIENTS = `CREATE TABLE patients (
  id uuid PRIMARY KEY,
  full_name text NOT NULL,
  email text
);
`;

test('a commit that only adds GRANT SELECT ON patients TO anon is reported by --changed-since HEAD~1', () => {
  const root = newRepository();
  try {
    write(root, 'db/migrations/001_patients.sql', PATIENTS);
    commit(root, 'patients');
    write(root, 'db/migrations/002_expose.sql', 'GRANT SELECT ON patients TO anon;\n');
    commit(root, 'expose');
    const result = scan(root, ['--changed-since', 'HEAD~1']);
    assert.is(result.code, 1, result.stderr);
    assert.equal(result.where, ['public-access-grant db/migrations/002_expose.sql:1:1']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a commit that only flips exposure: public in the data map fails with the findings it causes', () => {
  const root = newRepository();
  try {
    const map = (exposure: string) => `version: 1
stores:
  crm:
    exposure: internal
    migrations: [db/crm/**]
  site:
    exposure: ${exposure}
    migrations: [db/site/**]
`;
    write(root, 'datamap.yaml', map('internal'));
    write(
      root,
      'db/crm/001_contacts.sql',
      'CREATE TABLE contacts (id int, full_name text, email text);\n',
    );
    write(
      root,
      'db/site/001_directory.sql',
      'CREATE TABLE directory (id int, full_name text);\nINSERT INTO directory (id, full_name) SELECT id, full_name FROM crm.contacts;\n',
    );
    commit(root, 'internal directory');
    assert.equal(scan(root, ['--changed-since', 'HEAD']).findings, []);
    write(root, 'datamap.yaml', map('public'));
    commit(root, 'the directory goes public');
    const result = scan(root, ['--changed-since', 'HEAD~1']);
    assert.is(result.code, 1, result.stderr);
    assert.ok(result.where.length > 0);
    assert.ok(
      result.where.every((entry) =>
        entry.startsWith('pii-public-exposure db/site/001_directory.sql:'),
      ),
      result.where.join('\n'),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('scan <one file> inside the PPS example reports the same SQL findings as the full scan', () => {
  const example = join(ROOT, 'examples', 'pps-kroger-merge');
  const file = 'db/kroger/migrations/002_import_pps_members.sql';
  const full = scan(example, ['.']);
  const expected = full.where.filter((entry) => entry.includes(file));
  assert.is(expected.length, 2);
  const one = scan(example, [file]);
  assert.is(one.code, 1);
  assert.equal(one.where, expected);
  assert.equal(
    one.findings.map((finding) => finding.fingerprint),
    full.findings.filter((finding) => finding.file === file).map((finding) => finding.fingerprint),
  );
});

test('a baseline written at the repository root gives no new findings from a subfolder', () => {
  const root = newRepository();
  try {
    write(root, 'services/api/db/migrations/001_patients.sql', PATIENTS);
    write(root, 'services/api/db/migrations/002_expose.sql', 'GRANT SELECT ON patients TO anon;\n');
    commit(root, 'patients');
    assert.ok(scan(root, []).findings.length > 0);
    scan(root, ['--write-baseline', 'piilint-baseline.json']);
    const recorded = JSON.parse(readFileSync(join(root, 'piilint-baseline.json'), 'utf8')) as {
      findings: unknown[];
    };
    assert.ok(recorded.findings.length > 0);
    assert.ok(scan(join(root, 'services', 'api'), []).findings.length > 0);
    const fromSubfolder = scan(join(root, 'services', 'api'), [
      '--baseline',
      join(root, 'piilint-baseline.json'),
    ]);
    assert.is(fromSubfolder.code, 0, fromSubfolder.stderr);
    assert.equal(fromSubfolder.findings, []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('drizzle: the schema and drizzle-kit output are one store; auth.users tables are never public by default', () => {
  const root = newRepository();
  try {
    write(
      root,
      'src/db/schema.ts',
      `import { pgSchema, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { authenticatedRole } from 'drizzle-orm/supabase';
const auth = pgSchema('auth');
export const authUsers = auth.table('users', { id: uuid('id').primaryKey(), email: text('email') });
export const mirror = pgTable('auth.users', { id: uuid('id').primaryKey(), phone: text('phone') });
export const profiles = pgTable('profiles', { id: uuid('id').primaryKey(), fullName: text('full_name') });
`,
    );
    write(
      root,
      'drizzle/0000_init.sql',
      'CREATE TABLE "profiles" ("id" uuid PRIMARY KEY, "full_name" text);\n',
    );
    write(
      root,
      'drizzle.config.ts',
      "export default { schema: './src/db/schema.ts', out: './drizzle', dialect: 'postgresql' };\n",
    );
    // No date in the names: git first saw the files today, after 2026-10-30, so no default grant.
    commit(root, 'schema');
    assert.equal(scan(root, []).where, []);
    write(root, 'piilint.config.yaml', 'supabase:\n  defaultGrants: always\n');
    commit(root, 'the old default');
    const result = scan(root, []);
    assert.equal(result.where, ['public-access-grant src/db/schema.ts:6:25']);
    const message = (result.findings[0] as unknown as { message: string }).message;
    assert.match(message, /this makes db\.profiles readable by everyone, exposing full_name/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
