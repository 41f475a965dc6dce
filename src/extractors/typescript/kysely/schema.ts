/**
 * Kysely migrations: `export async function up(db: Kysely<any>)`.
 *
 * - `db.schema.createTable('patients').addColumn('email', 'text', (col) => col.notNull()).execute()`
 *   defines a column at each `addColumn(…)` segment of the chain.
 * - alterTable: addColumn, dropColumn, renameColumn, alterColumn(c, (ac) => ac.setDataType(t)),
 *   modifyColumn, renameTo; dropTable; createView(…).as(select builder or sql`…`).
 * - `db.insertInto('accounts').columns([…]).expression(db.selectFrom('patients').select([…]))` copies
 *   column by column (`full_name as display_name` aliases are read); literal `.values(…)` copy nothing.
 * - `db.updateTable('patients').set({ ssn: sql`pgp_sym_encrypt(ssn, ${key})` })` is encryption evidence.
 * - sql`…`.execute(db) statements are read by the embedded-SQL pass.
 *
 * Kysely quotes identifiers, so names keep their case; `'audit.patients'` gives the schema.
 */
import type { ts } from '../morph.js';
import { Node } from '../morph.js';
import type { CallExpression } from 'ts-morph';
import type { ColumnDefined, ColumnName, Fact, TableName } from '../../../facts.js';
import {
  helperCallsOf,
  receiverCallsOf,
  extractSqlStatement,
  locateCallSegment,
  readingThrough,
} from '../context.js';
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
  callChainOf,
  descendantCallsOf,
  functionArgument,
  isInDownMigration,
  isRawNodeInDownMigration,
  isMethodCall,
  outermostChainCall,
  parameterName,
  propertyNameOf,
  stringList,
  stringValue,
  unwrapExpression,
} from '../receivers.js';
import type { ChainLink, FunctionLikeNode, ReceiverBindings, ReceiverRules } from '../receivers.js';
import type { OrmExtractor, TsFileContext } from '../types.js';
import { builderCallbacksOf } from '../builder-helpers.js';
import type { BuilderCallback } from '../builder-helpers.js';

/**
 * The chain a builder callback runs on its parameter: `(qb) => qb.addColumn(…).addColumn(…)`, or
 * the chain it returns from a block body.
 */
function callbackChainLinks(callback: FunctionLikeNode): ChainLink[] {
  const builder = parameterName(callback, 0);
  const body = callback.getBody();
  if (!builder || !body) return [];
  const returned = Node.isBlock(body)
    ? body
        .getStatements()
        .flatMap((statement) =>
          Node.isReturnStatement(statement) ? [statement.getExpression()] : [],
        )
    : [body];
  for (const expression of returned) {
    const value = expression ? unwrapExpression(expression) : undefined;
    if (!value || !Node.isCallExpression(value)) continue;
    const chain = callChainOf(value);
    if (Node.isIdentifier(chain.root) && chain.root.getText() === builder) return chain.links;
  }
  return [];
}

type KyselyKind = 'kysely' | 'schema';

const KYSELY_RULES: ReceiverRules<KyselyKind> = {
  migrationParameters: ['kysely'],
  typeNames: { Kysely: 'kysely', Transaction: 'kysely' },
  properties: { kysely: { schema: 'schema' } },
  methods: { kysely: { withSchema: 'kysely' }, schema: { withSchema: 'schema' } },
  constructors: { Kysely: 'kysely' },
  getters: { getDb: 'kysely', getKysely: 'kysely' },
  members: { db: 'kysely', kysely: 'kysely' },
};

const COLUMN_MODIFIERS: ReadonlySet<string> = new Set(['primaryKey', 'references']);
const SET_DATA_TYPE: ReadonlySet<string> = new Set(['setDataType']);
const SCHEMA_STATEMENTS = new Set(['createTable', 'alterTable', 'dropTable', 'createView']);
const QUERY_STATEMENTS = new Set(['insertInto', 'updateTable']);

export const kyselyExtractor: OrmExtractor = {
  name: 'kysely',
  applies: (text) => /\bkysely\b|\bKysely\b/.test(text),
  extract(context) {
    const receivers = bindReceivers(context.sourceFile, KYSELY_RULES);
    const reader = new KyselyReader(context, receivers);
    const groups: { order: number; facts: Fact[] }[] = [];
    const accept = (method: string, receiver: ts.Expression, call: ts.CallExpression) => {
      const schemaStatement = SCHEMA_STATEMENTS.has(method);
      if (!schemaStatement && !QUERY_STATEMENTS.has(method)) return false;
      if (receivers.rawKindOf(receiver) !== (schemaStatement ? 'schema' : 'kysely')) return false;
      return !isRawNodeInDownMigration(call);
    };
    for (const { call, method, nameStart } of receiverCallsOf(
      context.sourceFile,
      HANDLED_METHODS,
      accept,
    )) {
      const facts = readingThrough(context, call, () => reader.statement(call, method));
      if (facts.length > 0) groups.push({ order: nameStart, facts });
    }
    for (const call of helperCallsOf(context.sourceFile, { members: true })) {
      if (isInDownMigration(call)) continue;
      const helpers = builderCallbacksOf(call, HELPER_STATEMENTS);
      const facts =
        helpers.length > 0
          ? helpers.flatMap((helper) =>
              readingThrough(context, call, () => reader.helperStatement(helper)),
            )
          : reader.unreadHelperStatement(call);
      if (facts.length > 0) groups.push({ order: call.getStart(), facts });
    }
    groups.sort((left, right) => left.order - right.order);
    return groups.flatMap((group) => group.facts);
  },
};

/** Builder statements a project's table helper may make and hand to its callback. */
const HELPER_STATEMENTS: ReadonlySet<string> = new Set(['createTable', 'alterTable']);

class KyselyReader {
  constructor(
    private readonly context: TsFileContext,
    private readonly receivers: ReceiverBindings<KyselyKind>,
  ) {}

  /** Facts of the chain that starts with `call` (`createTable('patients')`) and runs to `.execute()`. */
  statement(call: CallExpression, method: string): Fact[] {
    const table = this.tableOf(call);
    if (!table) return [];
    const statement = outermostChainCall(call);
    const links = callChainOf(statement).links;
    const after = links.slice(links.findIndex((link) => link.call === call) + 1);
    switch (method) {
      case 'createTable':
        return this.createTable(call, table, after);
      case 'alterTable':
        return after.flatMap((link) => this.alteration(table, link));
      case 'dropTable':
        return [{ kind: 'table-dropped', at: this.context.locate(call), table }];
      case 'createView':
        return this.createView(call, statement, table, after);
      case 'insertInto':
        return this.insert(statement, table, after);
      case 'updateTable':
        return this.update(statement, table, after);
      default:
        return [];
    }
  }

  /**
   * A project helper's table (`createStandardTable(db, 'patients', (qb) => qb.addColumn(…))`): the
   * helper's own columns, then the ones the callback adds to the builder it is handed.
   */
  helperStatement(helper: BuilderCallback): Fact[] {
    const text = stringValue(helper.tableArgument);
    if (text === undefined) return [];
    const table = tableNameFromText(text);
    const links = [...helper.helperLinks, ...callbackChainLinks(helper.callback)];
    return helper.method === 'createTable'
      ? this.createTable(helper.statement, table, links)
      : links.flatMap((link) => this.alteration(table, link));
  }

  /**
   * A table helper whose definition is out of reach (a static method of a class from a workspace
   * package: `TimestampedTable.create(db, 'users', (tb) => tb.addColumn('email', 'text'))`). The
   * call says enough: it is given the database, a table name, and a callback that adds columns to
   * the builder it receives. A helper named for altering alters; any other creates.
   */
  unreadHelperStatement(call: CallExpression): Fact[] {
    const args = call.getArguments();
    if (!args.some((argument) => this.receivers.kindOf(argument) !== undefined)) return [];
    const name = args.map((argument) => stringValue(argument)).find((text) => text !== undefined);
    const callback = args.map((argument) => functionArgument(argument)).find(Boolean);
    if (name === undefined || !callback || !Node.isArrowFunction(callback)) return [];
    const links = callbackChainLinks(callback);
    if (!links.some((link) => link.name === 'addColumn')) return [];
    const table = tableNameFromText(name);
    return /alter/i.test(call.getExpression().getText())
      ? links.flatMap((link) => this.alteration(table, link))
      : this.createTable(call, table, links);
  }

  tableOf(call: CallExpression): TableName | undefined {
    const text = stringValue(call.getArguments()[0]);
    if (text === undefined) return undefined;
    const table = tableNameFromText(text);
    for (const link of callChainOf(call).links) {
      if (link.name === 'withSchema' && table.schema === undefined) {
        const schema = stringValue(link.call.getArguments()[0]);
        if (schema !== undefined) table.schema = schema;
      }
    }
    return table;
  }

  createTable(call: CallExpression, table: TableName, links: ChainLink[]): Fact[] {
    const facts: Fact[] = [
      { kind: 'table-created', at: this.context.locate(call), table, objectType: 'table' },
    ];
    const columns: ColumnDefined[] = [];
    for (const link of links) {
      const args = link.call.getArguments();
      if (link.name === 'addColumn') {
        const column = this.columnOf(table, link);
        if (column) columns.push(column);
      } else if (link.name === 'addPrimaryKeyConstraint') {
        for (const name of stringList(args[1])) {
          const column = columns.find((candidate) => candidate.column === name);
          if (column) column.primaryKey = true;
        }
      } else if (link.name === 'addForeignKeyConstraint') {
        const target = stringValue(args[2]);
        const referenced = stringList(args[3]);
        stringList(args[1]).forEach((name, position) => {
          const column = columns.find((candidate) => candidate.column === name);
          if (column && target !== undefined) {
            column.references = {
              table: tableNameFromText(target),
              column: referenced[position] ?? 'id',
            };
          }
        });
      } else if (link.name === 'as' && args[0]) {
        const select = this.selectOf(args[0]);
        if (select) {
          facts.push(
            copyFromSelect(
              this.context.locate(outermostChainCall(call)),
              table,
              'create-table-as',
              select,
            ),
          );
        }
      }
    }
    return [...facts.slice(0, 1), ...columns, ...facts.slice(1)];
  }

  /** `addColumn('email', 'text', (col) => col.notNull().references('patients.id'))`. */
  columnOf(table: TableName, link: ChainLink): ColumnDefined | undefined {
    const [nameArg, typeArg, builderArg] = link.call.getArguments();
    const column = stringValue(nameArg);
    if (column === undefined) return undefined;
    const fact: ColumnDefined = {
      kind: 'column-defined',
      at: locateCallSegment(this.context, link.call),
      table,
      column,
    };
    const dataType = dataTypeOf(typeArg);
    if (dataType !== undefined) fact.dataType = dataType;
    const builder = functionArgument(builderArg);
    const modifiers = builder
      ? descendantCallsOf(builder, (call) => isMethodCall(call, COLUMN_MODIFIERS))
      : [];
    for (const modifier of modifiers) {
      const callee = modifier.getExpression();
      if (!Node.isPropertyAccessExpression(callee)) continue;
      if (callee.getName() === 'primaryKey') fact.primaryKey = true;
      if (callee.getName() === 'references') {
        const target = stringValue(modifier.getArguments()[0]);
        const dot = target?.lastIndexOf('.') ?? -1;
        if (target !== undefined && dot > 0) {
          fact.references = {
            table: tableNameFromText(target.slice(0, dot)),
            column: target.slice(dot + 1),
          };
        }
      }
    }
    return fact;
  }

  alteration(table: TableName, link: ChainLink): Fact[] {
    const args = link.call.getArguments();
    const at = locateCallSegment(this.context, link.call);
    switch (link.name) {
      case 'addColumn': {
        const column = this.columnOf(table, link);
        return column ? [column] : [];
      }
      case 'dropColumn': {
        const column = stringValue(args[0]);
        return column === undefined ? [] : [{ kind: 'column-dropped', at, table, column }];
      }
      case 'renameColumn': {
        const column = stringValue(args[0]);
        const newName = stringValue(args[1]);
        if (column === undefined || newName === undefined) return [];
        return [{ kind: 'column-renamed', at, table, column, newName }];
      }
      case 'modifyColumn': {
        const column = stringValue(args[0]);
        const dataType = dataTypeOf(args[1]);
        if (column === undefined || dataType === undefined) return [];
        return [{ kind: 'column-retyped', at, table, column, dataType }];
      }
      case 'alterColumn': {
        const column = stringValue(args[0]);
        const builder = functionArgument(args[1]);
        if (column === undefined || !builder) return [];
        for (const inner of descendantCallsOf(builder, (call) =>
          isMethodCall(call, SET_DATA_TYPE),
        )) {
          const callee = inner.getExpression();
          if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'setDataType') {
            continue;
          }
          const dataType = dataTypeOf(inner.getArguments()[0]);
          if (dataType !== undefined)
            return [{ kind: 'column-retyped', at, table, column, dataType }];
        }
        return [];
      }
      case 'renameTo': {
        const newName = stringValue(args[0]);
        return newName === undefined ? [] : [{ kind: 'table-renamed', at, table, newName }];
      }
      default:
        return [];
    }
  }

  createView(
    call: CallExpression,
    statement: CallExpression,
    table: TableName,
    links: ChainLink[],
  ): Fact[] {
    let objectType: 'view' | 'materialized-view' = 'view';
    let columns: string[] = [];
    let definition: Node | undefined;
    for (const link of links) {
      if (link.name === 'materialized') objectType = 'materialized-view';
      if (link.name === 'columns') columns = stringList(link.call.getArguments()[0]);
      if (link.name === 'as') definition = link.call.getArguments()[0];
    }
    const at = this.context.locate(statement);
    if (definition && Node.isTaggedTemplateExpression(unwrapExpression(definition))) {
      const keyword = objectType === 'view' ? 'VIEW' : 'MATERIALIZED VIEW';
      const names = [table.schema, table.name].filter((part): part is string => part !== undefined);
      const columnList = columns.length > 0 ? ` (${columns.map(quote).join(', ')})` : '';
      const prefix = `CREATE ${keyword} ${names.map(quote).join('.')}${columnList} AS `;
      return extractSqlStatement(this.context, definition, { prefix, anchor: call });
    }
    const created: Fact = {
      kind: 'table-created',
      at: this.context.locate(call),
      table,
      objectType,
    };
    const select = definition ? this.selectOf(definition) : undefined;
    return select ? [created, copyFromSelect(at, table, 'view', select, columns)] : [created];
  }

  insert(statement: CallExpression, table: TableName, links: ChainLink[]): Fact[] {
    let columns: string[] = [];
    let source: Node | undefined;
    for (const link of links) {
      const first = link.call.getArguments()[0];
      if (link.name === 'columns') columns = stringList(first);
      if (link.name === 'expression' || link.name === 'values') source = first;
    }
    const select = source ? this.selectOf(source) : undefined;
    if (!select) return [];
    return [copyFromSelect(this.context.locate(statement), table, 'insert', select, columns)];
  }

  /** `updateTable('patients').set({ ssn: sql`pgp_sym_encrypt(ssn, ${key})` })`. */
  update(statement: CallExpression, table: TableName, links: ChainLink[]): Fact[] {
    const set = links.find((link) => link.name === 'set')?.call.getArguments()[0];
    const values = set ? unwrapExpression(set) : undefined;
    if (!values || !Node.isObjectLiteralExpression(values)) return [];
    const tables: SourceTable[] = [{ table, alias: table.name }];
    const columns = values.getProperties().flatMap((property) => {
      const column = propertyNameOf(property);
      const value = Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
      const template = value ? unwrapExpression(value) : undefined;
      if (column === undefined || !template || !Node.isTaggedTemplateExpression(template))
        return [];
      const read = readSqlExpression(template.getTemplate().getText().slice(1, -1), tables);
      if (read.transform === 'copy' && read.from.length === 0) return [];
      return [{ column, value: read, at: this.context.locate(property) }];
    });
    if (columns.length === 0) return [];
    return [
      {
        kind: 'data-copied',
        at: this.context.locate(statement),
        target: table,
        via: 'update',
        columns,
      },
    ];
  }

  /**
   * `db.selectFrom('patients').select([…])` written in the statement. Rows read earlier into a
   * variable and written later are a data-script flow (`data-scripts.ts` tracks values).
   */
  selectOf(node: Node): SelectSpec | undefined {
    const value = unwrapExpression(node);
    if (!Node.isCallExpression(value)) return undefined;
    const chain = callChainOf(outermostChainCall(value));
    if (this.receivers.kindOf(chain.root) !== 'kysely') return undefined;
    const tables: SourceTable[] = [];
    const items: SelectItem[] = [];
    const selected: Node[] = [];
    let selectAll: Node | undefined;
    for (const link of chain.links) {
      const first = link.call.getArguments()[0];
      if (link.name === 'selectFrom' || /Join$/.test(link.name)) {
        const value = first ? unwrapExpression(first) : undefined;
        const names =
          value && Node.isArrayLiteralExpression(value) ? stringList(value) : stringList(first);
        tables.push(...names.map((text) => sourceTableFromText(text)));
      } else if (link.name === 'select' && first) {
        selected.push(first);
      } else if (link.name === 'selectAll') {
        selectAll = link.call;
      }
    }
    if (tables.length === 0) return undefined;
    for (const argument of selected) items.push(...this.selectItemsOf(argument, tables));
    if (selectAll || items.length === 0) {
      const source = tables[0] as SourceTable;
      items.push({
        output: '*',
        from: [{ table: source.table, column: '*' }],
        transform: 'copy',
        at: this.context.locate(selectAll ?? value),
      });
    }
    return { tables, items };
  }

  selectItemsOf(argument: Node, tables: SourceTable[]): SelectItem[] {
    const value = unwrapExpression(argument);
    if (Node.isArrayLiteralExpression(value)) {
      return value.getElements().flatMap((element) => this.selectItemsOf(element, tables));
    }
    // sql`pgp_sym_encrypt(email, ${key})`.as('email')
    if (Node.isCallExpression(value)) {
      const callee = value.getExpression();
      const output = stringValue(value.getArguments()[0]);
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'as' && output) {
        const inner = unwrapExpression(callee.getExpression());
        if (Node.isTaggedTemplateExpression(inner)) {
          const read = readSqlExpression(inner.getTemplate().getText().slice(1, -1), tables);
          return [{ output, ...read, at: this.context.locate(value) }];
        }
        const reference = stringValue(inner);
        const from = reference ? resolveColumnReference(reference, tables) : undefined;
        return from
          ? [{ output, from: [from], transform: 'copy', at: this.context.locate(value) }]
          : [];
      }
      return [];
    }
    const text = stringValue(value);
    if (text === undefined) return [];
    const { reference, output } = splitAlias(text);
    const from: ColumnName | undefined = resolveColumnReference(reference, tables);
    return from
      ? [{ output, from: [from], transform: 'copy', at: this.context.locate(value) }]
      : [];
  }
}

/** `'varchar(255)'` as written, or sql`citext` for types Kysely does not know. */
function dataTypeOf(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const written = stringValue(node);
  if (written !== undefined) return normaliseWrittenType(written);
  const value = unwrapExpression(node);
  if (Node.isTaggedTemplateExpression(value)) {
    return normaliseWrittenType(value.getTemplate().getText().slice(1, -1));
  }
  return undefined;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Method names worth wrapping: the raw-node filter of `receiverCallsOf`. */
const HANDLED_METHODS: ReadonlySet<string> = new Set([...SCHEMA_STATEMENTS, ...QUERY_STATEMENTS]);
