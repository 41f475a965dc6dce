/**
 * The folder walk behind discovery. Every name Node can open is seen — dotfiles and dot-folders,
 * names with `\`, CR or LF — except `.git`, the dependency and build folders, migrations a tool
 * discarded, and what the repository's `.gitignore` files ignore. What cannot be read is said,
 * never skipped in silence: a folder that cannot be listed (EACCES) or a name that is not UTF-8
 * becomes an unread problem.
 * The walk is a loop over a stack, not a recursion, so 500 nested folders cost nothing extra.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';
import type { ParseProblem } from './facts.js';

/** Folders never read: dependencies, build output and git's own store. */
export const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'dist', 'build', 'coverage']);
/**
 * Migrations a tool set aside and never applied: Bolt keeps the ones it discarded in
 * `.bolt/supabase_discarded_migrations`. Reading them would report tables no database has.
 */
const DISCARDED_MIGRATIONS = /(?:^|[_-])discarded[_-]migrations$/i;

/**
 * The client `prisma generate` writes (`generated/prisma/`, with `runtime/`, `index.d.ts` and a
 * copy of `schema.prisma`), when a project commits it: its schema copy would be read as a second
 * schema, and its minified runtime as migrations nobody can read.
 */
function isGeneratedPrismaClient(entries: ReadonlyArray<Dirent<Buffer>>): boolean {
  const has = (name: string, directory: boolean) =>
    entries.some(
      (entry) =>
        entry.name.toString('utf8') === name &&
        (directory ? entry.isDirectory() : !entry.isDirectory()),
    );
  return has('schema.prisma', false) && has('index.d.ts', false) && has('runtime', true);
}

function skippedDirectory(name: string): boolean {
  return SKIPPED_DIRECTORIES.has(name) || DISCARDED_MIGRATIONS.test(name);
}

interface IgnoreFile {
  /** Folder the `.gitignore` sits in; its patterns are relative to it. */
  folder: string;
  rules: Ignore;
}

export interface WalkResult {
  files: string[];
  /**
   * The files that are symbolic links. Every other file lies below the root as it really is (the
   * walk never enters a linked folder), so only these can lead out of it.
   */
  links: Set<string>;
  problems: ParseProblem[];
}

export interface WalkOptions {
  /** Whether a file name (decoded) is one discovery reads: other names are not even reported. */
  wanted: (name: string) => boolean;
  /** Builds the unread problem for a path that could not be read, with its reason. */
  unread: (absolutePath: string, reason: string, isFolder: boolean) => ParseProblem;
}

export function walkFolder(root: string, options: WalkOptions): WalkResult {
  const files: string[] = [];
  const links = new Set<string>();
  const problems: ParseProblem[] = [];
  const stack: Array<{ folder: string; ignores: IgnoreFile[] }> = [
    { folder: root, ignores: ignoreFilesAbove(root) },
  ];
  while (stack.length > 0) {
    const { folder, ignores: inherited } = stack.pop() as (typeof stack)[number];
    let entries: Array<Dirent<Buffer>>;
    try {
      entries = readdirSync(folder, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      problems.push(options.unread(folder, `folder cannot be listed (${code}); not read`, true));
      continue;
    }
    if (folder !== root && isGeneratedPrismaClient(entries)) continue;
    const own = ignoreFileOf(folder);
    const ignores = own ? [...inherited, own] : inherited;
    for (const entry of entries) {
      const raw = entry.name;
      const name = raw.toString('utf8');
      const path = join(folder, name);
      if (!Buffer.from(name, 'utf8').equals(raw)) {
        // Node would need the raw bytes to open it; every report names files by text.
        if (entry.isDirectory() || options.wanted(name)) {
          const shown = join(folder, escapedName(raw));
          const what = entry.isDirectory() ? 'folder' : 'file';
          problems.push(
            options.unread(
              shown,
              `${what} name is not UTF-8 text, so it cannot be named in a report; not read — rename it`,
              entry.isDirectory(),
            ),
          );
        }
        continue;
      }
      if (entry.isDirectory()) {
        if (skippedDirectory(name) || isIgnored(ignores, path, true)) continue;
        stack.push({ folder: path, ignores });
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        // A link is read only when it leads to a file (discovery then checks it stays inside the root).
        if (!options.wanted(name) || isIgnored(ignores, path, false)) continue;
        if (entry.isSymbolicLink()) {
          if (!isFile(path)) continue;
          links.add(path);
        }
        files.push(path);
      }
    }
  }
  return { files, links, problems };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Non-UTF-8 bytes shown as `\xff`, the rest as text. */
function escapedName(raw: Buffer): string {
  let shown = '';
  for (let i = 0; i < raw.length;) {
    const lead = raw[i] as number;
    const length = lead < 0xc0 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    const chunk = raw.subarray(i, i + length);
    const text = chunk.toString('utf8');
    if (lead < 0x80 || (chunk.length === length && Buffer.from(text, 'utf8').equals(chunk))) {
      shown += text;
      i += length;
    } else {
      shown += `\\x${lead.toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return shown;
}

function ignoreFileOf(folder: string): IgnoreFile | undefined {
  const file = join(folder, '.gitignore');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // none, or unreadable: git would not apply it either
  }
  return { folder, rules: ignore().add(text) };
}

/**
 * `.gitignore` files between the repository root (the nearest folder with `.git`) and the
 * scanned folder apply to it too, as they do for git.
 */
function ignoreFilesAbove(root: string): IgnoreFile[] {
  const above: IgnoreFile[] = [];
  let folder = root;
  while (!existsSync(join(folder, '.git'))) {
    const parent = dirname(folder);
    if (parent === folder) return []; // not in a repository: only the scanned folder's own files
    folder = parent;
    const own = ignoreFileOf(folder);
    if (own) above.unshift(own);
  }
  return above;
}

function isIgnored(ignores: IgnoreFile[], path: string, isFolder: boolean): boolean {
  for (const { folder, rules } of ignores) {
    const relativePath = relative(folder, path).split(sep).join('/');
    try {
      if (rules.ignores(isFolder ? `${relativePath}/` : relativePath)) return true;
    } catch {
      // A name the ignore rules cannot express (`ignore` refuses some): not ignored.
    }
  }
  return false;
}
