/**
 * Syntax helpers shared by the data-script reader and every tool's client calls: call chains,
 * member paths, object properties, tags, and the shapes a client reader hands back (`WriteTarget`,
 * `SelectItem`). Nothing here knows a tool.
 */
import { ts } from '../morph.js';
import type { FlowStep, SourceLocation, TableName, ValueSource } from '../../../facts.js';
import { propertyNameText } from '../data-flow.js';
import type { Leaf, Value } from '../data-flow/values.js';

export interface ChainLink {
  name: string;
  call: ts.CallExpression;
  args: readonly ts.Expression[];
}

/** `root.a(…).b(…)`: the links innermost first and the expression they hang off. */
export interface Chain {
  links: ChainLink[];
  root: ts.Expression;
}

export function chainOf(expression: ts.Expression): Chain {
  const links: ChainLink[] = [];
  let node = expression;
  for (;;) {
    const inner = stripParentheses(node);
    if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression)) {
      links.unshift({ name: inner.expression.name.text, call: inner, args: inner.arguments });
      node = inner.expression.expression;
      continue;
    }
    return { links, root: inner };
  }
}

/** The name a receiver goes by: `db` of `db`, `logger` of `this.logger`; undefined for anything else. */
export function receiverName(node: ts.Expression): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return undefined;
}

export function stripParentheses(node: ts.Expression): ts.Expression {
  let current = node;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isNonNullExpression(current) ||
    ts.isAsExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

/** Property names from a member expression down to its root (`a.b.c` → root `a`, path `b.c`). */
export function memberPath(expression: ts.Expression): { root: ts.Expression; path: string[] } {
  const path: string[] = [];
  let node = stripParentheses(expression);
  while (ts.isPropertyAccessExpression(node)) {
    path.unshift(node.name.text);
    node = stripParentheses(node.expression);
  }
  return { root: node, path };
}

/** What an imported name refers to: the package and the export (`*` namespace, `module` from `require`). */
export interface ImportRef {
  module: string;
  exported: string;
}

export interface SelectItem {
  output: string;
  table: TableName;
  column: string;
  at: SourceLocation;
}

export interface WriteTarget {
  table: TableName;
  /** The value written as rows (an object or an array of objects). */
  data: ts.Expression | undefined;
  /** A single column written by `update('col', value)`. */
  column?: { name: string; value: ts.Expression };
  verb: string;
  /** The column a written key lands in, when the tool maps keys to columns (Drizzle, MikroORM). */
  columnOf?: (key: string) => string;
  /** More rows written by the same call: the `update` half of a Prisma `upsert`. */
  alsoData?: ts.Expression;
  /** Where the written table is defined, when the write names it (`ColumnWritten.tableDefinedIn`). */
  definedIn?: string;
}

// ── helpers ───────────────────────────────────────────────────────────────────────────────────

export function isProcessEnv(expression: ts.Expression): boolean {
  const node = stripParentheses(expression);
  return (
    ts.isPropertyAccessExpression(node) &&
    node.name.text === 'env' &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'process'
  );
}

export function objectProperty(
  object: ts.ObjectLiteralExpression,
  name: string,
): ts.Expression | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === name) {
      return property.initializer;
    }
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name)
      return property.name;
  }
  return undefined;
}

/** The tag's name: `sql`, `$executeRaw` of `tx.$executeRaw`. */
export function tagNameOf(tag: ts.Expression): string {
  const node = stripParentheses(tag);
  if (ts.isIdentifier(node)) return node.text;
  return ts.isPropertyAccessExpression(node) ? node.name.text : '';
}

/** The client a tag runs through: `tx` of `tx.$executeRaw`, the `sql` of postgres.js itself. */
export function tagClient(tag: ts.Expression): ts.Expression {
  const node = stripParentheses(tag);
  return ts.isPropertyAccessExpression(node) && node.name.text.startsWith('$')
    ? node.expression
    : node;
}

/** A SQL identifier as the catalogue names it: quoted keeps its case, unquoted is lowercased. */
export function identifierOf(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1) : text.toLowerCase();
}

/** `'patients as p'` → `p`; `'patients'` → `patients`. */
export function aliasOf(text: string): string {
  const parts = text.trim().split(/\s+as\s+|\s+/i);
  return parts[parts.length - 1] ?? text;
}

export function resultShape(
  row: Value,
  shape: 'result' | 'rows' | 'row' | 'none',
): Value | undefined {
  const rows: Value = { element: row };
  if (shape === 'rows') return rows;
  if (shape === 'row') return row;
  if (shape === 'result') return { fields: new Map([['rows', rows]]), element: rows };
  return undefined;
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export function sourceOf(leaf: Leaf, finalStep: FlowStep): ValueSource {
  const source: ValueSource = {
    from: leaf.from,
    transform: leaf.transform,
    path: [...leaf.path, finalStep],
  };
  if (leaf.via) source.via = leaf.via;
  return source;
}
