/**
 * Imported first by the GitHub Action's entry (bin/piilint.js does the same for the command line):
 * V8 keeps libpg-query's WebAssembly on its baseline compiler. Otherwise it recompiles the hot
 * functions with its optimising compiler in the background and the process waits for that at
 * exit, about half a second of CPU a pull request's few files never get back. Must run before
 * libpg-query compiles its module.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
