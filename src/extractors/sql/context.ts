import type { SourceLocation, TableName, ValueSource } from '../../facts.js';
import { isPlaceholderName } from './placeholders.js';

/** The SQL text being read: a whole file, or a fragment held in code. */
export interface SqlSource {
  /** Display path used in every location. */
  file: string;
  /** The text handed to the parser; every offset below indexes it. */
  text: string;
  /** Location in the file of the range [start, end) of `text`. */
  locate(start: number, end: number): SourceLocation;
  /** Fragments carry placeholder stand-ins; files only when they hold text templates (`{{ … }}`). */
  hasPlaceholders: boolean;
  /** A `{{ … }}` template stand-in (`__pt1__`) and the template it stands for, normalised. */
  templates?: ReadonlyMap<string, string>;
  /** The text a stand-in replaced, as written (`${rows}`, `??`, `{{ .Table }}`), for messages. */
  standInText?(name: string): string | undefined;
}

/** One parsed statement: where it is, and how parser byte offsets map to `source.text`. */
export interface StatementContext {
  source: SqlSource;
  /** First token of the statement. */
  start: number;
  /** End of the statement, before its semicolon and trailing whitespace. */
  end: number;
  /** Maps a parser `location` (UTF-8 bytes, relative to the parsed string) to an offset in `source.text`. */
  charAt(byteLocation: number): number;
  /** Inside a PL/pgSQL body: the names the body declares, which are values and never columns. */
  procedural?: ProceduralNames;
}

/**
 * A PL/pgSQL body's own names (lower case). Postgres raises an error on a name that could be both
 * a variable and a column, so an unqualified name among `variables` is the variable's value, and
 * `record.field` of a name among `records` (a loop record, `NEW`, `OLD`) is the record's field.
 */
export interface ProceduralNames {
  variables: ReadonlySet<string>;
  records: ReadonlySet<string>;
  /** Where a record's field comes from when the body selected the record from a table. */
  recordField(record: string, field: string): ValueSource | undefined;
}

export function statementLocation(context: StatementContext): SourceLocation {
  return context.source.locate(context.start, context.end);
}

/**
 * A table name as written, or undefined when a placeholder stands for it. A placeholder schema is
 * dropped (`${schema}.users` is `users`), except a template's (`{{ .Namespace }}.users`): its value
 * is unknowable, yet it is not `public` (supabase/auth renders it as `auth`), so the template text,
 * normalised to `{{ index .Options "Namespace" }}`, stays the schema name; the same template in
 * every migration names the same schema. Name resolution reads a `{{ … }}` schema as unknown
 * (`isTemplateSchema` in datamap/resolve.ts): the table is keyed by its bare name, so findings read
 * `supabase.mfa_factors` and a data map key `mfa_factors` or `auth.mfa_factors` declares it.
 */
export function tableNameOf(
  context: StatementContext,
  relname: string | undefined,
  schemaname: string | undefined,
): TableName | undefined {
  if (relname === undefined || relname === '') return undefined;
  if (context.source.hasPlaceholders && isPlaceholderName(relname)) return undefined;
  if (schemaname === undefined || schemaname === '') return { name: relname };
  const template = context.source.templates?.get(schemaname);
  if (template !== undefined) return { schema: template, name: relname };
  if (context.source.hasPlaceholders && isPlaceholderName(schemaname)) return { name: relname };
  return { schema: schemaname, name: relname };
}

/** A schema name as written; a template stand-in becomes its template text (see `tableNameOf`). */
export function schemaNameOf(context: StatementContext, schema: string): string {
  return context.source.templates?.get(schema) ?? schema;
}
