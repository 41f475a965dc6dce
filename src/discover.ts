import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { inMigrationPlace } from './migration-place.js';
import { gitRoot } from './project-root.js';
import { UsageError } from './errors.js';
import { compileGlob, GlobError } from './util/glob.js';
import { walkFolder } from './walk.js';
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

/** Longest glob named on the command line or in the config: longer ones are not hand-written. */
const MAX_PATTERN_LENGTH = 4096;

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

/**
 * TypeScript configs: `tsconfig.json`, `jsconfig.json`, and the configs they extend by a name of
 * that kind (`tsconfig.base.json`, `tsconfig-paths.json`). Their path aliases say which project
 * module `import … from '@src/db/schema'` names (see extractors/typescript/path-aliases.ts).
 */
const PROJECT_CONFIG_FILE = /^(?:ts|js)config(?:[.-][^/\\]*)?\.json$/;

/**
 * A TypeScript config, read beside the source files so that imports through its path aliases can
 * be followed. Discovered rather than read from the disk when an import asks, for two reasons: it
 * is then read only where the scan reads (inside the scanned folder, never through a link out of
 * it, never ignored), and it is a project file like any module, so the facts cache keys the
 * entries of the files resolved through it on its content (cache.ts). It is never parsed for
 * facts, never counted as scanned and never reported, not even when it cannot be read.
 */
export function isProjectConfigFile(path: string): boolean {
  return PROJECT_CONFIG_FILE.test(basename(path));
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
  /** TypeScript configs under the scanned folders (absolute, sorted): read for path aliases only. */
  projectConfigFiles: string[];
  /** Test files left out (absolute paths, sorted): said with `--debug`. */
  skippedTestFiles: string[];
  /** Folders that could not be listed and names that cannot be represented: never skipped in silence. */
  problems: ParseProblem[];
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
  const found = new Set<string>();
  const skippedTests = new Set<string>();
  const configs = new Set<string>();
  const problems: ParseProblem[] = [];
  for (const path of options.paths.length > 0 ? options.paths : ['.']) {
    const problemsBefore = problems.length;
    const files: string[] = [];
    for (const file of filesOfPath(path, options.cwd, problems)) {
      // A config alone is not something to scan: a folder holding only one still matches nothing.
      if (isProjectConfigFile(file) && !isSourceOrMap(file)) configs.add(file);
      else files.push(file);
    }
    // A path whose only file was refused is reported as such, not as matching nothing.
    const refused = problems.length > problemsBefore;
    if (files.length === 0 && !refused && options.errorOnUnmatched !== false) {
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
    const included = matchGlobs(options.include, skippedTests, globBase);
    for (const file of skippedTests) {
      if (included.has(file)) {
        found.add(file);
        skippedTests.delete(file);
      }
    }
  }
  let files = [...found];
  let projectConfigFiles = [...configs];
  const exclude = options.exclude ?? [];
  if (exclude.length > 0) {
    const excluded = matchGlobs(exclude, [...files, ...projectConfigFiles], globBase);
    files = files.filter((file) => !excluded.has(file));
    // `include` names what is scanned; a config is only read to follow imports, so only
    // `exclude` keeps one out.
    projectConfigFiles = projectConfigFiles.filter((file) => !excluded.has(file));
  }
  const dataMapFiles = files.filter(isDataMapFile).sort();
  let sourceFiles = files.filter((file) => !isDataMapFile(file)).sort();
  if (options.include && options.include.length > 0) {
    const included = matchGlobs(options.include, sourceFiles, globBase);
    sourceFiles = sourceFiles.filter((file) => included.has(file));
  }
  return {
    sourceFiles,
    dataMapFiles,
    projectConfigFiles: projectConfigFiles.sort(),
    skippedTestFiles: [...skippedTests].sort(),
    problems: problems.sort((a, b) => (a.at.file < b.at.file ? -1 : a.at.file > b.at.file ? 1 : 0)),
  };
}

/** The files one path names: a file, the files under a folder, or the files a glob matches. */
function filesOfPath(path: string, cwd: string, problems: ParseProblem[]): string[] {
  const absolutePath = resolve(cwd, path);
  const stats = statOrUndefined(absolutePath);
  if (!stats) return isGlob(path) ? filesMatching(path, cwd, problems) : [];
  if (stats.isFile()) {
    if (!isSourceOrMap(absolutePath)) return [];
    // A file named on the command line is read even where discovery would skip it, but never
    // through a symbolic link out of its repository: the link's target is not the pull request's.
    const root = gitRoot(dirname(absolutePath)) ?? dirname(absolutePath);
    if (
      lstatSync(absolutePath).isSymbolicLink() &&
      !isInside(realpathSync.native(root), absolutePath)
    ) {
      problems.push(
        unreadProblem(
          displayPath(cwd, absolutePath),
          'not read: a symbolic link out of the repository (commit the file itself)',
        ),
      );
      return [];
    }
    return [absolutePath];
  }
  return filesUnder(absolutePath, cwd, problems);
}

/**
 * A glob from the command line, with the same skips as a folder walk. Its fixed start (`db/` of
 * `db/**\/*.sql`) is the root no symbolic link may lead out of.
 */
function filesMatching(pattern: string, cwd: string, problems: ParseProblem[]): string[] {
  const glob = compiledPattern(pattern, 'the path');
  const segments = pattern.split(/[\\/]/);
  const fixed = segments.slice(0, segments.findIndex(isGlob)).join('/');
  const base = resolve(cwd, fixed === '' ? '.' : fixed);
  if (!statOrUndefined(base)?.isDirectory()) return [];
  const absolute = isAbsolute(pattern);
  return filesUnder(base, cwd, problems).filter((file) =>
    glob.matches(absolute ? file.split(sep).join('/') : displayPath(cwd, file)),
  );
}

/** A glob the user wrote, compiled; too long or malformed is a clear error (exit 2). */
function compiledPattern(pattern: string, what: string) {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new UsageError(
      `${what} glob is ${pattern.length} characters long, over the ${MAX_PATTERN_LENGTH}-character limit — shorten it`,
    );
  }
  try {
    return compileGlob(pattern.split(sep).join('/'));
  } catch (error) {
    if (error instanceof GlobError) {
      throw new UsageError(`${what} glob \`${pattern}\` is not valid: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Discovery is synchronous on purpose: nothing else runs while it walks. Symbolic links to files
 * are read when they stay inside the root; links to folders are not followed.
 */
function filesUnder(root: string, cwd: string, problems: ParseProblem[]): string[] {
  const walked = walkFolder(root, {
    wanted: (name) => isSourceOrMap(name) || isProjectConfigFile(name),
    unread: (path, reason, isFolder) =>
      unreadProblem(displayPath(cwd, path) + (isFolder ? '/' : ''), reason),
  });
  problems.push(...walked.problems);
  const realRoot = realpathSync.native(root);
  const files: string[] = [];
  for (const path of walked.files) {
    const file = resolve(path);
    const isConfig = !isSourceOrMap(file);
    if (isConfig && !isProjectConfigFile(file)) continue;
    // A file that is no link lies where the walk found it, below the root: no need to ask.
    if (!walked.links.has(path) || isInside(realRoot, file)) files.push(file);
    // A config linked from outside is not read either, but it is no migration: nothing to say.
    else if (isConfig) continue;
    // Never read, never silent: a migration linked from outside fails the gate like any unread one.
    else
      problems.push(
        unreadProblem(
          displayPath(cwd, file),
          'not read: a symbolic link out of the scanned folder, or a dangling one (commit the file itself)',
        ),
      );
  }
  return files;
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

/**
 * The discovered files some config glob matches (relative to the config's folder, or absolute).
 * Matching the files found, rather than walking each glob, never leaves the scanned paths:
 * `exclude: ['/proc/**']` costs nothing.
 */
function matchGlobs(globs: string[], files: Iterable<string>, base: string): Set<string> {
  const compiled = globs.map((glob) => ({
    absolute: isAbsolute(glob),
    glob: compiledPattern(glob, 'a config `include`/`exclude`'),
  }));
  const matched = new Set<string>();
  for (const file of files) {
    const fromBase = relative(base, file).split(sep).join('/');
    const absolute = file.split(sep).join('/');
    if (compiled.some(({ absolute: isAbs, glob }) => glob.matches(isAbs ? absolute : fromBase))) {
      matched.add(file);
    }
  }
  return matched;
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

export type ReadOutcome = { file: ScannedFile } | { problem: ParseProblem };

export interface ReadOptions {
  /** Config `maxFileSize` in bytes; default `MAX_FILE_BYTES`. */
  maxFileSize?: number;
}

/**
 * Text that only migrations hold: a TypeORM/Knex/Sequelize/node-pg-migrate `up`, a table builder
 * given a table's name (`createTable('patients'`; a data grid's `this.createTable(el.className)`
 * in a vendored bundle is not one).
 */
const MIGRATION_TEXT =
  /MigrationInterface|exports\.up\b|export\s+(?:async\s+)?function\s+up\b|\bup\s*[:=(]\s*(?:async\b|\()|createTable\s*\(\s*['"`]|queryRunner\.query/;

/**
 * A migration, schema or data map: SQL and Prisma files always; code files by where they live or
 * what they say. An unread one fails the gate (`unreadable-migration`), any other unread file is a note.
 */
export function isMigrationLike(path: string, text?: string): boolean {
  const extension = extname(path);
  if (extension === '.sql' || extension === '.prisma' || isDataMapFile(path)) return true;
  if (inMigrationPlace(path)) return true;
  return text !== undefined && MIGRATION_TEXT.test(text);
}

/** A problem saying the file (or its rest, from `at`) went unread. */
export function unreadProblem(
  path: string,
  message: string,
  text?: string,
  at: { line: number; column: number } = { line: 1, column: 1 },
): ParseProblem {
  return {
    kind: 'parse-error',
    at: { file: path, line: at.line, column: at.column, endLine: at.line, endColumn: at.column },
    message,
    unread: { migration: isMigrationLike(path, text) },
  };
}

/**
 * Reads one file, once. Files that are too large, binary or unreadable become an unread problem
 * located at the top of the file, so the scan goes on without them and the report says so.
 */
export function readScannedFile(
  absolutePath: string,
  cwd: string,
  options: ReadOptions = {},
): ReadOutcome {
  const path = displayPath(cwd, absolutePath);
  const limit = options.maxFileSize ?? MAX_FILE_BYTES;
  const problem = (message: string, text?: string): ReadOutcome => ({
    problem: unreadProblem(path, message, text),
  });
  let bytes: Buffer;
  let descriptor: number | undefined;
  try {
    // Opened first, then asked what it is: one path lookup, not two. Never waiting on a pipe.
    descriptor = openSync(absolutePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) return problem('not a regular file; not read');
    if (stats.size > limit) {
      return problem(
        `file too large (${formatSize(stats.size)} > ${formatSize(limit)} limit, config \`maxFileSize\`); not read`,
      );
    }
    bytes = readFileSync(descriptor);
  } catch (error) {
    // What cannot be opened (a socket, a folder on some systems) is said as the stat says it.
    if (descriptor === undefined && statOrUndefined(absolutePath)?.isFile() === false) {
      return problem('not a regular file; not read');
    }
    return problem(
      `cannot read file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
  const utf16 = utf16Text(bytes);
  if (utf16 !== undefined) return { file: { path, absolutePath, text: utf16 } };
  const nul = bytes.subarray(0, BINARY_SNIFF_BYTES).indexOf(0);
  if (nul !== -1) {
    // Node and the TypeScript parser read a NUL in a comment or string; a code file that is
    // otherwise UTF-8 text is read, so a `// \0` cannot hide it. SQL and Prisma files with a NUL
    // are not text any tool of theirs accepts.
    const text = CODE_EXTENSIONS.has(extname(absolutePath)) ? utf8OrUndefined(bytes) : undefined;
    if (text === undefined) return problem(`binary file (a NUL byte at offset ${nul}); not read`);
    return { file: { path, absolutePath, text: withoutBom(text) } };
  }
  return { file: { path, absolutePath, text: withoutBom(bytes.toString('utf8')) } };
}

/** Editors do not count the BOM as a column. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A file that starts with a UTF-16 byte-order mark, as Windows PowerShell's `>` writes it
 * (`supabase gen types typescript > types_db.ts`) and SQL Server tools save scripts: its text,
 * without the mark. Undefined when there is no such mark or the rest is not UTF-16.
 */
function utf16Text(bytes: Buffer): string | undefined {
  const littleEndian = bytes[0] === 0xff && bytes[1] === 0xfe;
  const bigEndian = bytes[0] === 0xfe && bytes[1] === 0xff;
  if ((!littleEndian && !bigEndian) || bytes.length % 2 !== 0) return undefined;
  // Node's decoder reads little-endian only: a big-endian file is swapped first.
  const units = bigEndian ? Buffer.from(bytes).swap16() : bytes;
  // Not fatal: an editor that saved a broken emoji (a lone surrogate) still saved text. A file
  // that only starts like UTF-16 decodes to replacement characters everywhere: not text.
  const text = new TextDecoder('utf-16le').decode(units);
  let replaced = 0;
  for (let index = text.indexOf('\ufffd'); index >= 0; index = text.indexOf('\ufffd', index + 1)) {
    replaced++;
  }
  return replaced * 100 > text.length ? undefined : text;
}

function utf8OrUndefined(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** `maxFileSize` as people write it: bytes, or `512KB`, `8MB`, `1.5 MB`. Undefined when unreadable. */
export function parseFileSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?\s*$/i.exec(value);
  if (!match) return undefined;
  const unit = (match[2] ?? 'B').toUpperCase();
  const factor = unit === 'GB' ? 1024 ** 3 : unit === 'MB' ? 1024 ** 2 : unit === 'KB' ? 1024 : 1;
  const bytes = Math.round(Number(match[1]) * factor);
  return bytes > 0 ? bytes : undefined;
}

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Data maps and the config are contracts: one that cannot be read stops the job (exit 2) rather than
 * becoming a note, since every result would depend on it.
 */
export function readRequiredSource(
  absolutePath: string,
  cwd: string,
  what: string,
  options: ReadOptions = {},
): ScannedFile {
  const outcome = readScannedFile(absolutePath, cwd, options);
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
  if (stats?.isDirectory()) {
    throw new UsageError(`${what} ${path} is a folder, not a file — name the YAML file in it`);
  }
  if (!stats || !stats.isFile()) {
    throw new UsageError(
      `${what} ${path} not found — check the path (it is read relative to ${base})`,
    );
  }
  return absolutePath;
}
