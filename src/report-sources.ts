/**
 * The text of the files a scan read, for the steps after extraction: suppression comments and the
 * code frames of the text report. Nothing else reads it once the facts are out.
 *
 * Holding every file's text while the model is built costs as much memory as the files themselves
 * (47 MB on 20,000 generated migrations), so on a large project only the texts that are sure to be
 * read again are kept: data maps and files with a suppression comment. Every other file keeps its length and a
 * hash of its content; when a reporter asks for its text (a code frame), it is read again and used
 * only if both still match. A file changed or replaced since the scan read it gets no code frame:
 * the report never shows text the scan did not analyse. JSON, SARIF, Markdown and GitHub reports
 * ask for no text, so they read nothing again.
 */
import { readScannedFile } from './discover.js';
import type { ReadOptions } from './discover.js';
import type { ScannedFile } from './extractors/types.js';
import { mayHoldSuppressions } from './suppressions.js';

/** The texts reporters may ask for, by display path (a `Map` of them will do in tests). */
export interface SourceTexts {
  get(path: string): string | undefined;
}

/**
 * Below this much text in all (about 16 MB, some 7,000 typical migrations), every text is kept:
 * on 2,000 files, reading the 1,250 with findings again for the text report cost more CPU than
 * the 5 MB it saved were worth.
 */
const KEEP_TEXTS_UP_TO = 16 * 1024 * 1024;

function totalLength(files: readonly ScannedFile[]): number {
  let total = 0;
  for (const file of files) total += file.text.length;
  return total;
}

interface SetAside {
  absolutePath: string;
  length: number;
  hash: number;
}

export class ReportSources implements SourceTexts {
  /** Every file read, data maps first, in the order the scan read them. */
  readonly files: ReadonlyArray<Pick<ScannedFile, 'path' | 'absolutePath'>>;
  /** Texts kept in memory, by display path. */
  private readonly kept = new Map<string, string>();
  /** Files whose text was let go, by display path. */
  private readonly setAside = new Map<string, SetAside>();

  constructor(
    dataMaps: readonly ScannedFile[],
    sources: readonly ScannedFile[],
    private readonly reading: {
      cwd: string;
      /** Texts of this many UTF-16 units in all are kept whole (tests set 0). */
      keepUpTo?: number;
    } & ReadOptions,
  ) {
    this.files = [...dataMaps, ...sources].map(({ path, absolutePath }) => ({
      path,
      absolutePath,
    }));
    for (const file of dataMaps) this.kept.set(file.path, file.text);
    // Reading files again costs more than it saves while their texts are small.
    const keepAll = totalLength(sources) <= (reading.keepUpTo ?? KEEP_TEXTS_UP_TO);
    for (const { path, absolutePath, text } of sources) {
      if (keepAll || mayHoldSuppressions(text)) this.kept.set(path, text);
      else this.setAside.set(path, { absolutePath, length: text.length, hash: contentHash(text) });
    }
  }

  /** The files whose text may hold suppression comments, with that text. */
  suppressionFiles(): Array<Pick<ScannedFile, 'path' | 'text'>> {
    return [...this.kept].map(([path, text]) => ({ path, text }));
  }

  /** The file's text as the scan read it; undefined when it was not read or has changed since. */
  get(path: string): string | undefined {
    const kept = this.kept.get(path);
    if (kept !== undefined) return kept;
    const setAside = this.setAside.get(path);
    if (setAside === undefined) return undefined;
    const outcome = readScannedFile(setAside.absolutePath, this.reading.cwd, this.reading);
    if (!('file' in outcome)) return undefined;
    const { text } = outcome.file;
    const unchanged = text.length === setAside.length && contentHash(text) === setAside.hash;
    return unchanged ? text : undefined;
  }
}

/**
 * 32-bit FNV-1a over the UTF-16 code units: with the length, it tells an edited file from the one
 * the scan read, at a fraction of a cryptographic hash's cost (every file read is hashed).
 */
function contentHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
