/**
 * node-postgres and every driver of the same shape: SQL text and its values handed to a method
 * (`client.query('INSERT INTO accounts (a, b) VALUES ($1, $2)', [x, y])`, `pool.query({ text,
 * values })`). The same methods of mysql2 (`execute`), pg-promise (`any`, `one`, `none`),
 * better-sqlite3 (`all`, `get`, `run`), knex (`raw`) and Prisma (`$queryRawUnsafe`) are read the
 * same way; what a method returns (a result with `rows`, the rows, one row) is in `RAW_RESULT`.
 */
import { ts } from '../morph.js';
import type { Value } from '../data-flow/values.js';
import type { Script } from '../data-scripts/script.js';
import {
  EXECUTE_RAW,
  analyse,
  emitParameterisedCopy,
  isWriteStatement,
  parametersOf,
  returningValue,
  selectValue,
} from '../data-scripts/sql-text.js';
import { resultShape, stripParentheses } from '../data-scripts/syntax.js';
import type { ClientCalls } from '../tool.js';

/** Raw SQL methods and the shape of what they return. */
const RAW_RESULT: Record<string, 'result' | 'rows' | 'row' | 'none'> = {
  query: 'result',
  raw: 'result',
  execute: 'result',
  unsafe: 'rows',
  $queryRaw: 'rows',
  $queryRawUnsafe: 'rows',
  any: 'rows',
  many: 'rows',
  manyOrNone: 'rows',
  all: 'rows',
  one: 'row',
  oneOrNone: 'row',
  get: 'row',
  none: 'none',
  run: 'none',
  exec: 'none',
  $executeRaw: 'none',
  $executeRawUnsafe: 'none',
};

export function rawRead(script: Script, call: ts.CallExpression): Value | undefined {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const shapeOfResult = Object.hasOwn(RAW_RESULT, callee.name.text)
    ? RAW_RESULT[callee.name.text]
    : undefined;
  if (!shapeOfResult || shapeOfResult === 'none') return undefined;
  const analysed = analyse(script, call.arguments[0]);
  if (!analysed) return undefined;
  const row =
    selectValue(script, call, analysed.shape, callee.expression) ??
    returningValue(script, call, analysed.shape, analysed.fragment, callee.expression);
  if (!row) return undefined;
  return resultShape(row, shapeOfResult);
}

/** `client.query('INSERT INTO accounts (a, b) VALUES ($1, $2)', [x, y])`: the n-th parameter fills the n-th column. */
export function rawWrite(script: Script, call: ts.CallExpression): boolean {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !Object.hasOwn(RAW_RESULT, callee.name.text)) {
    return false;
  }
  const analysed = analyse(script, call.arguments[0]);
  if (!analysed || (analysed.shape.kind !== 'insert' && analysed.shape.kind !== 'update'))
    return false;
  const parameters = parametersOf(script, call, callee.name.text, analysed.spans);
  emitParameterisedCopy(script, call, analysed.shape, parameters, callee.expression);
  return true;
}

export const nodePostgresClient: ClientCalls = {
  read: (node, script) => (ts.isCallExpression(node) ? rawRead(script, node) : undefined),
  writeSql: (node, script) => ts.isCallExpression(node) && rawWrite(script, node),
  returnsCount(node, script) {
    if (!ts.isCallExpression(node)) return undefined;
    const callee = stripParentheses(node.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    if (EXECUTE_RAW.test(method)) return true;
    if (Object.hasOwn(RAW_RESULT, method) && isWriteStatement(script, node.arguments[0]))
      return true;
    return undefined;
  },
};
