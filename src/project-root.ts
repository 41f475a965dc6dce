/**
 * Where a project starts, found without running anything: store names, fingerprints and baselines
 * derive from paths relative to it, so a scan from a subfolder or from the action's
 * `working-directory` names the same stores and matches the same baseline as one from the root;
 * and `piilint scan one-file.sql` analyses the project the file belongs to.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const CONFIG_NAMES = ['piilint.config.yaml', 'piilint.config.yml'];
const DATA_MAP_NAME = /^datamap\.ya?ml$|\.datamap\.ya?ml$/;

/** The repository root: the nearest folder up from `start` holding `.git` (a folder or a worktree's file). */
export function gitRoot(start: string): string | undefined {
  let folder = resolve(start);
  for (;;) {
    if (existsSync(join(folder, '.git'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/**
 * The root paths are made relative to: the git root, else the config's folder, else the common
 * folder of the scanned paths.
 */
export function repositoryRoot(
  cwd: string,
  configFile: string | undefined,
  paths: string[],
): string {
  const git = gitRoot(cwd);
  if (git !== undefined) return git;
  if (configFile !== undefined) return dirname(configFile);
  return commonFolder(paths.map((path) => resolve(cwd, path)).map(folderOf));
}

/**
 * The project a file belongs to: walking up from the file to the repository root, the nearest
 * folder holding a piilint config or a data map; else the repository root; else the file's folder.
 */
export function projectOfFile(file: string): string {
  const start = folderOf(file);
  const stop = gitRoot(start);
  let folder = start;
  for (;;) {
    if (holdsProjectFile(folder)) return folder;
    const parent = dirname(folder);
    if (folder === stop || parent === folder) return stop ?? start;
    folder = parent;
  }
}

/** The answers of {@link relativeToRoot} for the last root and working folder asked about. */
let relativeMemo: { root: string; cwd: string; paths: Map<string, string> } | undefined;

/**
 * `path` (absolute or relative to `cwd`) relative to `root`, with forward slashes. Remembered: the
 * model, the fingerprints and git dates ask it for the same few thousand paths again and again.
 */
export function relativeToRoot(root: string, cwd: string, path: string): string {
  if (relativeMemo === undefined || relativeMemo.root !== root || relativeMemo.cwd !== cwd) {
    relativeMemo = { root, cwd, paths: new Map() };
  }
  const known = relativeMemo.paths.get(path);
  if (known !== undefined) return known;
  const computed = relative(root, resolve(cwd, path)).split(sep).join('/');
  relativeMemo.paths.set(path, computed);
  return computed;
}

function holdsProjectFile(folder: string): boolean {
  if (CONFIG_NAMES.some((name) => existsSync(join(folder, name)))) return true;
  try {
    return readdirSync(folder).some((name) => DATA_MAP_NAME.test(name));
  } catch {
    return false;
  }
}

function folderOf(path: string): string {
  try {
    return statSync(path).isDirectory() ? path : dirname(path);
  } catch {
    return dirname(path);
  }
}

function commonFolder(folders: string[]): string {
  const [first, ...rest] = folders;
  if (first === undefined) return process.cwd();
  let common = first.split(sep);
  for (const folder of rest) {
    const parts = folder.split(sep);
    let index = 0;
    while (index < common.length && common[index] === parts[index]) index++;
    common = common.slice(0, index);
  }
  return common.join(sep) || sep;
}
