import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { globbySync as GlobbySync } from 'globby';
import { UsageError } from './errors.js';
import type { ParseProblem } from './facts.js';
import type { ScannedFile } from './extractors/types.js';

/** File kinds `scan` reads (spec/cli.md, "What scan reads"). */
export const SOURCE_EXTENSIONS = [
  '.sql',
  '.ts',
  '.tsx',
  '.mts',
  '.cts',
  '.js',
  '.mjs',
  '.cjs',
  '.prisma',
];
/** Code files that are parsed only when they mention a data API (see `mentionsDataApi`). */
const CODE_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs']);

const SKIPPED_DIRECTORIES = ['node_modules', '.git', 'dist', 'build', 'coverage'];
const SKIPPED_GLOBS = SKIPPED_DIRECTORIES.map((name) => `**/${name}/**`);

const SOURCE_GLOB = `**/*.{${SOURCE_EXTENSIONS.map((ext) => ext.slice(1)).join(',')}}`;
const DATA_MAP_GLOBS = ['**/datamap.{yaml,yml}', '**/*.datamap.{yaml,yml}'];

/** Bigger files are generated or vendored, never hand-written migrations; reading them would only cost time. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Git's own heuristic: a NUL byte near the start means binary. */
const BINARY_SNIFF_BYTES = 8 * 1024;

/**
 * A code file is parsed only if it names something that reads or moves data: a database client or
 * ORM, SQL, HTTP, a logger, an SDK or an object store. Parsing is the expensive step; most
 * front-end and utility files mention none of these. Files that hash or encrypt are read too:
 * their functions are the evidence that a column is stored protected, and so are model writes
 * (`User.create({ … })`) in files that never name their ORM.
 */
const DATA_API_PATTERN =
  /knex|typeorm|sequelize|kysely|pgm\.|drizzle|pgTable|mysqlTable|sqliteTable|prisma|mongoose|mongodb|queryRunner|createTable|alterTable|@Entity|@Column|insert|select|update|delete|query|execute|\bsql\b|\bpg\b|postgres|mysql|sqlite|supabase|console\.|logger|\blog\b|winston|pino|bunyan|fetch\(|axios|\bgot\b|http|request|\bs3|bucket|storage|analytics|segment|mixpanel|amplitude|posthog|sentry|gtag|track\(|identify\(|bcrypt|argon2|scrypt|createHash|createCipher|encrypt|BeforeInsert|setDataValue|better-auth|\.save\(|\.(?:create|bulkCreate|upsert)\s*\(/i;

export function isDataMapFile(path: string): boolean {
  const name = basename(path);
  return /^datamap\.ya?ml$/.test(name) || /\.datamap\.ya?ml$/.test(name);
}

export function isSourceFile(path: string): boolean {
  if (path.endsWith('.d.ts')) return false; // declarations carry types, never data flows
  return SOURCE_EXTENSIONS.includes(extname(path));
}

/** Cheap text check run before a code file is parsed; SQL and Prisma files always pass. */
export function mentionsDataApi(path: string, text: string): boolean {
  if (!CODE_EXTENSIONS.has(extname(path))) return true;
  return DATA_API_PATTERN.test(text);
}

/** Path relative to `cwd` with forward slashes: the form every location and report uses. */
export function displayPath(cwd: string, absolutePath: string): string {
  const relativePath = relative(cwd, absolutePath);
  return (relativePath === '' ? basename(absolutePath) : relativePath).split(sep).join('/');
}

export interface DiscoveryOptions {
  cwd: string;
  /** Files or directories, relative to `cwd` or absolute. */
  paths: string[];
  /** Config `include`: when set, only source files matching one of these globs are read. */
  include?: string[];
  /** Config `exclude`: source files and data maps matching these globs are not read. */
  exclude?: string[];
  /** Directory the include/exclude globs are relative to (the config file's folder). */
  globBase?: string;
  /**
   * A path that does not exist or holds no file piilint reads stops the job (exit 2), so a typo
   * cannot turn into a green check of nothing; `false` (`--no-error-on-unmatched`) lets it pass.
   */
  errorOnUnmatched?: boolean;
}

/** `*`, `?`, `[…]` or `{…}`: the path is a glob (`'db/**\/*.sql'`), expanded here, not by a shell. */
export function isGlob(path: string): boolean {
  return /[*?[\]{}]/.test(path);
}

export interface Discovered {
  /** Absolute paths, sorted, without duplicates. */
  sourceFiles: string[];
  dataMapFiles: string[];
  /** Test files left out (absolute paths, sorted): said with `--debug`. */
  skippedTestFiles: string[];
}

/**
 * Test files hold SQL and personal-looking values as expectations, not as migrations or scripts
 * that run against a database: `*.test.*`, `*.spec.*`, and anything under `__tests__/`, `test/` or
 * `tests/` below the scanned folder. A config `include` that names them brings them back.
 */
const TEST_FILE = /(?:^|\/)(?:__tests__|tests?)\/|\.(?:test|spec)\.[cm]?[jt]sx?$/;

export function isTestFile(pathInsideRoot: string): boolean {
  return TEST_FILE.test(pathInsideRoot.split(sep).join('/'));
}

/**
 * Finds the files `scan` reads under the given paths. Honours .gitignore, skips dependency and build
 * folders, never follows a symbolic link out of the scanned root.
 */
export async function discoverFiles(options: DiscoveryOptions): Promise<Discovered> {
  const paths = options.paths.length > 0 ? options.paths : ['.'];
  const walks =
    !paths.every((path) => statOrUndefined(resolve(options.cwd, path))?.isFile()) ||
    (options.include ?? []).length > 0 ||
    (options.exclude ?? []).length > 0;
  // globby (with its .gitignore reader) takes a noticeable part of start-up: only a walk loads it.
  if (walks) globbySync ??= (await import('globby')).globbySync;
  const found = new Set<string>();
  const skippedTests = new Set<string>();
  for (const path of paths) {
    const files = filesOfPath(path, options.cwd);
    if (files.length === 0 && options.errorOnUnmatched !== false) {
      throw new UsageError(
        `no migrations, scripts or data maps found under ${path} — check the path (or pass --no-error-on-unmatched)`,
      );
    }
    const absolutePath = resolve(options.cwd, path);
    const folder = statOrUndefined(absolutePath)?.isDirectory() ? absolutePath : undefined;
    for (const file of files) {
      // Test files under a folder are skipped (a file or glob named on the command line is not).
      if (folder !== undefined && isTestFile(relative(folder, file))) skippedTests.add(file);
      else found.add(file);
    }
  }

  const globBase = options.globBase ?? options.cwd;
  if (options.include && options.include.length > 0 && skippedTests.size > 0) {
    // The config's `include` decides: test files it names are read.
    const included = matchGlobs(options.include, globBase);
    for (const file of skippedTests) {
      if (included.has(file)) {
        found.add(file);
        skippedTests.delete(file);
      }
    }
  }
  let files = [...found];
  const exclude = options.exclude ?? [];
  if (exclude.length > 0) {
    const excluded = matchGlobs(exclude, globBase);
    files = files.filter((file) => !excluded.has(file));
  }
  const dataMapFiles = files.filter(isDataMapFile).sort();
  let sourceFiles = files.filter((file) => !isDataMapFile(file)).sort();
  if (options.include && options.include.length > 0) {
    const included = matchGlobs(options.include, globBase);
    sourceFiles = sourceFiles.filter((file) => included.has(file));
  }
  return { sourceFiles, dataMapFiles, skippedTestFiles: [...skippedTests].sort() };
}

/** The files one path names: a file, the files under a folder, or the files a glob matches. */
function filesOfPath(path: string, cwd: string): string[] {
  const absolutePath = resolve(cwd, path);
  const stats = statOrUndefined(absolutePath);
  if (!stats) return isGlob(path) ? filesMatching(path, cwd) : [];
  if (stats.isFile()) {
    // A file named on the command line is read even where discovery would skip it.
    return isSourceOrMap(absolutePath) ? [absolutePath] : [];
  }
  return filesUnder(absolutePath);
}

/**
 * A glob from the command line, with the same skips as a folder walk. Its fixed start (`db/` of
 * `db/**\/*.sql`) is the root no symbolic link may lead out of.
 */
function filesMatching(pattern: string, cwd: string): string[] {
  const segments = pattern.split(/[\\/]/);
  const fixed = segments.slice(0, segments.findIndex(isGlob)).join('/');
  const base = resolve(cwd, fixed === '' ? '.' : fixed);
  if (!statOrUndefined(base)?.isDirectory()) return [];
  const files = glob(pattern.split(sep).join('/'), {
    cwd,
    absolute: true,
    onlyFiles: true,
    gitignore: true,
    followSymbolicLinks: false,
    ignore: SKIPPED_GLOBS,
  });
  const realRoot = realpathSync.native(base);
  return files
    .map((file) => resolve(file))
    .filter((file) => isSourceOrMap(file) && isInside(realRoot, file));
}

/** Loaded by `discoverFiles` before any walk or glob match. */
let globbySync: typeof GlobbySync | undefined;

function glob(...args: Parameters<typeof GlobbySync>): string[] {
  if (!globbySync) throw new Error('globby was not loaded before a walk');
  return globbySync(...args);
}

/**
 * Discovery is synchronous on purpose: nothing else runs while it walks, and globby's async
 * `.gitignore` filter stats every result through a promise of its own, which cost twice the sync
 * walk on 2,000 files. The results are the same.
 */
function filesUnder(root: string): string[] {
  const files = glob([SOURCE_GLOB, ...DATA_MAP_GLOBS], {
    cwd: root,
    absolute: true,
    onlyFiles: true,
    gitignore: true,
    followSymbolicLinks: false,
    ignore: SKIPPED_GLOBS,
  });
  const realRoot = realpathSync.native(root);
  return files
    .map((file) => resolve(file))
    .filter((file) => isInside(realRoot, file) && isSourceOrMap(file));
}

function isSourceOrMap(file: string): boolean {
  return isSourceFile(file) || isDataMapFile(file);
}

/** A symbolic link (file or folder) that resolves outside the root is never read. */
function isInside(realRoot: string, file: string): boolean {
  let realFile: string;
  try {
    // The native call is one system call; the JS one `lstat`s every component of every path.
    realFile = realpathSync.native(file);
  } catch {
    return false; // dangling link
  }
  const relativePath = relative(realRoot, realFile);
  return relativePath !== '' && !relativePath.startsWith('..') && !isAbsolute(relativePath);
}

function matchGlobs(globs: string[], cwd: string): Set<string> {
  const matches = glob(globs, {
    cwd,
    absolute: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    ignore: SKIPPED_GLOBS,
  });
  return new Set(matches.map((file) => resolve(file)));
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

export type ReadOutcome = { file: ScannedFile } | { problem: ParseProblem };

/**
 * Reads one file, once. Files that are too large, binary or unreadable become a `parse-error`
 * problem located at the top of the file, so the scan goes on without them.
 */
export function readScannedFile(absolutePath: string, cwd: string): ReadOutcome {
  const path = displayPath(cwd, absolutePath);
  const problem = (message: string): ReadOutcome => ({
    problem: {
      kind: 'parse-error',
      at: { file: path, line: 1, column: 1, endLine: 1, endColumn: 1 },
      message,
    },
  });
  let bytes: Buffer;
  try {
    const size = statSync(absolutePath).size;
    if (size > MAX_FILE_BYTES) {
      return problem(
        `file too large (${formatMegabytes(size)} > ${formatMegabytes(MAX_FILE_BYTES, 0)} limit); not read`,
      );
    }
    bytes = readFileSync(absolutePath);
  } catch (error) {
    return problem(`cannot read file: ${(error as Error).message}`);
  }
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return problem('binary file; not read');
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // editors do not count the BOM as a column
  return { file: { path, absolutePath, text } };
}

function formatMegabytes(bytes: number, digits = 1): string {
  return `${(bytes / (1024 * 1024)).toFixed(digits)} MB`;
}

/**
 * Data maps and the config are contracts: one that cannot be read stops the job (exit 2) rather than
 * becoming a note, since every result would depend on it.
 */
export function readRequiredSource(absolutePath: string, cwd: string, what: string): ScannedFile {
  const outcome = readScannedFile(absolutePath, cwd);
  if ('problem' in outcome) {
    const path = displayPath(cwd, absolutePath);
    throw new UsageError(`${what} ${path}: ${outcome.problem.message} — fix or replace the file`);
  }
  return outcome.file;
}

/** Resolves a file the user named (--datamap, config `datamap`), failing with a clear line when it is missing. */
export function requireFile(path: string, base: string, what: string): string {
  const absolutePath = resolve(base, path);
  const stats = statOrUndefined(absolutePath);
  if (!stats || !stats.isFile()) {
    throw new UsageError(
      `${what} ${path} not found — check the path (it is read relative to ${base})`,
    );
  }
  return absolutePath;
}
