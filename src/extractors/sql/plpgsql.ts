/**
 * PL/pgSQL: the bodies of `DO $$ … $$` blocks and of `CREATE FUNCTION`/`CREATE PROCEDURE`. The body
 * is parsed with libpg-query's PL/pgSQL parser; every SQL statement in it (including those under an
 * `IF NOT EXISTS (…) THEN` guard, in loops, and `EXECUTE` of a literal string) is read like
 * top-level SQL, located at its own place in the file. `RAISE NOTICE/INFO/LOG/WARNING/EXCEPTION`
 * with a record's fields or a variable selected from a table is a value sent to a log. A body that
 * does not parse is a `parse-error` at the body. `LANGUAGE sql` bodies are read as SQL.
 */
import { parsePlPgSQLSync, parseSync } from './pg-parser.js';
import type { Node } from 'libpg-query';
import type { ColumnName, Fact, SourceLocation, TableName, ValueSource } from '../../facts.js';
import { FUNCTION_ARGUMENTS_TABLE } from '../../facts.js';
import { byteToCharOffsets } from '../../util/location.js';
import { escapeRegExp } from '../../util/safe-regex.js';
import type { ProceduralNames, StatementContext } from './context.js';
import { tableNameOf } from './context.js';
import { parametersOf } from './functions.js';
import { selectOutputs } from './lineage.js';

/** Reads SQL text that starts at `start` in the source (each offset of `sql` maps through `offsetOf`). */
export type EmbeddedSqlReader = (
  sql: string,
  start: number,
  facts: Fact[],
  offsetOf?: (index: number) => number,
  procedural?: ProceduralNames,
) => void;

/** `elog_level` of RAISE: DEBUG … EXCEPTION (Postgres's elog.h). */
const RAISE_LEVELS: Readonly<Record<number, string>> = {
  14: 'DEBUG',
  15: 'LOG',
  17: 'INFO',
  18: 'NOTICE',
  19: 'WARNING',
  21: 'EXCEPTION',
};

interface Body {
  text: string;
  /** Offset of the body's first character in the source text, when it is written in dollar quotes. */
  start: number | undefined;
  language: string;
  /** The text given to the PL/pgSQL parser. */
  functionText: string;
}

/** The values a name holds inside the body: a variable or a record's fields. */
interface Bindings {
  variables: Map<string, ValueSource>;
  records: Map<string, RecordShape>;
}

type RecordShape = { fields: Map<string, ValueSource>; starTables: TableName[] };

/** RAISE of a trigger's `NEW`/`OLD` fields, waiting for the `CREATE TRIGGER` that names the table. */
interface PendingTriggerLog {
  at: SourceLocation;
  fields: string[];
  level: string;
}

/** `NOT EXISTS (SELECT … FROM information_schema.tables WHERE … table_name = 'notes')`. */
const ABSENT_TABLE =
  /^\s*not\s+exists\s*\(\s*select\b[\s\S]*\binformation_schema\s*\.\s*tables\b[\s\S]*\btable_name\s*=\s*'([^']+)'/i;

/** A PL/pgSQL `IF`: its condition and branches (`elsif_list`, `else_body` are walked as they are). */
interface IfStatement {
  cond?: { PLpgSQL_expr?: { query?: string } };
  then_body?: unknown;
}

const pendingTriggerLogs = new WeakMap<object, Map<string, PendingTriggerLog[]>>();

/** Facts of a DO block's or function's body; nothing for other statements. */
export function readProceduralBody(
  statement: Node,
  context: StatementContext,
  facts: Fact[],
  readEmbedded: EmbeddedSqlReader,
): void {
  const body = bodyOf(statement, context);
  if (!body) return;
  if (body.language === 'sql') {
    if (body.start !== undefined) readEmbedded(body.text, body.start, facts);
    return;
  }
  if (body.language !== 'plpgsql') return;
  let parsed: unknown;
  try {
    parsed = parseWithMisreadTypesRespelled(body.functionText);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const at =
      body.start === undefined
        ? context.source.locate(context.start, context.end)
        : context.source.locate(body.start, body.start + body.text.length);
    facts.push({ kind: 'parse-error', at, message: `PL/pgSQL body not read: ${reason}` });
    return;
  }
  const reader = new BodyReader(
    body,
    context,
    facts,
    readEmbedded,
    functionNameOf(statement),
    declaredNamesOf(parsed),
  );
  reader.walk(parsed, { variables: argumentsOf(statement), records: new Map() });
}

/**
 * A function's arguments as values its RAISEs may print: `p_first_name` carries the caller's
 * first name into the server log. Each is a column of the arguments' table, named without its
 * `p_`/`_` prefix or `_param` suffix, so the classifier reads it as it reads any column; keys stay
 * keys.
 */
function argumentsOf(statement: Node): Map<string, ValueSource> {
  const variables = new Map<string, ValueSource>();
  if (!('CreateFunctionStmt' in statement)) return variables;
  for (const { name, input } of parametersOf(statement.CreateFunctionStmt)) {
    if (!input) continue;
    const column = name.replace(/^(?:(?:p|in|arg)_|_+)/i, '').replace(/_(?:param|arg|input)$/i, '');
    if (column === '') continue;
    variables.set(name, {
      from: [{ table: { name: FUNCTION_ARGUMENTS_TABLE }, column }],
      transform: 'copy',
    });
  }
  return variables;
}

/**
 * libpg-query's PL/pgSQL parser has no catalog, so it misreads two kinds of declaration and rejects
 * bodies Postgres accepts. A variable of a type it does not know (an enum such as
 * `public.member_role`) is taken for a row, and a row may not stand in a list of `INTO` targets
 * ("is not a scalar variable", or "record variable cannot be part of multiple-item INTO list" when
 * it stands first, unnamed): such a variable is read as `text`. A `%ROWTYPE` variable is taken for a
 * scalar, whose field may not be assigned (`"inv.status" is not a known variable`): it is read as
 * a `record`, as Postgres itself holds it. Each declaration is respelled to the same length, so
 * every offset holds, and what the body reads and writes is unchanged.
 */
function parseWithMisreadTypesRespelled(functionText: string): unknown {
  let text = functionText;
  for (let attempt = 0; ; attempt++) {
    try {
      return parsePlPgSQLSync(text);
    } catch (error) {
      const respelled = attempt >= 16 ? text : respelledFor(String(error), text);
      if (respelled === text) throw error;
      text = respelled;
    }
  }
}

/** The body with the declarations the parser's `message` blames respelled; `text` when none is. */
function respelledFor(message: string, text: string): string {
  const scalar = /"?([^"\s]+)"? is not a scalar variable/.exec(message)?.[1];
  if (scalar !== undefined) return redeclared(text, scalar, 'text');
  if (message.includes('record variable cannot be part of multiple-item INTO list')) {
    // The message names no variable: every first target of an `INTO a, b` list is read as `text`.
    const firsts = text.matchAll(/\binto\s+(?:strict\s+)?([A-Za-z_][\w$]*)\s*,/gi);
    return [...firsts].reduce(
      (respelled, [, name]) => redeclared(respelled, name as string, 'text'),
      text,
    );
  }
  const field = /"([^".\s]+)\.[^"\s]+" is not a known variable/.exec(message)?.[1];
  return field === undefined ? text : redeclared(text, field, 'record');
}

/**
 * `new_role public.member_role;` → `new_role text              ;`, `inv public.invitations%ROWTYPE;`
 * → `inv record                    ;` (the declaration's type only). A declared `record` stays
 * one: Postgres rejects it in a list of `INTO` targets too.
 */
function redeclared(text: string, variable: string, as: 'text' | 'record'): string {
  const type = as === 'text' ? '[A-Za-z_][\\w$.]*' : '[A-Za-z_][\\w$.]*%rowtype';
  const declaration = new RegExp(
    `(\\b${escapeRegExp(variable)}\\s+)(${type})(?=\\s*(?:;|:=|=|\\bdefault\\b|\\bnot\\b))`,
    'i',
  );
  const match = declaration.exec(text);
  const declared = match?.[2];
  if (match === null || declared === undefined || declared.length < as.length) return text;
  if (declared.toLowerCase() === 'record') return text;
  const start = match.index + (match[1] as string).length;
  return `${text.slice(0, start)}${as.padEnd(declared.length)}${text.slice(start + declared.length)}`;
}

/** The body's parameters and variables (`found` is always there), and its records (`new`, `old`, loop records). */
function declaredNamesOf(parsed: unknown): { variables: Set<string>; records: Set<string> } {
  const variables = new Set<string>();
  const records = new Set<string>();
  const functions = (parsed as { plpgsql_funcs?: unknown[] } | undefined)?.plpgsql_funcs ?? [];
  for (const entry of functions) {
    const datums =
      (entry as { PLpgSQL_function?: { datums?: unknown[] } }).PLpgSQL_function?.datums ?? [];
    for (const datum of datums) {
      const declared = datum as {
        PLpgSQL_var?: { refname?: string };
        PLpgSQL_rec?: { refname?: string };
      };
      const variable = declared.PLpgSQL_var?.refname;
      if (variable && variable !== 'found') variables.add(variable.toLowerCase());
      const record = declared.PLpgSQL_rec?.refname;
      if (record) records.add(record.toLowerCase());
    }
  }
  return { variables, records };
}

/** `CREATE TRIGGER … ON patients … EXECUTE FUNCTION log_patient()`: the trigger's RAISEs now know their table. */
export function readTrigger(statement: Node, context: StatementContext, facts: Fact[]): void {
  if (!('CreateTrigStmt' in statement)) return;
  const trigger = statement.CreateTrigStmt;
  const table = tableNameOf(context, trigger.relation?.relname, trigger.relation?.schemaname);
  const name = lastName(trigger.funcname);
  const pending = pendingTriggerLogs.get(context.source)?.get(name ?? '');
  if (!table || !pending) return;
  for (const log of pending) {
    facts.push({
      kind: 'data-sent',
      at: log.at,
      sink: { type: 'log', logger: `RAISE ${log.level}` },
      values: log.fields.map((column) => ({ from: [{ table, column }], transform: 'copy' })),
    });
  }
}

function lastName(names: Node[] | undefined): string | undefined {
  const last = names?.[names.length - 1];
  return last && 'String' in last ? last.String.sval : undefined;
}

function functionNameOf(statement: Node): string | undefined {
  return 'CreateFunctionStmt' in statement
    ? lastName(statement.CreateFunctionStmt.funcname)
    : undefined;
}

function bodyOf(statement: Node, context: StatementContext): Body | undefined {
  let options: Node[] | undefined;
  let language: string | undefined;
  if ('DoStmt' in statement) {
    options = statement.DoStmt.args;
    language = 'plpgsql';
  } else if ('CreateFunctionStmt' in statement) {
    options = statement.CreateFunctionStmt.options;
  } else {
    return undefined;
  }
  let text: string | undefined;
  let location: number | undefined;
  for (const option of options ?? []) {
    if (!('DefElem' in option)) continue;
    const { defname, arg } = option.DefElem;
    if (defname === 'language' && arg && 'String' in arg) language = arg.String.sval?.toLowerCase();
    if (defname === 'as' && arg) {
      const value = 'String' in arg ? arg : 'List' in arg ? (arg.List.items ?? [])[0] : undefined;
      if (value && 'String' in value) text = value.String.sval;
      location = option.DefElem.location;
    }
  }
  if (text === undefined || language === undefined) return undefined;
  const source = context.source.text;
  let start: number | undefined;
  if (location !== undefined && location >= 0) {
    // The option's location is its `AS` keyword (functions) or the string itself (DO).
    const at = context.charAt(location);
    const opening = /\$[A-Za-z_0-9]*\$/g;
    opening.lastIndex = at;
    for (let match = opening.exec(source); match && match.index < at + 256;) {
      const candidate = match.index + match[0].length;
      if (source.startsWith(text, candidate)) {
        start = candidate;
        break;
      }
      match = opening.exec(source);
    }
  }
  const functionText =
    'DoStmt' in statement
      ? `CREATE FUNCTION piilint_do_block() RETURNS void LANGUAGE plpgsql AS $piilint_body$${text}$piilint_body$`
      : source.slice(context.start, context.end);
  return { text, start, language, functionText };
}

class BodyReader {
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly body: Body,
    private readonly context: StatementContext,
    private readonly facts: Fact[],
    private readonly readEmbedded: EmbeddedSqlReader,
    private readonly functionName: string | undefined,
    private readonly declared: { variables: ReadonlySet<string>; records: ReadonlySet<string> },
  ) {
    for (let index = 0; index < body.text.length; index++) {
      if (body.text.charCodeAt(index) === 10) this.lineStarts.push(index + 1);
    }
  }

  /** Visits the parse tree in statement order, reading the statements that matter. */
  walk(node: unknown, bindings: Bindings): void {
    if (Array.isArray(node)) {
      for (const item of node) this.walk(item, bindings);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const execsql = record.PLpgSQL_stmt_execsql as ExecSql | undefined;
    if (execsql) return this.execSql(execsql, bindings);
    const loop = record.PLpgSQL_stmt_fors as ForLoop | undefined;
    if (loop) return this.forLoop(loop, bindings);
    const dynamic = record.PLpgSQL_stmt_dynexecute as DynExecute | undefined;
    if (dynamic) return this.dynamicExecute(dynamic);
    const raise = record.PLpgSQL_stmt_raise as Raise | undefined;
    if (raise) return this.raise(raise, bindings);
    const branch = record.PLpgSQL_stmt_if as IfStatement | undefined;
    if (branch) return this.ifStatement(branch, bindings);
    for (const [key, value] of Object.entries(record)) {
      if (key !== 'datums') this.walk(value, bindings);
    }
  }

  /**
   * `IF NOT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 'notes') THEN
   * CREATE TABLE notes …`: the table is created only when it is not there, as by
   * `CREATE TABLE IF NOT EXISTS`.
   */
  private ifStatement(statement: IfStatement, bindings: Bindings): void {
    const guarded = ABSENT_TABLE.exec(
      statement.cond?.PLpgSQL_expr?.query ?? '',
    )?.[1]?.toLowerCase();
    const before = this.facts.length;
    this.walk(statement.then_body, bindings);
    if (guarded !== undefined) {
      for (const fact of this.facts.slice(before)) {
        if (fact.kind === 'table-created' && fact.table.name.toLowerCase() === guarded) {
          fact.ifNotExists = true;
        }
      }
    }
    for (const [key, value] of Object.entries(statement)) {
      if (key !== 'then_body' && key !== 'cond') this.walk(value, bindings);
    }
  }

  private execSql(statement: ExecSql, bindings: Bindings): void {
    const query = statement.sqlstmt?.PLpgSQL_expr?.query;
    if (!query) return;
    const start = this.queryStart(query, statement.lineno);
    if (start === undefined) return;
    if (statement.into) {
      const outputs = this.outputsOf(query, start);
      const fields = statement.target?.PLpgSQL_row?.fields ?? [];
      const recordName = statement.target?.PLpgSQL_rec?.refname;
      if (recordName && outputs) bindings.records.set(recordName, outputs);
      fields.forEach((field, position) => {
        const value = outputs && [...outputs.fields.values()][position];
        if (field.name && value) bindings.variables.set(field.name, value);
      });
    }
    this.readEmbedded(query, start, this.facts, undefined, this.namesAt(bindings));
  }

  /** The body's names as the statement at hand sees them: records selected so far know their sources. */
  private namesAt(bindings: Bindings): ProceduralNames {
    return {
      ...this.declared,
      recordField: (record, field) => {
        const shape = [...bindings.records].find(([name]) => name.toLowerCase() === record)?.[1];
        return shape ? fieldValue(shape, field) : undefined;
      },
    };
  }

  private forLoop(loop: ForLoop, bindings: Bindings): void {
    const query = loop.query?.PLpgSQL_expr?.query;
    const name = loop.var?.PLpgSQL_rec?.refname ?? loop.var?.PLpgSQL_row?.refname;
    const start = query ? this.queryStart(query, loop.lineno) : undefined;
    if (query && name && start !== undefined) {
      const outputs = this.outputsOf(query, start);
      if (outputs) bindings.records.set(name, outputs);
    }
    this.walk(loop.body, bindings);
  }

  /**
   * `EXECUTE 'ALTER TABLE …'` or `EXECUTE $sql$ALTER TABLE …$sql$`: a literal string is SQL like
   * any other; built strings are run-time.
   */
  private dynamicExecute(statement: DynExecute): void {
    const expression = statement.query?.PLpgSQL_expr?.query?.trim();
    if (!expression) return;
    const dollarQuoted = /^\$([A-Za-z_]\w*)?\$([\s\S]*)\$\1\$$/.exec(expression);
    if (!dollarQuoted && !/^'(?:[^']|'')*'$/.test(expression)) return;
    const literalStart = this.queryStart(expression, statement.lineno);
    if (literalStart === undefined) return;
    if (dollarQuoted) {
      // Nothing is escaped between dollar quotes: the body stands where it is written.
      const opening = `$${dollarQuoted[1] ?? ''}$`.length;
      this.readEmbedded(dollarQuoted[2] as string, literalStart + opening, this.facts);
      return;
    }
    // Undo the doubled quotes, remembering where each character came from.
    const sourceOffsets: number[] = [];
    let sql = '';
    for (let index = 1; index < expression.length - 1; index++) {
      sql += expression[index];
      sourceOffsets.push(literalStart + index);
      if (expression[index] === "'" && expression[index + 1] === "'") index++;
    }
    this.readEmbedded(sql, literalStart + 1, this.facts, (index) =>
      index < sourceOffsets.length
        ? (sourceOffsets[index] as number)
        : literalStart + expression.length - 1,
    );
  }

  private raise(statement: Raise, bindings: Bindings): void {
    const level = RAISE_LEVELS[statement.elog_level ?? 18] ?? 'NOTICE';
    const at = this.raiseLocation(statement.lineno);
    const values: ValueSource[] = [];
    const triggerFields: string[] = [];
    for (const parameter of statement.params ?? []) {
      const expression = parameter.PLpgSQL_expr?.query?.trim() ?? '';
      const field = /^(\w+)\.(\w+)$/.exec(expression);
      if (field) {
        const [, owner = '', column = ''] = field;
        const lowerOwner = owner.toLowerCase();
        if (lowerOwner === 'new' || lowerOwner === 'old') {
          triggerFields.push(column);
          continue;
        }
        const shape = bindings.records.get(owner);
        const value = shape ? fieldValue(shape, column) : undefined;
        if (value) values.push(value);
        continue;
      }
      const variable = bindings.variables.get(expression);
      if (variable) values.push(variable);
    }
    if (values.length > 0) {
      this.facts.push({
        kind: 'data-sent',
        at,
        sink: { type: 'log', logger: `RAISE ${level}` },
        values,
      });
    }
    if (triggerFields.length > 0 && this.functionName) {
      let byFunction = pendingTriggerLogs.get(this.context.source);
      if (!byFunction) {
        byFunction = new Map();
        pendingTriggerLogs.set(this.context.source, byFunction);
      }
      const list = byFunction.get(this.functionName) ?? [];
      list.push({ at, fields: triggerFields, level });
      byFunction.set(this.functionName, list);
    }
  }

  /** A SELECT's output columns and their sources, by name and in order. */
  private outputsOf(query: string, start: number): RecordShape | undefined {
    let statement: Node | undefined;
    try {
      statement = (parseSync(query).stmts ?? [])[0]?.stmt;
    } catch {
      return undefined;
    }
    if (!statement || !('SelectStmt' in statement)) return undefined;
    const toChar = byteToCharOffsets(query);
    const context: StatementContext = {
      source: this.context.source,
      start,
      end: start + query.length,
      charAt: (byte) => start + toChar(byte),
    };
    const fields = new Map<string, ValueSource>();
    const starTables: TableName[] = [];
    for (const output of selectOutputs(statement.SelectStmt, undefined, context)) {
      const star = output.value.from.find((column) => column.column === '*');
      if (output.name === '*' && star) starTables.push(star.table);
      else fields.set(output.name, output.value);
    }
    return { fields, starTables };
  }

  /** Offset in the source of a query the parser quotes from line `lineno` of the body. */
  private queryStart(query: string, lineno: number | undefined): number | undefined {
    const bodyStart = this.body.start;
    if (bodyStart === undefined) return this.context.start;
    const lineStart = this.lineStarts[(lineno ?? 1) - 1] ?? 0;
    // The parser blanks `INTO …` with spaces: look for the text before the first blank run.
    const probe = query.split(/\s{2,}/)[0]?.slice(0, 40) ?? query;
    const index = this.body.text.indexOf(probe, lineStart);
    return bodyStart + (index >= 0 ? index : lineStart);
  }

  private raiseLocation(lineno: number | undefined): SourceLocation {
    const bodyStart = this.body.start;
    if (bodyStart === undefined)
      return this.context.source.locate(this.context.start, this.context.end);
    const lineStart = this.lineStarts[(lineno ?? 1) - 1] ?? 0;
    const match = /raise\b/i.exec(this.body.text.slice(lineStart));
    const start = match ? lineStart + match.index : lineStart;
    const semicolon = this.body.text.indexOf(';', start);
    const end = semicolon >= 0 ? semicolon : start;
    return this.context.source.locate(bodyStart + start, bodyStart + end);
  }
}

function fieldValue(shape: RecordShape, field: string): ValueSource | undefined {
  const named = shape.fields.get(field);
  if (named) return named;
  const from: ColumnName[] = shape.starTables.map((table) => ({ table, column: field }));
  return from.length > 0 ? { from, transform: 'copy' } : undefined;
}

interface Expression {
  PLpgSQL_expr?: { query?: string };
}

interface ExecSql {
  lineno?: number;
  sqlstmt?: Expression;
  into?: boolean;
  target?: {
    PLpgSQL_row?: { fields?: { name?: string }[] };
    PLpgSQL_rec?: { refname?: string };
  };
}

interface ForLoop {
  lineno?: number;
  var?: { PLpgSQL_rec?: { refname?: string }; PLpgSQL_row?: { refname?: string } };
  query?: Expression;
  body?: unknown;
}

interface DynExecute {
  lineno?: number;
  query?: Expression;
}

interface Raise {
  lineno?: number;
  elog_level?: number;
  params?: Expression[];
}
