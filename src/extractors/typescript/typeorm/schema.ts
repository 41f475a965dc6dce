/**
 * TypeORM migrations and entities.
 *
 * Migrations: `class X implements MigrationInterface { async up(queryRunner: QueryRunner) { … } }`.
 * - `queryRunner.query(sql)` (and `manager.query`, `dataSource.query`) is SQL.
 * - `createTable(new Table({ name, columns: [{ name, type, … }] }))` defines each column at its
 *   object literal; `addColumn(s)`, `changeColumn(s)` (a new name is a rename, a type a retype),
 *   `renameColumn`, `dropColumn(s)`, `renameTable`, `dropTable`, `createView(new View({ expression }))`.
 * - TypeORM has no INSERT … SELECT builder: copies in TypeORM migrations are written as SQL in
 *   `query(…)`, which is read as SQL.
 *
 * Entities (`@Entity('patients') class Patient { @Column() fullName: string }`) are declared schema
 * (cli.md): `table-created` with `declared: true` and a column per column decorator; a column
 * `transformer` that encrypts is encryption evidence.
 *
 * TypeORM quotes identifiers, so names keep their case. Column names of entities are the property
 * names unless `name` says otherwise (TypeORM's default naming strategy); table names default to
 * the class name in snake_case.
 */
import type { ts } from '../morph.js';
import { Node } from '../morph.js';
import type { CallExpression, ClassDeclaration, Decorator, PropertyDeclaration } from 'ts-morph';
import type { ColumnDefined, ColumnName, Fact, TableName } from '../../../facts.js';
import { extractSqlStatement, readingThrough, receiverCallsOf } from '../context.js';
import { elementsOfList, loopedValuesOf } from '../looped-definitions.js';
import { normaliseWrittenType, tableNameFromText } from '../query-flows.js';
import {
  bindReceivers,
  booleanProperty,
  constInitializerOf,
  isRawNodeInDownMigration,
  numberProperty,
  objectProperty,
  stringList,
  stringProperty,
  stringValue,
  unwrapExpression,
} from '../receivers.js';
import type { ReceiverBindings, ReceiverRules } from '../receivers.js';
import type { OrmExtractor, TsFileContext } from '../types.js';
import { appendAll } from '../../../util/append.js';

type TypeormKind = 'queryRunner' | 'manager' | 'dataSource';

const TYPEORM_RULES: ReceiverRules<TypeormKind> = {
  migrationParameters: ['queryRunner'],
  names: { queryRunner: 'queryRunner' },
  typeNames: {
    QueryRunner: 'queryRunner',
    EntityManager: 'manager',
    DataSource: 'dataSource',
    Connection: 'dataSource',
  },
  properties: {
    queryRunner: { manager: 'manager', connection: 'dataSource' },
    dataSource: { manager: 'manager' },
  },
  callbacks: {
    manager: { transaction: 'manager' },
    dataSource: { transaction: 'manager' },
  },
  constructors: { DataSource: 'dataSource' },
};

export const typeormExtractor: OrmExtractor = {
  name: 'typeorm',
  applies: (text) => /\btypeorm\b|\bQueryRunner\b|\bMigrationInterface\b/.test(text),
  extract(context) {
    const facts: Fact[] = [];
    if (/@Entity\s*\(/.test(context.file.text)) appendAll(facts, extractEntities(context));
    const receivers = bindReceivers(context.sourceFile, TYPEORM_RULES);
    const groups: { order: number; facts: Fact[] }[] = [];
    const accept = (method: string, receiver: ts.Expression, call: ts.CallExpression) => {
      if (!MIGRATION_CALLS[method]) return false;
      const kind = receivers.rawKindOf(receiver);
      if (!kind || (kind !== 'queryRunner' && method !== 'query')) return false;
      return !isRawNodeInDownMigration(call);
    };
    for (const { call, method, nameStart } of receiverCallsOf(
      context.sourceFile,
      HANDLED_METHODS,
      accept,
    )) {
      const handler = MIGRATION_CALLS[method] as (scope: CallScope) => Fact[];
      // Definitions read from another module are located at this call.
      const produced = readingThrough(context, call, () => handler({ context, call, receivers }));
      if (produced.length > 0) groups.push({ order: nameStart, facts: produced });
    }
    groups.sort((left, right) => left.order - right.order);
    return [...facts, ...groups.flatMap((group) => group.facts)];
  },
};

interface CallScope {
  context: TsFileContext;
  call: CallExpression;
  receivers: ReceiverBindings<TypeormKind>;
}

const MIGRATION_CALLS: Record<string, (scope: CallScope) => Fact[]> = {
  query: ({ context, call }) => {
    const sql = call.getArguments()[0];
    return sql ? context.sql(sql) : [];
  },
  createTable: createTable,
  addColumn: (scope) => addColumns(scope, false),
  addColumns: (scope) => addColumns(scope, true),
  changeColumn: (scope) => changeColumns(scope, false),
  changeColumns: (scope) => changeColumns(scope, true),
  renameColumn: renameColumn,
  dropColumn: (scope) => dropColumns(scope, false),
  dropColumns: (scope) => dropColumns(scope, true),
  renameTable: renameTable,
  dropTable: dropTable,
  createView: createView,
};

/** Options object of `new Table({…})`, `new TableColumn({…})`, `new View({…})`, or a plain object literal. */
function optionsOf(node: Node | undefined, className: string, depth = 0): Node | undefined {
  if (!node || depth > 3) return undefined;
  const value = unwrapExpression(node);
  if (Node.isObjectLiteralExpression(value)) return value;
  if (Node.isNewExpression(value)) {
    const constructor = value.getExpression();
    if (Node.isIdentifier(constructor) && constructor.getText() === className) {
      const options = value.getArguments()[0];
      return options ? unwrapExpression(options) : undefined;
    }
    return undefined;
  }
  if (Node.isIdentifier(value)) return optionsOf(constInitializerOf(value), className, depth + 1);
  return undefined;
}

/**
 * A table argument: `'patients'`, `'audit.patients'`, `new Table({ name, schema })`, or a `const`
 * holding `await queryRunner.getTable('patients')`.
 */
function tableOf(node: Node | undefined, depth = 0): TableName | undefined {
  if (!node || depth > 3) return undefined;
  const text = stringValue(node);
  if (text !== undefined) return tableNameFromText(text);
  const value = unwrapExpression(node);
  if (Node.isIdentifier(value)) return tableOf(constInitializerOf(value), depth + 1);
  if (Node.isCallExpression(value)) {
    const callee = value.getExpression();
    if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'getTable') {
      return tableOf(value.getArguments()[0], depth + 1);
    }
    return undefined;
  }
  const options = optionsOf(value, 'Table');
  const name = stringProperty(options, 'name');
  if (name === undefined) return undefined;
  const table = tableNameFromText(name);
  const schema = stringProperty(options, 'schema');
  if (schema !== undefined && table.schema === undefined) table.schema = schema;
  return table;
}

/** A column argument given by name or as a `TableColumn`. */
function columnNameOf(node: Node | undefined): string | undefined {
  return stringValue(node) ?? stringProperty(optionsOf(node, 'TableColumn'), 'name');
}

/** Normalised SQL type of TypeORM column options: `type` with `length`, `precision`, `scale`, `isArray`. */
export function typeormColumnType(options: Node | undefined): string | undefined {
  const written = stringProperty(options, 'type');
  if (written === undefined) return undefined;
  const length = numberProperty(options, 'length');
  const precision = numberProperty(options, 'precision');
  const scale = numberProperty(options, 'scale');
  const array =
    booleanProperty(options, 'isArray') === true || booleanProperty(options, 'array') === true;
  return normaliseTypeorm(written, length, precision, scale) + (array ? '[]' : '');
}

/** TypeORM's own type names that are not Postgres's. */
const TYPEORM_TYPE_NAMES: Readonly<Record<string, string>> = {
  float: 'double precision',
  double: 'double precision',
  'simple-json': 'text',
  'simple-array': 'text',
};

function normaliseTypeorm(
  written: string,
  length: number | undefined,
  precision: number | undefined,
  scale: number | undefined,
): string {
  const compact = written.trim().toLowerCase().replace(/\s+/g, ' ');
  const base = TYPEORM_TYPE_NAMES[compact] ?? normaliseWrittenType(compact);
  if (length !== undefined && (base === 'varchar' || base === 'char')) return `${base}(${length})`;
  if (precision !== undefined && base === 'numeric') {
    return scale === undefined ? `numeric(${precision})` : `numeric(${precision},${scale})`;
  }
  return base;
}

function columnFact(
  context: TsFileContext,
  table: TableName,
  options: Node,
  at: Node,
  references?: ColumnName,
): ColumnDefined | undefined {
  const column = stringProperty(options, 'name');
  if (column === undefined) return undefined;
  const fact: ColumnDefined = { kind: 'column-defined', at: context.locate(at), table, column };
  const dataType = typeormColumnType(options);
  if (dataType !== undefined) fact.dataType = dataType;
  if (booleanProperty(options, 'isPrimary') === true) fact.primaryKey = true;
  if (references) fact.references = references;
  return fact;
}

function createTable(scope: CallScope): Fact[] {
  const tableArg = scope.call.getArguments()[0];
  const looped = tableArg ? loopedValuesOf(unwrapExpression(tableArg)) : [];
  if (looped.length > 0) return looped.flatMap((definition) => createTableOf(scope, definition));
  return createTableOf(scope, tableArg);
}

/** `createTable(new Table({…}))`, the definition written in place, in a `const` or in another module. */
function createTableOf({ context, call }: CallScope, tableArg: Node | undefined): Fact[] {
  const table = tableOf(tableArg);
  const options = optionsOf(tableArg, 'Table');
  if (!table) return [];
  const facts: Fact[] = [
    { kind: 'table-created', at: context.locate(call), table, objectType: 'table' },
  ];
  const references = foreignKeysOf(objectProperty(options, 'foreignKeys'));
  const columns = objectProperty(options, 'columns');
  // `columns: [...baseColumns, { name: 'ssn' }]`, `columns: PATIENT_COLUMNS`: lists shared by modules.
  for (const element of columns ? elementsOfList(columns) : []) {
    const column = optionsOf(element, 'TableColumn');
    if (!column) continue;
    const name = stringProperty(column, 'name');
    const fact = columnFact(
      context,
      table,
      column,
      element,
      name ? references.get(name) : undefined,
    );
    if (fact) facts.push(fact);
  }
  return facts;
}

/** `foreignKeys: [{ columnNames: ['patient_id'], referencedTableName: 'patients', referencedColumnNames: ['id'] }]`. */
function foreignKeysOf(node: Node | undefined): Map<string, ColumnName> {
  const references = new Map<string, ColumnName>();
  const list = node ? unwrapExpression(node) : undefined;
  if (!list || !Node.isArrayLiteralExpression(list)) return references;
  for (const element of list.getElements()) {
    const options = optionsOf(element, 'TableForeignKey');
    const target = stringProperty(options, 'referencedTableName');
    if (target === undefined) continue;
    const columns = stringList(objectProperty(options, 'columnNames'));
    const referenced = stringList(objectProperty(options, 'referencedColumnNames'));
    columns.forEach((column, position) => {
      references.set(column, {
        table: tableNameFromText(target),
        column: referenced[position] ?? 'id',
      });
    });
  }
  return references;
}

/** Elements of an array argument, or the one argument itself. */
function elementsOf(node: Node | undefined, many: boolean): Node[] {
  if (!node) return [];
  return many ? elementsOfList(node) : [node];
}

function addColumns({ context, call }: CallScope, many: boolean): Fact[] {
  const [tableArg, columnsArg] = call.getArguments();
  const table = tableOf(tableArg);
  if (!table) return [];
  return elementsOf(columnsArg, many).flatMap((element) => {
    const options = optionsOf(element, 'TableColumn');
    const fact = options ? columnFact(context, table, options, options) : undefined;
    return fact ? [fact] : [];
  });
}

function changeColumns({ context, call }: CallScope, many: boolean): Fact[] {
  const [tableArg, second, third] = call.getArguments();
  const table = tableOf(tableArg);
  if (!table) return [];
  const changes: { oldColumn: Node | undefined; newColumn: Node | undefined }[] = many
    ? elementsOf(second, true).map((element) => ({
        oldColumn: objectProperty(element, 'oldColumn'),
        newColumn: objectProperty(element, 'newColumn'),
      }))
    : [{ oldColumn: second, newColumn: third }];
  return changes.flatMap(({ oldColumn, newColumn }) => {
    const column = columnNameOf(oldColumn);
    const options = optionsOf(newColumn, 'TableColumn');
    if (column === undefined || !options) return [];
    const at = context.locate(options);
    const facts: Fact[] = [];
    const newName = stringProperty(options, 'name');
    if (newName !== undefined && newName !== column) {
      facts.push({ kind: 'column-renamed', at, table, column, newName });
    }
    const dataType = typeormColumnType(options);
    if (dataType !== undefined) {
      facts.push({ kind: 'column-retyped', at, table, column: newName ?? column, dataType });
    }
    return facts;
  });
}

function renameColumn({ context, call }: CallScope): Fact[] {
  const [tableArg, oldArg, newArg] = call.getArguments();
  const table = tableOf(tableArg);
  const column = columnNameOf(oldArg);
  const newName = columnNameOf(newArg);
  if (!table || column === undefined || newName === undefined) return [];
  return [{ kind: 'column-renamed', at: context.locate(call), table, column, newName }];
}

function dropColumns({ context, call }: CallScope, many: boolean): Fact[] {
  const [tableArg, columnsArg] = call.getArguments();
  const table = tableOf(tableArg);
  if (!table) return [];
  const at = context.locate(call);
  return elementsOf(columnsArg, many).flatMap((element) => {
    const column = columnNameOf(element);
    return column === undefined ? [] : [{ kind: 'column-dropped' as const, at, table, column }];
  });
}

function renameTable({ context, call }: CallScope): Fact[] {
  const [tableArg, newArg] = call.getArguments();
  const table = tableOf(tableArg);
  const newName = stringValue(newArg);
  if (!table || newName === undefined) return [];
  return [{ kind: 'table-renamed', at: context.locate(call), table, newName }];
}

function dropTable({ context, call }: CallScope): Fact[] {
  const table = tableOf(call.getArguments()[0]);
  return table ? [{ kind: 'table-dropped', at: context.locate(call), table }] : [];
}

/** `createView(new View({ name, expression: 'SELECT …', materialized }))`: read as `CREATE VIEW name AS SELECT …`. */
function createView({ context, call }: CallScope): Fact[] {
  const options = optionsOf(call.getArguments()[0], 'View');
  const table = tableOf(options ? objectProperty(options, 'name') : undefined);
  if (!options || !table) return [];
  const schema = stringProperty(options, 'schema');
  if (schema !== undefined && table.schema === undefined) table.schema = schema;
  const materialized = booleanProperty(options, 'materialized') === true;
  const expression = objectProperty(options, 'expression');
  const objectType = materialized ? 'materialized-view' : 'view';
  const viewName = [table.schema, table.name]
    .filter((part): part is string => part !== undefined)
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
  const prefix = `CREATE ${materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${viewName} AS `;
  const facts = expression
    ? extractSqlStatement(context, expression, { prefix, anchor: call })
    : [];
  // A query-builder expression is not SQL text: the view still exists.
  if (facts.length === 0)
    return [{ kind: 'table-created', at: context.locate(call), table, objectType }];
  return facts;
}

// ---- entities --------------------------------------------------------------------------------

function decoratorNamed(
  node: { getDecorators(): Decorator[] },
  names: readonly string[],
): Decorator | undefined {
  return node.getDecorators().find((decorator) => names.includes(decorator.getName()));
}

function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

const COLUMN_DECORATORS = [
  'Column',
  'PrimaryColumn',
  'PrimaryGeneratedColumn',
  'CreateDateColumn',
  'UpdateDateColumn',
  'DeleteDateColumn',
  'VersionColumn',
];

function extractEntities(context: TsFileContext): Fact[] {
  const facts: Fact[] = [];
  for (const declaration of context.sourceFile.getClasses()) {
    const entity = decoratorNamed(declaration, ['Entity', 'ViewEntity']);
    if (entity) appendAll(facts, entityFacts(context, declaration, entity));
  }
  return facts;
}

function entityFacts(
  context: TsFileContext,
  entity: ClassDeclaration,
  decorator: Decorator,
): Fact[] {
  const [first, second] = decorator.getArguments();
  const options = first && Node.isObjectLiteralExpression(unwrapExpression(first)) ? first : second;
  const name =
    stringValue(first) ?? stringProperty(options, 'name') ?? snakeCase(entity.getName() ?? '');
  if (!name) return [];
  const table = tableNameFromText(name);
  const schema = stringProperty(options, 'schema');
  if (schema !== undefined && table.schema === undefined) table.schema = schema;
  const objectType = decorator.getName() === 'ViewEntity' ? 'view' : 'table';
  const facts: Fact[] = [
    { kind: 'table-created', at: context.locate(decorator), table, objectType, declared: true },
  ];
  for (const property of entity.getProperties()) {
    const fact = entityColumn(context, table, property) ?? joinColumn(context, table, property);
    if (fact) facts.push(fact);
  }
  return facts;
}

/**
 * `@ManyToOne(() => Patient) @JoinColumn({ name: 'patientId' }) patient`: the foreign key column
 * the relation owns (TypeORM names it `<property>Id` unless `@JoinColumn` says), referencing the
 * target entity's table, so the entity's other columns are known to belong to a patient.
 */
function joinColumn(
  context: TsFileContext,
  table: TableName,
  property: PropertyDeclaration,
): ColumnDefined | undefined {
  const relation = decoratorNamed(property, ['ManyToOne', 'OneToOne']);
  if (!relation) return undefined;
  const join = decoratorNamed(property, ['JoinColumn']);
  // A one-to-one relation owns its key only on the side with @JoinColumn.
  if (relation.getName() === 'OneToOne' && !join) return undefined;
  const target = relation.getArguments()[0];
  const body = target && Node.isArrowFunction(target) ? target.getBody() : undefined;
  const targetName = body && Node.isIdentifier(body) ? body.getText() : undefined;
  if (targetName === undefined) return undefined;
  const options = join?.getArguments()[0];
  const column = stringProperty(options, 'name') ?? `${property.getName()}Id`;
  return {
    kind: 'column-defined',
    at: context.locate(property),
    table,
    column,
    references: { table: { name: snakeCase(targetName) }, column: 'id' },
  };
}

function entityColumn(
  context: TsFileContext,
  table: TableName,
  property: PropertyDeclaration,
): ColumnDefined | undefined {
  const decorator = decoratorNamed(property, COLUMN_DECORATORS);
  if (!decorator) return undefined;
  const kind = decorator.getName();
  const [first, second] = decorator.getArguments();
  const firstValue = first ? unwrapExpression(first) : undefined;
  const options = firstValue && Node.isObjectLiteralExpression(firstValue) ? firstValue : second;
  const writtenType = stringValue(first) ?? stringProperty(options, 'type');
  const column = stringProperty(options, 'name') ?? property.getName();
  const fact: ColumnDefined = {
    kind: 'column-defined',
    at: context.locate(property),
    table,
    column,
  };
  const dataType = entityColumnType(kind, writtenType, options, property);
  if (dataType !== undefined) fact.dataType = dataType;
  if (kind === 'PrimaryColumn' || kind === 'PrimaryGeneratedColumn') fact.primaryKey = true;
  if (booleanProperty(options, 'primary') === true) fact.primaryKey = true;
  const encryption = transformerEncryption(objectProperty(options, 'transformer'));
  if (encryption !== undefined) fact.encryption = encryption;
  return fact;
}

const ENCRYPTING_TEXT = /encrypt|cipher|crypt|seal|kms/i;

/**
 * A column `transformer` that encrypts, by its own text (`new EncryptionTransformer(…)`) or, for a
 * transformer named by a variable or class of the same file, by that definition's text
 * (`const secretColumn = { to: (value) => encryptSecret(value), … }`).
 */
function transformerEncryption(transformer: Node | undefined): string | undefined {
  if (transformer === undefined) return undefined;
  const text = transformer.getText().replace(/\s+/g, ' ').trim();
  if (ENCRYPTING_TEXT.test(text)) return `transformer: ${text.slice(0, 120)}`;
  const sourceFile = transformer.getSourceFile();
  const names = new Set<string>();
  const collect = (node: Node): void => {
    const value = unwrapExpression(node);
    if (Node.isIdentifier(value)) names.add(value.getText());
    else if (Node.isNewExpression(value)) collect(value.getExpression());
    else if (Node.isArrayLiteralExpression(value)) value.getElements().forEach(collect);
  };
  collect(transformer);
  for (const name of names) {
    const defined = sourceFile.getVariableDeclaration(name) ?? sourceFile.getClass(name);
    const writes = Node.isVariableDeclaration(defined)
      ? defined.getInitializer()
      : defined?.getMethod('to');
    if (writes !== undefined && ENCRYPTING_TEXT.test(writes.getText())) {
      return `transformer: ${text.slice(0, 60)}, defined at line ${defined?.getStartLineNumber()} to encrypt`;
    }
  }
  return undefined;
}

function entityColumnType(
  kind: string,
  writtenType: string | undefined,
  options: Node | undefined,
  property: PropertyDeclaration,
): string | undefined {
  if (kind === 'PrimaryGeneratedColumn') {
    return writtenType === 'uuid' ? 'uuid' : writtenType === 'identity' ? 'integer' : 'serial';
  }
  if (kind === 'CreateDateColumn' || kind === 'UpdateDateColumn' || kind === 'DeleteDateColumn') {
    return writtenType
      ? normaliseTypeorm(writtenType, undefined, undefined, undefined)
      : 'timestamp';
  }
  if (kind === 'VersionColumn') return 'integer';
  if (writtenType !== undefined) {
    const length = numberProperty(options, 'length');
    const precision = numberProperty(options, 'precision');
    const scale = numberProperty(options, 'scale');
    const array = booleanProperty(options, 'array') === true;
    return normaliseTypeorm(writtenType, length, precision, scale) + (array ? '[]' : '');
  }
  // No type given: TypeORM maps the property's TypeScript type (Postgres driver defaults).
  const declared = property
    .getTypeNode()
    ?.getText()
    .replace(/\s*\|\s*null\b|\bnull\s*\|\s*/g, '');
  switch (declared) {
    case 'string':
      return 'varchar';
    case 'number':
      return 'integer';
    case 'boolean':
      return 'boolean';
    case 'Date':
      return 'timestamp';
    case 'Buffer':
      return 'bytea';
    default:
      return undefined;
  }
}

/** Method names worth wrapping: the raw-node filter of `receiverCallsOf`. */
const HANDLED_METHODS: ReadonlySet<string> = new Set(Object.keys(MIGRATION_CALLS));
