/**
 * Drizzle as a client in data scripts: `db.select().from(patients)`,
 * `db.select({ name: patients.fullName }).from(patients)`, `db.insert(accounts).values(rows)` and
 * `db.update(accounts).set({…})`, where the table objects are declared by `pgTable('patients', …)`
 * in the script or in a schema module of the project. A table object's keys are the keys rows
 * carry in JavaScript (`fullName`); its builders name the columns (`text('full_name')`), so reads
 * and writes are reported on the SQL column.
 */
import { posix } from 'node:path';
import { ts } from '../morph.js';
import type { SourceLocation, TableName } from '../../../facts.js';
import type { Value } from '../data-flow/values.js';
import { propertyNameText } from '../data-flow.js';
import { importedDeclaration, importedProjectFile } from '../imports.js';
import type { Script } from '../data-scripts/script.js';
import { chainOf, stripParentheses } from '../data-scripts/syntax.js';
import type { SelectItem, WriteTarget } from '../data-scripts/syntax.js';
import type { ClientCalls } from '../tool.js';
import { lastNameOf } from '../syntax-index.js';

/** `pgTable`, `mysqlTable`, `sqliteTable`, `pgSchema('s').table`, and a project's own `createTable` wrappers named `…Table`. */
const TABLE_FACTORY = /(?:Table|^table)$/;
const SELECTS = /^(?:select|selectDistinct|selectDistinctOn)$/;
/** What may follow `from(t)` in a read: filters, joins, ordering, paging, running it. */
const READ_LINKS =
  /^(?:select|selectDistinct|selectDistinctOn|from|where|\w*[jJ]oin|orderBy|groupBy|having|limit|offset|for|as|\$dynamic|execute|all|get|values|prepare)$/;

interface DrizzleTable {
  /** The variable (`patients`) and the SQL table it declares. */
  variable: string;
  declared?: string;
  /** JavaScript key → SQL column name (`fullName` → `full_name`). */
  columns: Map<string, string>;
}

/** The table object a name refers to, declared in this file or imported from the project. */
function tableObject(script: Script, expression: ts.Expression): DrizzleTable | undefined {
  const node = stripParentheses(expression);
  if (!ts.isIdentifier(node)) return undefined;
  let definition: ts.Node = script.definitionOf(node);
  if (definition === node) {
    const imported = importedDeclaration(script.wrap(node));
    if (imported) definition = imported.compilerNode;
  }
  const table: DrizzleTable = { variable: node.text, columns: new Map() };
  const call = tableCall(definition);
  if (!call) return table;
  const [nameArgument, columnsArgument] = call.arguments;
  if (nameArgument && ts.isStringLiteralLike(nameArgument)) table.declared = nameArgument.text;
  else if (nameArgument && ts.isIdentifier(nameArgument)) {
    const text = script.stringOf(nameArgument);
    if (text !== undefined) table.declared = text;
  }
  const columns = columnsArgument && columnsObject(columnsArgument);
  for (const property of columns?.properties ?? []) {
    if (!ts.isPropertyAssignment(property)) continue;
    const key = propertyNameText(property.name);
    if (!key) continue;
    const builder = chainOf(property.initializer).root;
    const named =
      ts.isCallExpression(builder) && builder.arguments[0]
        ? stripParentheses(builder.arguments[0])
        : undefined;
    table.columns.set(key, named && ts.isStringLiteralLike(named) ? named.text : key);
  }
  return table;
}

/** `pgTable('patients', {…})`, also under `.enableRLS()` and other chained calls. */
function tableCall(definition: ts.Node): ts.CallExpression | undefined {
  let node: ts.Node = definition;
  for (let depth = 0; depth < 4 && ts.isCallExpression(node); depth++) {
    const callee = stripParentheses(node.expression);
    const name = lastNameOf(callee);
    if (TABLE_FACTORY.test(name) && node.arguments.length >= 2) return node;
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    node = stripParentheses(callee.expression);
  }
  return undefined;
}

/** The columns object, or the object a callback returns (`(t) => ({ … })`). */
function columnsObject(argument: ts.Expression): ts.ObjectLiteralExpression | undefined {
  const node = stripParentheses(argument);
  if (ts.isObjectLiteralExpression(node)) return node;
  if (ts.isArrowFunction(node) && ts.isExpression(node.body)) {
    const body = stripParentheses(node.body);
    return ts.isObjectLiteralExpression(body) ? body : undefined;
  }
  return undefined;
}

function tableNameOf(script: Script, table: DrizzleTable, via: ts.Expression): TableName {
  return script.tableName(table.declared ?? table.variable, via);
}

/** `db.select(…).from(patients)…`: the rows of the table, or the fields picked by the select. */
function drizzleRead(script: Script, call: ts.CallExpression): Value | undefined {
  const { links, root } = chainOf(call);
  const [select] = links;
  const from = links.find((link) => link.name === 'from');
  if (!select || !SELECTS.test(select.name) || !from?.args[0]) return undefined;
  if (!links.every((link) => READ_LINKS.test(link.name))) return undefined;
  const source = tableObject(script, from.args[0]);
  if (!source || (!source.declared && source.columns.size === 0)) return undefined;
  const table = tableNameOf(script, source, root);
  const items: SelectItem[] = [];
  const fields = select.args[0] && stripParentheses(select.args[0]);
  if (fields && ts.isObjectLiteralExpression(fields)) {
    for (const property of fields.properties) {
      if (!ts.isPropertyAssignment(property)) continue;
      const output = propertyNameText(property.name);
      const picked = stripParentheses(property.initializer);
      if (!output || !ts.isPropertyAccessExpression(picked)) continue;
      const owner = tableObject(script, picked.expression);
      if (!owner) continue;
      const key = picked.name.text;
      items.push({
        output,
        table: owner.variable === source.variable ? table : tableNameOf(script, owner, root),
        column: owner.columns.get(key) ?? key,
        at: script.locate(property),
      });
    }
    if (items.length === 0) return undefined;
  } else {
    items.push(...everyColumn(source, table, script.locate(from.args[0])));
  }
  const row = script.rowValue(call, items, items.length === 0 ? table : undefined);
  return { element: row };
}

/** Every column of a table object, under its JavaScript key. */
function everyColumn(source: DrizzleTable, table: TableName, at: SourceLocation): SelectItem[] {
  return [...source.columns].map(([key, column]) => ({ output: key, table, column, at }));
}

/**
 * `db.insert(patients).values(…).returning()` (or an update's): the rows written, read back with
 * every column of the table, so logging them logs the rows.
 */
function drizzleReturning(script: Script, call: ts.CallExpression): Value | undefined {
  const { links, root } = chainOf(call);
  const [into] = links;
  const returning = links[links.length - 1];
  if (!into?.args[0] || (into.name !== 'insert' && into.name !== 'update')) return undefined;
  if (returning?.name !== 'returning' || returning.args.length > 0) return undefined;
  const source = tableObject(script, into.args[0]);
  if (!source || (!source.declared && source.columns.size === 0)) return undefined;
  const table = tableNameOf(script, source, root);
  const items = everyColumn(source, table, script.locate(returning.call));
  return { element: script.rowValue(call, items, items.length === 0 ? table : undefined) };
}

/** `db.insert(accounts).values({…})`, `db.update(accounts).set({…})` with a Drizzle table object. */
export function drizzleWrite(script: Script, call: ts.CallExpression): WriteTarget | undefined {
  const { links, root } = chainOf(call);
  const into = links.find((link) => link.name === 'insert' || link.name === 'update');
  const data = links.find((link) => link.name === 'values' || link.name === 'set');
  const tableArgument = into?.args[0];
  if (!into || !data || !tableArgument || !ts.isIdentifier(stripParentheses(tableArgument))) {
    return undefined;
  }
  const target = tableObject(script, tableArgument);
  if (!target) return undefined;
  return {
    table: tableNameOf(script, target, root),
    data: data.args[0],
    verb: into.name === 'update' ? 'updated' : 'inserted into',
    columnOf: (key) => target.columns.get(key) ?? key,
    ...definedInModule(script, tableArgument),
  };
}

/**
 * The file an imported table object comes from, from the scan's folder and without extension:
 * `../db/schema` from `src/services/x.ts` is `src/db/schema`, and so is `@src/db/schema` through
 * a tsconfig path alias. Nothing for packages.
 */
function definedInModule(script: Script, expression: ts.Expression): { definedIn?: string } {
  const module = script.importOf(expression)?.module;
  if (module === undefined) return {};
  if (!module.startsWith('.')) {
    // An alias names a module only when the scan read it: the module is then known by its path.
    const file = importedProjectFile(script.sourceFile, module);
    return file ? { definedIn: withoutExtension(file.path) } : {};
  }
  const resolved = posix.normalize(posix.join(posix.dirname(script.file), module));
  if (resolved.startsWith('..')) return {};
  return { definedIn: withoutExtension(resolved) };
}

function withoutExtension(path: string): string {
  return path.replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '');
}

export const drizzleClient: ClientCalls = {
  read: (node, script) =>
    ts.isCallExpression(node)
      ? (drizzleRead(script, node) ?? drizzleReturning(script, node))
      : undefined,
  write: (call, script) => drizzleWrite(script, call),
};
