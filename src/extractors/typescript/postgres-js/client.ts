/**
 * postgres.js and every `sql` tag that runs its query: `` sql`SELECT … FROM patients` `` returns
 * the rows, `` sql`INSERT INTO accounts … VALUES (${p.email})` `` writes them, each `${…}` a bound
 * value followed like a parameter. Prisma's `$queryRaw`/`$executeRaw` tags are read the same way;
 * a tag that only builds a fragment (`Prisma.sql`, drizzle's or slonik's `sql`) runs nothing.
 */
import { ts } from '../morph.js';
import type { Value } from '../data-flow/values.js';
import type { Script } from '../data-scripts/script.js';
import {
  EXECUTE_RAW,
  analyse,
  emitParameterisedCopy,
  isFragmentBuilder,
  isWriteStatement,
  returningValue,
  selectValue,
} from '../data-scripts/sql-text.js';
import { stripParentheses, tagClient, tagNameOf } from '../data-scripts/syntax.js';
import type { ClientCalls } from '../tool.js';
import { lastNameOf } from '../syntax-index.js';

export const SQL_TAGS = /^(?:sql|\$queryRaw|\$executeRaw|\$queryRawUnsafe)$/;

/**
 * A tag that runs its query: one named like `sql` (but not slonik's, whose queries are run by the
 * pool method they are handed to, `slonik/client.ts`), or a postgres.js client under any name
 * (`const clinic = postgres(url)`, the `tx` of `clinic.begin(async (tx) => …)`), so a script
 * reading one database and writing another through two clients is followed.
 */
function isRunningTag(script: Script, tag: ts.Expression, name: string): boolean {
  if (SQL_TAGS.test(name)) return script.importOf(tag)?.module !== 'slonik';
  return isPostgresClient(script, tag, 0);
}

function isPostgresClient(script: Script, expression: ts.Expression, depth: number): boolean {
  const node = stripParentheses(expression);
  if (!ts.isIdentifier(node) || depth > 3) return false;
  const definition = script.definitionOf(node);
  if (ts.isCallExpression(definition)) {
    const callee = stripParentheses(definition.expression);
    if (script.importOf(callee)?.module === 'postgres') return true;
  }
  const declared = script.tracker.declarationOf(node);
  const parameter = declared?.parent;
  if (!parameter || !ts.isParameter(parameter)) return false;
  const call = parameter.parent.parent;
  return (
    call !== undefined &&
    ts.isCallExpression(call) &&
    ts.isPropertyAccessExpression(call.expression) &&
    /^(?:begin|savepoint|reserve)$/.test(call.expression.name.text) &&
    isPostgresClient(script, call.expression.expression, depth + 1)
  );
}

export function taggedRead(script: Script, node: ts.TaggedTemplateExpression): Value | undefined {
  const tag = stripParentheses(node.tag);
  const name = lastNameOf(tag);
  if (!isRunningTag(script, tag, name) || EXECUTE_RAW.test(name)) return undefined;
  const analysed = analyse(script, node);
  if (!analysed) return undefined;
  const via = tagClient(tag);
  const row =
    selectValue(script, node, analysed.shape, via) ??
    returningValue(script, node, analysed.shape, analysed.fragment, via);
  return row ? { element: row } : undefined;
}

/** `` sql`INSERT INTO accounts (email) VALUES (${p.email})` ``: each span is the bound value of its column. */
export function taggedWrite(script: Script, node: ts.TaggedTemplateExpression): boolean {
  const tag = stripParentheses(node.tag);
  const name = lastNameOf(tag);
  if (!isRunningTag(script, tag, name)) return false;
  const analysed = analyse(script, node);
  if (!analysed || (analysed.shape.kind !== 'insert' && analysed.shape.kind !== 'update'))
    return false;
  const parameters = analysed.spans.map((span) => ({
    expression: span as ts.Expression,
    value: undefined,
  }));
  emitParameterisedCopy(script, node, analysed.shape, parameters, tagClient(tag));
  return true;
}

export const postgresJsClient: ClientCalls = {
  read: (node, script) =>
    ts.isTaggedTemplateExpression(node) ? taggedRead(script, node) : undefined,
  writeSql: (node, script) => ts.isTaggedTemplateExpression(node) && taggedWrite(script, node),
  returnsCount(node, script) {
    if (!ts.isTaggedTemplateExpression(node)) return undefined;
    const name = tagNameOf(node.tag);
    if (EXECUTE_RAW.test(name)) return true;
    if (!isRunningTag(script, node.tag, name) || isFragmentBuilder(script, node.tag)) return false;
    return isWriteStatement(script, node);
  },
};
