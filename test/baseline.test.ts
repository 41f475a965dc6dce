// Baselines (rules.md, "Baseline"): fingerprints survive moved lines; only new findings are
// reported. Spawns the built CLI (`npm run build` first) on copies of the examples.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyBaseline, createBaseline } from '../src/baseline.js';
import type { Finding } from '../src/findings.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');
const EXAMPLES = join(ROOT, 'examples');

interface JsonReport {
  findings: Array<{ ruleId: string; file: string; fingerprint: string; message: string }>;
  summary: { errors: number; baselined?: number; fixed?: number };
}

function piilint(cwd: string, args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: '' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function json(cwd: string, args: string[]): JsonReport & { code: number | null } {
  const run = piilint(cwd, ['scan', '--format', 'json', ...args]);
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
  return { ...(JSON.parse(run.stdout) as JsonReport), code: run.code };
}

function copyExample(name: string): string {
  const directory = mkdtempSync(join(tmpdir(), `piilint-baseline-${name}-`));
  cpSync(join(EXAMPLES, name), directory, { recursive: true });
  return directory;
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A line on top of every file the scan reads: every finding moves down by one. */
function addLineOnTopOfEveryFile(directory: string): number {
  let changed = 0;
  for (const file of filesUnder(directory)) {
    const comment = file.endsWith('.sql')
      ? '-- moved down by one line'
      : /\.(ya?ml)$/.test(file)
        ? '# moved down by one line'
        : /\.[cm]?[jt]sx?$/.test(file)
          ? '// moved down by one line'
          : undefined;
    if (!comment) continue;
    writeFileSync(file, `${comment}\n${readFileSync(file, 'utf8')}`);
    changed++;
  }
  return changed;
}

const examples = readdirSync(EXAMPLES).filter((name) =>
  statSync(join(EXAMPLES, name)).isDirectory(),
);

for (const example of examples) {
  test(`examples/${example}: a baseline survives a line added on top of every file`, () => {
    const directory = copyExample(example);
    try {
      const before = json(directory, []);
      assert.ok(before.findings.length > 0, 'the examples leak on purpose');

      const written = json(directory, ['--write-baseline', 'piilint-baseline.json']);
      assert.is(written.code, 0, 'writing a baseline accepts today’s findings');
      assert.equal(written.summary.baselined, before.findings.length);
      const baseline = JSON.parse(readFileSync(join(directory, 'piilint-baseline.json'), 'utf8'));
      assert.is(baseline.version, 1);
      assert.is(baseline.tool.name, 'piilint');
      assert.is(baseline.findings.length, before.findings.length);
      assert.equal(Object.keys(baseline.findings[0]).sort(), [
        'file',
        'fingerprint',
        'message',
        'ruleId',
      ]);

      assert.ok(addLineOnTopOfEveryFile(directory) > 0);
      const moved = json(directory, []);
      assert.equal(
        moved.findings.map((finding) => finding.fingerprint).sort(),
        before.findings.map((finding) => finding.fingerprint).sort(),
        'fingerprints carry no line numbers',
      );

      const after = json(directory, ['--baseline', 'piilint-baseline.json']);
      assert.equal(after.findings, [], JSON.stringify(after.findings, null, 2));
      assert.is(after.code, 0);
      assert.is(after.summary.baselined, before.findings.length);
      assert.is(after.summary.fixed, 0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
}

test('a new leak is reported against the baseline; removed leaks count as fixed', () => {
  const directory = copyExample('pps-kroger-merge');
  try {
    assert.is(json(directory, ['--write-baseline', 'piilint-baseline.json']).code, 0);
    addLineOnTopOfEveryFile(directory);
    writeFileSync(
      join(directory, 'db/kroger/migrations/003_prescribers.sql'),
      '-- Show the prescriber on the public account as well.\nALTER TABLE kroger.accounts ADD COLUMN prescriber text;\nUPDATE kroger.accounts a SET prescriber = p.prescriber FROM pps.patients p WHERE p.email = a.username;\n',
    );
    const after = json(directory, ['--baseline', 'piilint-baseline.json']);
    assert.ok(after.findings.length > 0, 'the new migration leaks');
    assert.ok(
      after.findings.every(
        (finding) => finding.file === 'db/kroger/migrations/003_prescribers.sql',
      ),
      JSON.stringify(after.findings, null, 2),
    );
    assert.is(after.code, 1);

    const text = piilint(directory, ['scan', '--no-color', '--baseline', 'piilint-baseline.json']);
    assert.match(text.stdout, /in the baseline/);

    // The original copy removed: its findings are gone, and counted as fixed. The data map's
    // mapping still declares the same flow, and with no SQL implementing it, it is reported at
    // the mapping (one flow is reported once, where it is implemented; issue 9).
    rmSync(join(directory, 'db/kroger/migrations/002_import_pps_members.sql'));
    rmSync(join(directory, 'db/kroger/migrations/003_prescribers.sql'));
    const fixed = json(directory, ['--baseline', 'piilint-baseline.json']);
    assert.is(fixed.summary.fixed, 2);
    assert.equal(
      fixed.findings.map((finding) => `${finding.ruleId} ${finding.file}`),
      ['pii-public-exposure datamap.yaml', 'pii-public-exposure datamap.yaml'],
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('an unusable baseline stops the scan with exit 2 and one line', () => {
  const directory = copyExample('truepill-fills');
  try {
    const missing = piilint(directory, ['scan', '--baseline', 'nope.json']);
    assert.is(missing.code, 2);
    assert.match(missing.stderr, /^piilint: baseline nope\.json not found — create it with/);
    writeFileSync(join(directory, 'broken.json'), '{"version": 2}');
    const broken = piilint(directory, ['scan', '--baseline', 'broken.json']);
    assert.is(broken.code, 2);
    assert.match(broken.stderr, /not a piilint baseline/);
    assert.is(broken.stderr.trim().split('\n').length, 1);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

function finding(fingerprint: string, overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'pii-unencrypted',
    severity: 'error',
    message: 'm',
    file: 'b.sql',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    categories: [],
    path: [],
    evidence: [],
    fix: 'f',
    fingerprint,
    ...overrides,
  };
}

test('createBaseline sorts entries and leaves suppressed findings out; applyBaseline counts', () => {
  const baseline = createBaseline(
    [
      finding('b', { file: 'b.sql' }),
      finding('a', { file: 'a.sql', ruleId: 'pii-logged' }),
      finding('c', { file: 'a.sql', suppressed: { reason: 'r' } }),
    ],
    { name: 'piilint', version: '1.0.0' },
  );
  assert.equal(
    baseline.findings.map((entry) => entry.fingerprint),
    ['a', 'b'],
  );
  const outcome = applyBaseline(
    [finding('b'), finding('new'), finding('c', { suppressed: { reason: 'r' } })],
    baseline,
  );
  assert.equal(
    outcome.findings.map((entry) => entry.fingerprint),
    ['new', 'c'],
  );
  assert.equal([outcome.baselined, outcome.fixed], [1, 1]);
});

test.run();
