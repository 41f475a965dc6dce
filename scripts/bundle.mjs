#!/usr/bin/env node
// Three esbuild bundles, each reproducible byte for byte from the same sources and lockfile:
//
//   node scripts/bundle.mjs cli             dist/piilint.mjs: the command line as one file, which
//                                           bin/piilint.js loads. One file starts faster than a
//                                           hundred modules; the parsers (libpg-query, ts-morph, the
//                                           vendored MySQL parser) stay outside and load on first
//                                           use, and so do yaml and ajv inside it.
//   node scripts/bundle.mjs vendor          dist/vendor/mysql-parser.cjs: node-sql-parser's MySQL
//                                           build only (with big-integer), so the package does not
//                                           install node-sql-parser's 89 MB of other dialects.
//   node scripts/bundle.mjs action [dir]    action/dist/ (or dir): the GitHub Action as one file,
//                                           index.mjs, with libpg-query's WASM beside it, so
//                                           `uses: piilint/piilint@v1` needs no install and no build.
//
// The action bundle is committed; a test rebuilds it into a temporary folder and fails when the
// committed copy differs.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Both bundles run on the oldest Node piilint supports. */
const TARGET = 'node20';

export async function bundleMysqlParser(
  outFile = join(ROOT, 'dist', 'vendor', 'mysql-parser.cjs'),
) {
  mkdirSync(dirname(outFile), { recursive: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['node_modules/node-sql-parser/build/mysql.js'],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: TARGET,
    legalComments: 'inline',
    logLevel: 'warning',
  });
  // Apache-2.0 asks for the licence to travel with the code.
  copyFileSync(
    join(ROOT, 'node_modules', 'node-sql-parser', 'LICENSE'),
    join(dirname(outFile), 'node-sql-parser.LICENSE'),
  );
}

/** Lets bundled CommonJS code call require() for Node's own modules and find files beside it. */
const COMMONJS_BANNER = [
  "import { createRequire as __piilintCreateRequire } from 'node:module';",
  "import { dirname as __piilintDirname } from 'node:path';",
  "import { fileURLToPath as __piilintFileURLToPath } from 'node:url';",
  'const require = __piilintCreateRequire(import.meta.url);',
  'const __filename = __piilintFileURLToPath(import.meta.url);',
  'const __dirname = __piilintDirname(__filename);',
].join('\n');

export async function bundleCli(outFile = join(ROOT, 'dist', 'piilint.mjs')) {
  mkdirSync(dirname(outFile), { recursive: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/cli.ts'],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: TARGET,
    // Loaded from node_modules at run time, on first use: libpg-query by a dynamic import, ts-morph
    // and the MySQL parser by createRequire (which esbuild leaves alone).
    external: ['libpg-query', 'ts-morph', '#mysql-parser'],
    banner: { js: COMMONJS_BANNER },
    // Dynamic imports of bundled modules (yaml, ajv, the extractors) stay lazy: esbuild
    // wraps each such module in an initializer that runs on the first import().
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'eof',
    charset: 'utf8',
    logLevel: 'warning',
  });
}

/**
 * Extractors load CommonJS packages with `createRequire(import.meta.url)(…)` (faster start-up for
 * the installed CLI). esbuild cannot follow such a call, so for the bundle it becomes a plain
 * `require(…)`, which esbuild inlines. Each file must contain the idiom: if one stops using it, the
 * build fails here instead of shipping a bundle that looks for node_modules at run time.
 */
const createRequireToRequire = {
  name: 'create-require-to-require',
  setup(context) {
    const files = /[\\/]src[\\/]extractors[\\/](typescript[\\/]morph|sql[\\/]mysql)\.ts$/;
    context.onLoad({ filter: files }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      const contents = text
        .replace(/createRequire\(import\.meta\.url\)\(/g, 'require(')
        .replace(/const require = createRequire\(import\.meta\.url\);/g, '');
      if (contents === text) throw new Error(`${path}: no createRequire(import.meta.url) call`);
      return { contents, loader: 'ts' };
    });
  },
};

export async function bundleAction(outDir = join(ROOT, 'action', 'dist')) {
  const directory = resolve(outDir);
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['action/src/main.ts'],
    outfile: join(directory, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: TARGET,
    // CommonJS dependencies (ts-morph, TypeScript, libpg-query's loader) call require() for Node's
    // own modules and look for files beside __dirname (libpg-query.wasm is copied there).
    banner: { js: COMMONJS_BANNER },
    legalComments: 'eof',
    minify: true,
    // The bundle is read only by Node; the source map would double the committed size.
    sourcemap: false,
    charset: 'utf8',
    plugins: [createRequireToRequire],
    logLevel: 'warning',
  });
  // libpg-query finds its WASM beside the script that loads it (import.meta.url).
  copyFileSync(
    join(ROOT, 'node_modules', 'libpg-query', 'wasm', 'libpg-query.wasm'),
    join(directory, 'libpg-query.wasm'),
  );
  writeFileSync(
    join(directory, 'README.md'),
    '# action/dist\n\nGenerated by `npm run build:action` from `action/src/` and the CLI in `src/`: do\nnot edit. The GitHub Action runs `index.mjs` directly, with no install and no build. CI fails\nwhen this folder differs from a fresh build.\n',
  );
}

const [what, ...rest] = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bundle.mjs')) {
  if (what === 'action') await bundleAction(rest[0]);
  else if (
    what !== undefined &&
    [what, ...rest].every((name) => name === 'vendor' || name === 'cli')
  ) {
    // `vendor cli`: both in one process (the build runs this on every `npm ci`).
    for (const name of [what, ...rest]) {
      if (name === 'vendor') await bundleMysqlParser();
      else await bundleCli();
    }
  } else {
    process.stderr.write(
      'usage: node scripts/bundle.mjs vendor | cli | vendor cli | action [out-dir]\n',
    );
    process.exitCode = 2;
  }
}
