/**
 * `npm run bench`: generates the deterministic corpus, then measures whole processes, each fresh:
 *  - start-up (`piilint --version`);
 *  - the real command line (`piilint scan --format json`) against the floor under it, a bare parse
 *    of the same files (TypeScript parse + libpg-query parse, no analysis), as ratios: the whole
 *    corpus, its SQL files alone, and one migration of a project on its own;
 *  - a warm re-scan after one new migration (the facts cache) against the cold scan before it;
 *  - the scan in-process, for its peak memory and findings by rule;
 *  - how the replay scales (bench/scale.ts): a long history on one table readable by anon against
 *    the same history private.
 * Each ratio pairs the two commands run after one another, `BENCH_RUNS` times (default 3), and
 * quotes the median of the pairs: a ratio measured in the same run holds on a noisy machine when
 * the seconds do not.
 *
 * `npm run bench:big` (`--big`): the scan in-process on a corpus of 20,000 files, for peak memory.
 * Budget on a 2-core machine: full scan under 6 s and 600 MB at 2,000 files; the replay within
 * 1.5×; 600 MB at 20,000 files.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './corpus.js';
import { measureReplay } from './scale.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const big = process.argv.includes('--big');
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
// Outside the repository: its .gitignore would hide the corpus from discovery.
const corpus = join(tmpdir(), big ? 'piilint-bench-corpus-big' : 'piilint-bench-corpus');
const files = generateCorpus(corpus, big ? 20_000 : 2000);
const scratch = mkdtempSync(join(tmpdir(), 'piilint-bench-'));
const bin = join(root, 'bin', 'piilint.js');

function runNode(
  args: string[],
  cwd = root,
): { ms: number; stdout: string; status: number | null } {
  const start = performance.now();
  const child = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - start;
  if (child.status !== 0 && child.status !== 1) {
    process.stderr.write(child.stderr);
    throw new Error(`${args.join(' ')} exited ${child.status}`);
  }
  return { ms, stdout: child.stdout, status: child.status };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Runs `pair` (measured, then yardstick) `runs` times; medians of each and of their ratios. */
function paired(pair: () => [measured: number, yardstick: number]) {
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let run = 0; run < runs; run++) {
    const [msA, msB] = pair();
    a.push(msA);
    b.push(msB);
    ratios.push(msA / msB);
  }
  return { a: median(a), b: median(b), ratio: median(ratios) };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const scanArgs = (target: string, ...more: string[]) => [
  bin,
  'scan',
  target,
  '--format',
  'json',
  '--output',
  join(scratch, 'report.json'),
  ...more,
];

function inProcessScan(): { ms: number; maxRssMb: number; findingsByRule: Record<string, number> } {
  return JSON.parse(runNode(['bench/scan-child.mjs', corpus]).stdout) as {
    ms: number;
    maxRssMb: number;
    findingsByRule: Record<string, number>;
  };
}

if (big) {
  const scan = inProcessScan();
  console.log(
    [
      `corpus:              ${files.length} files in ${corpus}`,
      `scan in-process:     ${seconds(scan.ms)}, peak memory ${scan.maxRssMb.toFixed(0)} MB`,
      `budget:              < 600 MB at 20,000 files: ${scan.maxRssMb < 600 ? 'met' : 'NOT MET'}`,
    ].join('\n'),
  );
  process.exit(0);
}

const bare = JSON.parse(runNode(['bench/parse-child.mjs', corpus]).stdout) as {
  typescriptFiles: number;
  sqlFiles: number;
  sqlFailures: number;
};
const startUp = median(Array.from({ length: runs }, () => runNode([bin, '--version']).ms));

const full = paired(() => [
  runNode(scanArgs(corpus, '--no-cache')).ms,
  runNode(['bench/parse-child.mjs', corpus]).ms,
]);
const sqlFolder = join(corpus, 'sql');
const sqlOnly = paired(() => [
  runNode(scanArgs(sqlFolder, '--no-cache')).ms,
  runNode(['bench/parse-child.mjs', sqlFolder]).ms,
]);

// A pull request's one migration, in a project of its own.
const firstSql = files.find((file) => file.endsWith('.sql')) as string;
const oneFileProject = join(scratch, 'one-file', 'migrations');
mkdirSync(oneFileProject, { recursive: true });
const oneFile = join(oneFileProject, basename(firstSql));
copyFileSync(firstSql, oneFile);
const single = paired(() => [
  runNode(scanArgs(oneFile, '--no-cache')).ms,
  runNode(['bench/parse-one-child.mjs', oneFile]).ms,
]);

// A cold scan fills a fresh cache; after one new migration, the warm scan parses only that file.
const newMigration = join(corpus, 'sql', 'migrations', '29990101000000_new_patients.sql');
const warm = paired(() => {
  const cacheDir = mkdtempSync(join(scratch, 'cache-'));
  const cold = runNode(scanArgs(corpus, '--cache-dir', cacheDir)).ms;
  writeFileSync(newMigration, 'alter table patients_0 add column ssn varchar(11);\n');
  try {
    return [runNode(scanArgs(corpus, '--cache-dir', cacheDir)).ms, cold];
  } finally {
    rmSync(newMigration);
  }
});

const inProcess = inProcessScan();
rmSync(scratch, { recursive: true, force: true });

const replay = measureReplay(root);

const ratio = (value: number) => `${value.toFixed(2)}×`;
const lines = [
  `corpus:              ${files.length} files (${bare.sqlFiles} SQL, ${bare.typescriptFiles} TypeScript/JavaScript) in ${corpus}; medians of ${runs} paired runs`,
  `start-up:            ${(startUp / 1000).toFixed(3)} s wall (piilint --version)`,
  `full scan:           ${seconds(full.a)} wall, ${(files.length / (full.a / 1000)).toFixed(0)} files/s; ${ratio(full.ratio)} the bare parse of both parsers (${seconds(full.b)}; ${bare.sqlFailures} SQL files fail to parse)`,
  `SQL-only scan:       ${seconds(sqlOnly.a)}; ${ratio(sqlOnly.ratio)} the bare libpg-query parse (${seconds(sqlOnly.b)})`,
  `one-file scan:       ${seconds(single.a)}; ${ratio(single.ratio)} a bare load-and-parse of that file (${seconds(single.b)})`,
  `warm re-scan:        ${seconds(warm.a)} after one new migration; ${ratio(warm.ratio)} the cold scan (${seconds(warm.b)})`,
  `scan in-process:     ${seconds(inProcess.ms)}, peak memory ${inProcess.maxRssMb.toFixed(0)} MB (npm run bench:big: 20,000 files)`,
  `findings by rule:    ${Object.entries(inProcess.findingsByRule)
    .map(([rule, count]) => `${rule} ${count}`)
    .join(', ')}`,
  `replay ratio:        ${ratio(replay.ratio)} (3,000 migrations on a table readable by anon ${replay.reachableCpuS.toFixed(2)} s CPU ÷ the same table private ${replay.unexposedCpuS.toFixed(2)} s; median of ${replay.pairs} pairs)`,
  `budget:              scan < 6 s and < 600 MB: ${full.a < 6000 && inProcess.maxRssMb < 600 ? 'met' : 'NOT MET'}; replay ≤ 1.5×: ${replay.ratio <= 1.5 ? 'met' : 'NOT MET'}`,
];
console.log(lines.join('\n'));
