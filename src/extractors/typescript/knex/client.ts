/**
 * Knex as a client in data scripts: `db('patients').select('email')`, `db.select(…).from(…)`,
 * `trx('accounts').insert(rows).returning(['id', 'email'])`, `db.batchInsert('t', rows)`. A Knex
 * client is any name ending like one (`krogerDb`, `trx`, `pool`) or a value built by `knex(…)`.
 */
import { ts } from '../morph.js';
import type { TableName } from '../../../facts.js';
import type { Leaf, Value } from '../data-flow/values.js';
import type { Script } from '../data-scripts/script.js';
import { chainOf, receiverName, stripParentheses } from '../data-scripts/syntax.js';
import type { Chain, ChainLink, SelectItem, WriteTarget } from '../data-scripts/syntax.js';
import type { ClientCalls } from '../tool.js';

export const KNEX_WRITES = new Set([
  'insert',
  'update',
  'upsert',
  'del',
  'delete',
  'truncate',
  'increment',
  'decrement',
]);
export const KNEX_AGGREGATES = new Set([
  'count',
  'countDistinct',
  'sum',
  'sumDistinct',
  'avg',
  'avgDistinct',
  'min',
  'max',
]);
export const KNEX_READ_METHODS =
  /^(?:select|first|pluck|column|columns|distinct|from|table|where\w*|orWhere\w*|andWhere\w*|\w*[jJ]oin|orderBy|groupBy|having|limit|offset|as|clone|modify|withSchema|forUpdate|forShare|timeout|stream)$/;
export const KNEX_COLUMN_METHODS = new Set([
  'select',
  'first',
  'column',
  'columns',
  'distinct',
  'pluck',
]);
export const KNEX_JOIN =
  /^(?:join|innerJoin|leftJoin|leftOuterJoin|rightJoin|rightOuterJoin|fullOuterJoin|crossJoin)$/;
export const CLIENT_NAME = /(?:db|knex|trx|tx|sql|database|conn|connection|client|pool|pg|mysql)$/i;

export function isClientLike(script: Script, expression: ts.Expression): boolean {
  const node = stripParentheses(expression);
  const name = receiverName(node);
  if (name && CLIENT_NAME.test(name)) return true;
  const definition = script.definitionOf(node);
  if (ts.isCallExpression(definition)) {
    const callee = stripParentheses(definition.expression);
    const ref = script.importOf(callee);
    if (ref && /^(?:knex|kysely)$/.test(ref.module)) return true;
    if (ts.isCallExpression(callee) && script.requiredModule(callee)?.module === 'knex')
      return true;
  }
  return false;
}

/**
 * A Knex chain whose table call hangs off a property (`this.db('patients').select(…)`) parses as
 * a link named `db`; make that call the root again.
 */
export function knexChainOf(script: Script, call: ts.CallExpression): Chain {
  const chain = chainOf(call);
  const [first, ...rest] = chain.links;
  if (
    first &&
    !ts.isCallExpression(chain.root) &&
    first.args.length === 1 &&
    !KNEX_READ_METHODS.test(first.name) &&
    !KNEX_WRITES.has(first.name) &&
    !/^(?:into|batchInsert|selectFrom|insertInto|updateTable|replaceInto)$/.test(first.name) &&
    script.stringOf(first.args[0]) !== undefined
  ) {
    return { links: rest, root: first.call };
  }
  return chain;
}

export function knexRead(script: Script, call: ts.CallExpression): Value | undefined {
  const { links, root } = knexChainOf(script, call);
  if (links.some((link) => KNEX_WRITES.has(link.name))) return knexReturning(script, call, links);
  if (links.some((link) => KNEX_AGGREGATES.has(link.name))) return undefined;
  if (links.some((link) => link.name === 'batchInsert' || link.name === 'selectFrom'))
    return undefined;
  if (!links.every((link) => KNEX_READ_METHODS.test(link.name))) return undefined;
  let tableText: string | undefined;
  let via: ts.Expression;
  const rootCall = ts.isCallExpression(root) ? root : undefined;
  if (rootCall) {
    tableText = script.stringOf(rootCall.arguments[0]);
    via = rootCall.expression;
    if (rootCall.arguments.length !== 1 || tableText === undefined) return undefined;
    if (!isClientLike(script, via) && !links.some((link) => KNEX_COLUMN_METHODS.has(link.name))) {
      return undefined;
    }
  } else {
    const from = links.find((link) => link.name === 'from' || link.name === 'table');
    tableText = script.stringOf(from?.args[0]);
    via = root;
    if (tableText === undefined || !isClientLike(script, root)) return undefined;
    if (!links.some((link) => KNEX_COLUMN_METHODS.has(link.name))) return undefined;
  }
  const schemaLink = links.find((link) => link.name === 'withSchema');
  const schema = script.stringOf(schemaLink?.args[0]);
  const table = script.tableName(schema ? `${schema}.${tableText}` : tableText, via);
  const tables = script.sourceTables(tableText, table, links, via, (name) => KNEX_JOIN.test(name));
  const items: SelectItem[] = [];
  let star: TableName | undefined;
  let sawColumns = false;
  for (const link of links) {
    if (!KNEX_COLUMN_METHODS.has(link.name)) continue;
    for (const argument of link.args) {
      const parsed = script.selectArguments(argument, tables, table);
      if (!parsed) {
        star = table;
        continue;
      }
      sawColumns ||= parsed.items.length > 0 || parsed.star !== undefined;
      items.push(...parsed.items);
      star ??= parsed.star;
    }
  }
  if (!sawColumns && items.length === 0) star = table;
  const row = script.rowValue(call, items, star);
  const pluck = links.find((link) => link.name === 'pluck');
  if (pluck) {
    const first = items[0];
    const field = first ? row.fields?.get(first.output) : undefined;
    return field ? { element: { leaf: field.leaf as Leaf } } : undefined;
  }
  return links.some((link) => link.name === 'first') ? row : { element: row };
}

/** `db('accounts').insert(row).returning(['id', 'email'])`: the returned columns of the target. */
export function knexReturning(
  script: Script,
  call: ts.CallExpression,
  links: ChainLink[],
): Value | undefined {
  const returning = links.find((link) => link.name === 'returning');
  const target = returning && knexWrite(script, call);
  if (!returning || !target) return undefined;
  const tables = new Map([[target.table.name, target.table]]);
  const items: SelectItem[] = [];
  let star: TableName | undefined;
  for (const argument of returning.args.slice(0, 1)) {
    const parsed = script.selectArguments(argument, tables, target.table);
    if (!parsed) return undefined;
    items.push(...parsed.items);
    star ??= parsed.star;
  }
  if (items.length === 0 && !star) return undefined;
  return { element: script.rowValue(call, items, star) };
}

export function knexWrite(script: Script, call: ts.CallExpression): WriteTarget | undefined {
  const { links, root } = knexChainOf(script, call);
  const batch = links.find((link) => link.name === 'batchInsert');
  if (batch) {
    const tableText = script.stringOf(batch.args[0]);
    if (tableText === undefined) return undefined;
    return { table: script.tableName(tableText, root), data: batch.args[1], verb: 'inserted into' };
  }
  const write = links.find(
    (link) => link.name === 'insert' || link.name === 'update' || link.name === 'upsert',
  );
  if (!write) return undefined;
  if (links.some((link) => /^(?:insertInto|updateTable|selectFrom)$/.test(link.name)))
    return undefined;
  let tableText: string | undefined;
  let via: ts.Expression = root;
  if (ts.isCallExpression(root)) {
    tableText = script.stringOf(root.arguments[0]);
    via = root.expression;
  }
  const named = links.find((link) => /^(?:into|table|from)$/.test(link.name));
  tableText ??= script.stringOf(named?.args[0]);
  if (tableText === undefined) return undefined;
  if (!ts.isCallExpression(root) && !named) return undefined;
  const schema = script.stringOf(links.find((link) => link.name === 'withSchema')?.args[0]);
  const table = script.tableName(schema ? `${schema}.${tableText}` : tableText, via);
  const verb = write.name === 'update' ? 'updated' : 'inserted into';
  const [first, second] = write.args;
  if (write.name === 'update' && first && second && script.stringOf(first) !== undefined) {
    return {
      table,
      data: undefined,
      column: { name: script.stringOf(first) as string, value: second },
      verb,
    };
  }
  return { table, data: first, verb };
}

export const knexClient: ClientCalls = {
  read: (node, script) => (ts.isCallExpression(node) ? knexRead(script, node) : undefined),
  write: (call, script) => knexWrite(script, call),
  /** Writes without `returning` return a count; a `returning` chain returns rows, whatever the builder. */
  returnsCount(node, script) {
    if (!ts.isCallExpression(node)) return undefined;
    const { links, root } = knexChainOf(script, node);
    if (links.some((link) => /^returning/.test(link.name))) return false;
    // `db('t').insert(…)`, `db.insert(…).into('t')`, `db.batchInsert(…)` on a client.
    const client = ts.isCallExpression(root) ? root.expression : root;
    if (
      links.some((link) => KNEX_WRITES.has(link.name) || link.name === 'batchInsert') &&
      isClientLike(script, client)
    ) {
      return true;
    }
    return undefined;
  },
};
