/**
 * The application's writes joined to the columns they fill. A write through a function of the
 * application (`hashPassword(p)`, `symmetricEncrypt(s)`) is judged by that function's body,
 * wherever it is defined, following the functions it calls to a bounded depth; a function the
 * scan never sees is judged by its name only, and the evidence says so.
 */
import type { ColumnWritten, ProtectingFunction, TableName, WriteProtection } from '../facts.js';
import { formatLocation } from './describe.js';
import type { ModelColumn, ModelTable } from './types.js';

export type ApplicationWriteFact = ColumnWritten | ProtectingFunction;

/** Helpers calling helpers: deep enough for `hashPassword → hashSecret → bcrypt.hash`. */
const HELPER_DEPTH = 4;

/**
 * Tests and their fixtures write sentinel values (`password: 'not-a-real-hash'`) to check
 * behaviour, not to store anyone's data: they are not the application's writes.
 */
const TEST_FILE =
  /(?:^|\/)(?:__tests__|__mocks__|tests?|e2e|playwright|cypress|fixtures?|mocks?)\/|\.(?:test|spec|e2e|integration)\.[cm]?[jt]sx?$/i;

const HASH_NAME = /hash|digest|bcrypt|argon|scrypt|pbkdf/i;
const ENCRYPT_NAME = /encrypt|cipher|seal/i;

/** A function's protection with the evidence that shows it, or undefined when it protects nothing known. */
function resolveHelper(
  name: string,
  functions: ReadonlyMap<string, ProtectingFunction[]>,
  depth = 0,
): { protection: 'hash' | 'encrypt'; evidence: string } | undefined {
  if (depth > HELPER_DEPTH) return undefined;
  for (const defined of functions.get(name) ?? []) {
    if (defined.calls === undefined) {
      return {
        protection: defined.protection,
        evidence: `${name} (${formatLocation(defined.at)}) calls ${defined.via}`,
      };
    }
    const inner = resolveHelper(defined.calls, functions, depth + 1);
    if (inner !== undefined) {
      return {
        protection: defined.protection,
        evidence: `${name} (${formatLocation(defined.at)}) calls ${inner.evidence}`,
      };
    }
  }
  return undefined;
}

function protectionOfName(name: string): 'hash' | 'encrypt' | undefined {
  if (/decrypt|decipher|unseal/i.test(name)) return undefined;
  if (ENCRYPT_NAME.test(name)) return 'encrypt';
  if (HASH_NAME.test(name)) return 'hash';
  return undefined;
}

/**
 * Names a table is written under in application code that the schema may spell otherwise:
 * Prisma's `user` delegate for model `User`, a TypeORM entity `TwoFactor` for `two_factors`.
 */
function tableNameVariants(written: string): string[] {
  // A Drizzle table object imported from another file is known by its variable (`totpsTable`).
  const name = written.replace(/(?<=[a-z])(?:Table|Schema|Model|Entity)$/, '');
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
  const pascal = name.charAt(0).toUpperCase() + name.slice(1);
  const plural = (word: string) =>
    /(s|x|ch|sh)$/.test(word)
      ? `${word}es`
      : /[^aeiou]y$/.test(word)
        ? `${word.slice(0, -1)}ies`
        : `${word}s`;
  // `export const users = sqliteTable('user', …)` imported elsewhere: the object's plural name.
  const singular = snake.endsWith('ies')
    ? `${snake.slice(0, -3)}y`
    : snake.replace(/(?<=[^s])s$/, '');
  return [
    ...new Set([
      written,
      name,
      pascal,
      name.toLowerCase(),
      snake,
      plural(snake),
      plural(name),
      singular,
    ]),
  ];
}

/** The column a field name stands for: the same name, or its snake_case spelling (`twoFactorSecret` → `two_factor_secret`). */
function findColumn(table: ModelTable, field: string): ModelColumn | undefined {
  const exact = table.columns.get(field);
  if (exact !== undefined) return exact;
  const snake = field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const lower = field.toLowerCase();
  for (const column of table.columns.values()) {
    const name = column.name.toLowerCase();
    if (name === snake || name === lower) return column;
  }
  return undefined;
}

/**
 * Attaches every judged write to its column (`ModelColumn.writes`). Writes to tables or columns
 * the scan does not define are dropped: there is nothing to judge them against.
 */
export function attachApplicationWrites(
  facts: readonly ApplicationWriteFact[],
  findTables: (name: TableName, file: string) => ModelTable[],
): void {
  const functions = new Map<string, ProtectingFunction[]>();
  for (const fact of facts) {
    if (fact.kind !== 'protecting-function') continue;
    const list = functions.get(fact.name) ?? [];
    list.push(fact);
    functions.set(fact.name, list);
  }
  for (const fact of facts) {
    if (fact.kind !== 'column-written' || TEST_FILE.test(fact.at.file)) continue;
    const judged = judge(fact, functions);
    if (judged === undefined) continue;
    const candidates = new Set<ModelTable>();
    for (const variant of tableNameVariants(fact.table.name)) {
      for (const table of findTables({ ...fact.table, name: variant }, fact.at.file)) {
        candidates.add(table);
      }
    }
    for (const table of owners([...candidates], fact)) {
      const column = findColumn(table, fact.column);
      if (column === undefined) continue;
      // Columns start with one shared, frozen empty list (see build.ts): the first write gets its own.
      if (column.writes.length === 0) column.writes = [];
      column.writes.push({
        at: fact.at,
        protection: judged.protection,
        evidence: judged.evidence,
        writer: fact.writer,
        hook: fact.hook === true,
        checked: fact.checked === true,
      });
    }
  }
}

/**
 * The tables a write fills: those defined where the write says its table is defined (the Prisma
 * schema for a Prisma delegate, the imported module of a Drizzle table object), else those
 * defined nearest the writing file. A `users` table of another store that happens to sit closer
 * (a second app's migrations) is not the one the write fills.
 */
function owners(tables: readonly ModelTable[], fact: ColumnWritten): ModelTable[] {
  const definedIn = fact.tableDefinedIn;
  // A library's own model (better-auth's `twoFactor`) is the same table in every store that
  // defines it for the library: a generated copy of the schema holds what the library writes too.
  if (definedIn === 'any store') return [...tables];
  if (definedIn !== undefined) {
    const inModule = (file: string) =>
      definedIn === 'prisma'
        ? file.endsWith('.prisma')
        : file === definedIn ||
          file.startsWith(`${definedIn}.`) ||
          file.startsWith(`${definedIn}/`);
    // A table of a schema and its generated migrations is one table: any of its definitions counts.
    const named = tables.filter(
      (table) =>
        inModule(table.definedAt.file) ||
        [...table.columns.values()].some((column) => inModule(column.definedAt.file)),
    );
    if (named.length > 0) return nearest(named, fact.at.file);
  }
  return nearest(tables, fact.at.file);
}

/**
 * The tables defined in the folder closest to the writing file (`packages/database/…` for
 * `packages/database/src/models/User.ts`); several when a schema and its migrations sit side by side.
 */
function nearest(tables: readonly ModelTable[], file: string): ModelTable[] {
  const shared = (other: string) => {
    const a = file.split('/');
    const b = other.split('/');
    let count = 0;
    while (count < a.length && count < b.length && a[count] === b[count]) count++;
    return count;
  };
  const best = Math.max(-1, ...tables.map((table) => shared(table.definedAt.file)));
  return tables.filter((table) => shared(table.definedAt.file) === best);
}

function judge(
  fact: ColumnWritten,
  functions: ReadonlyMap<string, ProtectingFunction[]>,
): { protection: WriteProtection; evidence: string } | undefined {
  if (fact.helper === undefined) return { protection: fact.protection, evidence: fact.via };
  const resolved = resolveHelper(fact.helper, functions);
  if (resolved !== undefined) return resolved;
  const byName = protectionOfName(fact.helper);
  if (byName !== undefined) {
    return {
      protection: byName,
      evidence: `${fact.helper}(…) (by its name only: its body is not in the scan)`,
    };
  }
  // A function of the application that neither hashes nor encrypts, as far as the scan sees:
  // what it returns is unknown, so the write proves nothing either way.
  return undefined;
}
