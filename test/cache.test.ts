// The facts cache changes how fast a scan is, never what it reports: the JSON report is compared
// byte for byte with a scan that uses no cache, after a cold scan, after a warm scan over damaged
// entries, and after two scans that filled one cache folder at the same time. Runs on every
// example and on the bench corpus, generated here at 300 files instead of the bench's 2,000 (the
// same generators in the same mix; 2,000 would make this suite take minutes on two cores).
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateCorpus } from '../bench/corpus.js';
import { FactCache } from '../src/cache.js';
import type { Fact } from '../src/facts.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');
const SCRATCH = mkdtempSync(join(tmpdir(), 'piilint-cache-test-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command line as a child process, asynchronous so that two can run at once. */
function piilint(args: string[], cwd = ROOT, nodeArgs: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const scanArgs = [BIN, 'scan', ...args, '--format', 'json', '--debug'];
    const child = spawn(process.execPath, [...nodeArgs, ...scanArgs], {
      cwd,
      env: { ...process.env, GITHUB_ACTIONS: '', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `--debug` says how many files came from the cache and how many were parsed. */
function cacheUse(run: Run): { reused: number; parsed: number } {
  const match = /facts cache .*: (\d+) files read from it, (\d+) parsed/.exec(run.stderr);
  assert.ok(match, `no cache line in: ${run.stderr}`);
  return { reused: Number(match[1]), parsed: Number(match[2]) };
}

function filesOf(cacheDir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.push(path);
    }
  };
  walk(cacheDir);
  return found.sort();
}

interface Segment {
  path: string;
  header: string;
  entries: string[];
}

/** The segment files of the one pack scans from one folder write, oldest first. */
function segmentsOf(cacheDir: string): Segment[] {
  const files = filesOf(cacheDir);
  assert.ok(
    files.every((file) => file.endsWith('.pack')),
    `no temporary file left behind: ${files.join(', ')}`,
  );
  const generation = (file: string) => Number(/(\d+)-[0-9a-f]+\.pack$/.exec(file)?.[1]);
  return files
    .sort((a, b) => generation(a) - generation(b))
    .map((path) => {
      const [header, ...entries] = readFileSync(path, 'utf8').replace(/\n$/, '').split('\n');
      return { path, header: header!, entries };
    });
}

function entryCount(cacheDir: string): number {
  return segmentsOf(cacheDir).reduce((sum, segment) => sum + segment.entries.length, 0);
}

/**
 * Ways an entry goes bad: cut short, overwritten, edited so it no longer matches its checksum, its
 * checksum edited. Each damages entry `index` of `lines` and returns the entries it damaged.
 */
const DAMAGE: Array<(lines: string[], index: number) => number[]> = [
  (lines, index) => {
    lines[index] = lines[index]!.slice(0, Math.floor(lines[index]!.length / 2));
    return [index];
  },
  (lines, index) => {
    lines[index] = '\u0000\u0007 not an entry';
    return [index];
  },
  // Two whole lines whose keys were swapped: each holds another file's facts.
  (lines, index) => {
    const next = (index + 1) % lines.length;
    const [first, second] = [lines[index]!, lines[next]!];
    lines[index] = second.slice(0, 64) + first.slice(64);
    lines[next] = first.slice(0, 64) + second.slice(64);
    return next === index ? [] : [index, next];
  },
  (lines, index) => {
    lines[index] = lines[index]!.replace(/\]\}$/, '] }');
    return [index];
  },
  (lines, index) => {
    lines[index] = lines[index]!.replace(/\t[0-9a-f]{64}\t/, `\t${'0'.repeat(64)}\t`);
    return [index];
  },
];

function sameReportEverywhere(name: string, target: string, cwd = ROOT, wholePack = false) {
  test(`${name}: the JSON report is the same without the cache, cold, warm over damaged entries, and from two scans at once`, async () => {
    const reference = await piilint([target, '--no-cache'], cwd);
    assert.ok(reference.code === 0 || reference.code === 1, reference.stderr);
    assert.ok(JSON.parse(reference.stdout).findings.length > 0, 'the target has findings');
    const cacheDir = mkdtempSync(join(SCRATCH, 'cache-'));

    const cold = await piilint([target, '--cache-dir', cacheDir], cwd);
    assert.equal(cold.stdout, reference.stdout);
    assert.equal(cold.code, reference.code);
    const parsedCold = cacheUse(cold).parsed;
    assert.equal(cacheUse(cold).reused, 0);
    const segments = segmentsOf(cacheDir);
    assert.equal(segments.length, 1, 'a cold scan writes one segment');
    const { path: pack, header, entries } = segments[0]!;
    assert.equal(entries.length, parsedCold, 'one entry per parsed file');

    const lines = [...entries];
    const damaged = new Set<number>();
    for (let index = 0; index < lines.length; index += 3) {
      if (damaged.has(index)) continue;
      for (const hit of DAMAGE[(index / 3) % DAMAGE.length]!(lines, index)) damaged.add(hit);
    }
    const damagedCount = damaged.size;
    writeFileSync(pack, [header, ...lines].join('\n') + '\n');
    const warm = await piilint([target, '--cache-dir', cacheDir], cwd);
    assert.equal(warm.stdout, reference.stdout);
    assert.equal(cacheUse(warm), { reused: parsedCold - damagedCount, parsed: damagedCount });
    assert.equal(
      segmentsOf(cacheDir).map((segment) => segment.entries.length),
      [parsedCold, damagedCount],
      'the warm scan adds a segment with the entries of the files it parsed, nothing else',
    );
    // The damaged entries were written again: the next scan parses nothing.
    const again = await piilint([target, '--cache-dir', cacheDir], cwd);
    assert.equal(again.stdout, reference.stdout);
    assert.equal(cacheUse(again), { reused: parsedCold, parsed: 0 });

    // The whole pack damaged: on the corpus with the most entries only, to keep the suite short.
    if (wholePack) await damagedPackIsSkipped(target, cwd, cacheDir, reference.stdout, parsedCold);

    const shared = mkdtempSync(join(SCRATCH, 'shared-'));
    const [first, second] = await Promise.all([
      piilint([target, '--cache-dir', shared], cwd),
      piilint([target, '--cache-dir', shared], cwd),
    ]);
    assert.equal(first!.stdout, reference.stdout);
    assert.equal(second!.stdout, reference.stdout);
    const after = await piilint([target, '--cache-dir', shared], cwd);
    assert.equal(after.stdout, reference.stdout);
    assert.equal(cacheUse(after), { reused: parsedCold, parsed: 0 });
  });
}

/** A pack cut short, or of another format: what it cannot vouch for is parsed again, never trusted. */
async function damagedPackIsSkipped(
  target: string,
  cwd: string,
  cacheDir: string,
  expected: string,
  parsedCold: number,
): Promise<void> {
  // A segment cut short (a disk that filled up): the entries before the cut are still used.
  const { path: pack } = segmentsOf(cacheDir)[0]!;
  const whole = readFileSync(pack, 'utf8');
  writeFileSync(pack, whole.slice(0, Math.floor(whole.length / 2)));
  const cut = await piilint([target, '--cache-dir', cacheDir], cwd);
  assert.equal(cut.stdout, expected);
  assert.ok(cacheUse(cut).parsed > 0, 'the entries after the cut are parsed again');
  assert.equal(cacheUse(cut).reused + cacheUse(cut).parsed, parsedCold);
  // Segments of another format, or not segments at all: nothing in them is used, and the pack is
  // compacted into one segment.
  for (const segment of segmentsOf(cacheDir)) {
    writeFileSync(segment.path, '["piilint-facts",1,1]\n' + segment.entries.join('\n'));
  }
  const foreign = await piilint([target, '--cache-dir', cacheDir], cwd);
  assert.equal(foreign.stdout, expected);
  assert.equal(cacheUse(foreign), { reused: 0, parsed: parsedCold });
  assert.equal(
    segmentsOf(cacheDir).map((segment) => segment.entries.length),
    [parsedCold],
  );
}

for (const example of readdirSync(join(ROOT, 'examples')).sort()) {
  if (!statSync(join(ROOT, 'examples', example)).isDirectory()) continue;
  sameReportEverywhere(`examples/${example}`, join('examples', example));
}

// Outside the repository: its .gitignore would hide the corpus from discovery.
const corpus = join(SCRATCH, 'corpus');
generateCorpus(corpus, 300);
sameReportEverywhere('bench corpus (300 files)', '.', corpus, true);

test("scans of two folders from one working folder keep each other's entries", async () => {
  const cacheDir = join(SCRATCH, 'two-folders');
  const [first, second] = [join('examples', 'truepill-fills'), join('examples', 'supabase-anon')];
  const firstCold = cacheUse(await piilint([first, '--cache-dir', cacheDir]));
  const secondCold = cacheUse(await piilint([second, '--cache-dir', cacheDir]));
  assert.ok(firstCold.parsed > 0 && secondCold.parsed > 0);
  assert.equal(entryCount(cacheDir), firstCold.parsed + secondCold.parsed);
  assert.equal(cacheUse(await piilint([first, '--cache-dir', cacheDir])), {
    reused: firstCold.parsed,
    parsed: 0,
  });
});

test('a scan whose files all come from the cache loads no parser; one new migration loads only the SQL parser', async () => {
  const project = join(SCRATCH, 'warm-corpus');
  generateCorpus(project, 40);
  // Lists, as the process exits, the parser modules it loaded.
  const preload = join(SCRATCH, 'loaded-parsers.mjs');
  writeFileSync(
    preload,
    `import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const parsers = Object.keys(cache).flatMap((path) => {
    const found = /[\\\\/]node_modules[\\\\/](typescript|ts-morph|@ts-morph[\\\\/]common|libpg-query)[\\\\/]/.exec(path);
    return found ? [found[1].replace('\\\\', '/')] : [];
  });
  process.stderr.write('parsers loaded: ' + JSON.stringify([...new Set(parsers)].sort()) + '\\n');
});
`,
  );
  const cacheDir = join(SCRATCH, 'warm-corpus-cache');
  const parsersOf = (run: Run) => {
    const match = /parsers loaded: (.*)/.exec(run.stderr);
    assert.ok(match, run.stderr);
    return JSON.parse(match[1]!) as string[];
  };
  const scanWithPreload = () =>
    piilint(['.', '--cache-dir', cacheDir], project, ['--import', preload]);
  assert.equal(parsersOf(await scanWithPreload()), ['@ts-morph/common', 'libpg-query', 'ts-morph']);
  assert.equal(parsersOf(await scanWithPreload()), []);
  writeFileSync(
    join(project, 'sql', 'migrations', '29990101000000_new_patients.sql'),
    'alter table patients_0 add column ssn varchar(11);\n',
  );
  assert.equal(parsersOf(await scanWithPreload()), ['libpg-query']);
});

test('a pack that grew a segment per scan is compacted into one, and keeps every entry', async () => {
  const project = join(SCRATCH, 'compacted');
  cpSync(join(ROOT, 'examples', 'pps-kroger-merge'), project, { recursive: true });
  const cacheDir = join(SCRATCH, 'compacted-cache');
  const cold = cacheUse(await piilint(['.', '--cache-dir', cacheDir], project));
  let segments = 1;
  for (let run = 1; run <= 9; run++) {
    writeFileSync(
      join(project, `2024010${run}_add_note.sql`),
      `alter table patients add column note_${run} text;\n`,
    );
    // Temporary files a stopped scan left: the compaction removes the old one, not the fresh one.
    const packFolder = dirname(filesOf(cacheDir)[0]!);
    const [leftOld, leftFresh] = ['1-old.tmp', '1-fresh.tmp'].map((name) => join(packFolder, name));
    if (run === 8) {
      writeFileSync(leftOld!, 'half a seg');
      utimesSync(
        leftOld!,
        new Date(Date.now() - 2 * 3600_000),
        new Date(Date.now() - 2 * 3600_000),
      );
      writeFileSync(leftFresh!, 'half a seg');
    }
    const warm = await piilint(['.', '--cache-dir', cacheDir], project);
    assert.equal(cacheUse(warm), { reused: cold.parsed + run - 1, parsed: 1 });
    if (run === 8) {
      assert.not.ok(existsSync(leftOld!), 'the old temporary file is removed');
      assert.ok(existsSync(leftFresh!), 'a fresh one may be a scan still writing: left alone');
      rmSync(leftFresh!);
    }
    // Eight segments are the most a scan finds: the one that finds eight compacts them.
    segments = segments === 8 ? 1 : segments + 1;
    assert.equal(segmentsOf(cacheDir).length, segments, `after run ${run}`);
  }
  assert.equal(segments, 2);
  assert.equal(entryCount(cacheDir), cold.parsed + 9);
  const last = await piilint(['.', '--cache-dir', cacheDir], project);
  assert.equal(cacheUse(last), { reused: cold.parsed + 9, parsed: 0 });
  assert.equal(last.stdout, (await piilint(['.', '--no-cache'], project)).stdout);
});

test('a changed helper module makes the migrations that import it read again', async () => {
  const project = join(SCRATCH, 'kysely-helper');
  cpSync(join(ROOT, 'test', 'fixtures', 'typescript', 'indirection', 'kysely-helper'), project, {
    recursive: true,
  });
  const cacheDir = join(SCRATCH, 'helper-cache');
  const located = (run: Run) =>
    (JSON.parse(run.stdout) as { findings: Array<Record<string, unknown>> }).findings.map(
      (finding) => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`,
    );
  const before = await piilint(['.', '--cache-dir', cacheDir], project);
  assert.equal(located(before), [
    'pii-unencrypted db/migrations/20240101_patients.ts:8:8',
    'pii-unencrypted db/migrations/20240101_patients.ts:9:8',
  ]);
  // The helper now adds a diagnosis column to every table it creates; the migration is unchanged.
  const helper = join(project, 'db', 'standardTable.ts');
  writeFileSync(
    helper,
    readFileSync(helper, 'utf8').replace(
      ".addColumn('created_at'",
      ".addColumn('diagnosis', 'text')\n    .addColumn('created_at'",
    ),
  );
  const after = await piilint(['.', '--cache-dir', cacheDir], project);
  assert.equal(located(after), [
    'pii-unencrypted db/migrations/20240101_patients.ts:5:9',
    'pii-unencrypted db/migrations/20240101_patients.ts:8:8',
    'pii-unencrypted db/migrations/20240101_patients.ts:9:8',
  ]);
  assert.equal(cacheUse(after), { reused: 0, parsed: 2 });
  assert.equal(after.stdout, (await piilint(['.', '--no-cache'], project)).stdout);
});

test('a changed tsconfig `paths` makes the files importing through it read again', async () => {
  const project = join(SCRATCH, 'fall-alerts');
  cpSync(join(ROOT, 'test', 'fixtures', 'typescript', 'path-aliases', 'fall-alerts'), project, {
    recursive: true,
  });
  const cacheDir = join(SCRATCH, 'aliases-cache');
  const located = (run: Run) =>
    (JSON.parse(run.stdout) as { findings: Array<Record<string, unknown>> }).findings.map(
      (finding) => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`,
    );
  const aliased = [
    'pii-logged src/routes/alerts.ts:17:3',
    'pii-logged src/routes/alerts.ts:24:5',
    'pii-third-party src/routes/alerts.ts:25:11',
  ];
  const before = await piilint(['.', '--cache-dir', cacheDir], project);
  assert.equal(located(before), aliased);
  // `@app/*` now names a folder that does not exist: no file of the project changed but the config.
  const config = join(project, 'tsconfig.json');
  const original = readFileSync(config, 'utf8');
  writeFileSync(config, original.replace('"@app/*": ["src/*"]', '"@app/*": ["lib/*"]'));
  const broken = await piilint(['.', '--cache-dir', cacheDir], project);
  assert.equal(located(broken), []);
  assert.equal(broken.stdout, (await piilint(['.', '--no-cache'], project)).stdout);
  assert.ok(cacheUse(broken).parsed >= 1, 'the route importing through the alias is read again');
  // Back as it was: the first scan's entries hold again.
  writeFileSync(config, original);
  const restored = await piilint(['.', '--cache-dir', cacheDir], project);
  assert.equal(located(restored), aliased);
  assert.equal(cacheUse(restored).parsed, 0);
});

test('a cache folder that cannot be written to is not an error: the scan runs without it', async () => {
  const blocked = join(SCRATCH, 'a-file-not-a-folder');
  writeFileSync(blocked, '');
  const target = join('examples', 'truepill-fills');
  const run = await piilint([target, '--cache-dir', blocked]);
  assert.equal(run.stdout, (await piilint([target, '--no-cache'])).stdout);
  assert.equal(run.code, 1);
  assert.not.match(run.stderr, /internal error|Error:/);
  assert.equal(readFileSync(blocked, 'utf8'), '');
});

test('entries go to a temporary segment as they are made; an unfinished one is removed, a saved one read back', () => {
  const cacheDir = join(SCRATCH, 'streamed');
  const cwd = join(SCRATCH, 'streamed-project');
  const file = {
    path: 'db/migrations/001_patients.sql',
    absolutePath: join(cwd, 'db/migrations/001_patients.sql'),
    text: 'CREATE TABLE patients (full_name text);',
  };
  const facts: Fact[] = [
    {
      kind: 'table-created',
      at: { file: file.path, line: 1, column: 1 },
      table: { name: 'patients' },
    } as Fact,
  ];
  const packFiles = () => readdirSync(cacheDir, { recursive: true }).map(String);

  const failed = new FactCache(cacheDir, cwd);
  assert.is(failed.read(file), undefined);
  failed.write(file, facts, []);
  // Written already, before the scan ends: only a temporary segment so far.
  assert.ok(packFiles().some((name) => name.endsWith('.tmp')));
  failed.close(); // the scan failed before save()
  assert.not.ok(packFiles().some((name) => name.endsWith('.tmp') || name.endsWith('.pack')));

  const saved = new FactCache(cacheDir, cwd);
  assert.is(saved.read(file), undefined);
  saved.write(file, facts, []);
  saved.save();
  saved.close();
  assert.equal(
    packFiles()
      .filter((name) => /\.(tmp|pack)$/.test(name))
      .map((name) => name.slice(-5)),
    ['.pack'],
  );
  assert.equal(new FactCache(cacheDir, cwd).read(file), facts);
});

test.after(() => rmSync(SCRATCH, { recursive: true, force: true }));

test.run();
