/**
 * The files of the scanned project, by absolute path, as the scan read them. Readers that follow a
 * helper, a getter or a table definition into another module look it up here: only files the scan
 * discovered (under the scanned root, never through a symbolic link out of it, never ignored) can
 * be followed, and nothing is read from the disk a second time.
 */
import type { ScannedFile } from './types.js';

let projectFiles = new Map<string, ScannedFile>();

/** Called once per scan, before extraction, with every file the scan read. */
export function setProjectFiles(files: readonly ScannedFile[]): void {
  projectFiles = new Map(files.map((file) => [file.absolutePath, file]));
}

/** The project file at this absolute path, when the scan read one there. */
export function projectFile(absolutePath: string): ScannedFile | undefined {
  return projectFiles.get(absolutePath);
}
