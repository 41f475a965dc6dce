/**
 * Sequelize migrations (sequelize-cli and umzug):
 * `module.exports = { up: async (queryInterface, Sequelize) => { … } }`,
 * `export const up = async ({ context: queryInterface }) => { … }`.
 *
 * - `createTable('patients', { full_name: { type: Sequelize.STRING }, email: DataTypes.TEXT })`
 *   defines each column at its property (`field` renames the column, `references` names the key).
 * - addColumn, changeColumn (a retype), renameColumn, removeColumn, renameTable, dropTable at the call.
 * - `queryInterface.sequelize.query(sql)` and `sequelize.query(sql)` are SQL.
 *
 * Sequelize quotes identifiers, so names keep their case. Types are normalised to what the
 * Postgres dialect creates: STRING → varchar(255), DATE → timestamptz, BLOB → bytea.
 */
import type { ts } from '../morph.js';
import { Node } from '../morph.js';
import type { CallExpression } from 'ts-morph';
import type { ColumnDefined, ColumnName, Fact, TableName } from '../../../facts.js';
import { readingThrough, receiverCallsOf } from '../context.js';
import { normaliseWrittenType, tableNameFromText } from '../query-flows.js';
import {
  bindReceivers,
  booleanProperty,
  constInitializerOf,
  isRawNodeInDownMigration,
  memberName,
  numberValue,
  objectProperty,
  propertyNameOf,
  stringProperty,
  stringValue,
  unwrapExpression,
} from '../receivers.js';
import type { ReceiverRules } from '../receivers.js';
import type { OrmExtractor, TsFileContext } from '../types.js';

type SequelizeKind = 'queryInterface' | 'sequelize' | 'dataTypes';

const SEQUELIZE_RULES: ReceiverRules<SequelizeKind> = {
  migrationParameters: ['queryInterface', 'dataTypes'],
  destructured: { context: 'queryInterface' },
  names: {
    queryInterface: 'queryInterface',
    sequelize: 'sequelize',
    Sequelize: 'dataTypes',
    DataTypes: 'dataTypes',
  },
  typeNames: { QueryInterface: 'queryInterface', Sequelize: 'sequelize' },
  properties: {
    queryInterface: { sequelize: 'sequelize' },
    dataTypes: { DataTypes: 'dataTypes' },
  },
  methods: {
    sequelize: { getQueryInterface: 'queryInterface' },
    queryInterface: { getQueryInterface: 'queryInterface' },
  },
  constructors: { Sequelize: 'sequelize' },
};

export const sequelizeExtractor: OrmExtractor = {
  name: 'sequelize',
  applies: (text) => /\bsequelize\b|\bqueryInterface\b|\bQueryInterface\b|\bumzug\b/i.test(text),
  extract(context) {
    const receivers = bindReceivers(context.sourceFile, SEQUELIZE_RULES);
    const groups: { order: number; facts: Fact[] }[] = [];
    const accept = (method: string, receiver: ts.Expression, call: ts.CallExpression) => {
      if (!HANDLERS[method]) return false;
      const kind = receivers.rawKindOf(receiver);
      // umzug's context may be the Sequelize instance: `query` is read on either.
      if (kind !== 'queryInterface' && !(kind === 'sequelize' && method === 'query')) return false;
      return !isRawNodeInDownMigration(call);
    };
    for (const { call, method, nameStart } of receiverCallsOf(
      context.sourceFile,
      HANDLED_METHODS,
      accept,
    )) {
      const handler = HANDLERS[method] as Handler;
      // Attributes defined in another module (a model's exported attributes) are located at this call.
      const facts = readingThrough(context, call, () => handler(context, call));
      if (facts.length > 0) groups.push({ order: nameStart, facts });
    }
    groups.sort((left, right) => left.order - right.order);
    return groups.flatMap((group) => group.facts);
  },
};

type Handler = (context: TsFileContext, call: CallExpression) => Fact[];

const HANDLERS: Record<string, Handler> = {
  query: (context, call) => {
    const sql = call.getArguments()[0];
    return sql ? context.sql(sql) : [];
  },
  createTable,
  addColumn,
  changeColumn,
  renameColumn,
  removeColumn,
  renameTable,
  dropTable,
};

/** `'patients'`, `'audit.patients'`, or `{ tableName: 'patients', schema: 'audit' }`. */
function tableOf(node: Node | undefined): TableName | undefined {
  const text = stringValue(node);
  if (text !== undefined) return tableNameFromText(text);
  const name = stringProperty(node, 'tableName');
  if (name === undefined) return undefined;
  const table = tableNameFromText(name);
  const schema = stringProperty(node, 'schema');
  if (schema !== undefined) table.schema = schema;
  return table;
}

function createTable(context: TsFileContext, call: CallExpression): Fact[] {
  const [tableArg, attributesArg] = call.getArguments();
  const table = tableOf(tableArg);
  if (!table) return [];
  const facts: Fact[] = [
    { kind: 'table-created', at: context.locate(call), table, objectType: 'table' },
  ];
  for (const property of attributePropertiesOf(attributesArg)) {
    const key = propertyNameOf(property);
    if (key === undefined || !Node.isPropertyAssignment(property)) continue;
    const fact = columnFact(context, table, key, property.getInitializer(), property);
    if (fact) facts.push(fact);
  }
  return facts;
}

/**
 * The attributes of a `createTable` written in place, held in a `const` (of this file or exported
 * by a model module: `createTable('patients', PatientAttributes)`), or spread from shared ones
 * (`{ ...baseAttributes, ssn: { type: DataTypes.STRING } }`); a later key replaces an earlier one.
 */
function attributePropertiesOf(node: Node | undefined, depth = 0): Node[] {
  if (!node || depth > 4) return [];
  let value = unwrapExpression(node);
  if (Node.isIdentifier(value)) {
    const initializer = constInitializerOf(value);
    if (!initializer) return [];
    value = unwrapExpression(initializer);
  }
  if (!Node.isObjectLiteralExpression(value)) return [];
  const byKey = new Map<string, Node>();
  for (const property of value.getProperties()) {
    if (Node.isSpreadAssignment(property)) {
      for (const spread of attributePropertiesOf(property.getExpression(), depth + 1)) {
        const key = propertyNameOf(spread);
        if (key !== undefined) byKey.set(key, spread);
      }
      continue;
    }
    const key = propertyNameOf(property);
    if (key !== undefined) byKey.set(key, property);
  }
  return [...byKey.values()];
}

function columnFact(
  context: TsFileContext,
  table: TableName,
  key: string,
  attribute: Node | undefined,
  at: Node,
): ColumnDefined | undefined {
  const value = attribute ? unwrapExpression(attribute) : undefined;
  const options = value && Node.isObjectLiteralExpression(value) ? value : undefined;
  const typeNode = options ? objectProperty(options, 'type') : value;
  const dataType = sequelizeType(typeNode);
  if (dataType === null) return undefined; // VIRTUAL: no column in the database
  const column = stringProperty(options, 'field') ?? key;
  const fact: ColumnDefined = { kind: 'column-defined', at: context.locate(at), table, column };
  if (dataType !== undefined) fact.dataType = dataType;
  if (booleanProperty(options, 'primaryKey') === true) fact.primaryKey = true;
  const references = referencesOf(objectProperty(options, 'references'));
  if (references) fact.references = references;
  return fact;
}

/** `references: { model: 'patients' | { tableName, schema }, key: 'id' }`. */
function referencesOf(node: Node | undefined): ColumnName | undefined {
  const model = objectProperty(node, 'model');
  const table = tableOf(model);
  if (!table) return undefined;
  return { table, column: stringProperty(node, 'key') ?? 'id' };
}

function addColumn(context: TsFileContext, call: CallExpression): Fact[] {
  const [tableArg, columnArg, attributeArg] = call.getArguments();
  const table = tableOf(tableArg);
  const key = stringValue(columnArg);
  if (!table || key === undefined) return [];
  const fact = columnFact(context, table, key, attributeArg, call);
  return fact ? [fact] : [];
}

function changeColumn(context: TsFileContext, call: CallExpression): Fact[] {
  const [tableArg, columnArg, attributeArg] = call.getArguments();
  const table = tableOf(tableArg);
  const column = stringValue(columnArg);
  if (!table || column === undefined || !attributeArg) return [];
  const value = unwrapExpression(attributeArg);
  const typeNode = Node.isObjectLiteralExpression(value) ? objectProperty(value, 'type') : value;
  const dataType = sequelizeType(typeNode);
  if (!dataType) return [];
  return [{ kind: 'column-retyped', at: context.locate(call), table, column, dataType }];
}

function renameColumn(context: TsFileContext, call: CallExpression): Fact[] {
  const [tableArg, oldArg, newArg] = call.getArguments();
  const table = tableOf(tableArg);
  const column = stringValue(oldArg);
  const newName = stringValue(newArg);
  if (!table || column === undefined || newName === undefined) return [];
  return [{ kind: 'column-renamed', at: context.locate(call), table, column, newName }];
}

function removeColumn(context: TsFileContext, call: CallExpression): Fact[] {
  const [tableArg, columnArg] = call.getArguments();
  const table = tableOf(tableArg);
  const column = stringValue(columnArg);
  if (!table || column === undefined) return [];
  return [{ kind: 'column-dropped', at: context.locate(call), table, column }];
}

function renameTable(context: TsFileContext, call: CallExpression): Fact[] {
  const [tableArg, newArg] = call.getArguments();
  const table = tableOf(tableArg);
  const newName = stringValue(newArg) ?? tableOf(newArg)?.name;
  if (!table || newName === undefined) return [];
  return [{ kind: 'table-renamed', at: context.locate(call), table, newName }];
}

function dropTable(context: TsFileContext, call: CallExpression): Fact[] {
  const table = tableOf(call.getArguments()[0]);
  return table ? [{ kind: 'table-dropped', at: context.locate(call), table }] : [];
}

/**
 * The Postgres type a Sequelize data type creates: `DataTypes.STRING` → varchar(255),
 * `Sequelize.STRING(100)` → varchar(100), `'VARCHAR(20)'` as written. `null` for VIRTUAL
 * (no column); undefined when the type cannot be read.
 */
export function sequelizeType(node: Node | undefined): string | null | undefined {
  if (!node) return undefined;
  const value = unwrapExpression(node);
  const written = stringValue(value);
  if (written !== undefined) return normaliseWrittenType(written);
  let name: string | undefined;
  let args: Node[] = [];
  let modifier: string | undefined;
  if (Node.isCallExpression(value)) {
    const callee = value.getExpression();
    if (Node.isPropertyAccessExpression(callee)) name = callee.getName();
    args = value.getArguments();
  } else if (Node.isPropertyAccessExpression(value)) {
    const owner = value.getExpression();
    // DataTypes.STRING.BINARY
    if (Node.isPropertyAccessExpression(owner) && /^[A-Z]+$/.test(owner.getName())) {
      name = owner.getName();
      modifier = value.getName();
    } else {
      name = memberName(value);
    }
  }
  if (name === undefined) return undefined;
  const size = numberValue(args[0]);
  switch (name) {
    case 'STRING':
      return modifier === 'BINARY' ? 'bytea' : `varchar(${size ?? 255})`;
    case 'CHAR':
      return modifier === 'BINARY' ? 'bytea' : `char(${size ?? 255})`;
    case 'TEXT':
      return 'text';
    case 'CITEXT':
      return 'citext';
    case 'TINYINT':
    case 'SMALLINT':
      return 'smallint';
    case 'MEDIUMINT':
    case 'INTEGER':
      return 'integer';
    case 'BIGINT':
      return 'bigint';
    case 'FLOAT':
    case 'DOUBLE':
      return 'double precision';
    case 'REAL':
      return 'real';
    case 'DECIMAL':
    case 'NUMERIC': {
      const scale = numberValue(args[1]);
      if (size === undefined) return 'numeric';
      return scale === undefined ? `numeric(${size})` : `numeric(${size},${scale})`;
    }
    case 'BOOLEAN':
      return 'boolean';
    case 'DATE':
      return 'timestamptz';
    case 'DATEONLY':
      return 'date';
    case 'TIME':
      return 'time';
    case 'BLOB':
      return 'bytea';
    case 'JSON':
      return 'json';
    case 'JSONB':
      return 'jsonb';
    case 'UUID':
      return 'uuid';
    case 'ENUM':
      return 'enum';
    case 'INET':
    case 'CIDR':
    case 'MACADDR':
    case 'HSTORE':
    case 'GEOMETRY':
    case 'GEOGRAPHY':
    case 'TSVECTOR':
      return name.toLowerCase();
    case 'ARRAY': {
      const element = sequelizeType(args[0]);
      return element ? `${element}[]` : undefined;
    }
    case 'VIRTUAL':
      return null;
    default:
      return undefined;
  }
}

/** Method names worth wrapping: the raw-node filter of `receiverCallsOf`. */
const HANDLED_METHODS: ReadonlySet<string> = new Set(Object.keys(HANDLERS));
