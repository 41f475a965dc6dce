// One bad file never stops the scan; discovery reads only what it should.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { discoverFiles, displayPath, mentionsDataApi, readScannedFile } from '../src/discover.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
}

function write(root: string, path: string, content: string | Buffer): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function withFolder(prefix: string, body: (folder: string) => void | Promise<void>) {
  return async () => {
    const folder = mkdtempSync(join(tmpdir(), prefix));
    try {
      await body(folder);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  };
}

const LEAKING_MIGRATION = [
  'CREATE TABLE patients (',
  '  id bigint PRIMARY KEY,',
  '  diagnosis text',
  ');',
  '',
].join('\n');

test(
  'a syntax error, an empty file, a binary file and a 5 MB file do not stop the scan',
  withFolder('piilint-robust-', (folder) => {
    write(
      folder,
      'migrations/001_broken.sql',
      'CREATE TABLE oops (\n  id bigint PRIMARY KEY,,\n);\n',
    );
    write(folder, 'migrations/002_empty.sql', '');
    write(
      folder,
      'migrations/003_blob.sql',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14]),
    );
    write(folder, 'migrations/004_huge.sql', `-- ${'x'.repeat(5 * 1024 * 1024)}\n`);
    write(folder, 'migrations/005_leak.sql', LEAKING_MIGRATION);

    const run = spawnSync(process.execPath, [BIN, 'scan', '--format', 'json'], {
      cwd: folder,
      encoding: 'utf8',
    });
    assert.is(run.status, 1, run.stderr);
    assert.is(run.stderr, '');
    const report = JSON.parse(run.stdout) as {
      findings: JsonFinding[];
      summary: { files: number };
    };
    const notes = report.findings.filter((finding) => finding.ruleId === 'parse-error');
    assert.equal(
      notes.map((note) => [note.file, note.line, note.severity]),
      [['migrations/001_broken.sql', 2, 'note']],
      'syntax error located at its line',
    );
    // A migration that was not read at all fails the gate rather than passing as a note.
    const unread = report.findings.filter((finding) => finding.ruleId === 'unreadable-migration');
    assert.equal(
      unread.map((finding) => [finding.file, finding.line, finding.column, finding.severity]),
      [
        ['migrations/003_blob.sql', 1, 1, 'error'],
        ['migrations/004_huge.sql', 1, 1, 'error'],
      ],
    );
    const byFile = new Map(unread.map((finding) => [finding.file, finding]));
    assert.match(
      byFile.get('migrations/003_blob.sql')?.message ?? '',
      /binary file \(a NUL byte at offset 4\); not read/,
    );
    assert.match(
      byFile.get('migrations/004_huge.sql')?.message ?? '',
      'file too large (5.0 MB > 2.0 MB limit, config `maxFileSize`); not read',
    );
    const leak = report.findings.find((finding) => finding.ruleId === 'pii-unencrypted');
    assert.equal(leak && [leak.file, leak.line, leak.column], ['migrations/005_leak.sql', 3, 3]);
    assert.is(report.summary.files, 5);

    const text = spawnSync(process.execPath, [BIN, 'scan'], { cwd: folder, encoding: 'utf8' });
    assert.is(text.status, 1);
    assert.match(
      text.stdout,
      /migrations\/003_blob\.sql\n {2}1:1 {2}error {3}.*binary file \(a NUL byte at offset 4\); not read.* {2}unreadable-migration\n/,
      text.stdout,
    );
  }),
);

test(
  'discovery: supported kinds and data maps; skips dependencies, build output, .gitignore and links out of the root',
  withFolder('piilint-discover-', async (folder) => {
    const root = join(folder, 'repo');
    const outside = join(folder, 'outside');
    write(outside, 'secret.sql', 'CREATE TABLE secrets (ssn text);');
    write(root, '.gitignore', 'ignored/\n');
    for (const path of [
      'db/001.sql',
      'src/job.ts',
      'src/view.tsx',
      'src/a.mts',
      'src/b.cts',
      'src/c.js',
      'src/d.mjs',
      'src/e.cjs',
      'prisma/schema.prisma',
      'datamap.yaml',
      'privacy/orders.datamap.yml',
      'node_modules/pkg/x.sql',
      'sub/node_modules/y.ts',
      'dist/out.js',
      'build/out.sql',
      'coverage/c.js',
      'ignored/z.sql',
      'README.md',
      'src/types.d.ts',
      'config.yaml',
    ]) {
      write(root, path, '-- x\n');
    }
    symlinkSync(outside, join(root, 'linked-folder'));
    symlinkSync(join(outside, 'secret.sql'), join(root, 'linked.sql'));

    const found = await discoverFiles({ cwd: root, paths: ['.'] });
    const relative = (files: string[]) => files.map((file) => displayPath(root, file));
    assert.equal(relative(found.sourceFiles), [
      'db/001.sql',
      'prisma/schema.prisma',
      'src/a.mts',
      'src/b.cts',
      'src/c.js',
      'src/d.mjs',
      'src/e.cjs',
      'src/job.ts',
      'src/view.tsx',
    ]);
    assert.equal(relative(found.dataMapFiles), ['datamap.yaml', 'privacy/orders.datamap.yml']);

    const narrowed = await discoverFiles({
      cwd: root,
      paths: ['.'],
      include: ['src/**', 'db/**'],
      exclude: ['**/*.tsx', 'privacy/**'],
    });
    assert.equal(relative(narrowed.sourceFiles), [
      'db/001.sql',
      'src/a.mts',
      'src/b.cts',
      'src/c.js',
      'src/d.mjs',
      'src/e.cjs',
      'src/job.ts',
    ]);
    assert.equal(relative(narrowed.dataMapFiles), ['datamap.yaml']);

    const single = await discoverFiles({ cwd: root, paths: ['db/001.sql', 'src'] });
    assert.equal(relative(single.sourceFiles), [
      'db/001.sql',
      'src/a.mts',
      'src/b.cts',
      'src/c.js',
      'src/d.mjs',
      'src/e.cjs',
      'src/job.ts',
      'src/view.tsx',
    ]);
  }),
);

test('the text prefilter skips code that touches no data API', () => {
  assert.not.ok(
    mentionsDataApi('src/math.ts', 'export const add = (a: number, b: number) => a + b;'),
  );
  assert.ok(
    mentionsDataApi(
      'src/m.ts',
      "export async function up(knex) { await knex.schema.createTable('t'); }",
    ),
  );
  assert.ok(mentionsDataApi('src/log.js', 'console.log(user.email);'));
  assert.ok(mentionsDataApi('src/send.ts', "await fetch('https://collect.example', { body });"));
  assert.ok(mentionsDataApi('db/001.sql', ''), 'SQL is always parsed');
});

test(
  'files are read once, with display paths relative to the working folder and no BOM',
  withFolder('piilint-read-', (folder) => {
    write(folder, 'db/migrations/001.sql', '\ufeffCREATE TABLE t (id int);');
    const outcome = readScannedFile(join(folder, 'db', 'migrations', '001.sql'), folder);
    assert.ok('file' in outcome);
    if ('file' in outcome) {
      assert.is(outcome.file.path, 'db/migrations/001.sql');
      assert.is(outcome.file.text, 'CREATE TABLE t (id int);');
    }
    const missing = readScannedFile(join(folder, 'nope.sql'), folder);
    assert.ok('problem' in missing && /^cannot read file: /.test(missing.problem.message));
  }),
);

test.run();
