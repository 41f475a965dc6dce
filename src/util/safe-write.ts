/**
 * Files piilint writes (the report with `--output`, a baseline, the data map and config of `init`,
 * the action's SARIF and comment files) land in a checkout a pull request controls. A committed
 * symbolic link named `piilint.sarif` or `reports/` would send the write anywhere the job can
 * write, and a report written over a migration would replace the code under review. So a write
 * never goes through a symbolic link inside the repository, never through one as its last part
 * (opened with O_NOFOLLOW), and never over a file the scan read.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { gitRoot } from '../project-root.js';

/** Why a write was refused; the caller words the one-line error around it. */
export class UnsafeWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeWriteError';
  }
}

export interface SafeWriteOptions {
  /** Folder a relative path is read from. */
  cwd: string;
  /** Absolute paths of the files the scan read: never overwritten. */
  readFiles?: Iterable<string>;
}

/**
 * Writes `text` to `path` (relative to `cwd`), creating missing folders. Throws an
 * {@link UnsafeWriteError} for a symbolic link on the way or a file the scan read; other errors
 * (permissions, a folder in the way) are thrown as they are.
 */
export function writeFileSafely(path: string, text: string, options: SafeWriteOptions): string {
  const target = resolve(options.cwd, path);
  const root = gitRoot(options.cwd) ?? resolve(options.cwd);
  refuseLinksInside(root, target);
  refuseReadFile(target, options.readFiles);
  mkdirSync(dirname(target), { recursive: true });
  // Checked again after the folders exist: nothing on the way may have become a link.
  refuseLinksInside(root, target);
  const noFollow = constants.O_NOFOLLOW ?? 0;
  let descriptor: number;
  try {
    descriptor = openSync(
      target,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | noFollow,
      0o666,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UnsafeWriteError(`${path} is a symbolic link; piilint does not write through one`);
    }
    throw error;
  }
  try {
    writeSync(descriptor, text);
  } finally {
    closeSync(descriptor);
  }
  return target;
}

/**
 * Each existing part of the path below the repository root, and the file itself wherever it is,
 * must not be a symbolic link. Folders above the root (a temp dir that is itself a link) are the
 * job's own and are left alone.
 */
function refuseLinksInside(root: string, target: string): void {
  const inside = relative(root, target);
  const parts =
    inside === '' || inside.startsWith('..') || isAbsolute(inside) ? [] : inside.split(sep);
  let current = root;
  const checked = parts.map((part) => (current = join(current, part)));
  if (!checked.includes(target)) checked.push(target);
  for (const part of checked) {
    let isLink: boolean;
    try {
      isLink = lstatSync(part).isSymbolicLink();
    } catch {
      return; // the rest of the path does not exist yet
    }
    if (isLink) {
      throw new UnsafeWriteError(
        `${part === target ? 'the file' : `the folder ${relative(root, part) || part}`} is a symbolic link; piilint does not write through one`,
      );
    }
  }
}

function refuseReadFile(target: string, readFiles: Iterable<string> | undefined): void {
  if (readFiles === undefined) return;
  const written = identityOf(target);
  if (written === undefined) return;
  // The same file whatever the path says: through a symbolic link, or a hard link of it. One
  // stat per file read, where finding each one's real path took a system call per folder.
  for (const file of readFiles) {
    const read = identityOf(file);
    if (read !== undefined && read.ino === written.ino && read.dev === written.dev) {
      throw new UnsafeWriteError(
        'it is a file the scan read; piilint does not overwrite its input',
      );
    }
  }
}

/** The device and inode a path leads to (links followed); undefined when there is no file. */
function identityOf(path: string): { dev: number; ino: number } | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined; // a loop of links, a folder that cannot be entered: no file to compare
  }
}
