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
 * The entries of one scan live in one pack file per working folder and reader (display paths
 * are relative to the working folder, so scans from elsewhere never share entries): a warm scan
 * reads one file, not one per source file. The pack is a header line (format, generation), then
 * one line per entry: its key, the generation that last used it, the SHA-256 of key and body, and
 * the body (JSON, which holds no raw line break). Each entry is checked on its own when it is
 * used: one that does not match — cut short, corrupt, edited, or moved under another key — is
 * ignored and written again after its file is read again; a pack cut short loses only the lines
 * after the cut. After a scan that parsed a file or met a bad entry, the pack is written anew
 * (the entries this scan used, the new ones, and the unused ones of the last few generations, so
 * scans of different folders from one working folder keep each other's entries) to a temporary
 * file renamed into place, so a scan running beside another never reads one half written; when
 * two scans write at once, the last rename wins and the other's new entries are parsed again
 * next time. A cache folder that cannot be written to turns the cache off for the rest of the
 * scan; it never fails it.
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

/** Bumped whenever the pack layout or the facts' meaning changes without a version change. */
const ENTRY_FORMAT = 2;
const HEADER_TAG = 'piilint-facts';
/** An entry no scan used in this many pack writes is dropped (a deleted or since edited file). */
const KEPT_GENERATIONS = 4;
const KEY_OR_CHECKSUM = /^[0-9a-f]{64}$/;
const GENERATION = /^\d{1,15}$/;
const NEWLINE = 0x0a;
const TAB = 0x09;

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

/**
 * A pack line as read, kept as bytes (never decoded unless a scan asks for its key, then checked):
 * the whole line, and from its checksum on (what is written back with a new generation).
 */
interface PackedLine {
  generation: number;
  line: Buffer;
  checkedPart: Buffer;
}

export class FactCache {
  private readonly folder: string;
  private readonly packPath: string;
  private readonly readerKey: string;
  private writable = true;
  private readonly contentHashes = new Map<string, string>();
  /** The pack as read at the start of the scan, by key (loaded on first use). */
  private packed: Map<string, PackedLine> | undefined;
  private generation = 0;
  /** Lines to write: entries this scan used or made, from their checksum on, by key. */
  private readonly current = new Map<string, Buffer>();
  /** Whether the pack must be written: a new entry, or a bad one to drop. */
  private changed = false;

  constructor(dir: string, cwd: string, options: ReaderOptions = {}) {
    this.folder = join(dir, `facts-v${ENTRY_FORMAT}`);
    this.readerKey = JSON.stringify([buildIdentity(), options.debug === true]);
    this.packPath = join(this.folder, `${sha256(JSON.stringify([this.readerKey, cwd]))}.pack`);
  }

  /** The facts cached for this file, when an entry matches it and every file it rests on. */
  read(file: ScannedFile): Fact[] | undefined {
    const key = this.keyOf(file);
    const packed = this.pack().get(key);
    if (packed === undefined) return undefined;
    const body = checkedBody(key, packed.checkedPart);
    if (body === undefined || !this.dependenciesHold(body.dependencies)) {
      // Bad, or resting on a changed file: dropped, and the pack written again without it.
      this.changed = true;
      return undefined;
    }
    this.current.set(key, packed.checkedPart);
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
    this.current.set(key, Buffer.from(`${checksumOf(key, body)}\t${body}`));
    this.changed = true;
  }

  /**
   * Writes the pack when this scan changed it: the entries it used or made, then the unused ones
   * of recent generations. Written beside it, then renamed: a reader sees the old or the new.
   */
  save(): void {
    if (!this.changed || !this.writable) return;
    const generation = this.generation + 1;
    const lines: Array<string | Buffer> = [
      Buffer.from(JSON.stringify([HEADER_TAG, ENTRY_FORMAT, generation])),
    ];
    for (const [key, checkedPart] of this.current) {
      lines.push(`${key}\t${generation}\t`, checkedPart);
    }
    for (const [key, packed] of this.pack()) {
      if (this.current.has(key) || generation - packed.generation > KEPT_GENERATIONS) continue;
      lines.push(packed.line);
    }
    const temporary = `${this.packPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      mkdirSync(this.folder, { recursive: true });
      writeFileSync(temporary, joinedLines(lines));
      // rename() replaces the pack at once: a reader sees the old pack or the new, never half.
      renameSync(temporary, this.packPath);
      this.changed = false;
    } catch {
      this.writable = false;
      try {
        rmSync(temporary, { force: true });
      } catch {
        // Nothing was written (the folder could not be made): nothing to clean up.
      }
    }
  }

  /** The pack's lines by key; a missing pack or one of another format holds none. */
  private pack(): Map<string, PackedLine> {
    if (this.packed !== undefined) return this.packed;
    const packed = new Map<string, PackedLine>();
    this.packed = packed;
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.packPath);
    } catch {
      return packed;
    }
    let end = bytes.indexOf(NEWLINE);
    if (end < 0) end = bytes.length;
    try {
      const header: unknown = JSON.parse(bytes.toString('utf8', 0, end));
      if (!Array.isArray(header) || header[0] !== HEADER_TAG || header[1] !== ENTRY_FORMAT) {
        this.changed = true;
        return packed;
      }
      this.generation = Number.isSafeInteger(header[2]) ? (header[2] as number) : 0;
    } catch {
      this.changed = true;
      return packed;
    }
    for (let start = end + 1; start < bytes.length; start = end + 1) {
      end = bytes.indexOf(NEWLINE, start);
      if (end < 0) end = bytes.length;
      const line = bytes.subarray(start, end);
      const entry = packedLine(line);
      if (entry === undefined) {
        // Damaged beyond reading its key (the last line of a pack cut short, or garbage).
        if (line.length > 0) this.changed = true;
        continue;
      }
      packed.set(entry.key, entry);
    }
    return packed;
  }

  /** The key of a file's entry: what its facts depend on besides other project files. */
  private keyOf(file: ScannedFile): string {
    return sha256(
      // The store's dialect (from the data map or another file's configured client) changes how
      // the file's SQL is read, so it is part of the key.
      JSON.stringify([
        this.readerKey,
        file.path,
        file.absolutePath,
        storeDialectOf(file.path),
        this.contentHashOf(file.absolutePath, file.text),
      ]),
    );
  }

  /** Hashed once a scan: the key of a file and the dependencies of the files importing it share it. */
  private contentHashOf(absolutePath: string, text: string): string {
    const known = this.contentHashes.get(absolutePath);
    if (known !== undefined) return known;
    const hash = sha256(text);
    this.contentHashes.set(absolutePath, hash);
    return hash;
  }

  private dependenciesHold(dependencies: Dependency[]): boolean {
    return dependencies.every(
      (dependency) =>
        Array.isArray(dependency) && this.currentHash(dependency[0]) === dependency[1],
    );
  }

  /** The content hash of a project file as this scan read it; null when the scan read none there. */
  private currentHash(absolutePath: string): string | null {
    const file = projectFile(absolutePath);
    return file === undefined ? null : this.contentHashOf(absolutePath, file.text);
  }
}

/** Key, tab, generation, tab, checksum, tab, body: the key and the parts, or undefined. */
function packedLine(line: Buffer): (PackedLine & { key: string }) | undefined {
  const key = line.toString('latin1', 0, 64);
  const generationEnd = line.indexOf(TAB, 65);
  if (line[64] !== TAB || generationEnd < 0 || !KEY_OR_CHECKSUM.test(key)) return undefined;
  const generation = line.toString('latin1', 65, generationEnd);
  if (!GENERATION.test(generation)) return undefined;
  const checkedPart = line.subarray(generationEnd + 1);
  return { key, generation: Number(generation), line, checkedPart };
}

/**
 * An entry's body when its line is whole and was written for this key: the checksum covers the
 * key, so a line moved under another key is refused.
 */
function checkedBody(key: string, checkedPart: Buffer): EntryBody | undefined {
  const checksum = checkedPart.toString('latin1', 0, 64);
  if (checkedPart[64] !== TAB || !KEY_OR_CHECKSUM.test(checksum)) return undefined;
  const body = checkedPart.subarray(65);
  if (createHash('sha256').update(`${key}\t`).update(body).digest('hex') !== checksum) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Partial<EntryBody> | null;
    if (!parsed || !Array.isArray(parsed.facts) || !Array.isArray(parsed.dependencies)) {
      return undefined;
    }
    return parsed as EntryBody;
  } catch {
    return undefined;
  }
}

/** What an entry's line says of its key and body (UTF-8): SHA-256 of both. */
function checksumOf(key: string, body: string): string {
  return sha256(`${key}\t${body}`);
}

/**
 * The pack's bytes in one allocation. A string starts a line the bytes after it end; bytes end a
 * line (a line break follows them).
 */
function joinedLines(parts: Array<string | Buffer>): Buffer {
  let size = 0;
  for (const part of parts) {
    size += typeof part === 'string' ? Buffer.byteLength(part) : part.length + 1;
  }
  const joined = Buffer.allocUnsafeSlow(size);
  let offset = 0;
  for (const part of parts) {
    if (typeof part === 'string') {
      offset += joined.write(part, offset);
    } else {
      offset += part.copy(joined, offset);
      joined[offset++] = NEWLINE;
    }
  }
  return joined;
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
