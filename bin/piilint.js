#!/usr/bin/env node
// Thin launcher for dist/piilint.mjs, the command line bundled into one file by `npm run build`
// (run by npm install).
//
// libpg-query's parser is WebAssembly. V8 compiles it at once with its baseline compiler, then
// recompiles the hot functions with its optimising compiler in the background, and the process
// waits for that work at exit: about half a second of CPU that a scan of a few files never gets
// back. Set before libpg-query loads, --liftoff-only keeps the baseline code; on the 2,000-file
// bench corpus it was not slower either. Setting it here saves re-spawning Node with the flag.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
import('../dist/piilint.mjs').then((cli) => cli.main(process.argv.slice(2)));
