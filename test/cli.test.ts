// End to end: spawns the built CLI (`npm run build` first; `npm run test:unit` does it).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NOT_YET_AVAILABLE_OPTIONS } from '../src/cli.js';
import type { Finding } from '../src/findings.js';
import { assignFingerprints } from '../src/fingerprint.js';
import { REPORT_FORMATS, REPORTERS } from '../src/reporters/index.js';
import { RULE_IDS } from '../src/rules/ids.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'cli');
/** Start of an ANSI escape sequence. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function piilint(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Run {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  // The runner's own colour settings must not leak into the CLI under test.
  if (!options.env?.NO_COLOR) delete env.NO_COLOR;
  if (!options.env?.FORCE_COLOR) delete env.FORCE_COLOR;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function fixture(name: string): string {
  return join(FIXTURES, name);
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  fingerprint: string;
}

function findingsOf(run: Run): JsonFinding[] {
  return (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
}

function where(findings: JsonFinding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.severity} ${f.file}:${f.line}:${f.column}`);
}

/** Exit-2 errors are one line on stderr, without a stack trace, and nothing on stdout. */
function assertUsageError(run: Run, pattern: RegExp): void {
  assert.is(run.code, 2, run.stderr);
  assert.is(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, run.stderr);
  assert.match(lines[0] ?? '', /^piilint: /);
  assert.match(lines[0] ?? '', pattern);
  assert.not.match(run.stderr, /\n\s+at /);
}

const LEAK = [
  'pii-unencrypted error migrations/001_patients.sql:5:3',
  'public-access-grant error migrations/001_patients.sql:8:1',
];

test('--version prints the package version', () => {
  const run = piilint(['--version']);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  assert.is(run.code, 0);
  assert.is(run.stdout, `${manifest.version}\n`);
});

test('--help and scan --help list the options and exit 0', () => {
  const run = piilint(['--help']);
  assert.is(run.code, 0);
  assert.match(run.stdout, 'piilint scan [paths…]');
  const scanHelp = piilint(['scan', '-h']);
  assert.is(scanHelp.code, 0);
  for (const option of ['--datamap', '--fail-on', '--rule', '--format', '--output', '--quiet']) {
    assert.match(scanHelp.stdout, option);
  }
});

test('a clean folder exits 0 with the no-findings summary', () => {
  const run = piilint(['scan'], { cwd: fixture('clean') });
  assert.is(run.code, 0, run.stderr);
  assert.is(run.stdout, '✔ no findings in 1 file scanned\n');
});

test('findings at or above --fail-on exit 1; --fail-on never exits 0', () => {
  const run = piilint(['scan', '--format', 'json'], { cwd: fixture('leak') });
  assert.is(run.code, 1, run.stderr);
  assert.equal(where(findingsOf(run)), LEAK);
  const never = piilint(['scan', '--fail-on', 'never'], { cwd: fixture('leak') });
  assert.is(never.code, 0);
  assert.match(never.stdout, '✖ 2 errors, 0 warnings, 0 notes in 1 file scanned, 1 with findings');
});

test('--fail-on warning fails on warnings; the default does not', () => {
  const defaults = piilint(['scan', '--format', 'json'], { cwd: fixture('warnings-only') });
  assert.is(defaults.code, 0, defaults.stderr);
  const findings = findingsOf(defaults);
  assert.ok(findings.length > 0, 'the fixture has warnings');
  assert.ok(findings.every((finding) => finding.severity === 'warning'));
  assert.equal(where(findings), ['unclassified-pii warning migrations/001_customers.sql:3:3']);
  const strict = piilint(['scan', '--fail-on=warning'], { cwd: fixture('warnings-only') });
  assert.is(strict.code, 1);
});

test('--rule id=off removes that rule; id=warning changes its severity', () => {
  const off = piilint(['scan', '--format', 'json', '--rule', 'pii-unencrypted=off'], {
    cwd: fixture('leak'),
  });
  assert.is(off.code, 1);
  assert.equal(where(findingsOf(off)), [LEAK[1]]);
  const lowered = piilint(
    [
      'scan',
      '--format',
      'json',
      '--rule',
      'pii-unencrypted=warning',
      '--rule',
      'public-access-grant=off',
    ],
    { cwd: fixture('leak') },
  );
  assert.is(lowered.code, 0);
  assert.equal(where(findingsOf(lowered)), [
    'pii-unencrypted warning migrations/001_patients.sql:5:3',
  ]);
});

test('config rules apply, and --rule wins over them', () => {
  const config = join(FIXTURES, 'configs', 'unencrypted-off.yaml');
  const run = piilint(['scan', '--format', 'json', '--config', config], { cwd: fixture('leak') });
  assert.equal(where(findingsOf(run)), [LEAK[1]]);
  const back = piilint(
    ['scan', '--format', 'json', '--config', config, '--rule', 'pii-unencrypted=error'],
    { cwd: fixture('leak') },
  );
  assert.equal(where(findingsOf(back)), LEAK);
});

test('--output writes the report to a file and nothing to stdout', () => {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-output-'));
  try {
    const output = join(folder, 'reports', 'piilint.json');
    const run = piilint(['scan', '--format', 'json', '--output', output], { cwd: fixture('leak') });
    assert.is(run.code, 1);
    assert.is(run.stdout, '');
    const report = JSON.parse(readFileSync(output, 'utf8')) as { findings: JsonFinding[] };
    assert.equal(where(report.findings), LEAK);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('JSON report: exact shape, types and summary', () => {
  const run = piilint(['scan', '--format', 'json'], { cwd: fixture('leak') });
  const report = JSON.parse(run.stdout);
  assert.equal(Object.keys(report), ['version', 'tool', 'findings', 'summary']);
  assert.is(report.version, 1);
  assert.is(report.tool.name, 'piilint');
  assert.type(report.tool.version, 'string');
  assert.equal(report.summary, { errors: 2, warnings: 0, notes: 0, suppressed: 0, files: 1 });
  for (const finding of report.findings) {
    for (const key of ['ruleId', 'severity', 'message', 'file', 'fix', 'fingerprint']) {
      assert.type(finding[key], 'string', key);
    }
    for (const key of ['line', 'column', 'endLine', 'endColumn']) {
      assert.ok(Number.isInteger(finding[key]) && finding[key] >= 1, key);
    }
    assert.ok(Array.isArray(finding.categories) && finding.categories.length > 0);
    assert.ok(Array.isArray(finding.path));
    assert.ok(Array.isArray(finding.evidence));
    assert.type(finding.phi, 'boolean');
    assert.ok('source' in finding && 'target' in finding && finding.suppressed === null);
    assert.match(finding.fingerprint, /^[0-9a-f]{64}$/);
  }
});

test('text report: grouped by file, code frame caret at the column, summary line', () => {
  const run = piilint(['scan'], { cwd: fixture('leak') });
  assert.is(run.code, 1);
  const lines = run.stdout.split('\n');
  assert.is(lines[0], 'migrations/001_patients.sql');
  assert.match(lines[1] ?? '', /^ {2}5:3 {2}error {3}.+ {2}pii-unencrypted$/);
  const sourceLine = lines.findIndex((line) => line.startsWith('    > 5 |'));
  assert.ok(sourceLine > 1, run.stdout);
  assert.is(lines[sourceLine], '    > 5 |   diagnosis text');
  const carets = lines[sourceLine + 1] ?? '';
  assert.is(carets.indexOf('^'), '    > 5 | '.length + 2, 'caret under column 3');
  assert.ok(lines.some((line) => /^ {2}8:1 {2}error {3}.+ {2}public-access-grant$/.test(line)));
  assert.ok(lines.some((line) => line.startsWith('    fix:    ')));
  assert.is(lines.at(-2), '✖ 2 errors, 0 warnings, 0 notes in 1 file scanned, 1 with findings');
  assert.not.ok(ANSI.test(run.stdout), 'no colour when stdout is not a terminal');
});

test('--quiet prints errors only, and its summary counts only them', () => {
  const run = piilint(['scan', '--quiet'], { cwd: fixture('warnings-only') });
  assert.is(run.code, 0);
  assert.not.match(run.stdout, 'unclassified-pii');
  assert.is(run.stdout, '✔ no errors in 2 files scanned\n');
  const leak = piilint(['scan', '--quiet'], { cwd: fixture('leak') });
  assert.is(leak.code, 1);
  assert.is(leak.stdout.split('\n').at(-2), '✖ 2 errors in 1 file scanned, 1 with findings');
});

test('colour: FORCE_COLOR turns it on, --no-color and NO_COLOR turn it off', () => {
  const forced = piilint(['scan'], { cwd: fixture('leak'), env: { FORCE_COLOR: '1' } });
  assert.ok(ANSI.test(forced.stdout), 'FORCE_COLOR gives colour');
  const flag = piilint(['scan', '--no-color'], { cwd: fixture('leak'), env: { FORCE_COLOR: '1' } });
  assert.not.ok(ANSI.test(flag.stdout));
  const env = piilint(['scan'], { cwd: fixture('leak'), env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
  assert.not.ok(ANSI.test(env.stdout));
  assert.is(flag.stdout, env.stdout);
});

test('exit 2: a mistyped option, with a suggestion', () => {
  assertUsageError(
    piilint(['scan', '--fial-on', 'warning']),
    /^piilint: unknown option --fial-on — did you mean --fail-on\? Run `piilint scan --help`\.$/,
  );
  assertUsageError(piilint(['scna']), /unknown command scna — did you mean scan\?/);
  assertUsageError(piilint(['scan', '--fail-on', 'sometimes']), /--fail-on sometimes/);
  assertUsageError(piilint(['scan', '--format']), /--format needs a name/);
  assertUsageError(piilint(['scan', '--format', 'xml']), /unknown format xml/);
  assertUsageError(piilint([]), /no command given/);
});

test('exit 2: an unknown rule id names the valid ids', () => {
  const run = piilint(['scan', '--rule', 'pii-unencryptd=off'], { cwd: fixture('leak') });
  assertUsageError(run, /unknown rule pii-unencryptd in --rule — did you mean pii-unencrypted\?/);
  for (const id of RULE_IDS) assert.match(run.stderr, id);
  assertUsageError(
    piilint(['scan', '--rule', 'pii-unencrypted=loud']),
    /off, note, warning \(or warn\) or error/,
  );
});

test('exit 2: a missing --datamap file, an unusable data map, a broken config', () => {
  assertUsageError(
    piilint(['scan', '--datamap', 'privacy/nope.yaml'], { cwd: fixture('clean') }),
    /data map privacy\/nope\.yaml not found/,
  );
  assertUsageError(piilint(['scan'], { cwd: fixture('unusable-datamap') }), /datamap\.yaml/);
  assertUsageError(
    piilint(['scan', '--config', join(FIXTURES, 'configs', 'unknown-key.yaml')], {
      cwd: fixture('clean'),
    }),
    /unknown-key\.yaml:2:1: .*colour/,
  );
  assertUsageError(
    piilint(['scan', 'no/such/folder'], { cwd: fixture('clean') }),
    /^piilint: no migrations, scripts or data maps found under no\/such\/folder — check the path/,
  );
});

test('--debug adds the stack trace to an exit-2 error', () => {
  const run = piilint(['scan', '--debug'], { cwd: fixture('unusable-datamap') });
  assert.is(run.code, 2);
  assert.match(run.stderr, /^piilint: /);
  assert.match(run.stderr, /\n\s+at /);
});

test('formats and options not available yet are refused with exit 2', () => {
  for (const format of REPORT_FORMATS) {
    const run = piilint(['scan', '--format', format], { cwd: fixture('clean') });
    if (REPORTERS[format]) assert.is(run.code, 0, `${format}: ${run.stderr}`);
    else assertUsageError(run, new RegExp(`--format ${format} is not available yet`));
  }
  for (const option of NOT_YET_AVAILABLE_OPTIONS) {
    assertUsageError(
      piilint(['scan', `--${option}`, 'x'], { cwd: fixture('clean') }),
      new RegExp(`--${option} is not available yet`),
    );
  }
});

test('explain prints the rule page; an unknown rule suggests the closest', () => {
  const run = piilint(['explain', 'pii-public-exposure']);
  assert.is(run.code, 0, run.stderr);
  // Rendered for the terminal: the page's words without its Markdown markup.
  const page = readFileSync(join(ROOT, 'docs', 'rules', 'pii-public-exposure.md'), 'utf8');
  assert.ok(run.stdout.startsWith('pii-public-exposure\n===================\n'), run.stdout);
  assert.match(run.stdout, /^Why it exists\n-------------$/m);
  assert.not.match(run.stdout, /^#+ |^```/m);
  const words = (text: string) =>
    text
      .replace(/[#*`\-=•|]/g, ' ')
      .split(/\s+/)
      .filter(Boolean);
  assert.equal(words(run.stdout).slice(0, 40), words(page).slice(0, 40));
  assertUsageError(
    piilint(['explain', 'pii-publc-exposure']),
    /unknown rule pii-publc-exposure — did you mean pii-public-exposure\?/,
  );
});

test('validate: 0 for a good map, 1 with file:line:col problems, 2 when unusable', () => {
  const good = piilint(['validate'], { cwd: fixture('warnings-only') });
  assert.is(good.code, 0, good.stdout + good.stderr);
  assert.is(good.stdout, '✔ no problems in datamap.yaml\n');
  const bad = piilint(['validate', 'datamap.yaml'], { cwd: fixture('datamap-problems') });
  assert.is(bad.code, 1, bad.stderr);
  assert.match(bad.stdout, /^datamap\.yaml:12:9: .*acounts/m);
  assert.match(bad.stdout, /✖ \d+ problems? in 1 file\n$/);
  assertUsageError(piilint(['validate'], { cwd: fixture('unusable-datamap') }), /datamap\.yaml/);
  assertUsageError(
    piilint(['validate', 'missing.yaml'], { cwd: fixture('clean') }),
    /missing\.yaml not found/,
  );
});

test('fingerprints survive line moves', () => {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-fingerprint-'));
  try {
    cpSync(fixture('leak'), folder, { recursive: true });
    const before = findingsOf(piilint(['scan', '--format', 'json'], { cwd: folder }));
    const file = join(folder, 'migrations', '001_patients.sql');
    writeFileSync(file, `-- moved down\n\n\n${readFileSync(file, 'utf8')}`);
    const after = findingsOf(piilint(['scan', '--format', 'json'], { cwd: folder }));
    assert.equal(
      after.map((finding) => finding.line),
      before.map((finding) => finding.line + 3),
    );
    assert.equal(
      after.map((finding) => finding.fingerprint),
      before.map((finding) => finding.fingerprint),
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('fingerprints: lines never count; a repeated identity gets an occurrence suffix', () => {
  const base: Finding = {
    ruleId: 'pii-unencrypted',
    severity: 'error',
    message: 'm',
    file: 'a.sql',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    categories: ['health.medication', 'demographic.birth_date'],
    source: { store: 'app', table: 'fills', column: 'medication' },
    path: [],
    evidence: [],
    fix: 'f',
    fingerprint: '',
  };
  const [first, moved, other] = assignFingerprints([
    base,
    { ...base, line: 40, column: 9, categories: ['demographic.birth_date', 'health.medication'] },
    { ...base, source: { store: 'app', table: 'fills', column: 'dose' } },
  ]);
  assert.match(first?.fingerprint ?? '', /^[0-9a-f]{64}$/);
  assert.is(moved?.fingerprint, `${first?.fingerprint}:2`);
  assert.is.not(other?.fingerprint, first?.fingerprint);
  const keyed = assignFingerprints([base, base], (finding) => (finding === base ? 'k' : undefined));
  assert.is.not(keyed[0]?.fingerprint, first?.fingerprint, 'the rule key is part of the identity');
});

test.run();
