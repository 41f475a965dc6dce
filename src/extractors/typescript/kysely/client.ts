/**
 * Kysely as a client in data scripts: `db.selectFrom('patients').select([…]).execute()` and
 * `db.insertInto('accounts').values(rows).execute()`, `updateTable(…).set(…)`.
 */
import { ts } from '../morph.js';
import type { TableName } from '../../../facts.js';
import type { Value } from '../data-flow/values.js';
import type { Script } from '../data-scripts/script.js';
import { chainOf } from '../data-scripts/syntax.js';
import type { SelectItem, WriteTarget } from '../data-scripts/syntax.js';
import type { ClientCalls } from '../tool.js';

const KYSELY_EXECUTE = /^(?:execute|executeTakeFirst|executeTakeFirstOrThrow|stream)$/;

export function kyselyRead(script: Script, call: ts.CallExpression): Value | undefined {
  const { links, root } = chainOf(call);
  const from = links.find((link) => link.name === 'selectFrom');
  const last = links[links.length - 1];
  if (!from || !last || !KYSELY_EXECUTE.test(last.name)) return undefined;
  const tableText = script.stringOf(from.args[0]);
  if (tableText === undefined) return undefined;
  const table = script.tableName(tableText, root);
  const tables = script.sourceTables(
    tableText,
    table,
    links,
    root,
    (name) => name === 'join' || /Join$/i.test(name),
  );
  const items: SelectItem[] = [];
  let star: TableName | undefined;
  for (const link of links) {
    if (link.name === 'selectAll') star = table;
    if (link.name !== 'select') continue;
    for (const argument of link.args) {
      const parsed = script.selectArguments(argument, tables, table);
      if (!parsed) star = table;
      else {
        items.push(...parsed.items);
        star ??= parsed.star;
      }
    }
  }
  if (items.length === 0) star = table;
  const row = script.rowValue(call, items, star);
  return /TakeFirst/.test(last.name) ? row : { element: row };
}

export function kyselyWrite(script: Script, call: ts.CallExpression): WriteTarget | undefined {
  const { links, root } = chainOf(call);
  const into = links.find((link) => /^(?:insertInto|replaceInto|updateTable)$/.test(link.name));
  if (!into) return undefined;
  const data = links.find((link) => link.name === 'values' || link.name === 'set');
  const tableText = script.stringOf(into.args[0]);
  if (!data || tableText === undefined) return undefined;
  return {
    table: script.tableName(tableText, root),
    data: data.args[0],
    verb: into.name === 'updateTable' ? 'updated' : 'inserted into',
  };
}

export const kyselyClient: ClientCalls = {
  read: (node, script) => (ts.isCallExpression(node) ? kyselyRead(script, node) : undefined),
  write: (call, script) => kyselyWrite(script, call),
  /** A write returns a count unless it has `returning`, and only once it is executed. */
  returnsCount(node) {
    if (!ts.isCallExpression(node)) return undefined;
    const { links } = chainOf(node);
    if (links.some((link) => /^returning/.test(link.name))) return false;
    if (links.some((link) => /^(?:insertInto|replaceInto|updateTable|deleteFrom)$/.test(link.name)))
      return links.some((link) => KYSELY_EXECUTE.test(link.name));
    return undefined;
  },
};
