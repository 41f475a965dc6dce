// Inputs that used to crash the scan (exit 2, internal error) or abort it for one bad file: each is
// now read, or reported as a finding or one clear exit-2 line with its location.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractFile, loadExtractors } from '../src/extractors/index.js';
import { extractPrismaSchema } from '../src/extractors/prisma.js';
import { readFacts, scan } from '../src/scan.js';
import { MAX_YAML_DEPTH, parseYaml } from '../src/util/yaml.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');

const MIGRATION = 'CREATE TABLE patients (id int, ssn text);\nGRANT SELECT ON patients TO anon;\n';
const GOOD_MAP = [
  'version: 1',
  'stores:',
  '  clinic:',
  '    exposure: internal',
  "    migrations: ['db/**']",
  '    tables:',
  '      patients:',
  '        columns:',
  '          id: none',
  '          ssn: government_id.ssn',
  '',
].join('\n');

function folderWith(files: Record<string, string | Buffer>): string {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-crash-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(folder, name, '..'), { recursive: true });
    writeFileSync(join(folder, name), text);
  }
  return folder;
}

function piilint(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, GITHUB_ACTIONS: '', NO_COLOR: '1' },
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `rule file:line:column` of each finding. */
function where(findings: Array<{ ruleId: string; file: string; line: number; column: number }>) {
  return findings.map(
    (finding) => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`,
  );
}

/** A YAML value nested `depth` levels deep in block style, one level per line. */
function deepBlock(depth: number): string {
  return (
    Array.from({ length: depth }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n') +
    ' 1\n'
  );
}

test('a file yielding 150,000 facts is read: facts are appended without spreading into push()', async () => {
  const fields = Array.from({ length: 150_000 }, (_, index) => `  f${index} Int`).join('\n');
  const folder = folderWith({ 'schema.prisma': `model Patient {\n${fields}\n}\n` });
  try {
    const { facts } = await readFacts([join(folder, 'schema.prisma')], { cwd: folder });
    assert.is(facts.length, 150_001);
    assert.is(facts.filter((fact) => fact.kind === 'parse-error').length, 0);
    const last = facts[facts.length - 1];
    assert.is(last?.kind, 'column-defined');
    assert.is(last?.at.line, 150_001);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('parseYaml never throws on deep nesting: a problem at the deepest line', () => {
  for (const text of [
    `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
    `a: ${'{b: '.repeat(5_000)}1${'}'.repeat(5_000)}\n`,
    deepBlock(3_000),
    deepBlock(MAX_YAML_DEPTH + 1),
  ]) {
    const { syntaxError } = parseYaml('deep.yaml', text);
    assert.ok(syntaxError, text.slice(0, 40));
    assert.match(syntaxError.message, /^not usable YAML: nested more than 64 levels deep/);
    assert.ok(syntaxError.at.line >= 1);
  }
  assert.is(parseYaml('ok.yaml', deepBlock(MAX_YAML_DEPTH - 1)).syntaxError, undefined);
  const block = parseYaml('deep.yaml', deepBlock(3_000)).syntaxError;
  assert.ok(block && block.at.line > MAX_YAML_DEPTH, `line ${block?.at.line}`);
});

test('a data map nested thousands of levels deep: exit 2 with its line alone, a finding beside a good map', () => {
  const deep = `version: 1\nstores:\n  clinic: ${'{a: '.repeat(3_000)}1${'}'.repeat(3_000)}\n`;
  const folder = folderWith({ 'db/001.sql': MIGRATION, 'datamap.yaml': GOOD_MAP });
  try {
    writeFileSync(join(folder, 'deep.yaml'), deep);
    const alone = piilint(['scan', '--datamap', 'deep.yaml', '.'], folder);
    assert.is(alone.code, 2, alone.stderr);
    assert.match(
      alone.stderr,
      /^piilint: deep\.yaml:3:1: not usable YAML: nested more than 64 levels deep/,
    );
    assert.is(alone.stderr.split('\n').length, 2);
    // Beside a usable map it is a datamap-invalid finding; the good map is still used.
    writeFileSync(join(folder, 'deep.datamap.yaml'), deep);
    const both = piilint(['scan', '--format', 'json', '.'], folder);
    assert.is(both.code, 1, both.stderr);
    const findings = (
      JSON.parse(both.stdout) as {
        findings: Array<{ ruleId: string; file: string; line: number; column: number }>;
      }
    ).findings;
    const invalid = findings.filter((finding) => finding.ruleId === 'datamap-invalid');
    assert.is(invalid.length, 1);
    assert.equal(where(invalid), ['datamap-invalid deep.datamap.yaml:3:1']);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a config nested thousands of levels deep is a config error with its line', () => {
  const folder = folderWith({ 'db/001.sql': MIGRATION, 'piilint.config.yaml': deepBlock(3_000) });
  try {
    const run = piilint(['scan', '.'], folder);
    assert.is(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /^piilint: piilint\.config\.yaml:\d+:1: not usable YAML: nested more than 64/,
    );
    assert.not.match(run.stderr, /internal error/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('`piilint scan … | head -c 10` ends quietly with the exit code of the scan', () => {
  const migrations: Record<string, string> = {};
  for (let index = 0; index < 40; index++) migrations[`db/${index}.sql`] = MIGRATION;
  const folder = folderWith(migrations);
  try {
    const run = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${BIN}" scan . | head -c 10; echo "exit=\${PIPESTATUS[0]}" >&2`,
      ],
      { cwd: folder, env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' }, encoding: 'utf8' },
    );
    assert.is(run.stdout.length, 10);
    assert.is(run.stderr, 'exit=1\n');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('one unusable data map among several is a datamap-invalid finding; the others are used', async () => {
  const folder = folderWith({
    'db/001.sql': MIGRATION,
    'privacy/datamap.yaml': GOOD_MAP,
    'legacy/datamap.yaml': 'just some notes, not a map\n',
    'vendor/datamap.yml': Buffer.from([0x76, 0x00, 0x01, 0x02]),
  });
  try {
    const result = await scan({ cwd: folder, paths: ['.'] });
    const invalid = result.findings.filter((finding) => finding.ruleId === 'datamap-invalid');
    assert.equal(where(invalid), [
      'datamap-invalid legacy/datamap.yaml:1:1',
      'datamap-invalid vendor/datamap.yml:1:1',
    ]);
    assert.match(invalid[0]?.message ?? '', /not a data map/);
    assert.match(invalid[1]?.message ?? '', /data map not read: binary file/);
    assert.equal(result.dataMap?.files, ['privacy/datamap.yaml']);
    assert.ok(result.dataMap?.stores.has('clinic'));
    // Alone, an unusable map still stops the job: nothing is left to check against.
    const alone = folderWith({ 'db/001.sql': MIGRATION, 'datamap.yaml': 'just notes\n' });
    try {
      const run = piilint(['scan', '.'], alone);
      assert.is(run.code, 2, run.stderr);
      assert.match(run.stderr, /^piilint: datamap\.yaml:1:1: not a data map/);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('an invalid migrations glob in the data map is datamap-invalid, and validate says so', async () => {
  const map = GOOD_MAP.replace(
    "migrations: ['db/**']",
    "migrations: ['db/**', 'db/{a,b', 'db/[z-a]*']",
  );
  const folder = folderWith({ 'db/001.sql': MIGRATION, 'datamap.yaml': map });
  try {
    const result = await scan({ cwd: folder, paths: ['.'] });
    const invalid = result.findings.filter((finding) => finding.ruleId === 'datamap-invalid');
    assert.equal(where(invalid), [
      'datamap-invalid datamap.yaml:5:27',
      'datamap-invalid datamap.yaml:5:38',
    ]);
    assert.match(
      invalid[0]?.message ?? '',
      /`db\/\{a,b` in `migrations` of store `clinic` is not a valid glob: a `\{` is not closed/,
    );
    assert.match(invalid[1]?.message ?? '', /out of order/);
    // The valid glob still binds the migration to its store.
    assert.ok(result.findings.some((finding) => finding.target?.store === 'clinic'));
    const run = piilint(['validate', 'datamap.yaml'], folder);
    assert.is(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^datamap\.yaml:5:27: `db\/\{a,b` in `migrations`/m);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('Prisma parse notes are capped per file: one note counting the rest', async () => {
  const strays = Array.from({ length: 10_000 }, (_, index) => `stray ${index}`).join('\n');
  const text = `model Patient {\n  id Int @id\n  ssn String\n}\n${strays}\n`;
  assert.ok(text.length > 80_000);
  await loadExtractors(['schema.prisma']);
  const facts = extractFile({ path: 'schema.prisma', absolutePath: '/x/schema.prisma', text });
  const notes = facts.filter((fact) => fact.kind === 'parse-error');
  assert.is(notes.length, 1);
  assert.is(notes[0]?.at.line, 5);
  assert.match(
    notes[0]?.message ?? '',
    /^Not Prisma schema syntax: stray 0; 9999 more statements of this file could not be read/,
  );
  assert.is(facts.filter((fact) => fact.kind === 'column-defined').length, 2);
  // The reader itself keeps 20 notes and counts the rest on the last.
  const own = extractPrismaSchema({
    path: 'schema.prisma',
    absolutePath: '/x/schema.prisma',
    text,
  });
  const ownNotes = own.filter((fact) => fact.kind === 'parse-error');
  assert.is(ownNotes.length, 20);
  assert.match(
    ownNotes[19]?.message ?? '',
    /; and 9980 more lines after this one could not be read$/,
  );
});

test('CR-only line endings: findings on their own lines in SQL and Prisma', async () => {
  const folder = folderWith({
    'db/001.sql':
      '-- patients\rCREATE TABLE patients (id int,\r  ssn text);\rGRANT SELECT ON patients TO anon;\r',
    'prisma/schema.prisma':
      'datasource db {\r  provider = "postgresql"\r}\rmodel Member {\r  id Int @id\r  email String\r}\r',
  });
  try {
    const result = await scan({ cwd: folder, paths: ['.'] });
    const shown = where(result.findings).filter((line) => !line.startsWith('unclassified-pii'));
    assert.ok(shown.includes('public-access-grant db/001.sql:4:1'), shown.join('\n'));
    assert.ok(shown.includes('pii-unencrypted db/001.sql:3:3'), shown.join('\n'));
    const { facts } = await readFacts([join(folder, 'prisma', 'schema.prisma')], { cwd: folder });
    const email = facts.find((fact) => fact.kind === 'column-defined' && fact.column === 'email');
    assert.is(email?.at.line, 6);
    assert.is(email?.at.column, 3);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
