/**
 * What query builders select and where they write it, shared by the Knex and Kysely readers (and
 * any other builder-style ORM): a select list resolved to source columns, turned into a copy.
 */
import type {
  ColumnName,
  CopiedColumn,
  DataCopied,
  SourceLocation,
  TableName,
  Transform,
} from '../../facts.js';

/** One item of a select list: the output column name and the columns it is computed from. */
export interface SelectItem {
  output: string;
  from: ColumnName[];
  transform: Transform;
  via?: string;
  at: SourceLocation;
}

/** A table in a FROM or JOIN, with the alias it is referred to by. */
export interface SourceTable {
  table: TableName;
  alias: string;
}

export interface SelectSpec {
  tables: SourceTable[];
  items: SelectItem[];
}

/** `audit.patients` → `{ schema: 'audit', name: 'patients' }`; builders quote names, so case is kept. */
export function tableNameFromText(text: string, connection?: string): TableName {
  const trimmed = text.trim();
  const dot = trimmed.lastIndexOf('.');
  const table: TableName =
    dot > 0 ? { name: trimmed.slice(dot + 1), schema: trimmed.slice(0, dot) } : { name: trimmed };
  if (connection) table.connection = connection;
  return table;
}

/** `'patients as p'` / `'patients p'` → the table and its alias (the table name when none). */
export function sourceTableFromText(text: string, connection?: string): SourceTable {
  const match = /^\s*(\S+?)(?:\s+as\s+|\s+)(\w+)\s*$/i.exec(text);
  const tableText = match?.[1] ?? text;
  const table = tableNameFromText(tableText, connection);
  return { table, alias: match?.[2] ?? table.name };
}

/** `'p.full_name as display_name'` → source reference `p.full_name`, output `display_name`. */
export function splitAlias(text: string): { reference: string; output: string } {
  const match = /^\s*(.+?)\s+as\s+(\S+)\s*$/i.exec(text);
  const reference = (match?.[1] ?? text).trim();
  const output = match?.[2] ?? reference.slice(reference.lastIndexOf('.') + 1);
  return { reference, output };
}

/** The column a reference names: `p.full_name` through the alias `p`, a bare name in the first table. */
export function resolveColumnReference(
  reference: string,
  tables: readonly SourceTable[],
): ColumnName | undefined {
  const dot = reference.lastIndexOf('.');
  const column = dot >= 0 ? reference.slice(dot + 1) : reference;
  if (!/^[\w$*]+$/.test(column)) return undefined;
  if (dot >= 0) {
    const qualifier = reference.slice(0, dot);
    const source =
      tables.find((candidate) => candidate.alias === qualifier) ??
      tables.find((candidate) => candidate.table.name === qualifier);
    return source ? { table: source.table, column } : undefined;
  }
  const first = tables[0];
  return first ? { table: first.table, column } : undefined;
}

/**
 * A copy of a select into `target`. With `targetColumns` the items fill them by position (SQL
 * semantics of `INSERT INTO t (a, b) SELECT …`); without, each item fills the column of its own
 * output name.
 */
export function copyFromSelect(
  at: SourceLocation,
  target: TableName,
  via: DataCopied['via'],
  select: SelectSpec,
  targetColumns: readonly string[] = [],
): DataCopied {
  const columns: CopiedColumn[] = select.items.map((item, position) => ({
    column: targetColumns[position] ?? item.output,
    value: {
      from: item.from,
      transform: item.transform,
      ...(item.via ? { via: item.via } : {}),
    },
    at: item.at,
  }));
  return { kind: 'data-copied', at, target, via, columns };
}

const TRANSFORM_BY_NAME: readonly [RegExp, Transform][] = [
  [/decrypt|unseal/i, 'decrypt'],
  [/encrypt|seal|cipher/i, 'encrypt'],
  [/tokeni[sz]e/i, 'tokenize'],
  [/hash|digest|sha\d*|md5|bcrypt|argon|scrypt|hmac|crypt/i, 'hash'],
  [/mask|redact|obfuscate|anonymi[sz]e/i, 'mask'],
  [/generali[sz]e|date_trunc/i, 'generalize'],
];

/** The transform a function of that name applies (`pgp_sym_encrypt` → encrypt), or undefined. */
export function transformOfFunction(name: string): Transform | undefined {
  for (const [pattern, transform] of TRANSFORM_BY_NAME) {
    if (pattern.test(name)) return transform;
  }
  return undefined;
}

const SQL_WORDS = new Set([
  'select',
  'from',
  'as',
  'and',
  'or',
  'not',
  'null',
  'true',
  'false',
  'case',
  'when',
  'then',
  'else',
  'end',
  'is',
  'in',
  'like',
  'ilike',
  'distinct',
  'cast',
  'text',
  'varchar',
  'integer',
  'bytea',
  'interval',
  'current_date',
  'current_timestamp',
  'now',
]);

/**
 * Reads a small SQL expression written in code (`knex.raw('pgp_sym_encrypt(ssn, ?)')`,
 * sql`lower(email)`): the columns it names and the transform of its outermost known function.
 * Strings, placeholders and function names are not columns.
 */
export function readSqlExpression(
  text: string,
  tables: readonly SourceTable[],
): { from: ColumnName[]; transform: Transform; via?: string } {
  const withoutStrings = text.replace(/'(?:[^']|'')*'/g, ' ').replace(/\$\{[^}]*\}/g, ' ');
  const from: ColumnName[] = [];
  let transform: Transform = 'copy';
  let via: string | undefined;
  const tokens = /("?)([A-Za-z_][\w$]*(?:\.[A-Za-z_*][\w$]*)?)\1(\s*\()?/g;
  for (let match = tokens.exec(withoutStrings); match; match = tokens.exec(withoutStrings)) {
    const word = match[2] as string;
    if (match[3]) {
      const found = transformOfFunction(word);
      if (found && !via) {
        transform = found;
        via = word;
      }
      continue;
    }
    if (SQL_WORDS.has(word.toLowerCase())) continue;
    const column = resolveColumnReference(word, tables);
    if (column && !from.some((seen) => seen.column === column.column)) from.push(column);
  }
  return via ? { from, transform, via } : { from, transform };
}

const TYPE_ALIASES: Readonly<Record<string, string>> = {
  int: 'integer',
  int4: 'integer',
  int2: 'smallint',
  int8: 'bigint',
  serial4: 'serial',
  serial8: 'bigserial',
  serial2: 'smallserial',
  bool: 'boolean',
  float8: 'double precision',
  float4: 'real',
  'character varying': 'varchar',
  character: 'char',
  decimal: 'numeric',
};

/**
 * A SQL type as written in code (`'VARCHAR(20)'`, `'timestamp(3) with time zone'`, `'int4'`,
 * `'text []'`) in the normalised form of `ColumnDefined.dataType`: lowercase, no inner blanks,
 * Postgres's own aliases folded, so a type written in an ORM compares equal to the same type in SQL.
 */
export function normaliseWrittenType(written: string): string {
  const compact = written
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
    .replace(/\s*(\[\])/g, '$1');
  const match = /^([a-z_][a-z0-9_ ]*?)(\([^)]*\))?( with(?:out)? time zone)?((?:\[\])*)$/.exec(
    compact,
  );
  if (!match) return compact;
  const [, base = '', size = '', zone = '', array = ''] = match;
  if (base === 'timestamp' || base === 'time') {
    return `${base}${zone === ' with time zone' ? 'tz' : ''}${size}${array}`;
  }
  return `${TYPE_ALIASES[base] ?? base}${size}${array}`;
}
