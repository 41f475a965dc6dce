/**
 * Knex migrations and data steps: `export async function up(knex: Knex)`, `exports.up = (knex) =>`.
 *
 * - `knex.schema.createTable('patients', (t) => { t.string('email').notNullable() })` defines
 *   columns, located at each column's whole chain (`t.string('email').notNullable()`).
 * - alterTable / table: added columns, `.alter()` retypes, renameColumn, dropColumn(s).
 * - renameTable, dropTable(IfExists), createView / createMaterializedView (select builder or raw).
 * - `knex.raw` / `schema.raw` SQL; `knex('accounts').insert(knex('patients').select(…))` copies.
 *
 * Knex quotes every identifier, so names keep their case; `'audit.patients'` and
 * `withSchema('audit')` give the schema.
 */
import { Node, ts } from '../morph.js';
import type { CallExpression } from 'ts-morph';
import type { ColumnDefined, ColumnName, Fact, TableName } from '../../../facts.js';
import { extractSqlStatement, helperCallsOf, readingThrough, receiverCallsOf } from '../context.js';
import { builderCallbacksOf } from '../builder-helpers.js';
import type { BuilderCallback } from '../builder-helpers.js';
import { loopedValuesOf } from '../looped-definitions.js';

/** Builder statements a project's table helper may make and hand to its callback. */
const HELPER_STATEMENTS: ReadonlySet<string> = new Set(['createTable', 'alterTable', 'table']);
import {
  copyFromSelect,
  normaliseWrittenType,
  readSqlExpression,
  resolveColumnReference,
  sourceTableFromText,
  splitAlias,
  tableNameFromText,
} from '../query-flows.js';
import type { SelectItem, SelectSpec, SourceTable } from '../query-flows.js';
import {
  bindReceivers,
  booleanProperty,
  callChainOf,
  descendantCallsOf,
  functionArgument,
  isCallOn,
  isInDownMigration,
  isRawNodeInDownMigration,
  memberName,
  outermostChainCall,
  parameterName,
  propertyNameOf,
  stringList,
  stringValue,
  numberValue,
  booleanValue,
  constInitializerOf,
  unwrapExpression,
} from '../receivers.js';
import type { CallChain, FunctionLikeNode, ReceiverBindings, ReceiverRules } from '../receivers.js';
import type { OrmExtractor, TsFileContext } from '../types.js';
import { appendAll } from '../../../util/append.js';

type KnexKind = 'knex' | 'schema';

const SCHEMA_CHAIN = Object.fromEntries(
  [
    'withSchema',
    'createTable',
    'createTableIfNotExists',
    'alterTable',
    'table',
    'renameTable',
    'dropTable',
    'dropTableIfExists',
    'createView',
    'createViewOrReplace',
    'createMaterializedView',
    'raw',
  ].map((method) => [method, 'schema' as const]),
);

const KNEX_RULES: ReceiverRules<KnexKind> = {
  migrationParameters: ['knex'],
  names: { knex: 'knex' },
  typeNames: {
    Knex: 'knex',
    'Knex.Transaction': 'knex',
    'Knex.SchemaBuilder': 'schema',
    SchemaBuilder: 'schema',
  },
  // A migration's first parameter may be a context holding the connection: `ctx.db.schema…`.
  properties: { knex: { schema: 'schema', db: 'knex', knex: 'knex' } },
  methods: { schema: SCHEMA_CHAIN },
  callbacks: { knex: { transaction: 'knex' } },
  factories: { knex: 'knex', Knex: 'knex' },
  // Connection getters by their usual names, for when their definition is out of reach (passed in
  // as a parameter, a base-class method): `dbcon().schema…`, `this.getKnex().schema…`.
  getters: { dbcon: 'knex', getKnex: 'knex', getKnexConnection: 'knex' },
  // AdonisJS Lucid migrations (`class extends BaseSchema`) reach knex's schema builder as `this.schema`.
  members: { knex: 'knex', db: 'knex', schema: 'schema' },
};

/** Receiver names that say nothing about which database a call reaches. */
const CONVENTIONAL_NAMES = new Set([
  ...['knex', 'trx', 'tx', 'transaction', 'db', 'k', 'schema', 'ctx', 'context'],
  ...['dbcon', 'getDb', 'getKnex', 'getKnexConnection', 'getConnection'],
]);

export const knexExtractor: OrmExtractor = {
  name: 'knex',
  // `getDb().schema.…`: a getter defined in another module of the project.
  applies: (text) =>
    /\bknex\b|\bKnex\b|\bdbcon\(\)|\bgetKnex\(\)|\(\)\s*\.schema\s*\.|adonisjs\/lucid|Adonis\/Lucid/.test(
      text,
    ),
  extract(context) {
    const receivers = bindReceivers(context.sourceFile, KNEX_RULES);
    const reader = new KnexReader(context, receivers);
    const groups: { order: number; facts: Fact[] }[] = [];
    // The receiver checks of `statement` run first on the raw nodes, so only its calls are wrapped.
    const accept = (method: string, owner: ts.Expression, call: ts.CallExpression) => {
      if (method === 'insert' || method === 'update' || method === 'batchInsert') return true;
      const kind = receivers.rawKindOf(owner);
      if (method === 'raw' ? !kind : kind !== 'schema') return false;
      return !isRawNodeInDownMigration(call);
    };
    for (const { call, nameStart } of receiverCallsOf(
      context.sourceFile,
      HANDLED_METHODS,
      accept,
    )) {
      // Helpers and definitions read from another module are located at this call.
      const facts = readingThrough(context, call, () => reader.statement(call));
      if (facts.length > 0) groups.push({ order: nameStart, facts });
    }
    for (const call of helperCallsOf(context.sourceFile)) {
      if (isInDownMigration(call)) continue;
      const facts = builderCallbacksOf(call, HELPER_STATEMENTS).flatMap((helper) =>
        reader.helperStatement(call, helper),
      );
      if (facts.length > 0) groups.push({ order: call.getStart(), facts });
    }
    // Pre-order visits `a.createTable(…).createTable(…)` outer call first; replay in execution order.
    groups.sort((left, right) => left.order - right.order);
    return groups.flatMap((group) => group.facts);
  },
};

class KnexReader {
  constructor(
    private readonly context: TsFileContext,
    private readonly receivers: ReceiverBindings<KnexKind>,
  ) {}

  statement(call: CallExpression): Fact[] {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return [];
    const method = memberName(callee);
    const handler = STATEMENTS[method];
    if (!handler) return [];
    const owner = callee.getExpression();
    if (method === 'insert' || method === 'update' || method === 'batchInsert') {
      if (!this.isKnexQuery(call)) return [];
    } else if (method === 'raw') {
      if (!this.receivers.kindOf(owner)) return [];
    } else if (this.receivers.kindOf(owner) !== 'schema') {
      return [];
    }
    if (isInDownMigration(call)) return [];
    return handler(this, call);
  }

  /** Is the chain this call ends rooted at a Knex instance (`knex('t')…`, `knex.insert(…)…`)? */
  isKnexQuery(call: CallExpression): boolean {
    return this.receivers.kindOf(callChainOf(call).root) === 'knex';
  }

  connectionOf(node: Node): string | undefined {
    const name = this.receivers.rootName(node);
    return name && !CONVENTIONAL_NAMES.has(name) ? name : undefined;
  }

  /** The table a schema call names, with the schema of a `withSchema(…)` earlier in the chain. */
  tableOf(call: CallExpression, nameNode: Node | undefined): TableName | undefined {
    const text = stringValue(nameNode);
    if (text === undefined) return undefined;
    const table = tableNameFromText(text, this.connectionOf(call.getExpression()));
    const schema = withSchemaOf(callChainOf(call));
    if (schema !== undefined && table.schema === undefined) table.schema = schema;
    return table;
  }

  /**
   * A project helper's table (`createAuditedTable(knex, 'patients', (t) => { t.string('email') })`):
   * the columns the helper's own builder callback adds, then the call site's callback's.
   */
  helperStatement(call: CallExpression, helper: BuilderCallback): Fact[] {
    const text = stringValue(helper.tableArgument);
    if (text === undefined) return [];
    const table = tableNameFromText(text);
    const altering = helper.method !== 'createTable';
    const facts: Fact[] = altering
      ? []
      : [{ kind: 'table-created', at: this.context.locate(call), table, objectType: 'table' }];
    facts.push(
      ...readingThrough(this.context, call, () =>
        this.tableCallback(table, helper.helperCallback, altering, 1),
      ),
      ...this.tableCallback(table, helper.callback, altering, 1, helper.builderPosition),
    );
    return facts;
  }

  createTable(call: CallExpression): Fact[] {
    const [nameArg, callbackArg] = call.getArguments();
    const table = this.tableOf(call, nameArg);
    if (!table) return [];
    const facts: Fact[] = [
      {
        kind: 'table-created',
        at: this.context.locate(call),
        table,
        objectType: 'table',
      },
    ];
    appendAll(facts, this.tableCallback(table, functionArgument(callbackArg), false, 0));
    return facts;
  }

  alterTable(call: CallExpression): Fact[] {
    const [nameArg, callbackArg] = call.getArguments();
    const table = this.tableOf(call, nameArg);
    if (!table) return [];
    return this.tableCallback(table, functionArgument(callbackArg), true, 0);
  }

  /** Facts of a table builder callback `(t) => { … }`, following helpers the builder is passed to. */
  tableCallback(
    table: TableName,
    callback: FunctionLikeNode | undefined,
    altering: boolean,
    depth: number,
    builderPosition = 0,
  ): Fact[] {
    if (!callback || depth > 3) return [];
    const builder = parameterName(callback, builderPosition);
    const body = callback.getBody();
    if (!builder || !body) return [];
    const facts: Fact[] = [];
    const touchesBuilder = (call: ts.CallExpression) =>
      isCallOn(call, builder) ||
      (ts.isIdentifier(call.expression) &&
        call.arguments.some((argument) => ts.isIdentifier(argument) && argument.text === builder));
    const compilerSourceFile = body.getSourceFile().compilerNode;
    for (const call of descendantCallsOf(body, touchesBuilder)) {
      // The callee is read on the raw nodes: a column call (`t.string('email')`) wraps no more.
      const rawCallee = call.compilerNode.expression;
      if (ts.isIdentifier(rawCallee)) {
        const callee = call.getExpression();
        // A helper of this file that receives the table builder: addAuditColumns(t).
        const position = call
          .getArguments()
          .findIndex((argument) => Node.isIdentifier(argument) && argument.getText() === builder);
        if (position >= 0) {
          // Columns a helper of another module adds are located at this call of it.
          facts.push(
            ...readingThrough(this.context, call, () =>
              this.tableCallback(table, functionArgument(callee), altering, depth + 1, position),
            ),
          );
        }
        continue;
      }
      if (!ts.isPropertyAccessExpression(rawCallee)) continue;
      const target = rawCallee.expression;
      if (!ts.isIdentifier(target) || target.getText(compilerSourceFile) !== builder) continue;
      const method = rawCallee.name.getText(compilerSourceFile);
      appendAll(facts, this.builderCall(table, call, method, altering));
    }
    return facts;
  }

  /**
   * One builder call, or one per name when the column name is the variable of a loop over a
   * shared list (`PERSON_COLUMNS.forEach((column) => table.string(column))`).
   */
  builderCall(table: TableName, call: CallExpression, method: string, altering: boolean): Fact[] {
    const first = call.getArguments()[0];
    const looped = first ? loopedValuesOf(unwrapExpression(first)) : [];
    if (looped.length === 0) return this.builderColumn(table, call, method, altering, first);
    return looped.flatMap((name) => this.builderColumn(table, call, method, altering, name));
  }

  /** A builder call's facts, its first argument (the column name) given as `nameArg`. */
  builderColumn(
    table: TableName,
    call: CallExpression,
    method: string,
    altering: boolean,
    nameArg: Node | undefined,
  ): Fact[] {
    const args = call.getArguments();
    const chainEnd = outermostChainCall(call);
    const at = this.context.locate(chainEnd);
    switch (method) {
      case 'renameColumn': {
        const column = stringValue(args[0]);
        const newName = stringValue(args[1]);
        if (column === undefined || newName === undefined) return [];
        return [{ kind: 'column-renamed', at, table, column, newName }];
      }
      case 'dropColumn':
      case 'dropColumns':
        return args
          .flatMap((argument) => stringList(argument))
          .map((column) => ({ kind: 'column-dropped', at, table, column }));
      case 'dropTimestamps':
        return ['created_at', 'updated_at'].map((column) => ({
          kind: 'column-dropped',
          at,
          table,
          column,
        }));
      case 'timestamps': {
        const camelCase = booleanValue(args[2]) === true;
        const names = camelCase ? ['createdAt', 'updatedAt'] : ['created_at', 'updated_at'];
        return names.map((column) => ({
          kind: 'column-defined',
          at,
          table,
          column,
          dataType: 'timestamptz',
        }));
      }
    }
    const dataType = columnTypeOf(method, args);
    if (dataType === undefined) return [];
    const column =
      stringValue(nameArg) ??
      (method === 'increments' || method === 'bigIncrements' ? 'id' : undefined);
    if (column === undefined) return [];
    const modifiers = modifiersOf(call);
    if (altering && modifiers.has('alter')) {
      return [{ kind: 'column-retyped', at, table, column, dataType }];
    }
    const fact: ColumnDefined = { kind: 'column-defined', at, table, column, dataType };
    if (method === 'increments' || method === 'bigIncrements' || modifiers.has('primary')) {
      fact.primaryKey = true;
    }
    const references = referencesOf(modifiers);
    if (references) fact.references = references;
    const comment = stringValue(modifiers.get('comment')?.[0]);
    if (comment !== undefined && /encrypt/i.test(comment)) fact.encryption = `comment: ${comment}`;
    return [fact];
  }

  renameTable(call: CallExpression): Fact[] {
    const [fromArg, toArg] = call.getArguments();
    const table = this.tableOf(call, fromArg);
    const newName = stringValue(toArg);
    if (!table || newName === undefined) return [];
    return [{ kind: 'table-renamed', at: this.context.locate(call), table, newName }];
  }

  dropTable(call: CallExpression): Fact[] {
    const table = this.tableOf(call, call.getArguments()[0]);
    if (!table) return [];
    return [{ kind: 'table-dropped', at: this.context.locate(call), table }];
  }

  createView(call: CallExpression, objectType: 'view' | 'materialized-view'): Fact[] {
    const [nameArg, callbackArg] = call.getArguments();
    const table = this.tableOf(call, nameArg);
    const callback = functionArgument(callbackArg);
    if (!table || !callback) return [];
    const viewBuilder = parameterName(callback, 0);
    const body = callback.getBody();
    if (!viewBuilder || !body) return [];
    let columns: string[] = [];
    let definition: Node | undefined;
    for (const inner of descendantCallsOf(body, (call) => isCallOn(call, viewBuilder))) {
      const callee = inner.getExpression();
      if (!Node.isPropertyAccessExpression(callee)) continue;
      const target = callee.getExpression();
      if (!Node.isIdentifier(target) || target.getText() !== viewBuilder) continue;
      if (callee.getName() === 'columns') columns = stringList(inner.getArguments()[0]);
      if (callee.getName() === 'as') definition = inner.getArguments()[0];
    }
    if (!definition) return [];
    const at = this.context.locate(call);
    const rawSql = rawSqlArgument(definition, this.receivers);
    if (rawSql) {
      const keyword = objectType === 'view' ? 'VIEW' : 'MATERIALIZED VIEW';
      const columnList = columns.length > 0 ? ` (${columns.map(quoteIdentifier).join(', ')})` : '';
      const prefix = `CREATE ${keyword} ${qualifiedName(table)}${columnList} AS `;
      return extractSqlStatement(this.context, rawSql, { prefix, anchor: call });
    }
    const select = this.selectOf(definition);
    if (!select) return [{ kind: 'table-created', at, table, objectType }];
    return [
      { kind: 'table-created', at, table, objectType },
      copyFromSelect(at, table, 'view', select, columns),
    ];
  }

  raw(call: CallExpression): Fact[] {
    const sql = call.getArguments()[0];
    return sql ? this.context.sql(sql) : [];
  }

  /** `knex('accounts').insert(knex('patients').select(…))`, `knex.insert(select).into('accounts')`. */
  insert(call: CallExpression): Fact[] {
    const rows = call.getArguments()[0];
    if (!rows) return [];
    const select = this.selectOf(rows);
    if (!select) return [];
    const statement = outermostChainCall(call);
    const target = this.insertTargetOf(callChainOf(statement));
    if (!target) return [];
    return [
      copyFromSelect(
        this.context.locate(statement),
        target.table,
        'insert',
        select,
        target.columns,
      ),
    ];
  }

  /** `knex('patients').update({ ssn: knex.raw('pgp_sym_encrypt(ssn, ?)', [key]) })`: encryption evidence and column copies. */
  update(call: CallExpression): Fact[] {
    const values = unwrapExpression(call.getArguments()[0] ?? call);
    if (!Node.isObjectLiteralExpression(values)) return [];
    const statement = outermostChainCall(call);
    const target = this.insertTargetOf(callChainOf(statement));
    if (!target) return [];
    const tables: SourceTable[] = [{ table: target.table, alias: target.table.name }];
    const columns = values.getProperties().flatMap((property) => {
      const column = propertyNameOf(property);
      const raw = Node.isPropertyAssignment(property)
        ? rawSqlArgument(property.getInitializer() ?? property, this.receivers)
        : undefined;
      const text = raw ? stringValue(raw) : undefined;
      if (column === undefined || text === undefined) return [];
      const value = readSqlExpression(text, tables);
      if (value.transform === 'copy' && value.from.length === 0) return [];
      return [{ column, value, at: this.context.locate(property) }];
    });
    if (columns.length === 0) return [];
    return [
      {
        kind: 'data-copied',
        at: this.context.locate(statement),
        target: target.table,
        via: 'update',
        columns,
      },
    ];
  }

  /** The table (and column list) an insert or update chain writes: `knex('t')`, `.into('t')`, `.table('t')`. */
  insertTargetOf(chain: CallChain): { table: TableName; columns: string[] } | undefined {
    let table: TableName | undefined;
    let columns: string[] = [];
    let schema: string | undefined;
    const connection = this.connectionOf(chain.root);
    for (const link of chain.links) {
      const [first, second] = link.call.getArguments();
      if (link.name === 'withSchema') schema = stringValue(first);
      if (
        link.name !== '' &&
        link.name !== 'into' &&
        link.name !== 'table' &&
        link.name !== 'from'
      ) {
        continue;
      }
      const text = stringValue(first);
      if (text !== undefined) {
        table = tableNameFromText(text, connection);
        continue;
      }
      // knex.into(knex.raw('?? (??, ??)', ['accounts', 'display_name', 'username'])): a column list.
      const raw = first ? rawCallOf(first, this.receivers) : undefined;
      if (!raw) continue;
      const [templateArg, bindingsArg] = raw.getArguments();
      const template = stringValue(templateArg);
      const bindings = stringList(bindingsArg ?? second);
      const listed = template ? /^\s*(\?\?|[\w.]+)\s*\(([^)]*)\)\s*$/.exec(template) : null;
      if (!listed || template === undefined) continue;
      let next = 0;
      const tableText = listed[1] === '??' ? bindings[next++] : listed[1];
      if (tableText === undefined) continue;
      table = tableNameFromText(tableText, connection);
      columns = (listed[2] ?? '')
        .split(',')
        .map((item) => item.trim())
        .flatMap((item) => {
          const name = item === '??' ? bindings[next++] : item;
          return name ? [name] : [];
        });
    }
    if (table && schema !== undefined && table.schema === undefined) table.schema = schema;
    return table ? { table, columns } : undefined;
  }

  /**
   * A select builder written in the statement (`knex('patients').select('full_name')`,
   * `knex.select(…).from(…)`). Rows read earlier into a variable and written later are a
   * data-script flow (`data-scripts.ts` tracks values).
   */
  selectOf(node: Node): SelectSpec | undefined {
    let value = unwrapExpression(node);
    if (!Node.isCallExpression(value)) return undefined;
    value = outermostChainCall(value);
    const chain = callChainOf(value as CallExpression);
    if (this.receivers.kindOf(chain.root) !== 'knex') return undefined;
    const connection = this.connectionOf(chain.root);
    const tables: SourceTable[] = [];
    const selected: Node[] = [];
    for (const link of chain.links) {
      const args = link.call.getArguments();
      if (link.name === '' || link.name === 'from' || link.name === 'table') {
        tables.push(...sourceTablesOf(args[0], connection));
      } else if (/^(?:inner|left|right|full|cross)?(?:Outer)?Join$|^join$/i.test(link.name)) {
        tables.push(...sourceTablesOf(args[0], connection));
      } else if (['select', 'column', 'columns', 'distinct', 'first'].includes(link.name)) {
        selected.push(...args);
      }
    }
    if (tables.length === 0) return undefined;
    const items = selected.flatMap((argument) => this.selectItemsOf(argument, tables));
    if (items.length === 0) {
      items.push({
        output: '*',
        from: [{ table: (tables[0] as SourceTable).table, column: '*' }],
        transform: 'copy',
        at: this.context.locate(value),
      });
    }
    return { tables, items };
  }

  selectItemsOf(argument: Node, tables: SourceTable[], depth = 0): SelectItem[] {
    const value = unwrapExpression(argument);
    // A column list shared by the project (`select(PUBLIC_PATIENT_COLUMNS)`), read where it is used.
    const list = Node.isIdentifier(value) && depth < 3 ? constInitializerOf(value) : undefined;
    if (list && Node.isArrayLiteralExpression(unwrapExpression(list))) {
      return readingThrough(this.context, value, () => this.selectItemsOf(list, tables, depth + 1));
    }
    if (Node.isArrayLiteralExpression(value)) {
      return value
        .getElements()
        .flatMap((element) =>
          Node.isSpreadElement(element)
            ? this.selectItemsOf(element.getExpression(), tables, depth + 1)
            : this.selectItemsOf(element, tables, depth + 1),
        );
    }
    if (Node.isObjectLiteralExpression(value)) {
      // { display_name: 'full_name' }: alias → column.
      return value.getProperties().flatMap((property) => {
        const output = propertyNameOf(property);
        const reference = Node.isPropertyAssignment(property)
          ? stringValue(property.getInitializer())
          : undefined;
        const from = reference ? resolveColumnReference(reference, tables) : undefined;
        if (output === undefined || !from) return [];
        return [{ output, from: [from], transform: 'copy', at: this.context.locate(property) }];
      });
    }
    const raw = rawCallOf(value, this.receivers);
    if (raw) {
      const text = stringValue(raw.getArguments()[0]);
      if (text === undefined) return [];
      const { reference, output } = splitAlias(text);
      const read = readSqlExpression(reference, tables);
      return [{ output, ...read, at: this.context.locate(raw) }];
    }
    const text = stringValue(value);
    if (text === undefined) return [];
    const { reference, output } = splitAlias(text);
    const from = resolveColumnReference(reference, tables);
    if (!from) return [];
    return [{ output, from: [from], transform: 'copy', at: this.context.locate(value) }];
  }
}

type StatementHandler = (reader: KnexReader, call: CallExpression) => Fact[];

const STATEMENTS: Record<string, StatementHandler> = {
  createTable: (reader, call) => reader.createTable(call),
  createTableIfNotExists: (reader, call) => reader.createTable(call),
  alterTable: (reader, call) => reader.alterTable(call),
  table: (reader, call) => reader.alterTable(call),
  renameTable: (reader, call) => reader.renameTable(call),
  dropTable: (reader, call) => reader.dropTable(call),
  dropTableIfExists: (reader, call) => reader.dropTable(call),
  createView: (reader, call) => reader.createView(call, 'view'),
  createViewOrReplace: (reader, call) => reader.createView(call, 'view'),
  createMaterializedView: (reader, call) => reader.createView(call, 'materialized-view'),
  raw: (reader, call) => reader.raw(call),
  insert: (reader, call) => reader.insert(call),
  update: (reader, call) => reader.update(call),
};

function withSchemaOf(chain: CallChain): string | undefined {
  let schema: string | undefined;
  for (const link of chain.links) {
    if (link.name === 'withSchema') schema = stringValue(link.call.getArguments()[0]);
  }
  return schema;
}

/** `'patients as p'`, `{ p: 'patients' }`. */
function sourceTablesOf(node: Node | undefined, connection: string | undefined): SourceTable[] {
  if (!node) return [];
  const value = unwrapExpression(node);
  if (Node.isObjectLiteralExpression(value)) {
    return value.getProperties().flatMap((property) => {
      const alias = propertyNameOf(property);
      const text = Node.isPropertyAssignment(property)
        ? stringValue(property.getInitializer())
        : undefined;
      if (alias === undefined || text === undefined) return [];
      return [{ table: tableNameFromText(text, connection), alias }];
    });
  }
  const text = stringValue(value);
  return text === undefined ? [] : [sourceTableFromText(text, connection)];
}

/** `knex.raw(…)` / `trx.raw(…)` call at `node`, if that is what it is. */
function rawCallOf(node: Node, receivers: ReceiverBindings<KnexKind>): CallExpression | undefined {
  const value = unwrapExpression(node);
  if (!Node.isCallExpression(value)) return undefined;
  const callee = value.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'raw') return undefined;
  return receivers.kindOf(callee.getExpression()) ? value : undefined;
}

/** The SQL literal of a `knex.raw('…')` argument. */
function rawSqlArgument(node: Node, receivers: ReceiverBindings<KnexKind>): Node | undefined {
  return rawCallOf(node, receivers)?.getArguments()[0];
}

/** Modifier calls chained after a column builder: `.notNullable()`, `.references('id')`, `.alter()`. */
function modifiersOf(builderCall: CallExpression): Map<string, Node[]> {
  const modifiers = new Map<string, Node[]>();
  let current: CallExpression = builderCall;
  for (let depth = 0; depth < 50; depth++) {
    const access = current.getParent();
    if (!Node.isPropertyAccessExpression(access)) break;
    const next = access.getParent();
    if (!Node.isCallExpression(next) || next.getExpression() !== access) break;
    modifiers.set(access.getName(), next.getArguments());
    current = next;
  }
  return modifiers;
}

function referencesOf(modifiers: Map<string, Node[]>): ColumnName | undefined {
  const target = stringValue(modifiers.get('references')?.[0]);
  if (target === undefined) return undefined;
  const tableText = stringValue((modifiers.get('inTable') ?? modifiers.get('on'))?.[0]);
  if (tableText !== undefined) return { table: tableNameFromText(tableText), column: target };
  const dot = target.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return { table: tableNameFromText(target.slice(0, dot)), column: target.slice(dot + 1) };
}

/** The normalised SQL type a Knex column builder creates in Postgres. */
function columnTypeOf(method: string, args: Node[]): string | undefined {
  switch (method) {
    case 'string':
      return `varchar(${numberValue(args[1]) ?? 255})`;
    case 'text':
      return 'text';
    case 'integer':
    case 'int':
    case 'mediumint':
      return 'integer';
    case 'tinyint':
    case 'smallint':
      return 'smallint';
    case 'bigInteger':
    case 'bigint':
      return 'bigint';
    case 'increments':
      return 'serial';
    case 'bigIncrements':
      return 'bigserial';
    case 'float':
      return 'real';
    case 'double':
      return 'double precision';
    case 'decimal': {
      const precision = numberValue(args[1]);
      const scale = numberValue(args[2]);
      if (precision === undefined) return 'numeric';
      return scale === undefined ? `numeric(${precision})` : `numeric(${precision},${scale})`;
    }
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'datetime':
    case 'timestamp': {
      const useTz = booleanProperty(args[1], 'useTz');
      return useTz === false ? 'timestamp' : 'timestamptz';
    }
    case 'binary':
      return 'bytea';
    case 'json':
      return 'json';
    case 'jsonb':
      return 'jsonb';
    case 'uuid':
      return 'uuid';
    case 'enu':
    case 'enum':
      return 'enum';
    case 'geometry':
    case 'geography':
    case 'point':
      return method;
    case 'specificType': {
      const type = stringValue(args[1]);
      return type === undefined ? undefined : normaliseWrittenType(type);
    }
    default:
      return undefined;
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function qualifiedName(table: TableName): string {
  return table.schema === undefined
    ? quoteIdentifier(table.name)
    : `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}

/** Method names worth wrapping: the raw-node filter of `receiverCallsOf`. */
const HANDLED_METHODS: ReadonlySet<string> = new Set(Object.keys(STATEMENTS));
