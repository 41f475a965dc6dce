/**
 * SQL text handed to a runner in a data script, whatever the client: `client.query('INSERT …',
 * [x])`, `sql\`SELECT …\``, `{ text, values }`. The text is parsed by the SQL reader with its
 * positions in this file; `${…}` spans become bound parameters, so an interpolated value is
 * followed like a value passed in the parameter list.
 */
import { withoutPassedIn } from '../data-flow/values.js';
import { ts } from '../morph.js';
import type { CopiedColumn, ColumnName, FlowStep, TableName } from '../../../facts.js';
import { analyseQuery } from '../../sql/index.js';
import type { QueryShape, SqlFragment } from '../../sql/index.js';
import { elementOf, isTainted, scalarOf } from '../data-flow/values.js';
import type { Leaf, Value } from '../data-flow/values.js';
import type { Script } from './script.js';
import { identifierOf, objectProperty, sourceOf, stripParentheses } from './syntax.js';
import type { SelectItem } from './syntax.js';

/** Prisma's raw writes: they return the number of rows changed, never rows. */
export const EXECUTE_RAW = /^\$executeRaw(?:Unsafe)?$/;
/** Packages whose `sql` tag builds a query fragment instead of running it. */
export const FRAGMENT_MODULES =
  /^(?:@prisma\/client(?:\/.*)?|drizzle-orm(?:\/.*)?|kysely|slonik|sql-template-strings|sql-template-tag|@databases\/\w+|pg-sql2|@sequelize\/core)$/;

// ── raw SQL ─────────────────────────────────────────────────────────────────────────────────

/** The SQL text handed to a call, with its positions in this file; `${…}` spans become `$n`. */
export function sqlFragmentOf(
  script: Script,
  expression: ts.Expression | undefined,
): { fragment: SqlFragment; spans: ts.Expression[] } | undefined {
  if (!expression) return undefined;
  let node = stripParentheses(expression);
  if (ts.isIdentifier(node)) {
    const initializer = script.tracker.initializerOf(node);
    if (!initializer) return undefined;
    node = stripParentheses(initializer);
  }
  if (ts.isObjectLiteralExpression(node)) {
    const text = objectProperty(node, 'text') ?? objectProperty(node, 'sql');
    return text ? sqlFragmentOf(script, text) : undefined;
  }
  const template = ts.isTaggedTemplateExpression(node) ? node.template : node;
  const pieces: Array<{ text: string; fileOffset: number }> = [];
  const spans: ts.Expression[] = [];
  if (ts.isStringLiteralLike(template)) {
    pieces.push({ text: template.text, fileOffset: template.getStart(script.sourceFile) + 1 });
  } else if (ts.isTemplateExpression(template)) {
    pieces.push({
      text: template.head.text,
      fileOffset: template.head.getStart(script.sourceFile) + 1,
    });
    for (const span of template.templateSpans) {
      spans.push(span.expression);
      const placeholder = script.dialect === 'mysql' ? '?' : `$${spans.length}`;
      pieces.push({ text: placeholder, fileOffset: span.expression.getStart(script.sourceFile) });
      pieces.push({
        text: span.literal.text,
        fileOffset: span.literal.getStart(script.sourceFile) + 1,
      });
    }
  } else {
    return undefined;
  }
  const text = pieces.map((piece) => piece.text).join('');
  if (!/^\s*(?:select|with|insert|update|delete)\b/i.test(text)) return undefined;
  const starts: number[] = [];
  let offset = 0;
  for (const piece of pieces) {
    starts.push(offset);
    offset += piece.text.length;
  }
  const position = (textOffset: number) => {
    let index = 0;
    while (index + 1 < starts.length && (starts[index + 1] as number) <= textOffset) index++;
    const piece = pieces[index] as { fileOffset: number };
    return script.lineIndex.position(piece.fileOffset + textOffset - (starts[index] as number));
  };
  const fragment: SqlFragment = {
    text,
    file: script.file,
    position,
    ...(script.dialect ? { dialect: script.dialect } : {}),
  };
  return { fragment, spans };
}

export function analyse(
  script: Script,
  expression: ts.Expression | undefined,
): { shape: QueryShape; spans: ts.Expression[]; fragment: SqlFragment } | undefined {
  const sql = sqlFragmentOf(script, expression);
  if (!sql) return undefined;
  try {
    const shape = analyseQuery(sql.fragment);
    return shape ? { shape, spans: sql.spans, fragment: sql.fragment } : undefined;
  } catch {
    return undefined;
  }
}

/** True when the SQL handed over is an INSERT, UPDATE or DELETE (its result is a count). */
export function isWriteStatement(script: Script, expression: ts.Expression | undefined): boolean {
  const sql = sqlFragmentOf(script, expression);
  if (!sql) return false;
  if (/^\s*(?:insert|update|delete)\b/i.test(sql.fragment.text)) return true;
  const kind = analyse(script, expression)?.shape.kind;
  return kind === 'insert' || kind === 'update';
}

/**
 * `INSERT … RETURNING id, email`: the returned columns are read back from the target table.
 * The parser's shape does not carry the list, so it is read from the text: plain column names,
 * `t.col`, `col AS alias` and `*`; computed items return no column.
 */
export function returningValue(
  script: Script,
  node: ts.Node,
  shape: QueryShape,
  fragment: SqlFragment,
  via: ts.Expression,
): Value | undefined {
  if (shape.kind !== 'insert' && shape.kind !== 'update') return undefined;
  const text = fragment.text;
  const found = [...text.matchAll(/\breturning\b/gi)].pop();
  if (found?.index === undefined) return undefined;
  const table = script.tableName(
    shape.target.schema ? `${shape.target.schema}.${shape.target.name}` : shape.target.name,
    via,
  );
  const items: SelectItem[] = [];
  let star: TableName | undefined;
  let start = found.index + found[0].length;
  const end = text.replace(/[\s;]*$/, '').length;
  for (const part of `${text.slice(start, end)},`.split(',')) {
    const leading = part.length - part.trimStart().length;
    const item = part.trim();
    const itemStart = start + leading;
    start += part.length + 1;
    const match = /^(?:(?:"[^"]+"|\w+)\.)?(\*|"[^"]+"|\w+)(?:\s+(?:as\s+)?("[^"]+"|\w+))?$/i.exec(
      item,
    );
    if (!match) continue;
    const column = identifierOf(match[1] as string);
    if (column === '*') {
      star = table;
      continue;
    }
    const from = fragment.position(itemStart);
    const to = fragment.position(itemStart + item.length);
    items.push({
      output: match[2] ? identifierOf(match[2]) : column,
      table,
      column,
      at: { file: fragment.file, ...from, endLine: to.line, endColumn: to.column },
    });
  }
  if (items.length === 0 && !star) return undefined;
  return script.rowValue(node, items, star);
}

export function selectValue(
  script: Script,
  node: ts.Node,
  shape: QueryShape,
  via: ts.Expression,
): Value | undefined {
  if (shape.kind !== 'select') return undefined;
  const connection = script.connectionOf(via);
  const aliases = script.environmentOf(via).filter((name) => name !== connection);
  const bind = (column: ColumnName): ColumnName => {
    const table: TableName = { ...column.table };
    if (connection && !table.connection) table.connection = connection;
    if (aliases.length > 0 && !table.connectionAliases) table.connectionAliases = aliases;
    return { table, column: column.column };
  };
  const outputs = shape.outputs.map((output) => ({
    ...output,
    from: output.value.from.map(bind),
  }));
  const columns = outputs.flatMap((output) => output.from);
  if (columns.length === 0) return undefined;
  const step = script.readStep(node, columns, connection);
  const row: Value = {};
  const fields = new Map<string, Value>();
  for (const output of outputs) {
    const starColumn = output.from.find((column) => column.column === '*');
    if (output.name === '*' && starColumn) {
      row.row = {
        table: starColumn.table,
        template: { from: [], transform: 'copy', path: [step] },
      };
      continue;
    }
    if (output.from.length === 0) continue;
    const leaf: Leaf = { from: output.from, transform: output.value.transform, path: [step] };
    if (output.value.via) leaf.via = output.value.via;
    fields.set(output.name, { leaf, at: output.at });
  }
  if (fields.size > 0) row.fields = fields;
  return isTainted(row) ? row : undefined;
}

/** `Prisma.sql`, or a `sql` tag of a query-building package: it builds a fragment, runs nothing. */
export function isFragmentBuilder(script: Script, tag: ts.Expression): boolean {
  const node = stripParentheses(tag);
  if (ts.isPropertyAccessExpression(node)) {
    const owner = stripParentheses(node.expression);
    return ts.isIdentifier(owner) && owner.text === 'Prisma';
  }
  const module = script.importOf(node)?.module;
  return module !== undefined && FRAGMENT_MODULES.test(module);
}

/** The values bound to `$1…$n` / `?`: an array literal, `{ text, values }`, or further arguments. */
export function parametersOf(
  script: Script,
  call: ts.CallExpression,
  method: string,
  spans: ts.Expression[],
): Array<{ expression?: ts.Expression; value?: Value }> {
  if (spans.length > 0) return spans.map((expression) => ({ expression }));
  if (method === '$executeRawUnsafe' || method === '$queryRawUnsafe') {
    return call.arguments.slice(1).map((expression) => ({ expression }));
  }
  const first = call.arguments[0] && script.definitionOf(call.arguments[0]);
  let list: ts.Expression | undefined = call.arguments[1];
  if (first && ts.isObjectLiteralExpression(first)) list = objectProperty(first, 'values');
  if (!list) return [];
  const literal = script.definitionOf(list);
  if (ts.isArrayLiteralExpression(literal)) {
    return literal.elements.map((expression) => ({ expression }));
  }
  const element = elementOf(script.tracker.valueOf(list));
  return element ? Array.from({ length: 64 }, () => ({ value: element, expression: list })) : [];
}

export function emitParameterisedCopy(
  script: Script,
  node: ts.Expression,
  shape: QueryShape,
  parameters: Array<{ expression?: ts.Expression; value?: Value }>,
  via: ts.Expression,
): void {
  if (shape.kind !== 'insert' && shape.kind !== 'update') return;
  const table: TableName = { ...shape.target };
  const connection = script.connectionOf(via);
  if (connection) table.connection = connection;
  const aliases = script.environmentOf(via).filter((name) => name !== connection);
  if (aliases.length > 0) table.connectionAliases = aliases;
  const verb = shape.kind === 'update' ? 'updated' : 'inserted into';
  const writeStep: FlowStep = {
    at: script.locate(node),
    description: `${verb} ${table.name}${connection ? ` through ${connection}` : ''}`,
  };
  const columns: CopiedColumn[] = [];
  const written: Array<{ column: string; value: ts.Expression }> = [];
  for (const column of shape.columns) {
    if (column.parameter === undefined) continue;
    const parameter = parameters[column.parameter - 1];
    if (!parameter) continue;
    if (parameter.expression && !parameter.value) {
      written.push({ column: column.column, value: parameter.expression });
    }
    const value = scalarOf(parameter.value ?? script.tracker.valueOf(parameter.expression));
    if (!value?.leaf) continue;
    columns.push({
      column: column.column,
      value: sourceOf(value.leaf, writeStep),
      at: parameter.expression ? script.locate(parameter.expression) : column.at,
    });
  }
  script.emitJudgedWrites(node, table, `${verb} ${table.name} (SQL)`, written);
  const copied = withoutPassedIn(columns);
  if (copied.length === 0) return;
  script.emit({
    kind: 'data-copied',
    at: script.locate(node),
    target: table,
    via: 'script',
    columns: copied,
  });
}
