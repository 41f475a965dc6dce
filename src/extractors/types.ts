import type { Fact } from '../facts.js';

/** A file the scan reads. Extractors never import, require or run it. */
export interface ScannedFile {
  /** Relative display path (forward slashes), used in every location. */
  path: string;
  absolutePath: string;
  text: string;
}

/** Reads one kind of file into facts. Must not throw on bad input: return a `parse-error` fact instead. */
export type FileExtractor = (file: ScannedFile) => Fact[];
