/**
 * The bench's measurements of how piilint scales, each scan in a fresh process:
 *  - replay: a Supabase table granted to anon that 3,000 migrations each add a column to, against
 *    the same history kept private; the replay must judge only what each file changed, so the
 *    ratio of their CPU times stays near 1 (pairs taken in turn, median ratio);
 *  - memory: peak resident memory of a whole scan of the corpus at 2,000 and 20,000 files.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateReplayCorpus } from './corpus.js';

interface ChildScan {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  findingsByRule: Record<string, number>;
}

function scanInChild(root: string, corpus: string): ChildScan {
  const child = spawnSync(process.execPath, ['bench/scan-child.mjs', corpus], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    throw new Error(`scan of ${corpus} exited ${child.status}`);
  }
  return JSON.parse(child.stdout) as ChildScan;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface ReplayMeasure {
  reachableCpuS: number;
  unexposedCpuS: number;
  ratio: number;
  pairs: number;
}

export function measureReplay(root: string, pairs = 3, migrations = 3000): ReplayMeasure {
  const reachable = join(tmpdir(), 'piilint-bench-replay-reachable');
  const unexposed = join(tmpdir(), 'piilint-bench-replay-unexposed');
  generateReplayCorpus(reachable, true, migrations);
  generateReplayCorpus(unexposed, false, migrations);
  const reachableCpu: number[] = [];
  const unexposedCpu: number[] = [];
  const ratios: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const open = scanInChild(root, reachable).cpuMs;
    const closed = scanInChild(root, unexposed).cpuMs;
    reachableCpu.push(open);
    unexposedCpu.push(closed);
    ratios.push(open / closed);
  }
  return {
    reachableCpuS: median(reachableCpu) / 1000,
    unexposedCpuS: median(unexposedCpu) / 1000,
    ratio: median(ratios),
    pairs,
  };
}
