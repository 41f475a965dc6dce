#!/usr/bin/env node
// Thin launcher for dist/piilint.mjs, the command line bundled into one file by `npm run build`
// (run by npm install).
//
// V8 settings, set before anything loads (src/v8-flags.ts says why, with the figures):
// --liftoff-only keeps libpg-query's WebAssembly on V8's baseline compiler, which saves the
// optimising recompile a process otherwise waits for at exit; --heap-growing-percent=100 lets the
// heap grow to twice what a full collection left alive, not four times, which bounds a big scan's
// peak memory at no cost in time. Setting them here saves re-spawning Node with the flags.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
setFlagsFromString('--heap-growing-percent=100');
import('../dist/piilint.mjs').then((cli) => cli.main(process.argv.slice(2)));
