/**
 * Slonik: a query is a `sql` tagged template of the `slonik` package handed to a pool or
 * connection method (`pool.any(sql.unsafe\`SELECT …\`)`, `connection.query(sql.type(Row)\`INSERT
 * … VALUES (${row.email})\`)`). Each `${…}` is a bound value followed like a parameter. What a
 * method returns differs from node-postgres: `anyFirst` is the list of first columns, `oneFirst`
 * one value, `maybeOne` a row or null.
 */
import { ts } from '../morph.js';
import type { Value } from '../data-flow/values.js';
import type { Script } from '../data-scripts/script.js';
import {
  analyse,
  emitParameterisedCopy,
  isWriteStatement,
  returningValue,
  selectValue,
} from '../data-scripts/sql-text.js';
import { chainOf, stripParentheses } from '../data-scripts/syntax.js';
import type { ClientCalls } from '../tool.js';

/** Query methods and what they return. */
const RESULTS: Readonly<Record<string, 'result' | 'rows' | 'row' | 'firsts' | 'first' | 'none'>> = {
  query: 'result',
  any: 'rows',
  many: 'rows',
  one: 'row',
  maybeOne: 'row',
  anyFirst: 'firsts',
  manyFirst: 'firsts',
  oneFirst: 'first',
  maybeOneFirst: 'first',
  exists: 'none',
  stream: 'none',
};

/** The query of a slonik call: its first argument, a template tagged by slonik's `sql`. */
function slonikQuery(script: Script, call: ts.CallExpression) {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (!Object.hasOwn(RESULTS, method)) return undefined;
  const query = call.arguments[0] && stripParentheses(call.arguments[0]);
  if (!query || !ts.isTaggedTemplateExpression(query)) return undefined;
  // `sql`, `sql.unsafe`, `sql.type(Row)`, `sql.typeAlias('row')`: the chain's root is the import.
  let tag: ts.Expression = stripParentheses(query.tag);
  if (ts.isCallExpression(tag)) tag = chainOf(tag).root;
  while (ts.isPropertyAccessExpression(tag)) tag = stripParentheses(tag.expression);
  if (script.importOf(tag)?.module !== 'slonik') return undefined;
  return { method, shape: RESULTS[method], query, client: callee.expression };
}

function slonikRead(script: Script, call: ts.CallExpression): Value | undefined {
  const found = slonikQuery(script, call);
  if (!found || found.shape === 'none') return undefined;
  const analysed = analyse(script, found.query);
  if (!analysed) return undefined;
  const row =
    selectValue(script, call, analysed.shape, found.client) ??
    returningValue(script, call, analysed.shape, analysed.fragment, found.client);
  if (!row) return undefined;
  const first = row.fields?.values().next().value;
  switch (found.shape) {
    case 'result':
      return { fields: new Map([['rows', { element: row }]]) };
    case 'rows':
      return { element: row };
    case 'row':
      return row;
    case 'firsts':
      return first ? { element: first } : undefined;
    default:
      return first;
  }
}

function slonikWrite(script: Script, call: ts.CallExpression): boolean {
  const found = slonikQuery(script, call);
  if (!found) return false;
  const analysed = analyse(script, found.query);
  if (!analysed || (analysed.shape.kind !== 'insert' && analysed.shape.kind !== 'update'))
    return false;
  const parameters = analysed.spans.map((expression) => ({ expression }));
  emitParameterisedCopy(script, call, analysed.shape, parameters, found.client);
  return true;
}

export const slonikClient: ClientCalls = {
  read: (node, script) => (ts.isCallExpression(node) ? slonikRead(script, node) : undefined),
  writeSql: (node, script) => ts.isCallExpression(node) && slonikWrite(script, node),
  returnsCount(node, script) {
    if (!ts.isCallExpression(node)) return undefined;
    const found = slonikQuery(script, node);
    if (!found) return undefined;
    return found.shape === 'none' || isWriteStatement(script, found.query);
  },
};
