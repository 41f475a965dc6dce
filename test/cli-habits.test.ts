// Command-line habits people bring from other tools: options anywhere, -v/-h/help, `--output -`,
// globs, a path that matches nothing, `warn`, a progress line on terminals, `explain` for the
// terminal, and --help and the README listing the same things. Spawns the built CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');
const LEAK = join(ROOT, 'test', 'fixtures', 'cli', 'leak');
const WARNINGS = join(ROOT, 'test', 'fixtures', 'cli', 'warnings-only');
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function piilint(args: string[], cwd = LEAK, env: Record<string, string> = {}): Run {
  const environment: Record<string, string | undefined> = {
    ...process.env,
    GITHUB_ACTIONS: '',
    ...env,
  };
  if (!env.NO_COLOR) delete environment.NO_COLOR;
  if (!env.FORCE_COLOR) delete environment.FORCE_COLOR;
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: environment,
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function jsonFindings(run: Run): Array<{ ruleId: string; severity: string; file: string }> {
  return (
    JSON.parse(run.stdout) as {
      findings: Array<{ ruleId: string; severity: string; file: string }>;
    }
  ).findings;
}

function assertOneLineError(run: Run, pattern: RegExp): void {
  assert.is(run.code, 2, run.stdout);
  assert.is(run.stdout, '');
  assert.is(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
  assert.match(run.stderr, pattern);
}

test('global options may come before the command', () => {
  const run = piilint(['--no-color', 'scan', '.'], LEAK, { FORCE_COLOR: '1' });
  assert.is(run.code, 1, run.stderr);
  assert.not.ok(ANSI.test(run.stdout));
  assert.match(run.stdout, /^migrations\/001_patients\.sql$/m);
  const json = piilint(['--format', 'json', 'scan', '--fail-on=never']);
  assert.is(json.code, 0, json.stderr);
  assert.is(jsonFindings(json).length, 2);
  assertOneLineError(
    piilint(['--format', 'json', 'scna']),
    /unknown command scna — did you mean scan\?/,
  );
});

test('-v/--version, -h/--help and `piilint help [command]`', () => {
  for (const flag of ['-v', '--version']) {
    const run = piilint([flag]);
    assert.is(run.code, 0);
    assert.is(run.stdout, `${VERSION}\n`);
  }
  const help = piilint(['-h']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /^Usage:\n {2}piilint scan \[paths…\]/);
  assert.is(piilint(['help']).stdout, help.stdout);
  const scanHelp = piilint(['help', 'scan']);
  assert.is(scanHelp.code, 0);
  assert.is(scanHelp.stdout, piilint(['scan', '-h']).stdout);
  assert.match(scanHelp.stdout, /--no-error-on-unmatched/);
  assert.not.match(scanHelp.stdout, /piilint validate/);
  assertOneLineError(piilint(['help', 'scna']), /`help` takes one command — did you mean scan\?/);
});

test('--output - writes to standard output, not to a file named -', () => {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-output-'));
  try {
    writeFileSync(
      join(folder, 'a.sql'),
      readFileSync(join(LEAK, 'migrations', '001_patients.sql')),
    );
    const run = piilint(['scan', '--format', 'json', '--output', '-'], folder);
    assert.is(run.code, 1, run.stderr);
    assert.is(jsonFindings(run).length, 2);
    assert.not.ok(existsSync(join(folder, '-')));
    const init = piilint(['init', '--output', '-'], folder);
    assert.is(init.code, 0, init.stderr);
    assert.match(init.stdout, /^# yaml-language-server: \$schema=/);
    assert.match(init.stdout, /^ {4}exposure: undecided/m);
    assert.match(init.stderr, /^wrote standard output: 1 stores/);
    assert.not.ok(existsSync(join(folder, '-')));
    assert.not.ok(existsSync(join(folder, 'datamap.yaml')));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('glob arguments are expanded by piilint (quoted, as in CI)', () => {
  const run = piilint(['scan', 'migrations/**/*.sql', '--format', 'json'], LEAK);
  assert.is(run.code, 1, run.stderr);
  assert.equal(
    [...new Set(jsonFindings(run).map((finding) => finding.file))],
    ['migrations/001_patients.sql'],
  );
  const summary = JSON.parse(run.stdout).summary as { files: number };
  assert.is(summary.files, 1);
  assertOneLineError(
    piilint(['scan', 'migrations/**/*.prisma'], LEAK),
    /^piilint: no migrations, scripts or data maps found under migrations\/\*\*\/\*\.prisma — check the path/,
  );
});

test('a path that does not exist or holds nothing to read is exit 2, unless --no-error-on-unmatched', () => {
  assertOneLineError(
    piilint(['scan', 'migratons/'], LEAK),
    /^piilint: no migrations, scripts or data maps found under migratons\/ — check the path/,
  );
  const folder = mkdtempSync(join(tmpdir(), 'piilint-empty-'));
  try {
    mkdirSync(join(folder, 'docs'));
    writeFileSync(join(folder, 'docs', 'notes.md'), '# notes\n');
    assertOneLineError(piilint(['scan', 'docs'], folder), /found under docs — check the path/);
    assertOneLineError(piilint(['scan'], folder), /found under \. — check the path/);
    const allowed = piilint(['scan', 'docs', '--no-error-on-unmatched'], folder);
    assert.is(allowed.code, 0, allowed.stderr);
    assert.is(allowed.stdout, '✔ no findings in 0 files scanned\n');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  // One good path and one typo: still an error, since the typo checks nothing.
  assertOneLineError(piilint(['scan', 'migrations', 'migratons'], LEAK), /under migratons —/);
});

test('`warn` means warning in --fail-on, --rule and the config; `note` is a --rule level', () => {
  const failOn = piilint(['scan', '--fail-on', 'warn', '--format', 'json'], WARNINGS);
  assert.is(failOn.code, 1, failOn.stderr);
  const asWarning = piilint(['scan', '--rule', 'pii-unencrypted=warn', '--format', 'json'], LEAK);
  assert.is(asWarning.code, 1);
  assert.ok(
    jsonFindings(asWarning)
      .filter((finding) => finding.ruleId === 'pii-unencrypted')
      .every((finding) => finding.severity === 'warning'),
  );
  const asNote = piilint(
    [
      'scan',
      '--rule',
      'pii-unencrypted=note',
      '--rule',
      'public-access-grant=note',
      '--format',
      'json',
    ],
    LEAK,
  );
  assert.is(asNote.code, 0, asNote.stderr);
  assert.equal(
    jsonFindings(asNote).map((finding) => finding.severity),
    ['note', 'note'],
  );
  const folder = mkdtempSync(join(tmpdir(), 'piilint-warn-'));
  try {
    writeFileSync(
      join(folder, 'a.sql'),
      readFileSync(join(LEAK, 'migrations', '001_patients.sql')),
    );
    writeFileSync(
      join(folder, 'piilint.config.yaml'),
      'failOn: warn\nrules:\n  pii-unencrypted: warn\n  public-access-grant: off\n',
    );
    const config = piilint(['scan', '--format', 'json'], folder);
    assert.is(config.code, 1, config.stderr);
    assert.equal(
      jsonFindings(config).map((finding) => `${finding.ruleId} ${finding.severity}`),
      ['pii-unencrypted warning'],
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

/** Runs the CLI with stdout and stderr on a pseudo-terminal (util-linux `script`). */
function onTerminal(args: string[], cwd: string): string | undefined {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const command = [process.execPath, BIN, ...args].map((part) => `'${part}'`).join(' ');
  const run = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' },
    timeout: 120_000,
  });
  return run.stdout;
}

test('a scan over a second shows a progress line on a terminal, and none in a pipe', () => {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-progress-'));
  try {
    mkdirSync(join(folder, 'migrations'));
    for (let index = 0; index < 200; index++) {
      writeFileSync(
        join(folder, 'migrations', `${String(index).padStart(4, '0')}_table.ts`),
        `import type { Knex } from 'knex';\nexport async function up(knex: Knex) {\n  await knex.schema.createTable('t${index}', (table) => {\n    table.increments('id');\n    table.string('status');\n  });\n}\n`,
      );
    }
    // No facts cache: the second scan must do the same work as the first, which it times.
    const started = Date.now();
    const piped = piilint(['scan', '--no-cache'], folder);
    const took = Date.now() - started;
    assert.is(piped.code, 0, piped.stderr);
    assert.is(piped.stderr, '', 'no progress when stderr is not a terminal');
    const terminal = onTerminal(['scan', '--no-cache'], folder);
    if (terminal === undefined) return; // no `script` on this machine: the pipe case is checked
    assert.match(terminal, /✔ no findings in 200 files scanned/);
    if (took > 1500) {
      assert.match(terminal, /piilint: \d+ files read · [a-z ]+( \d+\/\d+)?…/);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('explain: headings and code for the terminal, colour only on a terminal', () => {
  const plain = piilint(['explain', 'pii-logged']);
  assert.is(plain.code, 0);
  assert.not.ok(ANSI.test(plain.stdout));
  assert.match(plain.stdout, /^pii-logged\n==========\n/);
  assert.match(plain.stdout, /^Failing example\n---------------$/m);
  assert.match(plain.stdout, /^ {6}console\.log\('migrating', patient\.email\);$/m);
  assert.not.match(plain.stdout, /```/);
  const coloured = piilint(['explain', 'pii-logged'], LEAK, { FORCE_COLOR: '1' });
  assert.ok(ANSI.test(coloured.stdout));
  const escape = String.fromCharCode(27);
  assert.ok(
    coloured.stdout.startsWith(`${escape}[1m${escape}[4mpii-logged${escape}[24m${escape}[22m`),
  );
});

test('the README and --help list the same commands and options', () => {
  const help = piilint(['--help']).stdout;
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const usage = readme.slice(readme.indexOf('## Usage'), readme.indexOf('### Config'));
  const commands = (text: string) =>
    [
      ...new Set(
        [...text.matchAll(/piilint (scan|validate|init|explain|help)\b/g)].map((m) => m[1]),
      ),
    ].sort();
  const options = (text: string) =>
    [...new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]+/g)].map((m) => m[0]))].sort();
  assert.equal(commands(usage), commands(help));
  assert.equal(options(usage), options(help));
});

test.run();
