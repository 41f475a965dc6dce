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

/** `file` is relative to the repository root with forward slashes. */
export function drizzleOutputFolder(file: string, text: string): SameStoreFolder | undefined {
  if (!CONFIG_NAME.test(file)) return undefined;
  const out = STRING_OF('out').exec(text)?.[1];
  const schema = STRING_OF('schema').exec(text)?.[1];
  if (out === undefined || schema === undefined) return undefined;
  const base = posix.dirname(file);
  const folder = posix.normalize(posix.join(base, out)).replace(/\/$/, '');
  const schemaFile = posix.normalize(posix.join(base, schema.replace(/\*.*$/, 'schema.ts')));
  if (folder.startsWith('..') || schemaFile.startsWith('..')) return undefined;
  return { folder: folder === '.' ? '' : folder, schemaFile };
}
