/**
 * `npm run bench`: generates the deterministic corpus, then measures, each in a fresh process:
 *  - the real command line (`piilint scan --format json`), wall time including start-up;
 *  - the scan in-process, for its peak memory and findings by rule;
 *  - a bare parse of the same files (TypeScript parse + libpg-query parse, no analysis);
 *  - how it scales (bench/scale.ts): a long history on one table readable by anon against the
 *    same history private, and peak memory at 2,000 and 20,000 files.
 * Budget on a 2-core machine: full scan under 6 s and 600 MB; the replay within 1.5x; 20,000
 * files under 600 MB.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './corpus.js';
import { measurePeakMemory, measureReplay } from './scale.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Outside the repository: its .gitignore would hide the corpus from discovery.
const corpus = join(tmpdir(), 'piilint-bench-corpus');
const files = generateCorpus(corpus);

function runNode(args: string[]): { ms: number; stdout: string; status: number | null } {
  const start = performance.now();
  const child = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - start;
  if (child.status !== 0 && child.status !== 1) {
    process.stderr.write(child.stderr);
    throw new Error(`${args.join(' ')} exited ${child.status}`);
  }
  return { ms, stdout: child.stdout, status: child.status };
}

const cli = runNode([
  'bin/piilint.js',
  'scan',
  corpus,
  '--format',
  'json',
  '--output',
  join(tmpdir(), 'piilint-bench-report.json'),
]);
const inProcess = JSON.parse(runNode(['bench/scan-child.mjs', corpus]).stdout) as {
  ms: number;
  maxRssMb: number;
  findingsByRule: Record<string, number>;
};
const bare = JSON.parse(runNode(['bench/parse-child.mjs', corpus]).stdout) as {
  ms: number;
  typescriptFiles: number;
  sqlFiles: number;
  sqlFailures: number;
};

const replay = measureReplay(root);
const peak20000 = measurePeakMemory(root, 20000);

const seconds = cli.ms / 1000;
const lines = [
  `corpus:              ${files.length} files (${bare.sqlFiles} SQL, ${bare.typescriptFiles} TypeScript/JavaScript) in ${corpus}`,
  `piilint scan (CLI):  ${seconds.toFixed(2)} s wall, ${(files.length / seconds).toFixed(0)} files/s, exit ${cli.status}`,
  `scan in-process:     ${(inProcess.ms / 1000).toFixed(2)} s, peak memory ${inProcess.maxRssMb.toFixed(0)} MB`,
  `bare parse:          ${(bare.ms / 1000).toFixed(2)} s (TypeScript parse + libpg-query parse, no analysis; ${bare.sqlFailures} SQL files failed to parse)`,
  `findings by rule:    ${Object.entries(inProcess.findingsByRule)
    .map(([rule, count]) => `${rule} ${count}`)
    .join(', ')}`,
  `replay ratio:        ${replay.ratio.toFixed(2)}x (3,000 migrations on a table readable by anon ${replay.reachableCpuS.toFixed(2)} s CPU / the same table private ${replay.unexposedCpuS.toFixed(2)} s; median of ${replay.pairs} pairs)`,
  `peak memory:         ${inProcess.maxRssMb.toFixed(0)} MB at ${files.length} files, ${peak20000.toFixed(0)} MB at 20,000 files`,
  `budget:              scan < 6 s and < 600 MB: ${seconds < 6 && inProcess.maxRssMb < 600 ? 'met' : 'NOT MET'}; replay <= 1.5x: ${replay.ratio <= 1.5 ? 'met' : 'NOT MET'}; 20,000 files < 600 MB: ${peak20000 < 600 ? 'met' : 'NOT MET'}`,
];
console.log(lines.join('\n'));
