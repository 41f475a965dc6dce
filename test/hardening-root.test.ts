// piilint stays inside the repository it scans: config and data-map paths that leave it are config
// errors at their line, no read follows a symbolic link out of it, and no write goes through a
// link or over a file the scan read. The links are made by the tests in temp folders.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');
/** Text of the file outside the repository: it must never show in any output. */
const SECRET = 'runner-secret-7f3a';

const MIGRATION = 'CREATE TABLE patients (id int, ssn text);\nGRANT SELECT ON patients TO anon;\n';
const TSCONFIG = '{ "compilerOptions": { "paths": { "@db/*": ["db/*"] } } }\n';
const OUTSIDE_MAP = `version: 1\nstores:\n  ${SECRET}:\n    exposure: public\n`;

interface Layout {
  /** The scanned repository (has a .git folder, as a checkout does). */
  repo: string;
  /** A folder beside it, standing for the rest of the runner's disk. */
  outside: string;
  cleanup: () => void;
}

function layout(files: Record<string, string>): Layout {
  const base = mkdtempSync(join(tmpdir(), 'piilint-root-'));
  const repo = join(base, 'repo');
  const outside = join(base, 'outside');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.yaml'), OUTSIDE_MAP);
  writeFileSync(join(outside, 'victim.txt'), 'do not touch\n');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(repo, name, '..'), { recursive: true });
    writeFileSync(join(repo, name), text);
  }
  return { repo, outside, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

function piilint(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, GITHUB_ACTIONS: '', NO_COLOR: '1' },
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function assertNoSecret(run: { stdout: string; stderr: string }): void {
  assert.not.ok(run.stdout.includes(SECRET), 'the outside file is not echoed on stdout');
  assert.not.ok(run.stderr.includes(SECRET), 'the outside file is not echoed on stderr');
}

test("config `datamap: ['/abs/outside.yaml']` is a config error at its line; the file is not read", () => {
  const { repo, outside, cleanup } = layout({ 'db/001.sql': MIGRATION });
  try {
    writeFileSync(
      join(repo, 'piilint.config.yaml'),
      `failOn: error\ndatamap:\n  - ${join(outside, 'secret.yaml')}\n`,
    );
    const run = piilint(['scan', '.'], repo);
    assert.is(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /^piilint: piilint\.config\.yaml:3:5: item 1 of `datamap` \(`.*secret\.yaml`\) points outside the repository/,
    );
    assert.is(run.stderr.split('\n').length, 2);
    assertNoSecret(run);
    // validate says the same, and reads nothing either.
    const validate = piilint(['validate'], repo);
    assert.is(validate.code, 1, validate.stderr + validate.stdout);
    assert.match(validate.stdout, /^piilint\.config\.yaml:3:5: item 1 of `datamap`/m);
    assertNoSecret(validate);
  } finally {
    cleanup();
  }
});

test('config `datamap` with `..` out of the repository is a config error', () => {
  const { repo, cleanup } = layout({ 'db/001.sql': MIGRATION });
  try {
    writeFileSync(join(repo, 'piilint.config.yaml'), 'datamap: [../outside/secret.yaml]\n');
    const run = piilint(['scan', '.'], repo);
    assert.is(run.code, 2, run.stderr);
    assert.match(run.stderr, /piilint\.config\.yaml:1:11: item 1 of `datamap` \(`\.\.\/outside/);
    assertNoSecret(run);
  } finally {
    cleanup();
  }
});

test('config `datamap` naming an in-repo symbolic link out of the repository is a config error', () => {
  const { repo, outside, cleanup } = layout({ 'db/001.sql': MIGRATION });
  try {
    symlinkSync(join(outside, 'secret.yaml'), join(repo, 'privacy.yaml'));
    writeFileSync(join(repo, 'piilint.config.yaml'), 'datamap:\n  - privacy.yaml\n');
    const run = piilint(['scan', '.'], repo);
    assert.is(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /piilint\.config\.yaml:2:5: item 1 of `datamap` \(`privacy\.yaml`\) is a symbolic link out of the repository/,
    );
    assertNoSecret(run);
  } finally {
    cleanup();
  }
});

test('a data map that is a symbolic link out of the repository is never read: --datamap, or found', () => {
  const { repo, outside, cleanup } = layout({ 'db/001.sql': MIGRATION });
  try {
    symlinkSync(join(outside, 'secret.yaml'), join(repo, 'datamap.yaml'));
    const named = piilint(['scan', '--datamap', 'datamap.yaml', '.'], repo);
    assert.is(named.code, 2, named.stderr);
    assert.match(
      named.stderr,
      /^piilint: data map datamap\.yaml is a symbolic link out of the repository; piilint does not read it/,
    );
    assertNoSecret(named);
    // Found by discovery: not read, as every link out of the scanned folder, and reported.
    const found = piilint(['scan', '--format', 'json', '.'], repo);
    assert.is(found.code, 1, found.stderr);
    assertNoSecret(found);
    const findings = (
      JSON.parse(found.stdout) as { findings: Array<{ file: string; ruleId: string }> }
    ).findings;
    const onMap = findings.filter((finding) => finding.file === 'datamap.yaml');
    assert.equal(
      onMap.map((finding) => finding.ruleId),
      ['unreadable-migration'],
    );
    const others = findings.filter((finding) => finding.file !== 'datamap.yaml');
    assert.ok(others.length > 0 && others.every((finding) => finding.file === 'db/001.sql'));
  } finally {
    cleanup();
  }
});

test('a config file that is a symbolic link out of the repository is not read', () => {
  const { repo, outside, cleanup } = layout({ 'db/001.sql': MIGRATION });
  try {
    writeFileSync(join(outside, 'config.yaml'), `${SECRET}: 1\n`);
    symlinkSync(join(outside, 'config.yaml'), join(repo, 'piilint.config.yaml'));
    const run = piilint(['scan', '.'], repo);
    assert.is(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /config file piilint\.config\.yaml is a symbolic link out of the repository/,
    );
    assertNoSecret(run);
  } finally {
    cleanup();
  }
});

test("`exclude: ['/usr/**']` and `include` out of the repository are config errors, nothing walked", () => {
  const { repo, cleanup } = layout({ 'db/001.sql': MIGRATION });
  try {
    for (const [config, at] of [
      [
        "exclude: ['/usr/**']\n",
        /piilint\.config\.yaml:1:11: item 1 of `exclude` \(`\/usr\/\*\*`\)/,
      ],
      [
        'include:\n  - db/**\n  - ../../**/*.sql\n',
        /piilint\.config\.yaml:3:5: item 2 of `include`/,
      ],
      ["exclude: ['!/proc/**']\n", /piilint\.config\.yaml:1:11: item 1 of `exclude`/],
    ] as const) {
      writeFileSync(join(repo, 'piilint.config.yaml'), config);
      const started = Date.now();
      const run = piilint(['scan', '.'], repo);
      assert.is(run.code, 2, run.stderr);
      assert.match(run.stderr, at);
      assert.match(run.stderr, /points outside the repository/);
      assert.ok(Date.now() - started < 10_000, 'no walk of /usr');
    }
  } finally {
    cleanup();
  }
});

test('--output through a committed symbolic link is refused; the target is untouched', () => {
  const { repo, outside, cleanup } = layout({ 'db/001.sql': MIGRATION });
  try {
    symlinkSync(join(outside, 'victim.txt'), join(repo, 'piilint.sarif'));
    const run = piilint(['scan', '--format', 'sarif', '--output', 'piilint.sarif', '.'], repo);
    assert.is(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /^piilint: cannot write the report to piilint\.sarif \(.*symbolic link/,
    );
    assert.is(readFileSync(join(outside, 'victim.txt'), 'utf8'), 'do not touch\n');
    // A linked folder on the way is refused too.
    symlinkSync(outside, join(repo, 'reports'));
    const folder = piilint(['scan', '--format', 'json', '--output', 'reports/out.json', '.'], repo);
    assert.is(folder.code, 2, folder.stderr);
    assert.match(folder.stderr, /the folder reports is a symbolic link/);
    assert.not.ok(existsSync(join(outside, 'out.json')));
  } finally {
    cleanup();
  }
});

test('--output never overwrites a file the scan read', () => {
  const { repo, cleanup } = layout({ 'db/001.sql': MIGRATION, 'tsconfig.json': TSCONFIG });
  try {
    const run = piilint(['scan', '--format', 'json', '--output', 'db/001.sql', '.'], repo);
    assert.is(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /cannot write the report to db\/001\.sql \(it is a file the scan read/,
    );
    assert.is(readFileSync(join(repo, 'db', '001.sql'), 'utf8'), MIGRATION);
    // A tsconfig is read for its path aliases: an input like the migrations.
    const config = piilint(['scan', '--format', 'json', '--output', 'tsconfig.json', '.'], repo);
    assert.is(config.code, 2, config.stderr);
    assert.match(
      config.stderr,
      /cannot write the report to tsconfig\.json \(it is a file the scan read/,
    );
    assert.is(readFileSync(join(repo, 'tsconfig.json'), 'utf8'), TSCONFIG);
    // An ordinary new report file is still written.
    const fine = piilint(['scan', '--format', 'json', '--output', 'out/report.json', '.'], repo);
    assert.is(fine.code, 1, fine.stderr);
    assert.ok(JSON.parse(readFileSync(join(repo, 'out', 'report.json'), 'utf8')));
  } finally {
    cleanup();
  }
});

test('--write-baseline through a committed symbolic link, or over a migration, is refused', () => {
  const { repo, outside, cleanup } = layout({ 'db/001.sql': MIGRATION });
  try {
    symlinkSync(join(outside, 'victim.txt'), join(repo, 'baseline.json'));
    const run = piilint(['scan', '--write-baseline', 'baseline.json', '.'], repo);
    assert.is(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /^piilint: cannot write the baseline to baseline\.json \(.*symbolic link/,
    );
    assert.is(readFileSync(join(outside, 'victim.txt'), 'utf8'), 'do not touch\n');
    const over = piilint(['scan', '--write-baseline', 'db/001.sql', '.'], repo);
    assert.is(over.code, 2, over.stderr);
    assert.is(readFileSync(join(repo, 'db', '001.sql'), 'utf8'), MIGRATION);
  } finally {
    cleanup();
  }
});

test('--baseline naming a symbolic link out of the repository is not read', () => {
  const { repo, outside, cleanup } = layout({ 'db/001.sql': MIGRATION });
  try {
    writeFileSync(join(outside, 'secret.json'), `{"${SECRET}": true}\n`);
    symlinkSync(join(outside, 'secret.json'), join(repo, 'baseline.json'));
    const run = piilint(['scan', '--baseline', 'baseline.json', '.'], repo);
    assert.is(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /^piilint: baseline baseline\.json is a symbolic link out of the repository/,
    );
    assertNoSecret(run);
  } finally {
    cleanup();
  }
});

test('init --force does not write through a committed datamap.yaml link', () => {
  const { repo, outside, cleanup } = layout({ 'db/001.sql': MIGRATION });
  try {
    symlinkSync(join(outside, 'victim.txt'), join(repo, 'datamap.yaml'));
    const run = piilint(['init', '--force', 'db'], repo);
    assert.is(run.code, 2, run.stderr);
    assert.match(run.stderr, /^piilint: cannot write datamap\.yaml \(.*symbolic link/);
    assert.is(readFileSync(join(outside, 'victim.txt'), 'utf8'), 'do not touch\n');
    assert.ok(lstatSync(join(repo, 'datamap.yaml')).isSymbolicLink());
    // A dangling link (no file yet behind it) is refused the same way.
    rmSync(join(repo, 'datamap.yaml'));
    symlinkSync(join(outside, 'new.yaml'), join(repo, 'datamap.yaml'));
    const dangling = piilint(['init', 'db'], repo);
    assert.is(dangling.code, 2, dangling.stderr);
    assert.not.ok(existsSync(join(outside, 'new.yaml')));
    // init never writes over a migration it read either.
    const over = piilint(['init', '--force', '--output', 'db/001.sql', 'db'], repo);
    assert.is(over.code, 2, over.stderr);
    assert.is(readFileSync(join(repo, 'db', '001.sql'), 'utf8'), MIGRATION);
  } finally {
    cleanup();
  }
});

test.run();
