/**
 * node-pg-migrate migrations: `exports.up = (pgm) => { pgm.createTable(…) }` and
 * `export async function up(pgm: MigrationBuilder)`. Only the forward direction is read; `down`
 * is never applied (rules.md, "Judged on the final state").
 *
 * node-pg-migrate quotes every identifier it is given, so table and column names keep the case
 * they are written with, and column types are passed to Postgres verbatim.
 */
import { Node, ts } from '../morph.js';
import type { CallExpression, ObjectLiteralExpression, SourceFile } from 'ts-morph';
import type { AccessChanged, ColumnName, Fact, PolicyCreated, TableName } from '../../../facts.js';
import { extractSqlStatement } from '../context.js';
import { normaliseWrittenType } from '../query-flows.js';
import {
  bindReceivers,
  booleanProperty,
  isRawNodeInDownMigration,
  objectProperty,
  propertyNameOf,
  rawCallsOf,
  stringList,
  stringProperty,
  stringValue,
  wrapNode,
} from '../receivers.js';
import type { ReceiverRules } from '../receivers.js';
import type { OrmExtractor, TsFileContext } from '../types.js';
import { appendAll } from '../../../util/append.js';

/** Evidence that a file is a node-pg-migrate migration, not another tool's `exports.up`. */
const NODE_PG_MIGRATE_EVIDENCE =
  /node-pg-migrate|\bMigrationBuilder\b|\bpgm\b|\bexports\.shorthands\b/;

export const nodePgMigrateExtractor: OrmExtractor = {
  name: 'node-pg-migrate',
  applies: (text) => NODE_PG_MIGRATE_EVIDENCE.test(text),
  extract(context) {
    const facts: Fact[] = [];
    const platform = { hinted: false };
    for (const { call, method } of migrationCalls(context.sourceFile, BUILDER_RULES)) {
      const handler = HANDLERS[method];
      if (handler) handler({ context, call, facts, platform });
    }
    return facts;
  },
};

/** The migration builder: `up(pgm)`, any `pgm`, any parameter typed `MigrationBuilder`. */
const BUILDER_RULES: ReceiverRules<'builder'> = {
  migrationParameters: ['builder'],
  names: { pgm: 'builder' },
  typeNames: { MigrationBuilder: 'builder' },
};

/** A call `<builder>.<method>(…)` in the forward direction of a migration. */
export interface MigrationCall {
  call: CallExpression;
  method: string;
}

/**
 * Calls on a migration builder, in source order, outside `down` (never applied). db-migrate's
 * migrations have the same shape, so its extractor reads them through this too.
 */
export function migrationCalls(
  sourceFile: SourceFile,
  rules: ReceiverRules<'builder'>,
): MigrationCall[] {
  const receivers = bindReceivers(sourceFile, rules);
  const calls: MigrationCall[] = [];
  // Matched on the raw compiler nodes: only the builder's own calls are wrapped.
  for (const call of rawCallsOf(sourceFile)) {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee)) continue;
    if (receivers.rawKindOf(callee.expression) !== 'builder') continue;
    if (isRawNodeInDownMigration(call)) continue;
    calls.push({
      call: wrapNode(sourceFile, call) as CallExpression,
      method: callee.name.getText(sourceFile.compilerNode),
    });
  }
  return calls;
}

interface CallScope {
  context: TsFileContext;
  call: CallExpression;
  facts: Fact[];
  /** Like the SQL reader, the first Supabase evidence of a file is reported once. */
  platform: { hinted: boolean };
}

type Handler = (scope: CallScope) => void;

const HANDLERS: Record<string, Handler> = {
  createTable: createTable,
  addColumns: addColumns,
  addColumn: addColumns,
  alterColumn: alterColumn,
  renameColumn: renameColumn,
  dropColumns: dropColumns,
  dropColumn: dropColumns,
  renameTable: renameTable,
  dropTable: dropTable,
  alterTable: alterTable,
  createPolicy: createPolicy,
  grantOnTables: (scope) => grantOnTables(scope, 'access-granted'),
  revokeOnTables: (scope) => grantOnTables(scope, 'access-revoked'),
  grantOnSchemas: (scope) => grantOnSchemas(scope, 'access-granted'),
  revokeOnSchemas: (scope) => grantOnSchemas(scope, 'access-revoked'),
  createView: (scope) => createView(scope, 'VIEW'),
  createMaterializedView: (scope) => createView(scope, 'MATERIALIZED VIEW'),
  sql: rawSql,
};

/** A node-pg-migrate `Name`: `'patients'`, `'public.patients'` is NOT split (it is quoted as one name), or `{ schema, name }`. */
function tableNameOf(node: Node | undefined): TableName | undefined {
  if (!node) return undefined;
  const text = stringValue(node);
  if (text !== undefined) return { name: text };
  if (Node.isObjectLiteralExpression(node)) {
    const name = stringProperty(node, 'name');
    if (name === undefined) return undefined;
    const schema = stringProperty(node, 'schema');
    return schema === undefined ? { name } : { name, schema };
  }
  return undefined;
}

function createTable(scope: CallScope): void {
  const [nameArg, columnsArg, optionsArg] = scope.call.getArguments();
  const table = tableNameOf(nameArg);
  if (!table || !columnsArg || !Node.isObjectLiteralExpression(columnsArg)) return;
  scope.facts.push({
    kind: 'table-created',
    at: scope.context.locate(scope.call),
    table,
    objectType: 'table',
  });
  const compositeKey = new Set<string>();
  if (optionsArg && Node.isObjectLiteralExpression(optionsArg)) {
    const constraints = objectProperty(optionsArg, 'constraints');
    if (constraints && Node.isObjectLiteralExpression(constraints)) {
      for (const column of stringList(objectProperty(constraints, 'primaryKey'))) {
        compositeKey.add(column);
      }
    }
  }
  pushColumns(scope, table, columnsArg, compositeKey);
}

function addColumns(scope: CallScope): void {
  const [nameArg, columnsArg] = scope.call.getArguments();
  const table = tableNameOf(nameArg);
  if (!table || !columnsArg || !Node.isObjectLiteralExpression(columnsArg)) return;
  pushColumns(scope, table, columnsArg, new Set());
}

function pushColumns(
  scope: CallScope,
  table: TableName,
  columns: ObjectLiteralExpression,
  compositeKey: ReadonlySet<string>,
): void {
  for (const property of columns.getProperties()) {
    if (!Node.isPropertyAssignment(property) && !Node.isShorthandPropertyAssignment(property)) {
      continue;
    }
    const column = propertyNameOf(property);
    if (column === undefined) continue;
    const definition = Node.isPropertyAssignment(property)
      ? columnDefinition(property.getInitializerOrThrow())
      : undefined;
    if (!definition) continue;
    scope.facts.push({
      kind: 'column-defined',
      at: scope.context.locate(property),
      table,
      column,
      ...(definition.dataType !== undefined && { dataType: definition.dataType }),
      ...((definition.primaryKey || compositeKey.has(column)) && { primaryKey: true }),
      ...(definition.references && { references: definition.references }),
    });
  }
}

interface ColumnDefinition {
  dataType?: string;
  primaryKey: boolean;
  references?: ColumnName;
}

/** A column as node-pg-migrate takes it: a type string (`'id'` is `serial primary key`) or `{ type, primaryKey, references, … }`. */
function columnDefinition(node: Node): ColumnDefinition | undefined {
  const shorthand = stringValue(node);
  if (shorthand !== undefined) {
    if (shorthand === 'id') return { dataType: 'serial', primaryKey: true };
    return { dataType: normaliseWrittenType(shorthand), primaryKey: false };
  }
  if (!Node.isObjectLiteralExpression(node)) return undefined;
  const type = stringProperty(node, 'type');
  const references = referenceOf(objectProperty(node, 'references'));
  return {
    ...(type !== undefined && { dataType: normaliseWrittenType(type) }),
    primaryKey: booleanProperty(node, 'primaryKey') === true,
    ...(references && { references }),
  };
}

/**
 * `references: 'patients'`, `'patients(id)'` or `{ schema, name }`. With no column, Postgres
 * references the target's primary key; node-pg-migrate's convention (and its `id` shorthand)
 * makes that `id`.
 */
function referenceOf(node: Node | undefined): ColumnName | undefined {
  if (!node) return undefined;
  const text = stringValue(node);
  if (text !== undefined) {
    const match = /^\s*"?([^"(]+?)"?\s*(?:\(\s*"?([^")]+?)"?\s*\))?\s*$/.exec(text);
    if (!match?.[1]) return undefined;
    return { table: { name: match[1] }, column: match[2] ?? 'id' };
  }
  const table = tableNameOf(node);
  return table ? { table, column: 'id' } : undefined;
}

function alterColumn(scope: CallScope): void {
  const [nameArg, columnArg, optionsArg] = scope.call.getArguments();
  const table = tableNameOf(nameArg);
  const column = stringValue(columnArg);
  if (
    !table ||
    column === undefined ||
    !optionsArg ||
    !Node.isObjectLiteralExpression(optionsArg)
  ) {
    return;
  }
  const typeNode = objectProperty(optionsArg, 'type');
  const type = stringValue(typeNode);
  if (type === undefined) return;
  const usingNode = objectProperty(optionsArg, 'using');
  if (usingNode && stringValue(usingNode) !== undefined) {
    // The USING expression decides whether encryption is removed; let the SQL reader judge it,
    // from the statement node-pg-migrate would run, with the expression at its own position.
    const facts = extractSqlStatement(scope.context, usingNode, {
      prefix: `ALTER TABLE ${quoteTable(table)} ALTER COLUMN ${quoteIdentifier(column)} SET DATA TYPE ${type} USING `,
      anchor: scope.call,
    });
    for (const fact of facts) {
      if (fact.kind === 'column-retyped') {
        scope.facts.push({ ...fact, at: scope.context.locate(scope.call), table });
      }
    }
    if (facts.some((fact) => fact.kind === 'column-retyped')) return;
  }
  scope.facts.push({
    kind: 'column-retyped',
    at: scope.context.locate(scope.call),
    table,
    column,
    dataType: normaliseWrittenType(type),
  });
}

function renameColumn(scope: CallScope): void {
  const [nameArg, oldArg, newArg] = scope.call.getArguments();
  const table = tableNameOf(nameArg);
  const column = stringValue(oldArg);
  const newName = stringValue(newArg);
  if (!table || column === undefined || newName === undefined) return;
  scope.facts.push({
    kind: 'column-renamed',
    at: scope.context.locate(scope.call),
    table,
    column,
    newName,
  });
}

function dropColumns(scope: CallScope): void {
  const [nameArg, columnsArg] = scope.call.getArguments();
  const table = tableNameOf(nameArg);
  if (!table || !columnsArg) return;
  // `columns` is a name, a list of names, or an object whose keys are the names.
  const columns = Node.isObjectLiteralExpression(columnsArg)
    ? columnsArg.getProperties().flatMap((property) => {
        const name = propertyNameOf(property);
        return name === undefined ? [] : [name];
      })
    : stringList(columnsArg);
  const at = scope.context.locate(scope.call);
  for (const column of columns) {
    scope.facts.push({ kind: 'column-dropped', at, table, column });
  }
}

function renameTable(scope: CallScope): void {
  const [oldArg, newArg] = scope.call.getArguments();
  const table = tableNameOf(oldArg);
  const newName = tableNameOf(newArg)?.name;
  if (!table || newName === undefined) return;
  scope.facts.push({ kind: 'table-renamed', at: scope.context.locate(scope.call), table, newName });
}

function dropTable(scope: CallScope): void {
  const table = tableNameOf(scope.call.getArguments()[0]);
  if (!table) return;
  scope.facts.push({ kind: 'table-dropped', at: scope.context.locate(scope.call), table });
}

/** `alterTable(t, { levelSecurity })`: `FORCE`/`NO FORCE` only change whether the owner is bound, not whether RLS is on. */
function alterTable(scope: CallScope): void {
  const [nameArg, optionsArg] = scope.call.getArguments();
  const table = tableNameOf(nameArg);
  if (!table || !optionsArg || !Node.isObjectLiteralExpression(optionsArg)) return;
  const levelSecurity = stringProperty(optionsArg, 'levelSecurity');
  const mode = levelSecurity?.trim().toUpperCase();
  if (mode !== 'ENABLE' && mode !== 'DISABLE') return;
  scope.facts.push({
    kind: 'row-security-changed',
    at: scope.context.locate(scope.call),
    table,
    enabled: mode === 'ENABLE',
  });
}

const POLICY_COMMANDS = new Set(['all', 'select', 'insert', 'update', 'delete']);

/** `createPolicy(table, name, { command, role, using, check })`; no `role` means no `TO` clause. */
function createPolicy(scope: CallScope): void {
  const [nameArg, policyArg, optionsArg] = scope.call.getArguments();
  const table = tableNameOf(nameArg);
  const name = stringValue(policyArg);
  if (!table || name === undefined) return;
  const options = optionsArg && Node.isObjectLiteralExpression(optionsArg) ? optionsArg : undefined;
  const command = (stringProperty(options, 'command') ?? 'all').toLowerCase();
  const using = stringProperty(options, 'using');
  const fact: PolicyCreated = {
    kind: 'policy-created',
    at: scope.context.locate(scope.call),
    table,
    name,
    roles: stringList(objectProperty(options, 'role')).map(roleName),
    command: POLICY_COMMANDS.has(command) ? (command as PolicyCreated['command']) : 'all',
    permissive: true,
    usingAlwaysTrue: using !== undefined && isAlwaysTrue(using),
  };
  if (using !== undefined) fact.using = using;
  scope.facts.push(fact);
  hintSupabase(scope, [
    ...listElements(objectProperty(options, 'role')),
    objectProperty(options, 'using'),
  ]);
}

/** `anon` alone is no evidence: PostgREST projects use it too. */
const SUPABASE_ROLES = new Set(['authenticated', 'service_role']);
const SUPABASE_AUTH_CALL = /\bauth\.(?:uid|jwt|role|email)\s*\(/;

/** A Supabase role (`anon`) or auth function (`auth.uid()`) among these nodes: evidence of the platform. */
function hintSupabase(scope: CallScope, nodes: Array<Node | undefined>): void {
  if (scope.platform.hinted) return;
  for (const node of nodes) {
    const text = stringValue(node);
    if (!node || text === undefined) continue;
    const role = roleName(text);
    const evidence = SUPABASE_ROLES.has(role)
      ? `role ${role}`
      : SUPABASE_AUTH_CALL.exec(text)?.[0].replace(/\s*\($/, '()');
    if (evidence === undefined) continue;
    scope.platform.hinted = true;
    scope.facts.push({
      kind: 'platform-hint',
      at: scope.context.locate(node),
      platform: 'supabase',
      evidence,
    });
    return;
  }
}

function listElements(node: Node | undefined): Node[] {
  if (!node) return [];
  return Node.isArrayLiteralExpression(node) ? node.getElements() : [node];
}

/** `true`, `(true)`, `1 = 1`: every row passes. */
export function isAlwaysTrue(expression: string): boolean {
  const bare = expression.replace(/[\s()]/g, '').toLowerCase();
  return bare === 'true' || bare === "'t'" || bare === '1=1';
}

function roleName(role: string): string {
  const trimmed = role.trim();
  return trimmed.startsWith('"') ? trimmed.replace(/^"|"$/g, '') : trimmed.toLowerCase();
}

/** `grantOnTables({ tables, schema, privileges, roles, columns? })`; `tables: 'ALL'` means every table of `schema`. */
function grantOnTables(scope: CallScope, kind: AccessChanged['kind']): void {
  const options = scope.call.getArguments()[0];
  if (!options || !Node.isObjectLiteralExpression(options)) return;
  const tablesNode = objectProperty(options, 'tables');
  const schema = stringProperty(options, 'schema');
  const roles = stringList(objectProperty(options, 'roles')).map(roleName);
  const privileges = privilegeList(objectProperty(options, 'privileges'));
  const columns = stringList(objectProperty(options, 'columns'));
  if (roles.length === 0 || privileges.length === 0) return;
  const at = scope.context.locate(scope.call);
  const tables: TableName[] =
    stringValue(tablesNode)?.toUpperCase() === 'ALL'
      ? [schema === undefined ? { name: '*' } : { name: '*', schema }]
      : tableList(tablesNode).map((table) =>
          table.schema === undefined && schema !== undefined ? { ...table, schema } : table,
        );
  for (const table of tables) {
    scope.facts.push({
      kind,
      at,
      table,
      roles,
      privileges,
      ...(columns.length > 0 && { columns }),
    });
  }
  hintSupabase(scope, listElements(objectProperty(options, 'roles')));
}

/** `grantOnSchemas({ schemas, privileges, roles })` grants on the schema itself (`USAGE`, `CREATE`), not on its tables. */
function grantOnSchemas(scope: CallScope, kind: AccessChanged['kind']): void {
  const options = scope.call.getArguments()[0];
  if (!options || !Node.isObjectLiteralExpression(options)) return;
  const roles = stringList(objectProperty(options, 'roles')).map(roleName);
  const privileges = privilegeList(objectProperty(options, 'privileges'));
  if (roles.length === 0 || privileges.length === 0) return;
  const at = scope.context.locate(scope.call);
  for (const schema of stringList(objectProperty(options, 'schemas'))) {
    scope.facts.push({ kind, at, table: { name: '*', schema }, roles, privileges });
  }
}

function privilegeList(node: Node | undefined): string[] {
  return stringList(node).map((privilege) =>
    privilege
      .trim()
      .toLowerCase()
      .replace(/\s+privileges$/, ''),
  );
}

function tableList(node: Node | undefined): TableName[] {
  if (!node) return [];
  if (Node.isArrayLiteralExpression(node)) {
    return node.getElements().flatMap((element) => {
      const table = tableNameOf(element);
      return table ? [table] : [];
    });
  }
  const table = tableNameOf(node);
  return table ? [table] : [];
}

/** `createView(name, options, 'SELECT …')`: read as the `CREATE VIEW` node-pg-migrate runs, the query at its own position. */
function createView(scope: CallScope, objectKeyword: 'VIEW' | 'MATERIALIZED VIEW'): void {
  const [nameArg, optionsArg, definitionArg] = scope.call.getArguments();
  const table = tableNameOf(nameArg);
  if (!table || !definitionArg || stringValue(definitionArg) === undefined) return;
  const columns =
    optionsArg && Node.isObjectLiteralExpression(optionsArg)
      ? stringList(objectProperty(optionsArg, 'columns'))
      : [];
  const columnList = columns.length > 0 ? ` (${columns.map(quoteIdentifier).join(', ')})` : '';
  const facts = extractSqlStatement(scope.context, definitionArg, {
    prefix: `CREATE ${objectKeyword} ${quoteTable(table)}${columnList} AS `,
    anchor: scope.call,
  });
  const callLocation = scope.context.locate(scope.call);
  for (const fact of facts) {
    // The statement as a whole is the call; its select-list items keep their own positions.
    scope.facts.push(
      fact.kind === 'table-created' || fact.kind === 'data-copied'
        ? { ...fact, at: callLocation }
        : fact,
    );
  }
}

function rawSql(scope: CallScope): void {
  const statement = scope.call.getArguments()[0];
  if (statement) appendAll(scope.facts, scope.context.sql(statement));
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteTable(table: TableName): string {
  return table.schema === undefined
    ? quoteIdentifier(table.name)
    : `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}
