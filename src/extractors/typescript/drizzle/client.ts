/**
 * Drizzle as a client in data scripts: `db.insert(users).values({…})` and
 * `db.update(users).set({…})` with a table object declared by `pgTable('users', …)`.
 */
import { ts } from '../morph.js';
import type { Script } from '../data-scripts/script.js';
import { chainOf, stripParentheses } from '../data-scripts/syntax.js';
import type { WriteTarget } from '../data-scripts/syntax.js';
import type { ClientCalls } from '../tool.js';

/** `db.insert(users).values({…})`, `db.update(users).set({…})` with a Drizzle table object. */
export function drizzleWrite(script: Script, call: ts.CallExpression): WriteTarget | undefined {
  const { links, root } = chainOf(call);
  const into = links.find((link) => link.name === 'insert' || link.name === 'update');
  const data = links.find((link) => link.name === 'values' || link.name === 'set');
  const tableObject = into?.args[0];
  if (!into || !data || !tableObject || !ts.isIdentifier(stripParentheses(tableObject))) {
    return undefined;
  }
  const definition = script.definitionOf(tableObject);
  const declared =
    ts.isCallExpression(definition) &&
    /Table$/.test(definition.expression.getText(script.sourceFile))
      ? script.stringOf(definition.arguments[0])
      : undefined;
  const name = declared ?? (stripParentheses(tableObject) as ts.Identifier).text;
  return {
    table: script.tableName(name, root),
    data: data.args[0],
    verb: into.name === 'update' ? 'updated' : 'inserted into',
  };
}

export const drizzleClient: ClientCalls = {
  write: (call, script) => drizzleWrite(script, call),
};
