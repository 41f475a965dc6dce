/**
 * drizzle-kit's config (`drizzle.config.ts`) says where its generated migrations go (`out`) and
 * which schema file they build (`schema`): both are one store, so a column is reported once.
 * Read as text, never run: only string literals of those two keys count.
 */
import { posix } from 'node:path';

const CONFIG_NAME = /(^|\/)drizzle\.config\.(?:[cm]?[jt]s|json)$/;
const STRING_OF = (key: string) =>
  new RegExp(`["']?\\b${key}["']?\\s*:\\s*\\[?\\s*["'\`]([^"'\`]+)["'\`]`);

export interface SameStoreFolder {
  /** The output folder, relative to the repository root. */
  folder: string;
  /** The schema file (or folder) whose store the output belongs to. */
  schemaFile: string;
}

/**
 * `file` is relative to the repository root with forward slashes. drizzle-kit resolves `out` and
 * `schema` from the folder it runs in, which is the config's own folder or, for a config kept
 * deeper (`server/db/drizzle.config.ts`), the package above it: the first of these folders where
 * `holdsFiles` finds the output folder is the one meant.
 */
export function drizzleOutputFolder(
  file: string,
  text: string,
  holdsFiles: (folder: string) => boolean = () => true,
): SameStoreFolder | undefined {
  if (!CONFIG_NAME.test(file)) return undefined;
  const out = STRING_OF('out').exec(text)?.[1];
  const schema = STRING_OF('schema').exec(text)?.[1];
  if (out === undefined || schema === undefined) return undefined;
  const bases: string[] = [];
  for (let base = posix.dirname(file); ; base = posix.dirname(base)) {
    bases.push(base);
    if (base === '.' || base === '/' || base === '') break;
  }
  const resolve = (base: string) => {
    const folder = posix.normalize(posix.join(base, out)).replace(/\/$/, '');
    const schemaFile = posix.normalize(posix.join(base, schema.replace(/\*.*$/, 'schema.ts')));
    return { folder, schemaFile };
  };
  const found =
    bases.map(resolve).find(({ folder }) => holdsFiles(folder)) ?? resolve(bases[0] ?? '.');
  if (found.folder.startsWith('..') || found.schemaFile.startsWith('..')) return undefined;
  return { folder: found.folder === '.' ? '' : found.folder, schemaFile: found.schemaFile };
}
