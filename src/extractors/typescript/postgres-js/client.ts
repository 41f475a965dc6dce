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

export const SQL_TAGS = /^(?:sql|\$queryRaw|\$executeRaw|\$queryRawUnsafe)$/;

export function taggedRead(script: Script, node: ts.TaggedTemplateExpression): Value | undefined {
  const tag = stripParentheses(node.tag);
  const name = ts.isIdentifier(tag)
    ? tag.text
    : ts.isPropertyAccessExpression(tag)
      ? tag.name.text
      : '';
  if (!SQL_TAGS.test(name) || EXECUTE_RAW.test(name)) return undefined;
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
  const name = ts.isIdentifier(tag)
    ? tag.text
    : ts.isPropertyAccessExpression(tag)
      ? tag.name.text
      : '';
  if (!SQL_TAGS.test(name)) return false;
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
    if (!SQL_TAGS.test(name) || isFragmentBuilder(script, node.tag)) return false;
    return isWriteStatement(script, node);
  },
};
