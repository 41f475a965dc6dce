/** Path containment, for reads and writes that must stay inside the scanned repository. */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';

/** Whether `path` is `root` or lies below it, compared as written (no links followed). */
export function isInsideFolder(root: string, path: string): boolean {
  const inside = relative(root, path);
  return (
    inside === '' || (!inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside))
  );
}

/**
 * Whether a path inside the root really lives outside it: a symbolic link (of the file or of a
 * folder on its way) that leads out. A path that does not exist leads nowhere.
 */
export function leadsOutOfRoot(root: string, path: string): boolean {
  let realPath: string;
  let realRoot: string;
  try {
    realPath = realpathSync.native(path);
    realRoot = realpathSync.native(root);
  } catch {
    return false;
  }
  return !isInsideFolder(realRoot, realPath);
}

/**
 * Whether a named file must not be read: its path lies inside the root but a symbolic link on the
 * way leads out of it (a committed link to a runner's secrets). A path outside the root, named on
 * the command line, is the user's own choice and is read.
 */
export function linkOutOfRoot(root: string, path: string): boolean {
  return isInsideFolder(root, path) && leadsOutOfRoot(root, path);
}
