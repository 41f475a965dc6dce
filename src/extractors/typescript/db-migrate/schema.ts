/**
 * db-migrate migrations: `exports.up = function (db, callback) { db.createTable(…, callback) }`,
 * promise chains and `async` forms. Only the forward direction is read; `down` is never applied.
 */
import { Node } from '../morph.js';
import type { CallExpression } from 'ts-morph';
import type { ColumnName, Fact, TableName } from '../../../facts.js';
import type { OrmExtractor, TsFileContext } from '../types.js';
import { migrationCalls } from '../node-pg-migrate/schema.js';
import { normaliseWrittenType } from '../query-flows.js';
import {
  booleanProperty,
  numberProperty,
  objectProperty,
  propertyNameOf,
  stringProperty,
  stringValue,
} from '../receivers.js';
import type { ReceiverRules } from '../receivers.js';
import { appendAll } from '../../../util/append.js';

/**
 * db-migrate's own vocabulary (its generated `setup`/`_meta` exports, `runSql`, `removeColumn`,
 * `changeColumn`). Sequelize's `queryInterface` shares some method names, so its files are left
 * to the Sequelize extractor.
 */
const DB_MIGRATE_EVIDENCE =
  /\bdbmigrate\b|db-migrate|\bexports\._meta\b|\.runSql\s*\(|\.removeColumn\s*\(|\.changeColumn\s*\(/;
/**
 * A bare db-migrate file (Unleash's `exports.up = function (db, cb) { db.createTable(…) }`) has
 * none of the words above: its `up` takes `db` first and calls the driver's builder on it.
 */
const DB_MIGRATE_UP =
  /\bexports\.up\s*=\s*(?:async\s+)?(?:function\s*\w*\s*\(\s*db\b|\(\s*db\s*(?:,[^)]*)?\)\s*=>|db\s*=>)/;
const DB_MIGRATE_BUILDER = /\bdb\.(?:createTable|addColumn|renameColumn|dropTable|addIndex)\s*\(/;
const OTHER_TOOL_EVIDENCE = /\bqueryInterface\b|\bSequelize\b|\bpgm\b/;

function isDbMigrate(text: string): boolean {
  if (OTHER_TOOL_EVIDENCE.test(text)) return false;
  return (
    DB_MIGRATE_EVIDENCE.test(text) || (DB_MIGRATE_UP.test(text) && DB_MIGRATE_BUILDER.test(text))
  );
}

export const dbMigrateExtractor: OrmExtractor = {
  name: 'db-migrate',
  applies: isDbMigrate,
  extract(context) {
    const facts: Fact[] = [];
    for (const { call, method } of migrationCalls(context.sourceFile, DRIVER_RULES)) {
      const handler = HANDLERS[method];
      if (handler) handler({ context, call, facts });
    }
    return facts;
  },
};

/** The driver db-migrate passes as the first parameter of `up` (`db`). */
const DRIVER_RULES: ReceiverRules<'builder'> = {
  migrationParameters: ['builder'],
};

interface CallScope {
  context: TsFileContext;
  call: CallExpression;
  facts: Fact[];
}

const HANDLERS: Record<string, (scope: CallScope) => void> = {
  createTable,
  addColumn,
  changeColumn,
  renameColumn,
  removeColumn,
  renameTable,
  dropTable,
  runSql,
};

function tableNameOf(node: Node | undefined): TableName | undefined {
  const name = stringValue(node);
  return name === undefined ? undefined : { name };
}

/** `createTable(name, columns, callback)` or `createTable(name, { columns, ifNotExists }, callback)`. */
function createTable(scope: CallScope): void {
  const [nameArg, specArg] = scope.call.getArguments();
  const table = tableNameOf(nameArg);
  if (!table || !specArg || !Node.isObjectLiteralExpression(specArg)) return;
  const nestedColumns = objectProperty(specArg, 'columns');
  const columns =
    nestedColumns && Node.isObjectLiteralExpression(nestedColumns) ? nestedColumns : specArg;
  scope.facts.push({
    kind: 'table-created',
    at: scope.context.locate(scope.call),
    table,
    objectType: 'table',
  });
  for (const property of columns.getProperties()) {
    if (!Node.isPropertyAssignment(property)) continue;
    const column = propertyNameOf(property);
    const initializer = property.getInitializer();
    if (column === undefined || !initializer) continue;
    const definition = columnDefinition(initializer, column);
    if (!definition) continue;
    scope.facts.push({
      kind: 'column-defined',
      at: scope.context.locate(property),
      table,
      column,
      ...definition,
    });
  }
}

/** `addColumn(table, name, spec, callback)`. */
function addColumn(scope: CallScope): void {
  const [nameArg, columnArg, specArg] = scope.call.getArguments();
  const table = tableNameOf(nameArg);
  const column = stringValue(columnArg);
  if (!table || column === undefined || !specArg) return;
  const definition = columnDefinition(specArg, column);
  if (!definition) return;
  scope.facts.push({
    kind: 'column-defined',
    at: scope.context.locate(scope.call),
    table,
    column,
    ...definition,
  });
}

/** `changeColumn(table, name, spec, callback)`: a new type is a retype; other changes are not facts. */
function changeColumn(scope: CallScope): void {
  const [nameArg, columnArg, specArg] = scope.call.getArguments();
  const table = tableNameOf(nameArg);
  const column = stringValue(columnArg);
  if (!table || column === undefined || !specArg) return;
  const dataType = columnDefinition(specArg, column)?.dataType;
  if (dataType === undefined) return;
  scope.facts.push({
    kind: 'column-retyped',
    at: scope.context.locate(scope.call),
    table,
    column,
    dataType,
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

function removeColumn(scope: CallScope): void {
  const [nameArg, columnArg] = scope.call.getArguments();
  const table = tableNameOf(nameArg);
  const column = stringValue(columnArg);
  if (!table || column === undefined) return;
  scope.facts.push({ kind: 'column-dropped', at: scope.context.locate(scope.call), table, column });
}

function renameTable(scope: CallScope): void {
  const [oldArg, newArg] = scope.call.getArguments();
  const table = tableNameOf(oldArg);
  const newName = stringValue(newArg);
  if (!table || newName === undefined) return;
  scope.facts.push({ kind: 'table-renamed', at: scope.context.locate(scope.call), table, newName });
}

function dropTable(scope: CallScope): void {
  const table = tableNameOf(scope.call.getArguments()[0]);
  if (!table) return;
  scope.facts.push({ kind: 'table-dropped', at: scope.context.locate(scope.call), table });
}

/** `runSql(sql, [params], callback)`: `?` parameters are the SQL reader's placeholders. */
function runSql(scope: CallScope): void {
  const statement = scope.call.getArguments()[0];
  if (statement) appendAll(scope.facts, scope.context.sql(statement));
}

interface ColumnDefinition {
  dataType?: string;
  primaryKey?: true;
  references?: ColumnName;
}

/** A column spec: a type (`'string'`, `type.STRING`) or `{ type, length, primaryKey, foreignKey }`. */
function columnDefinition(node: Node, column: string): ColumnDefinition | undefined {
  const shorthand = typeName(node);
  if (shorthand !== undefined) return { dataType: sqlType(shorthand, undefined, undefined) };
  if (!Node.isObjectLiteralExpression(node)) return undefined;
  const type = typeName(objectProperty(node, 'type'));
  const references = foreignKeyOf(objectProperty(node, 'foreignKey'), column);
  return {
    ...(type !== undefined && {
      dataType: sqlType(
        type,
        numberProperty(node, 'length'),
        numberProperty(node, 'precision'),
        numberProperty(node, 'scale'),
      ),
    }),
    ...(booleanProperty(node, 'primaryKey') === true && { primaryKey: true }),
    ...(references && { references }),
  };
}

/** `'string'`, or one of db-migrate's `dataType` constants (`type.STRING`, `dbm.dataType.DATE_TIME`). */
function typeName(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const text = stringValue(node);
  if (text !== undefined) return text;
  if (Node.isPropertyAccessExpression(node)) {
    const constant = node.getName();
    if (/^[A-Z][A-Z0-9_]*$/.test(constant)) return DATA_TYPE_CONSTANTS[constant] ?? constant;
  }
  return undefined;
}

/** The values of db-migrate's `dataType` constants, where they differ from the lowercased name. */
const DATA_TYPE_CONSTANTS: Record<string, string> = {
  DATE_TIME: 'datetime',
  SMALL_INTEGER: 'smallint',
  BIG_INTEGER: 'bigint',
  INTEGER: 'int',
};

/**
 * db-migrate's portable type names, as its Postgres driver writes them. `string` without a
 * length is `varchar(255)`, its documented default; any other name is passed through.
 */
function sqlType(
  type: string,
  length: number | undefined,
  precision: number | undefined,
  scale?: number,
): string {
  const name = type.trim().toLowerCase();
  switch (name) {
    case 'string':
      return `varchar(${length ?? 255})`;
    case 'char':
      return length === undefined ? 'char' : `char(${length})`;
    case 'int':
    case 'integer':
      return 'integer';
    case 'smallint':
    case 'small_integer':
      return 'smallint';
    case 'bigint':
    case 'big_integer':
      return 'bigint';
    case 'datetime':
    case 'date_time':
      return 'timestamp';
    case 'blob':
    case 'binary':
      return 'bytea';
    case 'decimal':
      return precision === undefined
        ? 'numeric'
        : `numeric(${precision}${scale === undefined ? '' : `,${scale}`})`;
    default:
      return normaliseWrittenType(length === undefined ? name : `${name}(${length})`);
  }
}

/** `foreignKey: { name, table, mapping: 'id' | { local: 'remote' }, rules }`. */
function foreignKeyOf(node: Node | undefined, column: string): ColumnName | undefined {
  if (!node || !Node.isObjectLiteralExpression(node)) return undefined;
  const table = stringProperty(node, 'table');
  if (table === undefined) return undefined;
  const mapping = objectProperty(node, 'mapping');
  const target =
    stringValue(mapping) ??
    (mapping && Node.isObjectLiteralExpression(mapping)
      ? stringProperty(mapping, column)
      : undefined);
  return { table: { name: table }, column: target ?? 'id' };
}
