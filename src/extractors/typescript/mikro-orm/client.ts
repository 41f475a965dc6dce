/**
 * MikroORM's entity manager in data scripts: `em.find(Patient, where, { fields })` reads,
 * `em.create(Account, data)` (persisted at the next flush), `em.persist(new Account(data))`,
 * `em.insert`, `em.insertMany`, `em.upsert`, `em.nativeInsert` and `em.nativeUpdate` write.
 *
 * Tables and columns are named the way MikroORM names them: `@Entity({ tableName })` and
 * `@Property({ fieldName })` of the entity class when the project declares it (in the script or a
 * module it imports), else the default naming strategy (`PatientRecord` → `patient_record`,
 * `fullName` → `full_name`).
 */
import { ts } from '../morph.js';
import type { TableName } from '../../../facts.js';
import type { Value } from '../data-flow/values.js';
import { propertyNameText } from '../data-flow.js';
import { decoratorOption, entityClassOf, snakeCase } from '../data-scripts/entities.js';
import type { Script } from '../data-scripts/script.js';
import { chainOf, objectProperty, receiverName, stripParentheses } from '../data-scripts/syntax.js';
import type { SelectItem, WriteTarget } from '../data-scripts/syntax.js';
import type { ClientCalls } from '../tool.js';

const MIKRO_ORM_IMPORT = /['"]@mikro-orm\//;
const READS = /^(?:find|findAll|findOne|findOneOrFail|findAndCount|findByCursor)$/;
/** Writes and the position of their data argument (after the entity). */
const WRITES: Readonly<Record<string, number>> = {
  create: 1,
  insert: 1,
  insertMany: 1,
  upsert: 1,
  upsertMany: 1,
  nativeInsert: 1,
  nativeUpdate: 2,
};
const PERSISTS = /^(?:persist|persistAndFlush)$/;

interface EntityNames {
  table: string;
  /** Property → column. */
  columns: Map<string, string>;
}

/** `em`, `this.em`, `orm.em`, `em.fork()`, `entityManager`, or a name bound to one of those. */
function isEntityManager(script: Script, expression: ts.Expression, depth = 0): boolean {
  if (depth > 4) return false;
  const node = stripParentheses(expression);
  const name = receiverName(node);
  if (name && /^(?:em|\w*Em|\w*[eE]ntityManager)$/.test(name)) return true;
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const method = node.expression.name.text;
    if (method === 'fork' || method === 'getEntityManager')
      return method === 'getEntityManager' || isEntityManager(script, node.expression.expression);
  }
  if (ts.isIdentifier(node)) {
    const definition = script.definitionOf(node);
    if (definition !== node) return isEntityManager(script, definition, depth + 1);
  }
  return false;
}

/** The table and columns of an entity class named by `expression` (`Patient`, `'Patient'`). */
function entityNames(
  script: Script,
  expression: ts.Expression | undefined,
): EntityNames | undefined {
  if (!expression) return undefined;
  const node = stripParentheses(expression);
  const written = ts.isIdentifier(node) ? node.text : script.stringOf(node);
  if (!written) return undefined;
  const names: EntityNames = { table: snakeCase(written), columns: new Map() };
  const declaration = ts.isIdentifier(node) ? entityClassOf(script, node) : undefined;
  if (!declaration) return names;
  const tableName = decoratorOption(declaration, 'Entity', ['tableName', 'collection']);
  if (tableName) names.table = tableName;
  for (const member of declaration.members) {
    if (!ts.isPropertyDeclaration(member)) continue;
    const key = propertyNameText(member.name);
    if (!key) continue;
    names.columns.set(
      key,
      decoratorOption(member, undefined, ['fieldName', 'name']) ?? snakeCase(key),
    );
  }
  return names;
}

function tableOf(script: Script, entity: EntityNames, via: ts.Expression): TableName {
  return script.tableName(entity.table, via);
}

function managerCall(script: Script, call: ts.CallExpression) {
  if (!script.mentions(MIKRO_ORM_IMPORT)) return undefined;
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  if (!isEntityManager(script, callee.expression)) return undefined;
  return { method: callee.name.text, manager: callee.expression };
}

function mikroOrmRead(script: Script, call: ts.CallExpression): Value | undefined {
  const found = managerCall(script, call);
  if (!found || !READS.test(found.method)) return undefined;
  const entity = entityNames(script, call.arguments[0]);
  if (!entity) return undefined;
  const table = tableOf(script, entity, found.manager);
  const optionsArgument = found.method === 'findAll' ? call.arguments[1] : call.arguments[2];
  const options = optionsArgument && script.definitionOf(optionsArgument);
  const fields =
    options && ts.isObjectLiteralExpression(options)
      ? objectProperty(options, 'fields')
      : undefined;
  const items: SelectItem[] = [];
  if (fields && ts.isArrayLiteralExpression(fields)) {
    for (const item of fields.elements) {
      const key = script.stringOf(item);
      if (key === undefined) continue;
      items.push({
        output: key,
        table,
        column: entity.columns.get(key) ?? snakeCase(key),
        at: script.locate(item),
      });
    }
  } else {
    for (const [key, column] of entity.columns) {
      items.push({ output: key, table, column, at: script.locate(call.arguments[0] ?? call) });
    }
  }
  const row = script.rowValue(call, items, items.length === 0 ? table : undefined);
  if (found.method === 'findAndCount') return { fields: new Map([['0', { element: row }]]) };
  return /^findOne/.test(found.method) ? row : { element: row };
}

function mikroOrmWrite(script: Script, call: ts.CallExpression): WriteTarget | undefined {
  if (!script.mentions(MIKRO_ORM_IMPORT)) return undefined;
  // `em.persist(entity)`, also as `em.persist(entity).flush()`.
  const persist = chainOf(call).links.find((link) => PERSISTS.test(link.name));
  if (persist) return persistedWrite(script, persist.call);
  const found = managerCall(script, call);
  const position = found && Object.hasOwn(WRITES, found.method) ? WRITES[found.method] : undefined;
  if (!found || position === undefined) return undefined;
  const entity = entityNames(script, call.arguments[0]);
  if (!entity) return undefined;
  return {
    table: tableOf(script, entity, found.manager),
    data: call.arguments[position],
    verb: found.method === 'nativeUpdate' ? 'updated' : 'inserted into',
    columnOf: columnsOf(entity),
  };
}

/** `em.persist(new Account({ … }))`: the entity constructed with its data. */
function persistedWrite(script: Script, call: ts.CallExpression): WriteTarget | undefined {
  const found = managerCall(script, call);
  const argument = call.arguments[0];
  if (!found || !argument) return undefined;
  const built = script.definitionOf(argument);
  if (!ts.isNewExpression(built) || built.arguments?.length !== 1) return undefined;
  const entity = entityNames(script, built.expression);
  if (!entity) return undefined;
  return {
    table: tableOf(script, entity, found.manager),
    data: built.arguments[0],
    verb: 'inserted into',
    columnOf: columnsOf(entity),
  };
}

/** A written key as MikroORM names its column: declared, else snake_case. */
function columnsOf(entity: EntityNames): (key: string) => string {
  return (key) => entity.columns.get(key) ?? snakeCase(key);
}

export const mikroOrmClient: ClientCalls = {
  read: (node, script) => (ts.isCallExpression(node) ? mikroOrmRead(script, node) : undefined),
  write: (call, script) => mikroOrmWrite(script, call),
  /** `nativeUpdate` returns the count of rows changed. */
  returnsCount(node, script) {
    if (!ts.isCallExpression(node)) return undefined;
    const found = managerCall(script, node);
    return found?.method === 'nativeUpdate' ? true : undefined;
  },
};
