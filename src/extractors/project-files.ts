/**
 * The files of the scanned project, by absolute path, as the scan read them. Readers that follow a
 * helper, a getter or a table definition into another module look it up here: only files the scan
 * discovered (under the scanned root, never through a symbolic link out of it, never ignored) can
 * be followed, and nothing is read from the disk a second time.
 */
import type { ScannedFile } from './types.js';

let projectFiles = new Map<string, ScannedFile>();
/** While a file is extracted for the facts cache: every path asked for, found or not. */
let lookups: Set<string> | undefined;
/** What readers keep of the files of one scan (parsed modules), dropped when the files change. */
const forgetters: Array<() => void> = [];

/**
 * Called once per scan, before extraction, with every file the scan read, and with none after it.
 * A later scan in the same process (the test suite, a program calling `scan`) may read other
 * versions of the same paths, so what readers kept of the previous files is forgotten.
 */
export function setProjectFiles(files: readonly ScannedFile[]): void {
  projectFiles = new Map(files.map((file) => [file.absolutePath, file]));
  for (const forget of forgetters) forget();
}

/**
 * Registers what a reader does to forget what it kept of one scan's files. Readers register
 * themselves when they load, so the scan need not load them to reset them.
 */
export function forgetWithProjectFiles(forget: () => void): void {
  forgetters.push(forget);
}

/** The project file at this absolute path, when the scan read one there. */
export function projectFile(absolutePath: string): ScannedFile | undefined {
  lookups?.add(absolutePath);
  return projectFiles.get(absolutePath);
}

/**
 * Records lookups a reader answered from what it kept (a config it parsed for an earlier file):
 * the file being extracted rests on those files as much as the first one did.
 */
export function recordLookups(absolutePaths: Iterable<string>): void {
  if (!lookups) return;
  for (const path of absolutePaths) lookups.add(path);
}

/**
 * Runs one file's extraction and returns, with its result, the project files it asked for: the
 * facts cache keys the file's entry on them (a changed helper must re-read its importers).
 */
export function recordingLookups<T>(run: () => T): { result: T; lookedUp: Set<string> } {
  const outer = lookups;
  const recorded = new Set<string>();
  lookups = recorded;
  try {
    return { result: run(), lookedUp: recorded };
  } finally {
    lookups = outer;
  }
}
