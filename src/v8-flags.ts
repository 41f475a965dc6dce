/**
 * V8 settings for a scan, imported first by the GitHub Action's entry and the in-process bench
 * (bin/piilint.js sets the same for the command line, before anything loads).
 *
 * - `--liftoff-only`: V8 keeps libpg-query's WebAssembly on its baseline compiler. Otherwise it
 *   recompiles the hot functions with its optimising compiler in the background and the process
 *   waits for that at exit, about half a second of CPU a pull request's few files never get back.
 *   Must run before libpg-query compiles its module.
 * - `--heap-growing-percent=100`: after a full collection the heap may grow to twice what was
 *   live, not up to four times. A big scan keeps its facts alive until the end, so V8's own choice
 *   let the heap reach 1.1 GB around 385 MB of live data at 20,000 files; with this it peaks near
 *   780 MB and is no slower (smaller factors were: 25 % cost a fifth more CPU).
 */
import { setFlagsFromString } from 'node:v8';

export const V8_FLAGS = ['--liftoff-only', '--heap-growing-percent=100'] as const;

for (const flag of V8_FLAGS) setFlagsFromString(flag);
