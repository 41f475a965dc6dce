/**
 * Prisma Client in data scripts: `prisma.patient.findMany({ select })` reads, `create`,
 * `createMany`, `update`, `updateMany` and `upsert` write (`upsert` writes both its `create` and
 * its `update` rows). A client is a name containing `prisma`, a `new PrismaClient()`, or the `tx` of
 * `prisma.$transaction(async (tx) => …)`. Models keep the name Prisma gives them (`Patient`).
 */
import { ts } from '../morph.js';
import type { TableName } from '../../../facts.js';
import type { Value } from '../data-flow/values.js';
import type { Script } from '../data-scripts/script.js';
import { objectProperty, stripParentheses } from '../data-scripts/syntax.js';
import type { SelectItem, WriteTarget } from '../data-scripts/syntax.js';
import { propertyNameText } from '../data-flow.js';
import type { ClientCalls } from '../tool.js';

const PRISMA_READS = /^(?:findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow)$/;
const PRISMA_WRITES = /^(?:create|createMany|createManyAndReturn|update|updateMany|upsert)$/;

export function isPrismaClient(script: Script, expression: ts.Expression): boolean {
  const node = stripParentheses(expression);
  const name = ts.isIdentifier(node)
    ? node.text
    : ts.isPropertyAccessExpression(node)
      ? node.name.text
      : '';
  if (/prisma/i.test(name)) return true;
  const definition = script.definitionOf(node);
  if (
    ts.isNewExpression(definition) &&
    /PrismaClient$/.test(definition.expression.getText(script.sourceFile))
  ) {
    return true;
  }
  return (
    ts.isIdentifier(node) && script.transactionOwner(node) !== undefined && /^tx|trx$/.test(name)
  );
}

/** `prisma.patient.findMany(…)` → the delegate's model; the model name is kept as Prisma writes it (`Patient`). */
export function prismaDelegate(script: Script, call: ts.CallExpression, methods: RegExp) {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !methods.test(callee.name.text)) return undefined;
  const delegate = stripParentheses(callee.expression);
  if (!ts.isPropertyAccessExpression(delegate)) return undefined;
  if (!isPrismaClient(script, delegate.expression)) return undefined;
  const model = delegate.name.text;
  if (model.startsWith('$')) return undefined;
  return {
    table: script.tableName(modelName(model), delegate.expression),
    method: callee.name.text,
  };
}

export function prismaRead(script: Script, call: ts.CallExpression): Value | undefined {
  const target = prismaDelegate(script, call, PRISMA_READS);
  if (!target) return undefined;
  const row = rowRead(script, call, target.table, script.definitionOf(call.arguments[0] ?? call));
  return target.method === 'findMany' ? { element: row } : row;
}

/**
 * One model's row as a read returns it: the `select`ed columns (every column when none is), and
 * the related rows `include` brings (`include: { patient: { include: { user: true } } }` gives
 * `visit.patient.user.email`). A relation's model is read from its name as Prisma's convention
 * writes it (`patient` → `Patient`, `visits` → a list of `Visit`); the data script names no schema.
 */
function rowRead(
  script: Script,
  call: ts.CallExpression,
  table: TableName,
  options: ts.Node,
  depth = 0,
): Value {
  const select = ts.isObjectLiteralExpression(options)
    ? objectProperty(options, 'select')
    : undefined;
  const items: SelectItem[] = [];
  if (select && ts.isObjectLiteralExpression(select)) {
    for (const property of select.properties) {
      if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property))
        continue;
      const name = propertyNameText(property.name);
      if (!name) continue;
      if (
        ts.isPropertyAssignment(property) &&
        property.initializer.kind === ts.SyntaxKind.FalseKeyword
      ) {
        continue;
      }
      items.push({ output: name, table, column: name, at: script.locate(property) });
    }
  }
  const row = script.rowValue(call, items, items.length === 0 ? table : undefined);
  const include = ts.isObjectLiteralExpression(options)
    ? objectProperty(options, 'include')
    : undefined;
  if (!include || !ts.isObjectLiteralExpression(include) || depth >= MAX_INCLUDE_DEPTH) return row;
  const related = new Map(row.fields);
  for (const property of include.properties) {
    if (!ts.isPropertyAssignment(property)) continue;
    const name = propertyNameText(property.name);
    const nested = script.definitionOf(property.initializer);
    if (!name || nested.kind === ts.SyntaxKind.FalseKeyword) continue;
    const { model, list } = relatedModel(name);
    const relatedTable: TableName = { ...table, name: model };
    const relatedRow = rowRead(script, call, relatedTable, nested, depth + 1);
    related.set(name, list ? { element: relatedRow, at: script.locate(property) } : relatedRow);
  }
  return { ...row, fields: related };
}

/** Includes nest as deep as a schema's relations do; reading them stops here. */
const MAX_INCLUDE_DEPTH = 4;

/** A relation field's model by Prisma's naming convention: `patient` → `Patient`, `visits` → `Visit` (a list). */
function relatedModel(field: string): { model: string; list: boolean } {
  const list = /[^s]s$/.test(field);
  const singular = !list
    ? field
    : field.endsWith('ies')
      ? `${field.slice(0, -3)}y`
      : field.slice(0, -1);
  return { model: modelName(singular), list };
}

/** A client property or relation field → the model Prisma generated it for (`patient` → `Patient`). */
function modelName(field: string): string {
  return field.charAt(0).toUpperCase() + field.slice(1);
}

export function prismaWrite(script: Script, call: ts.CallExpression): WriteTarget | undefined {
  const target = prismaDelegate(script, call, PRISMA_WRITES);
  if (!target) return undefined;
  const options = call.arguments[0];
  const verb = /^update/.test(target.method) ? 'updated' : 'created in';
  if (!options) return undefined;
  const literal = script.definitionOf(options);
  if (ts.isObjectLiteralExpression(literal)) {
    const data = objectProperty(literal, target.method === 'upsert' ? 'create' : 'data');
    const alsoData = target.method === 'upsert' ? objectProperty(literal, 'update') : undefined;
    return { table: target.table, data, verb, definedIn: 'prisma', ...(alsoData && { alsoData }) };
  }
  return { table: target.table, data: undefined, verb, column: undefined, definedIn: 'prisma' };
}

export const prismaClient: ClientCalls = {
  read: (node, script) => (ts.isCallExpression(node) ? prismaRead(script, node) : undefined),
  write: (call, script) => prismaWrite(script, call),
};
