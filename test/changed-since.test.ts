// `--changed-since <ref>` on a git repository built here: everything is analysed, only findings in
// files changed since the ref are reported. Spawns the built CLI (`npm run build` first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import { git, write } from './git-repository.js';
import * as assert from 'uvu/assert';
import { changedFilesSince } from '../src/changed-files.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');

const PATIENTS = `CREATE TABLE patients (
  id uuid PRIMARY KEY,
  full_name text NOT NULL,
  diagnosis text
);
`;
const FILLS = `CREATE TABLE fills (
  id uuid PRIMARY KEY,
  patient_id uuid REFERENCES patients (id),
  medication text
);
`;
const NOTES = `CREATE TABLE clinical_notes (
  id uuid PRIMARY KEY,
  patient_id uuid REFERENCES patients (id),
  diagnosis text
);
`;

/** main: one leaking migration; branch `feature`: a second one, committed. */
function repository(): string {
  const root = mkdtempSync(join(tmpdir(), 'piilint-changed-'));
  git(root, 'init', '--quiet');
  git(root, 'checkout', '--quiet', '-b', 'main');
  write(root, 'db/migrations/001_patients.sql', PATIENTS);
  git(root, 'add', '.');
  git(root, 'commit', '--quiet', '-m', 'patients');
  git(root, 'checkout', '--quiet', '-b', 'feature');
  write(root, 'db/migrations/002_fills.sql', FILLS);
  git(root, 'add', '.');
  git(root, 'commit', '--quiet', '-m', 'fills');
  return root;
}

function scan(cwd: string, args: string[]) {
  const run = spawnSync(process.execPath, [BIN, 'scan', '--format', 'json', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: '' },
  });
  const findings =
    run.status === 0 || run.status === 1
      ? (JSON.parse(run.stdout) as { findings: Array<{ file: string; ruleId: string }> }).findings
      : [];
  return { code: run.status, stderr: run.stderr, files: [...new Set(findings.map((f) => f.file))] };
}

test('--changed-since main reports only the new migration’s findings', () => {
  const root = repository();
  try {
    const everything = scan(root, []);
    assert.equal(everything.files, [
      'db/migrations/001_patients.sql',
      'db/migrations/002_fills.sql',
    ]);

    const changed = scan(root, ['--changed-since', 'main']);
    assert.equal(changed.files, ['db/migrations/002_fills.sql']);
    assert.is(changed.code, 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('uncommitted and untracked changes count as changed', () => {
  const root = repository();
  try {
    write(root, 'db/migrations/003_notes.sql', NOTES); // untracked
    const withUntracked = scan(root, ['--changed-since', 'main']);
    assert.equal(withUntracked.files, [
      'db/migrations/002_fills.sql',
      'db/migrations/003_notes.sql',
    ]);
    // An edit to the committed file of main, not yet committed, makes it changed too.
    write(root, 'db/migrations/001_patients.sql', `-- reviewed\n${PATIENTS}`);
    const withEdit = scan(root, ['--changed-since', 'main']);
    assert.ok(withEdit.files.includes('db/migrations/001_patients.sql'), withEdit.files.join());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('paths are relative to the working directory, not the repository root', () => {
  const root = repository();
  try {
    const files = changedFilesSince('main', join(root, 'db'));
    assert.equal([...files], ['migrations/002_fills.sql']);
    const fromSubfolder = scan(join(root, 'db'), ['--changed-since', 'main']);
    assert.equal(fromSubfolder.files, ['migrations/002_fills.sql']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a ref git does not know stops the run with exit 2 and one line saying what to do', () => {
  const root = repository();
  try {
    const run = scan(root, ['--changed-since', 'origin/main']);
    assert.is(run.code, 2);
    assert.is(
      run.stderr,
      'piilint: git ref `origin/main` not found — fetch more history (actions/checkout with fetch-depth: 0) or pass an existing ref\n',
    );
    // A ref is never read as an option or a command.
    const hostile = scan(root, ['--changed-since=--output=/tmp/x; touch pwned']);
    assert.is(hostile.code, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('outside a git repository --changed-since is exit 2', () => {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-no-git-'));
  try {
    write(folder, 'db/migrations/001_patients.sql', PATIENTS);
    const run = scan(folder, ['--changed-since', 'main']);
    assert.is(run.code, 2);
    assert.match(run.stderr, /needs a git repository/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
