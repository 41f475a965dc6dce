/**
 * The facts cache: a file whose content, path, piilint build and reader options are unchanged is
 * not parsed again; its facts are read back from the cache folder. Only extraction is skipped: the
 * model and the rules still run over the facts of every file, so findings are the same with and
 * without the cache.
 *
 * What a file's facts depend on, and how each is covered:
 *  - its own text, display path and absolute path: in the entry's key (facts carry the display
 *    path, imports resolve from the absolute path);
 *  - piilint's version and build, the parsers' versions and the reader options (`--debug` puts
 *    stack traces into parse-error notes): in the key;
 *  - other files of the project: a TypeScript reader follows helpers and table definitions into the
 *    modules a file imports. Every project file a reader asked for during extraction is recorded
 *    with its content hash, or as absent; the entry is used only while each of those files still
 *    has that hash (or is still absent), so a changed helper re-reads every file that uses it;
 *  - the store's SQL dialect, which the data map or another file's configured client decides: in
 *    the key;
 *  - git history (when a migration was first committed): not a fact; the model asks git on every
 *    scan, so dates are never cached stale.
 *
 * An entry is one file: a header line (format, key, SHA-256 of the body), then the body (JSON).
 * Anything that does not match — truncated, corrupt, written for another key or format — is
 * ignored and rewritten after the file is read again. An entry is written to a temporary file and
 * renamed into place, so a scan running beside another never reads one half written. A cache
 * folder that cannot be written to turns the cache off for the rest of the scan; it never fails it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScannedFile } from './extractors/types.js';
import { projectFile, recordingLookups } from './extractors/project-files.js';
import { storeDialectOf } from './extractors/store-dialect.js';
import type { Fact } from './facts.js';
import { packageFile } from './util/package-files.js';

/** Bumped whenever the entry layout or the facts' meaning changes without a version change. */
const ENTRY_FORMAT = 1;
const HEADER_TAG = 'piilint-facts';

/** `--cache-dir`, else `$XDG_CACHE_HOME/piilint`, else `~/.cache/piilint`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'piilint');
}

/** What changes facts besides the files: which piilint reads them, and how. */
export interface ReaderOptions {
  debug?: boolean;
}

/** A project file another file's facts rest on: its absolute path and content hash (null: absent). */
type Dependency = [absolutePath: string, contentHash: string | null];

interface EntryBody {
  dependencies: Dependency[];
  facts: Fact[];
}

export class FactCache {
  private readonly folder: string;
  private readonly readerKey: string;
  private writable = true;
  private readonly contentHashes = new Map<string, string>();

  constructor(dir: string, options: ReaderOptions = {}) {
    this.folder = join(dir, `facts-v${ENTRY_FORMAT}`);
    this.readerKey = JSON.stringify([buildIdentity(), options.debug === true]);
  }

  /** The facts cached for this file, when an entry matches it and every file it rests on. */
  read(file: ScannedFile): Fact[] | undefined {
    const key = this.keyOf(file);
    const body = this.readEntry(key);
    if (body === undefined || !this.dependenciesHold(body.dependencies)) return undefined;
    return body.facts;
  }

  /** Records a file's facts and the project files (by absolute path) its reader asked for. */
  write(file: ScannedFile, facts: Fact[], lookedUp: Iterable<string>): void {
    if (!this.writable) return;
    const dependencies: Dependency[] = [...new Set(lookedUp)]
      .sort()
      .map((path) => [path, this.currentHash(path)]);
    const key = this.keyOf(file);
    const body = JSON.stringify({ dependencies, facts } satisfies EntryBody);
    const header = JSON.stringify([HEADER_TAG, ENTRY_FORMAT, key, sha256(body)]);
    const path = this.entryPath(key);
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(temporary, `${header}\n${body}`);
      // rename() replaces the entry at once: a reader sees the old entry or the new, never half.
      renameSync(temporary, path);
    } catch {
      this.writable = false;
      try {
        rmSync(temporary, { force: true });
      } catch {
        // Nothing was written (the folder could not be made): nothing to clean up.
      }
    }
  }

  private keyOf(file: ScannedFile): string {
    return (
      createHash('sha256')
        // The store's dialect (from the data map or another file's configured client) changes how
        // the file's SQL is read, so it is part of the key.
        .update(
          JSON.stringify([this.readerKey, file.path, file.absolutePath, storeDialectOf(file.path)]),
        )
        .update('\u0000')
        .update(file.text)
        .digest('hex')
    );
  }

  private entryPath(key: string): string {
    return join(this.folder, key.slice(0, 2), `${key.slice(2)}.json`);
  }

  private readEntry(key: string): EntryBody | undefined {
    let text: string;
    try {
      text = readFileSync(this.entryPath(key), 'utf8');
    } catch {
      return undefined;
    }
    const newline = text.indexOf('\n');
    if (newline < 0) return undefined;
    const body = text.slice(newline + 1);
    try {
      const header: unknown = JSON.parse(text.slice(0, newline));
      if (
        !Array.isArray(header) ||
        header[0] !== HEADER_TAG ||
        header[1] !== ENTRY_FORMAT ||
        header[2] !== key ||
        header[3] !== sha256(body)
      ) {
        return undefined;
      }
      const parsed = JSON.parse(body) as Partial<EntryBody> | null;
      if (!parsed || !Array.isArray(parsed.facts) || !Array.isArray(parsed.dependencies)) {
        return undefined;
      }
      return parsed as EntryBody;
    } catch {
      return undefined;
    }
  }

  private dependenciesHold(dependencies: Dependency[]): boolean {
    return dependencies.every(
      (dependency) =>
        Array.isArray(dependency) && this.currentHash(dependency[0]) === dependency[1],
    );
  }

  /** The content hash of a project file as this scan read it; null when the scan read none there. */
  private currentHash(absolutePath: string): string | null {
    const known = this.contentHashes.get(absolutePath);
    if (known !== undefined) return known;
    const file = projectFile(absolutePath);
    if (file === undefined) return null;
    const hash = sha256(file.text);
    this.contentHashes.set(absolutePath, hash);
    return hash;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

let identity: string | undefined;

/**
 * piilint's version and this build (the size and time of the code file this module is in: the
 * bundle, or dist/cache.js, rewritten by every build), and the parsers' versions. A rebuilt or
 * upgraded piilint never reuses facts an older reader wrote.
 */
function buildIdentity(): string {
  if (identity !== undefined) return identity;
  const parts: unknown[] = [versionOf(() => fileURLToPath(packageFile('package.json')))];
  try {
    const code = statSync(fileURLToPath(import.meta.url));
    parts.push(code.size, code.mtimeMs);
  } catch {
    parts.push(null);
  }
  const require = createRequire(import.meta.url);
  for (const parser of ['libpg-query', 'ts-morph']) {
    parts.push(versionOf(() => require.resolve(`${parser}/package.json`)));
  }
  return (identity = JSON.stringify(parts));
}

/** The `version` of a package.json, or null when it cannot be found (a bundle that holds the package). */
function versionOf(manifest: () => string): string | null {
  try {
    const parsed = JSON.parse(readFileSync(manifest(), 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : null;
  } catch {
    return null;
  }
}

/** Extracts one file's facts and, with a cache, records them with the project files they rest on. */
export function extractCaching(
  file: ScannedFile,
  extract: () => Fact[],
  cache: FactCache | undefined,
): Fact[] {
  if (cache === undefined) return extract();
  const { result, lookedUp } = recordingLookups(extract);
  cache.write(file, result, lookedUp);
  return result;
}
