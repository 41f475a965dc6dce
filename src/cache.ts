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
 * The entries of the scans run from one folder live in one pack (a folder per working folder
 * and reader: display paths are relative to the working folder, so scans from elsewhere never
 * share entries), made of a few segment files read whole: a warm scan reads a few files, not one
 * per source file. A segment is a header line (format, generation), then one line per entry: its
 * key, generation, the SHA-256 of key and body, and the body (JSON, which holds no raw line
 * break). Each entry is checked on its own when used: one that does not match — cut short,
 * corrupt, edited, or moved under another key — is ignored, its file parsed again and its entry
 * written again; a segment cut short loses only the lines after the cut. A scan that parsed files
 * adds one segment with their entries (one line for a new migration); with many segments, or a
 * damaged one, it compacts the pack instead (see {@link FactCache.save}). A segment is written to
 * a temporary file, then renamed: a scan running beside another never reads one half written, and
 * one that finds a segment removed by a compaction parses those files again. A cache folder that
 * cannot be written to turns the cache off for the rest of the scan; it never fails it.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScannedFile } from './extractors/types.js';
import { projectFile, recordingLookups } from './extractors/project-files.js';
import { storeDialectOf } from './extractors/store-dialect.js';
import type { Fact } from './facts.js';
import { packageFile } from './util/package-files.js';
import { shareStrings } from './util/shared-strings.js';

/** Bumped whenever the pack layout or the facts' meaning changes without a version change. */
const ENTRY_FORMAT = 2;
const HEADER_TAG = 'piilint-facts';
/** A scan that finds this many segments and parses a file compacts the pack into one. */
const MAX_SEGMENTS = 8;
/**
 * An entry that no compacting scan used for this many writes of the pack is dropped (a deleted or
 * since edited file); one still in use is parsed again once and written back.
 */
const KEPT_GENERATIONS = 2 * MAX_SEGMENTS;
/** A temporary file this old is one a stopped scan left: compacting removes it. */
const STALE_TEMPORARY_MS = 60 * 60 * 1000;
/** New entries are written out in chunks of about this size. */
const SEGMENT_CHUNK_BYTES = 1 << 20;
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
  /** The pack's folder: one per piilint build, reader options and working folder. */
  private readonly folder: string;
  private readonly readerKey: string;
  private writable = true;
  private readonly contentHashes = new Map<string, string>();
  /** The pack's lines by key, from every segment read (loaded on first use). */
  private packed: Map<string, PackedLine[]> | undefined;
  /** The segment files read, by name: merged away when the pack is compacted. */
  private readonly segmentsRead: string[] = [];
  /** Temporary files found in the pack's folder: a scan that stopped before its rename left them. */
  private leftOver: string[] = [];
  /** A segment of another format or unreadable: compacting drops it. */
  private damagedSegment = false;
  private generation = 0;
  /** Entries this scan used from the pack, from their checksum on, by key. */
  private readonly used = new Map<string, Buffer>();
  /** Keys of the entries this scan made; their lines are already in `segment`. */
  private readonly made = new Set<string>();
  /** The segment this scan writes, opened with its first new entry (see {@link FactCache.save}). */
  private segment: SegmentWriter | undefined;

  constructor(dir: string, cwd: string, options: ReaderOptions = {}) {
    this.readerKey = JSON.stringify([buildIdentity(), options.debug === true]);
    this.folder = join(
      dir,
      `facts-v${ENTRY_FORMAT}`,
      sha256(JSON.stringify([this.readerKey, cwd])).slice(0, 32),
    );
  }

  /** The facts cached for this file, when an entry matches it and every file it rests on. */
  read(file: ScannedFile): Fact[] | undefined {
    const key = this.keyOf(file);
    for (const packed of this.pack().get(key) ?? []) {
      const body = checkedBody(key, packed.checkedPart);
      // Bad, or resting on a changed file: not used (a later segment may hold a good one).
      if (body === undefined || !this.dependenciesHold(body.dependencies)) continue;
      this.used.set(key, packed.checkedPart);
      // Parsed JSON shares no string of more than 10 characters: names are shared again.
      return shareStrings(body.facts);
    }
    return undefined;
  }

  /** Records a file's facts and the project files (by absolute path) its reader asked for. */
  write(file: ScannedFile, facts: Fact[], lookedUp: Iterable<string>): void {
    if (!this.writable) return;
    const dependencies: Dependency[] = [...new Set(lookedUp)]
      .sort()
      .map((path) => [path, this.currentHash(path)]);
    const key = this.keyOf(file);
    const body = JSON.stringify({ dependencies, facts } satisfies EntryBody);
    const segment = this.openSegment();
    if (segment === undefined) return;
    try {
      // Written out as they come, a chunk at a time: a cold scan of a big repository does not
      // hold every file's entry until the end.
      segment.addEntry(key, Buffer.from(`${checksumOf(key, body)}\t${body}`));
    } catch {
      this.stopWriting();
      return;
    }
    this.made.add(key);
  }

  /**
   * Adds what this scan parsed to the pack: a new segment holding only those entries, so a scan
   * that parsed one file writes one line. When the pack has many segments, or a damaged one, it
   * is compacted instead: one segment with the entries this scan used or made and the unused ones
   * of recent generations, then the segments it merged are removed. A segment is written beside
   * its final name, then renamed: a reader sees all of it or none.
   */
  save(): void {
    if (this.made.size === 0 && !this.damagedSegment) return;
    const segment = this.openSegment();
    if (segment === undefined) return;
    const generation = segment.generation;
    const compact = this.damagedSegment || this.segmentsRead.length >= MAX_SEGMENTS;
    try {
      if (compact) {
        for (const [key, checkedPart] of this.used) {
          if (!this.made.has(key)) segment.addEntry(key, checkedPart);
        }
        for (const [key, packed] of this.pack()) {
          if (this.made.has(key) || this.used.has(key)) continue;
          const recent = packed.find((line) => generation - line.generation <= KEPT_GENERATIONS);
          if (recent) segment.add(recent.line);
        }
      }
      segment.finish();
    } catch {
      this.stopWriting();
      return;
    }
    this.segment = undefined;
    if (!compact) return;
    const stale = Date.now() - STALE_TEMPORARY_MS;
    for (const name of this.leftOver) {
      // Old enough that no scan is still writing it.
      const path = join(this.folder, name);
      try {
        if (statSync(path).mtimeMs < stale) rmSync(path, { force: true });
      } catch {
        // Gone already, or not ours to remove: left alone.
      }
    }
    for (const segment of this.segmentsRead) {
      // A scan reading beside this one finds the segment gone and parses its files: never wrong.
      try {
        rmSync(join(this.folder, segment), { force: true });
      } catch {
        // Left in place: its entries are read again, and merged by the next compaction.
      }
    }
  }

  /** Ends the scan's use of the cache: a segment `save` did not finish (the scan failed) is removed. */
  close(): void {
    this.segment?.abandon();
    this.segment = undefined;
  }

  /** The segment of this scan's generation, opened (header written) on first use. */
  private openSegment(): SegmentWriter | undefined {
    if (!this.writable) return undefined;
    if (this.segment !== undefined) return this.segment;
    this.pack(); // the generation follows the pack's newest
    try {
      this.segment = new SegmentWriter(this.folder, this.generation + 1);
    } catch {
      this.writable = false;
    }
    return this.segment;
  }

  /** The folder cannot be written to: the cache is off for the rest of the scan. */
  private stopWriting(): void {
    this.writable = false;
    this.segment?.abandon();
    this.segment = undefined;
  }

  /** The pack's lines by key, from every segment; a missing pack holds none. */
  private pack(): Map<string, PackedLine[]> {
    if (this.packed !== undefined) return this.packed;
    const packed = new Map<string, PackedLine[]>();
    this.packed = packed;
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch {
      return packed;
    }
    this.leftOver = names.filter((name) => name.endsWith('.tmp'));
    for (const name of names.filter((segment) => segment.endsWith('.pack'))) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(this.folder, name));
      } catch {
        continue; // removed by a scan compacting the pack meanwhile: its entries are elsewhere
      }
      this.segmentsRead.push(name);
      const generation = this.readSegment(bytes, packed);
      if (generation === undefined) this.damagedSegment = true;
      else this.generation = Math.max(this.generation, generation);
    }
    return packed;
  }

  /** Indexes one segment's lines; its generation, or undefined when it is not a segment of this format. */
  private readSegment(bytes: Buffer, packed: Map<string, PackedLine[]>): number | undefined {
    let end = bytes.indexOf(NEWLINE);
    if (end < 0) end = bytes.length;
    let generation: number;
    try {
      const header: unknown = JSON.parse(bytes.toString('utf8', 0, end));
      if (!Array.isArray(header) || header[0] !== HEADER_TAG || header[1] !== ENTRY_FORMAT) {
        return undefined;
      }
      generation = Number.isSafeInteger(header[2]) ? (header[2] as number) : 0;
    } catch {
      return undefined;
    }
    for (let start = end + 1; start < bytes.length; start = end + 1) {
      end = bytes.indexOf(NEWLINE, start);
      if (end < 0) end = bytes.length;
      // A line damaged beyond reading its key (cut short, or garbage) is left out.
      const entry = packedLine(bytes.subarray(start, end));
      if (entry === undefined) continue;
      const lines = packed.get(entry.key);
      if (lines === undefined) packed.set(entry.key, [entry]);
      // Newest first: a file parsed again after a helper it imports changed is found at once.
      else if ((lines[0] as PackedLine).generation < entry.generation) lines.unshift(entry);
      else lines.push(entry);
    }
    return generation;
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
 * A segment being written: lines go to its temporary file a chunk at a time, and `finish` renames
 * it to its final name, so a reader sees all of it or none.
 */
class SegmentWriter {
  private readonly name: string;
  private readonly temporary: string;
  private readonly descriptor: number;
  private chunk: Array<string | Buffer> = [];
  private chunkBytes = 0;

  constructor(
    private readonly folder: string,
    readonly generation: number,
  ) {
    this.name = `${generation}-${randomBytes(8).toString('hex')}`;
    mkdirSync(folder, { recursive: true });
    this.temporary = join(folder, `${this.name}.tmp`);
    // `wx`: a new file of ours, never one that was there (or a link placed under that name).
    this.descriptor = openSync(this.temporary, 'wx');
    this.add(Buffer.from(JSON.stringify([HEADER_TAG, ENTRY_FORMAT, generation])));
  }

  /** An entry's line: its key and this segment's generation, then its checksum and body. */
  addEntry(key: string, checkedPart: Buffer): void {
    this.add(`${key}\t${this.generation}\t`, checkedPart);
  }

  /** Adds parts of lines; a Buffer ends its line. */
  add(...parts: Array<string | Buffer>): void {
    for (const part of parts) {
      this.chunk.push(part);
      this.chunkBytes += part.length;
    }
    if (this.chunkBytes >= SEGMENT_CHUNK_BYTES) this.flush();
  }

  finish(): void {
    this.flush();
    closeSync(this.descriptor);
    renameSync(this.temporary, join(this.folder, `${this.name}.pack`));
  }

  abandon(): void {
    try {
      closeSync(this.descriptor);
    } catch {
      // Closed already by a failed finish.
    }
    try {
      rmSync(this.temporary, { force: true });
    } catch {
      // Left behind: a later compaction removes it once it is old.
    }
  }

  private flush(): void {
    if (this.chunk.length === 0) return;
    const bytes = joinedLines(this.chunk);
    this.chunk = [];
    this.chunkBytes = 0;
    for (let offset = 0; offset < bytes.length;) {
      offset += writeSync(this.descriptor, bytes, offset, bytes.length - offset);
    }
  }
}

/**
 * Lines' bytes in one allocation. A string starts a line the bytes after it end; bytes end a line
 * (a line break follows them).
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
