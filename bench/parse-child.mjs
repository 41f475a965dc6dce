// The floor under piilint's speed: parse every corpus file once (TypeScript or libpg-query), nothing
// else. ts-morph (and with it the TypeScript compiler) loads only when there is a TypeScript file,
// with require() as piilint loads it (an ESM import of it costs Node's CommonJS lexer ~150 ms).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadModule, parseSync } from 'libpg-query';

const corpus = process.argv[2];
const paths = readdirSync(corpus, { recursive: true })
  .map((entry) => join(corpus, String(entry)))
  .filter((path) => /\.(sql|ts|js)$/.test(path));
await loadModule();
const ts = paths.some((path) => !path.endsWith('.sql'))
  ? createRequire(import.meta.url)('ts-morph').ts
  : undefined;
let typescriptFiles = 0;
let sqlFiles = 0;
let sqlFailures = 0;
const start = performance.now();
for (const path of paths) {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.sql')) {
    sqlFiles++;
    try {
      parseSync(text);
    } catch {
      sqlFailures++;
    }
  } else {
    typescriptFiles++;
    ts?.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  }
}
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, typescriptFiles, sqlFiles, sqlFailures }));
