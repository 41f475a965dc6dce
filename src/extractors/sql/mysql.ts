/**
 * Fallback for statements Postgres cannot parse: MySQL DDL (backticks, ENGINE=…, AUTO_INCREMENT).
 * Uses node-sql-parser's MySQL build only, loaded on first need, one statement at a time (its cost
 * grows faster than linearly with input size). It reads what matters for the schema: CREATE TABLE
 * columns, ALTER TABLE ADD/DROP/RENAME/CHANGE column, RENAME TABLE and DROP TABLE.
 */
import { createRequire } from 'node:module';
import type { ColumnName, Fact, SourceLocation, TableName } from '../../facts.js';
import type { SqlSource } from './context.js';
import { findItemEnd, skipQualifiedName, skipTrivia, splitTopLevelCommas } from './statements.js';
import type { TextSpan } from './statements.js';

/** The parts of node-sql-parser's AST this reader uses. */
interface MysqlColumnRef {
  column?: string | { expr?: { value?: string } };
  loc?: { start: { offset: number }; end: { offset: number } };
}
interface MysqlTableRef {
  db?: string | null;
  table?: string;
}
interface MysqlDefinition {
  dataType?: string;
  length?: number;
  scale?: number;
}
interface MysqlReference {
  table?: MysqlTableRef[];
  definition?: MysqlColumnRef[];
}
interface MysqlCreateDefinition {
  resource?: string;
  column?: MysqlColumnRef;
  definition?: MysqlDefinition | MysqlColumnRef[];
  primary_key?: string;
  constraint_type?: string;
  reference_definition?: MysqlReference;
}
interface MysqlAlterExpression {
  action?: string;
  resource?: string;
  column?: MysqlColumnRef;
  old_column?: MysqlColumnRef;
  definition?: MysqlDefinition;
}
interface MysqlStatement {
  type?: string;
  keyword?: string;
  table?: MysqlTableRef[] | MysqlTableRef[][];
  name?: MysqlTableRef[];
  create_definitions?: MysqlCreateDefinition[];
  expr?: MysqlAlterExpression[];
}
interface MysqlParser {
  astify(sql: string, options?: object): MysqlStatement | MysqlStatement[];
}

let parser: MysqlParser | undefined;

function mysqlParser(): MysqlParser {
  if (!parser) {
    const require = createRequire(import.meta.url);
    // `#mysql-parser` (package.json `imports`): node-sql-parser's MySQL build, bundled into
    // dist/vendor/ at build time so installing piilint does not install its other dialects.
    const { Parser } = require('#mysql-parser') as { Parser: new () => MysqlParser };
    parser = new Parser();
  }
  return parser;
}

const PARSE_OPTIONS = { database: 'mysql', parseOptions: { includeLocations: true } };

/** One statement span of a source, read as MySQL. */
interface MysqlContext {
  source: SqlSource;
  start: number;
  end: number;
}

/**
 * Facts of one statement read as MySQL, or undefined when MySQL cannot parse it either.
 * Statements that parse but are not about the schema give an empty list.
 */
export function extractMysqlStatement(context: MysqlContext): Fact[] | undefined {
  const sql = context.source.text.slice(context.start, context.end);
  let parsed: MysqlStatement | MysqlStatement[];
  try {
    parsed = mysqlParser().astify(sql, PARSE_OPTIONS);
  } catch {
    return undefined;
  }
  const facts: Fact[] = [];
  for (const statement of Array.isArray(parsed) ? parsed : [parsed]) {
    if (statement.type === 'create' && statement.keyword === 'table')
      createTable(statement, context, facts);
    else if (statement.type === 'alter') alterTable(statement, context, facts);
    else if (statement.type === 'drop' && statement.keyword === 'table')
      dropTables(statement, context, facts);
    else if (statement.type === 'rename') renameTables(statement, context, facts);
  }
  return facts;
}

/** Backticked names keep their case; bare names are lowercased like SQL identifiers. */
function identifier(name: string, context: MysqlContext): string {
  const quoted = context.source.text.slice(context.start, context.end).includes(`\`${name}\``);
  return quoted ? name : name.toLowerCase();
}

function tableOf(
  reference: MysqlTableRef | undefined,
  context: MysqlContext,
): TableName | undefined {
  if (!reference?.table) return undefined;
  const name = identifier(reference.table, context);
  return reference.db ? { schema: identifier(reference.db, context), name } : { name };
}

function columnNameOf(
  reference: MysqlColumnRef | undefined,
  context: MysqlContext,
): string | undefined {
  const column = reference?.column;
  const name = typeof column === 'string' ? column : column?.expr?.value;
  return name === undefined ? undefined : identifier(name, context);
}

const MYSQL_TYPE_NAMES: Readonly<Record<string, string>> = {
  int: 'integer',
  double: 'double precision',
  bool: 'boolean',
};

/** Lowercase type with its size: `varchar(255)`, `decimal(10,2)`, `integer`; UNSIGNED and the like are left out. */
function dataTypeOf(definition: MysqlDefinition | undefined): string | undefined {
  if (!definition?.dataType) return undefined;
  const base = definition.dataType.toLowerCase();
  const type = MYSQL_TYPE_NAMES[base] ?? base;
  if (definition.length === undefined) return type;
  return definition.scale === undefined
    ? `${type}(${definition.length})`
    : `${type}(${definition.length},${definition.scale})`;
}

function at(context: MysqlContext, start: number, end: number): SourceLocation {
  return context.source.locate(start, end);
}

function columnStart(
  reference: MysqlColumnRef | undefined,
  context: MysqlContext,
): number | undefined {
  const offset = reference?.loc?.start.offset;
  return offset === undefined ? undefined : context.start + offset;
}

function referenceOf(
  reference: MysqlReference | undefined,
  position: number,
  context: MysqlContext,
) {
  const table = tableOf(reference?.table?.[0], context);
  if (!table) return undefined;
  const column = columnNameOf(reference?.definition?.[position], context) ?? 'id';
  return { table, column };
}

function createTable(statement: MysqlStatement, context: MysqlContext, facts: Fact[]): void {
  const table = tableOf((statement.table as MysqlTableRef[] | undefined)?.[0], context);
  if (!table) return;
  facts.push({
    kind: 'table-created',
    at: at(context, context.start, context.end),
    table,
    objectType: 'table',
  });
  const definitions = statement.create_definitions ?? [];
  const primary = new Set<string>();
  const references = new Map<string, ColumnName>();
  for (const definition of definitions) {
    if (definition.resource !== 'constraint' || !Array.isArray(definition.definition)) continue;
    const type = definition.constraint_type?.toLowerCase();
    definition.definition.forEach((reference, position) => {
      const column = columnNameOf(reference, context);
      if (!column) return;
      if (type === 'primary key') primary.add(column);
      if (type === 'foreign key') {
        const target = referenceOf(definition.reference_definition, position, context);
        if (target) references.set(column, target);
      }
    });
  }
  for (const definition of definitions) {
    if (definition.resource !== 'column' || Array.isArray(definition.definition)) continue;
    const column = columnNameOf(definition.column, context);
    const start = columnStart(definition.column, context);
    if (!column || start === undefined) continue;
    const dataType = dataTypeOf(definition.definition);
    const reference =
      referenceOf(definition.reference_definition, 0, context) ?? references.get(column);
    facts.push({
      kind: 'column-defined',
      at: at(context, start, findItemEnd(context.source.text, start, context.end)),
      table,
      column,
      ...(dataType ? { dataType } : {}),
      ...(definition.primary_key || primary.has(column) ? { primaryKey: true } : {}),
      ...(reference ? { references: reference } : {}),
    });
  }
}

/** Spans of the subcommands after `ALTER TABLE name`. */
function alterSpans(context: MysqlContext): TextSpan[] {
  const text = context.source.text;
  let index = context.start;
  for (const keyword of ['alter', 'table']) {
    index = skipTrivia(text, index, context.end);
    if (text.slice(index, index + keyword.length).toLowerCase() !== keyword) return [];
    index += keyword.length;
  }
  index = skipTrivia(text, index, context.end);
  return splitTopLevelCommas(text, skipQualifiedName(text, index), context.end);
}

function alterTable(statement: MysqlStatement, context: MysqlContext, facts: Fact[]): void {
  const table = tableOf((statement.table as MysqlTableRef[] | undefined)?.[0], context);
  if (!table) return;
  const expressions = statement.expr ?? [];
  const spans = alterSpans(context);
  expressions.forEach((expression, index) => {
    if (expression.resource !== 'column') return;
    const span = spans.length === expressions.length ? spans[index] : undefined;
    const column = columnNameOf(expression.column, context);
    const start = columnStart(expression.column, context) ?? context.start;
    const subcommand = span
      ? at(context, span.start, span.end)
      : at(context, context.start, context.end);
    if (!column) return;
    if (expression.action === 'add') {
      const dataType = dataTypeOf(expression.definition);
      const end = span?.end ?? findItemEnd(context.source.text, start, context.end);
      facts.push({
        kind: 'column-defined',
        at: at(context, start, end),
        table,
        column,
        ...(dataType ? { dataType } : {}),
      });
    } else if (expression.action === 'drop') {
      facts.push({ kind: 'column-dropped', at: subcommand, table, column });
    } else if (expression.action === 'rename' || expression.action === 'change') {
      const oldColumn = columnNameOf(expression.old_column, context);
      if (oldColumn && oldColumn !== column) {
        facts.push({
          kind: 'column-renamed',
          at: subcommand,
          table,
          column: oldColumn,
          newName: column,
        });
      }
      const dataType = dataTypeOf(expression.definition);
      if (expression.action === 'change' && dataType) {
        facts.push({ kind: 'column-retyped', at: subcommand, table, column, dataType });
      }
    }
  });
}

function dropTables(statement: MysqlStatement, context: MysqlContext, facts: Fact[]): void {
  for (const reference of statement.name ?? []) {
    const table = tableOf(reference, context);
    if (table)
      facts.push({ kind: 'table-dropped', at: at(context, context.start, context.end), table });
  }
}

function renameTables(statement: MysqlStatement, context: MysqlContext, facts: Fact[]): void {
  for (const pair of (statement.table ?? []) as MysqlTableRef[][]) {
    const table = tableOf(pair[0], context);
    const renamed = tableOf(pair[1], context);
    if (table && renamed) {
      facts.push({
        kind: 'table-renamed',
        at: at(context, context.start, context.end),
        table,
        newName: renamed.name,
      });
    }
  }
}
