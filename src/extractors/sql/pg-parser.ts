/**
 * libpg-query, loaded on first use: importing its JavaScript alone costs about 80 ms of CPU, which
 * a scan with no SQL and no code file (or a `piilint explain`) should not pay. `loadPgParser` runs
 * once before any parse; the parse functions below throw if called before it.
 */
import type * as LibPgQuery from 'libpg-query';

let parser: typeof LibPgQuery | undefined;
let loading: Promise<void> | undefined;

/** Imports libpg-query and compiles its WASM once; later calls return at once. */
export async function loadPgParser(): Promise<void> {
  loading ??= import('libpg-query').then(async (module) => {
    await module.loadModule();
    parser = module;
  });
  await loading;
}

export function pgParserReady(): boolean {
  return parser !== undefined;
}

function loaded(): typeof LibPgQuery {
  if (!parser) throw new Error('the Postgres parser was not loaded');
  return parser;
}

export function parseSync(sql: string): ReturnType<typeof LibPgQuery.parseSync> {
  return loaded().parseSync(sql);
}

export function parsePlPgSQLSync(sql: string): ReturnType<typeof LibPgQuery.parsePlPgSQLSync> {
  return loaded().parsePlPgSQLSync(sql);
}
