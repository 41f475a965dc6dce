/**
 * The SQL extractor: `.sql` files and SQL held in TypeScript/JavaScript strings.
 *
 * A text is parsed once with libpg-query (the real Postgres parser). When that fails, it is split
 * into statements and each is parsed alone; a statement Postgres rejects is tried as MySQL, and one
 * that neither reads becomes a `parse-error` fact at that statement while the rest is still read
 * (a few per file, one for a ClickHouse file; none for SQL built around a `${…}` at run time).
 * Go and Jinja templates in `.sql` files are replaced by stand-ins first, as placeholders in code are.
 */
import { loadPgParser, parseSync, pgParserReady } from './pg-parser.js';
import type { Node } from 'libpg-query';
import type { Fact, ParseProblem, SourceLocation, TableName, ValueSource } from '../../facts.js';
import { byteToCharOffsets, createLineIndex } from '../../util/location.js';
import type { ScannedFile } from '../types.js';
import type { SqlSource, StatementContext } from './context.js';
import { tableNameOf } from './context.js';
import {
  createScope,
  leftmostLocation,
  selectOutputs,
  addCtes,
  addFromClause,
  addTableToScope,
  valueOf,
} from './lineage.js';
import { extractMysqlStatement } from './mysql.js';
import { asPostgresSpelling, looksLikeMysql } from './mysql-dialect.js';
import { rewriteMysqlStatement } from './mysql-rewrites.js';
import { sqliteAsPostgres } from './sqlite-spelling.js';
import { storeDialectOf } from '../store-dialect.js';
import { readProceduralBody, readTrigger } from './plpgsql.js';
import type { EmbeddedSqlReader } from './plpgsql.js';
import {
  STAND_IN_NAMES,
  hasRuntimeStandIn,
  isPlaceholderName,
  positionalParameterOf,
  prepareFragmentText,
  replaceTextTemplates,
} from './placeholders.js';
import { SUPABASE_TEXT_HINT, collectStatementFacts, supabaseEvidence } from './postgres.js';
import {
  SELECT_ITEM_STOP_WORDS,
  blankClientDelimiterBlocks,
  blankDownSections,
  findItemEnd,
  isIdentifierChar,
  skipTrivia,
  splitStatements,
  trimEnd,
} from './statements.js';
import { appendAll } from '../../util/append.js';
import { isLimitError } from '../../util/budget.js';

/** SQL held in a TS/JS string or template literal. */
export interface SqlFragment {
  /** The raw literal content; may contain `${…}` spans, `?`, `??`, `:name` and `$1` placeholders. */
  text: string;
  /** Display path of the host file. */
  file: string;
  /** Maps an offset in `text` to its 1-based place in the file. */
  position(offset: number): { line: number; column: number };
  dialect?: 'postgres' | 'mysql';
}

/** One written column of an INSERT or UPDATE. */
export interface QueryColumn {
  column: string;
  /** 1-based: `$n`, or the n-th `?`. */
  parameter?: number;
  value: ValueSource;
  at: SourceLocation;
}

/** What a raw query in a data script reads or writes. */
export type QueryShape =
  | { kind: 'select'; outputs: Array<{ name: string; value: ValueSource; at: SourceLocation }> }
  | { kind: 'insert' | 'update'; target: TableName; columns: QueryColumn[] }
  | { kind: 'other' };

/** Files larger than this are not read as SQL (the scan also bounds file sizes). */
const MAX_SQL_FILE_CHARS = 2 * 1024 * 1024;

/**
 * The MySQL fallback is there for schema statements (CREATE/ALTER/DROP/RENAME TABLE); node-sql-parser
 * is slow to reject text and superlinear in its length, so nothing else and nothing huge is tried.
 */
const MYSQL_FALLBACK_START = /^(?:create|alter|drop|rename)\s/i;
const MAX_MYSQL_STATEMENT_CHARS = 50_000;

function worthMysqlFallback(statement: string): boolean {
  return statement.length <= MAX_MYSQL_STATEMENT_CHARS && MYSQL_FALLBACK_START.test(statement);
}

/** Loads the Postgres parser (WASM) once; later calls return at once. */
export async function initSqlParser(): Promise<void> {
  await loadPgParser();
}

function problem(at: SourceLocation, message: string): ParseProblem {
  return { kind: 'parse-error', at, message };
}

function fileStart(file: string): SourceLocation {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/** golang-migrate (`1_init.down.sql`) and Diesel (`down.sql`) keep the reverse direction in its own file. */
function isDownMigrationFile(path: string): boolean {
  const lower = path.toLowerCase();
  return lower.endsWith('.down.sql') || lower === 'down.sql' || lower.endsWith('/down.sql');
}

/** Facts of a `.sql` file; only the Up part of a migration with Up/Down markers is read. */
export function extractSqlFile(file: ScannedFile): Fact[] {
  if (isDownMigrationFile(file.path)) return [];
  if (file.text.trim() === '') return [];
  if (file.text.includes('\u0000')) {
    return [problem(fileStart(file.path), 'file contains NUL bytes; it is not read as SQL')];
  }
  // Size is the config's `maxFileSize`, checked when the file is read (src/discover.ts).
  if (isSchemaExport(file.text)) return schemaExportFacts(file);
  const lines = createLineIndex(file.text);
  const text = blankClientDelimiterBlocks(blankDownSections(file.text));
  const templated = replaceTextTemplates(text);
  if (!templated) {
    return extractSource({
      file: file.path,
      text,
      locate: (start, end) => lines.range(file.path, start, end),
      hasPlaceholders: false,
    });
  }
  const { map, templates } = templated;
  return extractSource({
    file: file.path,
    text: templated.text,
    locate: (start, end) =>
      lines.range(file.path, map.toOriginal(start), map.toOriginal(Math.max(start, end))),
    hasPlaceholders: true,
    templates,
    standInText: (name) => templates.get(name),
  });
}

/** Supabase Studio's schema export begins with this warning (its "Copy as SQL"). */
const SCHEMA_EXPORT_HEADER =
  /^\s*--[^\n]*\bschema is for context only and is not meant to be run\b/i;

function isSchemaExport(text: string): boolean {
  return SCHEMA_EXPORT_HEADER.test(text.slice(0, 400));
}

/**
 * The tables and columns of a schema export, as a snapshot (model/snapshots.ts). Studio writes
 * array and enum columns as `ARRAY` and `USER-DEFINED`, which no parser takes: they are read as
 * `json` and `text`, spelled to the same length so that every location stays where it was.
 */
function schemaExportFacts(file: ScannedFile): Fact[] {
  const text = file.text
    .replace(/(^[ \t]+"?[\w$]+"?[ \t]+)ARRAY\b/gm, '$1json ')
    .replace(/\bUSER-DEFINED\b/g, 'text        ');
  const lines = createLineIndex(file.text);
  const facts = extractSource({
    file: file.path,
    text,
    locate: (start, end) => lines.range(file.path, start, end),
    hasPlaceholders: false,
  });
  return facts.flatMap((fact): Fact[] => {
    if (fact.kind === 'table-created') return [{ ...fact, declared: true, snapshot: true }];
    return fact.kind === 'column-defined' ? [fact] : [];
  });
}

/** Turns a fragment into a source whose text has placeholders replaced by stand-ins. */
function fragmentSource(fragment: SqlFragment): SqlSource {
  const prepared = prepareFragmentText(fragment.text);
  const { map } = prepared;
  return {
    file: fragment.file,
    text: prepared.text,
    hasPlaceholders: true,
    standInText(name) {
      const start = prepared.text.indexOf(name);
      if (start < 0) return undefined;
      return fragment.text.slice(map.toOriginal(start), map.toOriginal(start + name.length));
    },
    locate(start, end) {
      const from = fragment.position(map.toOriginal(start));
      const to = fragment.position(map.toOriginal(Math.max(start, end)));
      return {
        file: fragment.file,
        line: from.line,
        column: from.column,
        endLine: to.line,
        endColumn: to.column,
      };
    },
  };
}

/** Facts of SQL held in code, located in the host file. Facts about a placeholder table are dropped. */
export function extractSqlFragment(fragment: SqlFragment): Fact[] {
  if (fragment.text.trim() === '') return [];
  if (fragment.text.length > MAX_SQL_FILE_CHARS || fragment.text.includes('\u0000')) return [];
  return extractSource(fragmentSource(fragment));
}

function parserMissing(source: SqlSource): Fact[] {
  return [
    problem(
      source.locate(0, 0),
      'the SQL parser is not loaded: initSqlParser() must be awaited first',
    ),
  ];
}

interface ParsedStatement {
  stmt?: Node;
  stmt_location?: number;
  stmt_len?: number;
}

function tryParse(sql: string): { statements: ParsedStatement[] } | { error: unknown } {
  try {
    return { statements: (parseSync(sql).stmts ?? []) as ParsedStatement[] };
  } catch (error) {
    return { error };
  }
}

function extractSource(written: SqlSource): Fact[] {
  if (!pgParserReady()) return parserMissing(written);
  // MySQL text is read in Postgres spelling (same offsets); its schema-only statements still go to
  // the MySQL parser with the text as written. The store's dialect decides when it is known; the
  // text's own syntax otherwise.
  const dialect = storeDialectOf(written.file);
  const mysql = dialect === 'mysql' || (dialect === undefined && looksLikeMysql(written.text));
  const source = mysql ? { ...written, text: asPostgresSpelling(written.text) } : written;
  const facts: Fact[] = [];
  const text = source.text;
  const lookForPlatform = { pending: SUPABASE_TEXT_HINT.test(text) };
  const whole = tryParse(text);
  if ('statements' in whole) {
    for (const { statement, context } of statementContexts(source, text, whole.statements)) {
      readStatement(statement.stmt, context, facts, lookForPlatform);
    }
    return facts;
  }
  const failures = new StatementFailures(source);
  for (const span of splitStatements(text)) {
    const sql = text.slice(span.start, span.end);
    let parsed = tryParse(sql);
    // SQLite's own words (`AUTOINCREMENT`, `) STRICT`), blanked in place: offsets stay the same.
    const sqlite = 'statements' in parsed ? undefined : sqliteAsPostgres(sql);
    if (sqlite !== undefined) {
      const spelled = tryParse(sqlite);
      if ('statements' in spelled) parsed = spelled;
    }
    if ('statements' in parsed) {
      const toChar = byteToCharOffsets(sql);
      const context: StatementContext = {
        source,
        start: span.start,
        end: span.end,
        charAt: (byte) => span.start + toChar(byte),
      };
      for (const statement of parsed.statements)
        readStatement(statement.stmt, context, facts, lookForPlatform);
      continue;
    }
    // MySQL clause orders Postgres writes otherwise (`UPDATE a JOIN b … SET`, `CREATE TABLE t SELECT`).
    const rewritten = mysql ? rewriteMysqlStatement(sql) : undefined;
    if (rewritten && 'statements' in tryParse(rewritten.text)) {
      embeddedReader(source, lookForPlatform)(
        rewritten.text,
        span.start,
        facts,
        (index) => span.start + rewritten.map.toOriginal(index),
      );
      continue;
    }
    const mysqlFacts =
      dialect !== 'postgres' && worthMysqlFallback(sql)
        ? extractMysqlStatement({ source: written, start: span.start, end: span.end })
        : undefined;
    if (mysqlFacts) {
      appendAll(facts, mysqlFacts);
      continue;
    }
    // SQL built around a `${…}` is only known at run time: failing to parse it says nothing.
    if (source.hasPlaceholders && hasRuntimeStandIn(sql)) continue;
    // A MySQL dump's session statements (`USE clinic;`, `LOCK TABLES … WRITE;`) hold no schema.
    if (DUMP_SESSION_STATEMENT.test(sql)) continue;
    failures.add(parseErrorFact(source, span.start, span.end, sql, parsed.error), facts);
  }
  failures.finish();
  return facts;
}

/** Statements of a MySQL dump that change the session, not the schema. */
const DUMP_SESSION_STATEMENT = /^\s*(?:USE\s+[`"\w$.-]+\s*;?\s*$|(?:UN)?LOCK\s+TABLES\b)/i;

/** Statement parse errors of one source reported in full before the rest are only counted. */
const MAX_STATEMENT_ERRORS = 1;

/**
 * ClickHouse, not Postgres: `ENGINE = MergeTree`, `CODEC(ZSTD(1))`, `LowCardinality(String)`,
 * `Nullable(`, `DateTime64(`, a data-skipping index (`ADD INDEX i expr TYPE minmax GRANULARITY 1`),
 * a materialized view writing `TO db.table`, `MODIFY QUERY|TTL|ORDER BY|SAMPLE BY|SETTING`. Each is
 * a syntax Postgres and MySQL do not have (`MODIFY COLUMN` and a plain `ADD INDEX` are MySQL's).
 */
const CLICKHOUSE_HINT = new RegExp(
  [
    String.raw`ENGINE\s*=\s*\w*MergeTree`,
    String.raw`\bCODEC\s*\(`,
    String.raw`\bLowCardinality\s*\(`,
    String.raw`\bNullable\s*\(`,
    String.raw`\bDateTime64\s*\(`,
    String.raw`\bADD\s+INDEX\b[^;]{0,500}?\bTYPE\s+(?:minmax|set|bloom_filter|ngrambf_v1|tokenbf_v1)\b`,
    String.raw`\bGRANULARITY\s+\d`,
    String.raw`\bMATERIALIZED\s+VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?[\w."\x60]+\s+(?:ON\s+CLUSTER\s+\S+\s+)?TO\s`,
    String.raw`\bMODIFY\s+(?:QUERY|TTL|ORDER\s+BY|SAMPLE\s+BY|SETTING)\b`,
  ].join('|'),
  'i',
);

/**
 * ClickHouse's composite types, written in its own casing (`Array(String)`, `Map(String, UInt64)`):
 * case-sensitive, so Postgres's `ARRAY(SELECT …)` constructor is not mistaken for one.
 */
const CLICKHOUSE_TYPE_HINT =
  /\b(?:Array|Map|Tuple)\(\s*(?:String|FixedString|U?Int(?:8|16|32|64|128|256)\b|Float(?:32|64)\b|Decimal|DateTime|Date|UUID|Bool|Nullable|LowCardinality|Array|Map|Tuple|Enum(?:8|16)\b|IPv[46]\b|JSON\b)/;

/** A file under a `clickhouse` folder (`internal-packages/clickhouse/schema/…`) is ClickHouse SQL. */
const CLICKHOUSE_FOLDER = /(?:^|[\\/])[^\\/]*clickhouse[^\\/]*[\\/]/i;

function isClickHouse(source: SqlSource): boolean {
  return (
    CLICKHOUSE_FOLDER.test(source.file) ||
    CLICKHOUSE_HINT.test(source.text) ||
    CLICKHOUSE_TYPE_HINT.test(source.text)
  );
}

/**
 * Keeps a file with many failing statements to a few notes: the first `MAX_STATEMENT_ERRORS` in
 * full, the last of them counting the rest; a ClickHouse file gets one note at its first failure.
 */
class StatementFailures {
  private count = 0;
  private lastReported: ParseProblem | undefined;
  private clickHouse: boolean | undefined;

  constructor(private readonly source: SqlSource) {}

  add(failure: ParseProblem, facts: Fact[]): void {
    this.count++;
    // Tested once, and only for a source that has a failing statement.
    this.clickHouse ??= isClickHouse(this.source);
    if (this.count === 1 || (!this.clickHouse && this.count <= MAX_STATEMENT_ERRORS)) {
      facts.push(failure);
      this.lastReported = failure;
    }
  }

  finish(): void {
    const last = this.lastReported;
    if (!last) return;
    if (this.clickHouse) {
      const skipped = this.count === 1 ? '1 statement' : `${this.count} statements`;
      last.message = `ClickHouse SQL is not supported; statements that failed to parse were skipped (${skipped}; here: ${last.message})`;
      return;
    }
    const more = this.count - MAX_STATEMENT_ERRORS;
    if (more > 0) {
      last.message += `; and ${more} more ${more === 1 ? 'statement' : 'statements'} after this one could not be parsed`;
    }
  }
}

function readStatement(
  statement: Node | undefined,
  context: StatementContext,
  facts: Fact[],
  lookForPlatform: { pending: boolean },
): void {
  if (!statement) return;
  try {
    collectStatementFacts(statement, context, facts);
    if ('DoStmt' in statement || 'CreateFunctionStmt' in statement) {
      readProceduralBody(
        statement,
        context,
        facts,
        embeddedReader(context.source, lookForPlatform),
      );
    } else if ('CreateTrigStmt' in statement) {
      readTrigger(statement, context, facts);
    }
    if (lookForPlatform.pending) {
      const evidence = supabaseEvidence(statement, context);
      if (evidence) {
        lookForPlatform.pending = false;
        facts.push({
          kind: 'platform-hint',
          at: context.source.locate(evidence.start, evidence.end),
          platform: 'supabase',
          evidence: evidence.evidence,
        });
      }
    }
  } catch (error) {
    if (isLimitError(error)) throw error;
    // A statement shape this reader does not expect must not stop the scan.
    const message = error instanceof Error ? error.message : String(error);
    facts.push(
      problem(
        context.source.locate(context.start, context.end),
        `could not read statement: ${message}`,
      ),
    );
  }
}

/**
 * Reads SQL found inside a statement (a PL/pgSQL body's statements, an `EXECUTE`d string) as
 * top-level SQL, each offset of the inner text mapped back into the source.
 */
function embeddedReader(
  source: SqlSource,
  lookForPlatform: { pending: boolean },
): EmbeddedSqlReader {
  return (sql, start, facts, offsetOf = (index) => start + index, procedural) => {
    const parsed = tryParse(sql);
    if (!('statements' in parsed)) {
      if (source.hasPlaceholders && hasRuntimeStandIn(sql)) return;
      const inner: SqlSource = {
        ...source,
        text: sql,
        locate: (from, to) => source.locate(offsetOf(from), offsetOf(to)),
      };
      facts.push(parseErrorFact(inner, 0, sql.length, sql, parsed.error));
      return;
    }
    for (const { statement, context } of statementContexts(
      source,
      sql,
      parsed.statements,
      offsetOf,
    )) {
      readStatement(
        statement.stmt,
        procedural ? { ...context, procedural } : context,
        facts,
        lookForPlatform,
      );
    }
  };
}

/**
 * Each parsed statement of `sql` with its span in the source: `offsetOf` maps an index in `sql` to
 * one in `source.text` (identity for a whole file; shifted for SQL inside a PL/pgSQL body).
 */
function statementContexts(
  source: SqlSource,
  sql: string,
  statements: ParsedStatement[],
  offsetOf: (index: number) => number = (index) => index,
): Array<{ statement: ParsedStatement; context: StatementContext }> {
  const toChar = byteToCharOffsets(sql);
  return statements.map((statement) => {
    const byteStart = statement.stmt_location ?? 0;
    const rawEnd = statement.stmt_len ? toChar(byteStart + statement.stmt_len) : sql.length;
    const start = skipTrivia(sql, toChar(byteStart), rawEnd);
    const context: StatementContext = {
      source,
      start: offsetOf(start),
      end: offsetOf(trimEnd(sql, start, rawEnd)),
      charAt: (byte) => offsetOf(toChar(byte)),
    };
    return { statement, context };
  });
}

/** A parse error at the token the parser stopped at, with the parser's own message. */
function parseErrorFact(
  source: SqlSource,
  start: number,
  end: number,
  sql: string,
  error: unknown,
): ParseProblem {
  const details = (error as { sqlDetails?: { cursorPosition?: number } } | undefined)?.sqlDetails;
  const raw = error instanceof Error ? error.message : 'could not parse statement';
  // The parser quotes our stand-in names (`at or near "__pe1__"`); say what the author wrote.
  const message = source.hasPlaceholders
    ? raw.replace(STAND_IN_NAMES, (name) => source.standInText?.(name) ?? name)
    : raw;
  const cursor = details?.cursorPosition;
  if (cursor === undefined || cursor < 0) return problem(source.locate(start, end), message);
  const tokenStart = Math.min(start + byteToCharOffsets(sql)(cursor), end);
  let tokenEnd = tokenStart;
  while (tokenEnd < end && isIdentifierChar(source.text.charCodeAt(tokenEnd))) tokenEnd++;
  if (tokenEnd === tokenStart && tokenStart < end) tokenEnd++;
  return problem(source.locate(tokenStart, tokenEnd), message);
}

/* ------------------------------------------------------------------------------------------------
 * Query shapes for data scripts
 * --------------------------------------------------------------------------------------------- */

/** `$n`, or the n-th `?` of the query, when a value is exactly a parameter (casts allowed). */
function parameterOf(node: Node | undefined): number | undefined {
  let value = node;
  while (value && 'TypeCast' in value) value = value.TypeCast.arg;
  if (!value) return undefined;
  if ('ParamRef' in value) return value.ParamRef.number;
  if ('ColumnRef' in value) {
    const fields = value.ColumnRef.fields ?? [];
    const only = fields.length === 1 ? fields[0] : undefined;
    if (only && 'String' in only) return positionalParameterOf(only.String.sval ?? '');
  }
  return undefined;
}

/**
 * What a raw query reads (a SELECT's outputs and their source columns) or which parameter feeds
 * which column of an INSERT/UPDATE. Undefined when the query does not parse as Postgres.
 * A query whose target table is a placeholder is `other`.
 */
export function analyseQuery(fragment: SqlFragment): QueryShape | undefined {
  if (!pgParserReady() || fragment.text.trim() === '') return undefined;
  const source = fragmentSource(fragment);
  const parsed = tryParse(source.text);
  if (!('statements' in parsed)) return undefined;
  const first = parsed.statements[0];
  if (!first?.stmt) return undefined;
  const charAt = byteToCharOffsets(source.text);
  const byteStart = first.stmt_location ?? 0;
  const rawEnd = first.stmt_len ? charAt(byteStart + first.stmt_len) : source.text.length;
  const start = skipTrivia(source.text, charAt(byteStart), rawEnd);
  const context: StatementContext = {
    source,
    start,
    end: trimEnd(source.text, start, rawEnd),
    charAt,
  };
  try {
    return queryShape(first.stmt, context);
  } catch {
    return undefined;
  }
}

function queryShape(statement: Node, context: StatementContext): QueryShape {
  const locate = (start: number, end: number) => context.source.locate(start, end);
  if ('SelectStmt' in statement && !statement.SelectStmt.intoClause) {
    const outputs = selectOutputs(statement.SelectStmt, undefined, context);
    return {
      kind: 'select',
      outputs: outputs.map((output) => ({
        name: output.name,
        value: output.value,
        at: locate(output.start, output.end),
      })),
    };
  }
  if ('InsertStmt' in statement) {
    const insert = statement.InsertStmt;
    const target = tableNameOf(context, insert.relation?.relname, insert.relation?.schemaname);
    const query = insert.selectStmt;
    if (!target || !query || !('SelectStmt' in query)) return { kind: 'other' };
    const names: string[] = [];
    for (const node of insert.cols ?? [])
      if ('ResTarget' in node) names.push(node.ResTarget.name ?? '');
    const scope = createScope();
    addCtes(scope, insert.withClause, context);
    const select = query.SelectStmt;
    const firstRow = select.valuesLists?.[0];
    if (firstRow && 'List' in firstRow) {
      const columns = (firstRow.List.items ?? []).map((item, index): QueryColumn => {
        const start = context.charAt(leftmostLocation(item));
        const end = findItemEnd(context.source.text, start, context.end);
        const parameter = parameterOf(item);
        return {
          column: names[index] ?? `column${index + 1}`,
          ...(parameter === undefined ? {} : { parameter }),
          value: valueOf(item, scope, context),
          at: locate(start, end),
        };
      });
      return { kind: 'insert', target, columns };
    }
    const outputs = selectOutputs(select, scope, context);
    return {
      kind: 'insert',
      target,
      columns: outputs.map((output, index) => ({
        column: names[index] ?? output.name,
        value: output.value,
        at: locate(output.start, output.end),
      })),
    };
  }
  if ('UpdateStmt' in statement) {
    const update = statement.UpdateStmt;
    const target = tableNameOf(context, update.relation?.relname, update.relation?.schemaname);
    if (!target) return { kind: 'other' };
    const scope = createScope();
    addCtes(scope, update.withClause, context);
    addTableToScope(scope, target, update.relation?.alias?.aliasname);
    addFromClause(scope, update.fromClause, context);
    const columns: QueryColumn[] = [];
    for (const node of update.targetList ?? []) {
      if (!('ResTarget' in node) || !node.ResTarget.name) continue;
      // `SET ${assignments}` became `__pe1__ = NULL`: no column is known there.
      if (isPlaceholderName(node.ResTarget.name)) continue;
      const start = context.charAt(node.ResTarget.location ?? 0);
      const end = findItemEnd(context.source.text, start, context.end, SELECT_ITEM_STOP_WORDS);
      const parameter = parameterOf(node.ResTarget.val);
      columns.push({
        column: node.ResTarget.name,
        ...(parameter === undefined ? {} : { parameter }),
        value: valueOf(node.ResTarget.val, scope, context),
        at: locate(start, end),
      });
    }
    return { kind: 'update', target, columns };
  }
  return { kind: 'other' };
}
