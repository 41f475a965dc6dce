/**
 * Facts of one Postgres statement, read from the libpg-query AST. Every fact points at the text a
 * reviewer must change: a column at its own definition, an ALTER subcommand at itself, a copied
 * column at its select-list item, the rest at the statement.
 */
import type {
  AlterTableStmt,
  ColumnDef,
  Constraint,
  CreatePolicyStmt,
  CreateStmt,
  DropStmt,
  GrantStmt,
  InsertStmt,
  Node,
  RangeVar,
  RenameStmt,
  SelectStmt,
  TypeName,
  UpdateStmt,
} from 'libpg-query';
import type { ColumnName, CopiedColumn, Fact, TableName, ValueSource } from '../../facts.js';
import type { StatementContext } from './context.js';
import { schemaNameOf, statementLocation, tableNameOf } from './context.js';
import { createFunction, functionAccess } from './functions.js';
import type { SelectOutput } from './lineage.js';
import {
  addCtes,
  addFromClause,
  addTableToScope,
  combine,
  createScope,
  leftmostLocation,
  selectOutputs,
  stringsOf,
  valueOf,
} from './lineage.js';
import {
  SELECT_ITEM_STOP_WORDS,
  findItemEnd,
  findParenthesisedClause,
  skipQualifiedName,
  splitTopLevelCommas,
} from './statements.js';

/** Facts of one parsed statement, appended to `facts`. Statements of no interest add nothing. */
export function collectStatementFacts(
  statement: Node,
  context: StatementContext,
  facts: Fact[],
): void {
  if ('CreateStmt' in statement) createTable(statement.CreateStmt, context, facts);
  else if ('CreateForeignTableStmt' in statement) {
    const base = statement.CreateForeignTableStmt.base;
    if (base) createTable(base, context, facts, 'foreign-table');
  } else if ('CreateFunctionStmt' in statement)
    createFunction(statement.CreateFunctionStmt, context, facts);
  else if ('AlterTableStmt' in statement) alterTable(statement.AlterTableStmt, context, facts);
  else if ('RenameStmt' in statement) rename(statement.RenameStmt, context, facts);
  else if ('DropStmt' in statement) drop(statement.DropStmt, context, facts);
  else if ('CreateTableAsStmt' in statement) {
    const { query, into, objtype } = statement.CreateTableAsStmt;
    if (query && 'SelectStmt' in query && into?.rel) {
      const isView = objtype === 'OBJECT_MATVIEW';
      createFromQuery(
        into.rel,
        stringsOf(into.colNames),
        query.SelectStmt,
        isView ? 'materialized-view' : 'table',
        context,
        facts,
      );
    }
  } else if ('ViewStmt' in statement) {
    const { view, query, aliases, options } = statement.ViewStmt;
    if (view && query && 'SelectStmt' in query) {
      createFromQuery(view, stringsOf(aliases), query.SelectStmt, 'view', context, facts, {
        securityInvoker: securityInvokerOf(options),
      });
    }
  } else if ('SelectStmt' in statement) {
    const select = statement.SelectStmt;
    if (select.intoClause?.rel && !intoDeclaredVariable(select.intoClause.rel, context)) {
      createFromQuery(
        select.intoClause.rel,
        stringsOf(select.intoClause.colNames),
        select,
        'table',
        context,
        facts,
      );
    }
  } else if ('InsertStmt' in statement) insert(statement.InsertStmt, context, facts);
  else if ('UpdateStmt' in statement) update(statement.UpdateStmt, context, facts);
  else if ('GrantStmt' in statement) {
    const objectType = statement.GrantStmt.objtype;
    if (
      objectType === 'OBJECT_FUNCTION' ||
      objectType === 'OBJECT_PROCEDURE' ||
      objectType === 'OBJECT_ROUTINE'
    )
      functionAccess(statement.GrantStmt, context, facts);
    else grant(statement.GrantStmt, undefined, context, facts);
  } else if ('AlterDefaultPrivilegesStmt' in statement) {
    const { action, options } = statement.AlterDefaultPrivilegesStmt;
    if (action) {
      const schemas = defaultPrivilegeSchemas(options).map((name) => schemaNameOf(context, name));
      if (action.objtype === 'OBJECT_TABLE') grant(action, schemas, context, facts);
      else if (action.objtype === 'OBJECT_FUNCTION' || action.objtype === 'OBJECT_ROUTINE') {
        functionAccess(action, context, facts, schemas);
      }
    }
  } else if ('CreatePolicyStmt' in statement)
    createPolicy(statement.CreatePolicyStmt, context, facts);
}

/** `WITH (security_invoker = true)` on a view; undefined when the option is not written. */
function securityInvokerOf(options: Node[] | undefined): boolean | undefined {
  for (const option of options ?? []) {
    if (!('DefElem' in option) || option.DefElem.defname !== 'security_invoker') continue;
    const value = option.DefElem.arg;
    if (value === undefined) return true;
    const text =
      'String' in value
        ? value.String.sval
        : 'Boolean' in value
          ? String(value.Boolean.boolval === true)
          : 'Integer' in value
            ? String(value.Integer.ival ?? 0)
            : undefined;
    return TRUE_TEXTS.has((text ?? '').toLowerCase());
  }
  return undefined;
}

function tableOf(context: StatementContext, range: RangeVar | undefined): TableName | undefined {
  return range ? tableNameOf(context, range.relname, range.schemaname) : undefined;
}

/** A name given as a list of strings (`DROP TABLE s.t`): the last is the name, the one before the schema. */
function tableOfNames(context: StatementContext, names: string[]): TableName | undefined {
  return tableNameOf(context, names[names.length - 1], names[names.length - 2]);
}

/* ------------------------------------------------------------------------------------------------
 * Types
 * --------------------------------------------------------------------------------------------- */

/** Internal Postgres type names and the names people write. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
};

/** Normalised lowercase type: `varchar(255)`, `numeric(10,2)`, `text[]`, `integer`, `timestamptz`. */
export function dataTypeOf(typeName: TypeName | undefined): string {
  const names = stringsOf(typeName?.names);
  const base = (names[names.length - 1] ?? '').toLowerCase();
  let type = TYPE_NAMES[base] ?? base;
  const modifiers: number[] = [];
  for (const modifier of typeName?.typmods ?? []) {
    if ('A_Const' in modifier && modifier.A_Const.ival)
      modifiers.push(modifier.A_Const.ival.ival ?? 0);
  }
  // Interval modifiers are field masks, not sizes.
  if (modifiers.length > 0 && type !== 'interval') type += `(${modifiers.join(',')})`;
  for (let bound = 0; bound < (typeName?.arrayBounds?.length ?? 0); bound++) type += '[]';
  return type;
}

/* ------------------------------------------------------------------------------------------------
 * CREATE TABLE, ALTER TABLE, RENAME, DROP
 * --------------------------------------------------------------------------------------------- */

/** Postgres references the primary key when REFERENCES names no column; by convention, `id`. */
const DEFAULT_REFERENCED_COLUMN = 'id';

function referenceOf(
  context: StatementContext,
  constraint: Constraint,
  position: number,
): ColumnName | undefined {
  const table = tableOf(context, constraint.pktable);
  if (!table) return undefined;
  const columns = stringsOf(constraint.pk_attrs);
  return { table, column: columns[position] ?? DEFAULT_REFERENCED_COLUMN };
}

function columnDefinedFact(
  context: StatementContext,
  table: TableName,
  definition: ColumnDef,
  limit: number,
  tableKeys: { primary: Set<string>; references: Map<string, ColumnName> },
): Fact | undefined {
  const column = definition.colname;
  if (!column) return undefined;
  const start = context.charAt(definition.location ?? 0);
  const end = findItemEnd(context.source.text, start, limit);
  const dataType = dataTypeOf(definition.typeName);
  let primaryKey = tableKeys.primary.has(column);
  let references = tableKeys.references.get(column);
  for (const node of definition.constraints ?? []) {
    if (!('Constraint' in node)) continue;
    const constraint = node.Constraint;
    if (constraint.contype === 'CONSTR_PRIMARY') primaryKey = true;
    if (constraint.contype === 'CONSTR_FOREIGN')
      references = referenceOf(context, constraint, 0) ?? references;
  }
  return {
    kind: 'column-defined',
    at: context.source.locate(start, end),
    table,
    column,
    ...(dataType ? { dataType } : {}),
    ...(primaryKey ? { primaryKey } : {}),
    ...(references ? { references } : {}),
    // A type named for encryption (`encrypted_text` domains, pgsodium types) is evidence by itself.
    ...(dataType.includes('encrypt') ? { encryption: dataType } : {}),
  };
}

function createTable(
  statement: CreateStmt,
  context: StatementContext,
  facts: Fact[],
  objectType: 'table' | 'foreign-table' = 'table',
): void {
  const table = tableOf(context, statement.relation);
  if (!table) return;
  const temporary = statement.relation?.relpersistence === 't';
  facts.push({
    kind: 'table-created',
    at: statementLocation(context),
    table,
    objectType,
    ...(temporary ? { temporary } : {}),
    ...(statement.if_not_exists === true ? { ifNotExists: true } : {}),
  });
  const primary = new Set<string>();
  const references = new Map<string, ColumnName>();
  for (const element of [...(statement.tableElts ?? []), ...(statement.constraints ?? [])]) {
    if (!('Constraint' in element)) continue;
    const constraint = element.Constraint;
    if (constraint.contype === 'CONSTR_PRIMARY') {
      for (const key of stringsOf(constraint.keys)) primary.add(key);
    } else if (constraint.contype === 'CONSTR_FOREIGN') {
      stringsOf(constraint.fk_attrs).forEach((column, position) => {
        const target = referenceOf(context, constraint, position);
        if (target) references.set(column, target);
      });
    }
  }
  for (const element of statement.tableElts ?? []) {
    if (!('ColumnDef' in element)) continue;
    const fact = columnDefinedFact(context, table, element.ColumnDef, context.end, {
      primary,
      references,
    });
    if (fact) facts.push(fact);
  }
}

function alterTable(statement: AlterTableStmt, context: StatementContext, facts: Fact[]): void {
  const table = tableOf(context, statement.relation);
  if (!table) return;
  const commands = statement.cmds ?? [];
  // Subcommands are comma-separated after the table name; each fact points at its own.
  const text = context.source.text;
  const nameStart = statement.relation?.location;
  const afterName =
    nameStart === undefined ? context.start : skipQualifiedName(text, context.charAt(nameStart));
  let spans = splitTopLevelCommas(text, afterName, context.end);
  if (spans.length !== commands.length) spans = commands.map(() => context);
  const noKeys = { primary: new Set<string>(), references: new Map<string, ColumnName>() };
  commands.forEach((node, index) => {
    if (!('AlterTableCmd' in node)) return;
    const command = node.AlterTableCmd;
    const span = spans[index] ?? context;
    const at = context.source.locate(span.start, span.end);
    switch (command.subtype) {
      case 'AT_AddColumn': {
        const definition = command.def;
        if (definition && 'ColumnDef' in definition) {
          const fact = columnDefinedFact(context, table, definition.ColumnDef, span.end, noKeys);
          if (fact) facts.push(fact);
        }
        break;
      }
      case 'AT_DropColumn':
        if (command.name) facts.push({ kind: 'column-dropped', at, table, column: command.name });
        break;
      case 'AT_AlterColumnType': {
        const definition = command.def;
        if (!command.name || !definition || !('ColumnDef' in definition)) break;
        const scope = createScope();
        addTableToScope(scope, table, undefined);
        const usingExpression = definition.ColumnDef.raw_default;
        facts.push({
          kind: 'column-retyped',
          at,
          table,
          column: command.name,
          dataType: dataTypeOf(definition.ColumnDef.typeName),
          ...(usingExpression ? { using: valueOf(usingExpression, scope, context) } : {}),
        });
        break;
      }
      case 'AT_AddConstraint': {
        // `ADD CONSTRAINT … FOREIGN KEY (encounter_id) REFERENCES encounters(id)`, as pg_dump
        // writes every key: the column now references that table (a person link, issue 9).
        const definition = command.def;
        if (!definition || !('Constraint' in definition)) break;
        const constraint = definition.Constraint;
        if (constraint.contype !== 'CONSTR_FOREIGN') break;
        stringsOf(constraint.fk_attrs).forEach((column, position) => {
          const references = referenceOf(context, constraint, position);
          if (references) facts.push({ kind: 'column-defined', at, table, column, references });
        });
        break;
      }
      case 'AT_EnableRowSecurity':
      case 'AT_DisableRowSecurity':
        facts.push({
          kind: 'row-security-changed',
          at,
          table,
          enabled: command.subtype === 'AT_EnableRowSecurity',
        });
        break;
      case 'AT_SetRelOptions': {
        const list = command.def;
        const securityInvoker = securityInvokerOf(
          list && 'List' in list ? (list.List.items ?? []) : [],
        );
        if (securityInvoker !== undefined)
          facts.push({ kind: 'view-security-changed', at, table, securityInvoker });
        break;
      }
      default:
        break;
    }
  });
}

const RELATION_OBJECTS = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_FOREIGN_TABLE',
]);

function rename(statement: RenameStmt, context: StatementContext, facts: Fact[]): void {
  const table = tableOf(context, statement.relation);
  if (!table || !statement.newname) return;
  const at = statementLocation(context);
  if (statement.renameType === 'OBJECT_COLUMN' && statement.subname) {
    facts.push({
      kind: 'column-renamed',
      at,
      table,
      column: statement.subname,
      newName: statement.newname,
    });
  } else if (RELATION_OBJECTS.has(statement.renameType ?? '')) {
    facts.push({ kind: 'table-renamed', at, table, newName: statement.newname });
  }
}

function drop(statement: DropStmt, context: StatementContext, facts: Fact[]): void {
  const at = statementLocation(context);
  for (const object of statement.objects ?? []) {
    const names = 'List' in object ? stringsOf(object.List.items) : [];
    if (RELATION_OBJECTS.has(statement.removeType ?? '')) {
      const table = tableOfNames(context, names);
      if (table) facts.push({ kind: 'table-dropped', at, table });
    } else if (statement.removeType === 'OBJECT_POLICY') {
      const name = names[names.length - 1];
      const table = tableOfNames(context, names.slice(0, -1));
      if (table && name) facts.push({ kind: 'policy-dropped', at, table, name });
    }
  }
}

/* ------------------------------------------------------------------------------------------------
 * Copies: CREATE TABLE AS, views, INSERT, UPDATE
 * --------------------------------------------------------------------------------------------- */

/**
 * Copied columns named after the outputs (renamed positionally by a column list). Every `*` output
 * becomes one `*` column that merges their sources.
 */
function copiedColumnsByName(
  outputs: SelectOutput[],
  targetNames: string[],
  context: StatementContext,
): CopiedColumn[] {
  const columns: CopiedColumn[] = [];
  let star: CopiedColumn | undefined;
  let position = 0;
  for (const output of outputs) {
    const at = context.source.locate(output.start, output.end);
    if (output.name === '*') {
      if (star) star.value = combine([star.value, output.value]);
      else columns.push((star = { column: '*', value: output.value, at }));
      continue;
    }
    columns.push({ column: targetNames[position] ?? output.name, value: output.value, at });
    position++;
  }
  return columns;
}

/**
 * INSERT pairs target column i with output i. Once a `*` appears the positions are unknown: that
 * output and every later one go to one `*` column.
 */
function insertedColumns(
  outputs: SelectOutput[],
  targetNames: string[],
  context: StatementContext,
): CopiedColumn[] {
  if (targetNames.length === 0) return copiedColumnsByName(outputs, [], context);
  const columns: CopiedColumn[] = [];
  let star: CopiedColumn | undefined;
  outputs.forEach((output, index) => {
    const at = context.source.locate(output.start, output.end);
    if (star || output.name === '*') {
      if (star) star.value = combine([star.value, output.value]);
      else columns.push((star = { column: '*', value: output.value, at }));
      return;
    }
    columns.push({ column: targetNames[index] ?? output.name, value: output.value, at });
  });
  return columns;
}

/** A WHERE that names the caller: `where t.client_id = (select auth.uid())`. */
const CALLER_FILTER = /\bwhere\b[\s\S]*?\bauth\s*\.\s*uid\s*\(\s*\)/i;

function createFromQuery(
  relation: RangeVar,
  columnNames: string[],
  select: SelectStmt,
  objectType: 'table' | 'view' | 'materialized-view',
  context: StatementContext,
  facts: Fact[],
  options: { securityInvoker?: boolean } = {},
): void {
  const table = tableOf(context, relation);
  if (!table) return;
  const at = statementLocation(context);
  const temporary = relation.relpersistence === 't';
  facts.push({
    kind: 'table-created',
    at,
    table,
    objectType,
    ...(temporary ? { temporary } : {}),
    ...(options.securityInvoker !== undefined ? { securityInvoker: options.securityInvoker } : {}),
    ...(objectType === 'view' &&
    CALLER_FILTER.test(context.source.text.slice(context.start, context.end))
      ? { callerScoped: true }
      : {}),
  });
  const outputs = selectOutputs(select, undefined, context);
  facts.push({
    kind: 'data-copied',
    at,
    target: table,
    via: objectType === 'table' ? 'create-table-as' : 'view',
    columns: copiedColumnsByName(outputs, columnNames, context),
  });
}

function isEvidence(value: ValueSource): boolean {
  return value.from.length > 0 || value.transform !== 'copy';
}

function targetColumnNames(nodes: Node[] | undefined): string[] {
  const names: string[] = [];
  for (const node of nodes ?? []) if ('ResTarget' in node) names.push(node.ResTarget.name ?? '');
  return names;
}

function insert(statement: InsertStmt, context: StatementContext, facts: Fact[]): void {
  const table = tableOf(context, statement.relation);
  const query = statement.selectStmt;
  if (!table || !query || !('SelectStmt' in query)) return;
  const select = query.SelectStmt;
  const targetNames = targetColumnNames(statement.cols);
  if (isStorageBuckets(table)) {
    insertBuckets(select, targetNames, context, facts);
    return;
  }
  const scope = createScope();
  addCtes(scope, statement.withClause, context);
  const at = statementLocation(context);
  if (select.valuesLists && (!select.op || select.op === 'SETOP_NONE')) {
    // VALUES: only values computed by a protective function (or read from columns) are of interest.
    addCtes(scope, select.withClause, context);
    const columns: CopiedColumn[] = [];
    const seen = new Set<string>();
    for (const row of select.valuesLists) {
      const items = 'List' in row ? (row.List.items ?? []) : [];
      items.forEach((item, index) => {
        const column = targetNames[index];
        if (!column || seen.has(column)) return;
        const value = valueOf(item, scope, context);
        if (!isEvidence(value)) return;
        seen.add(column);
        const start = context.charAt(leftmostLocation(item));
        const end = findItemEnd(context.source.text, start, context.end);
        columns.push({ column, value, at: context.source.locate(start, end) });
      });
    }
    if (columns.length > 0)
      facts.push({ kind: 'data-copied', at, target: table, via: 'insert', columns });
    return;
  }
  const outputs = selectOutputs(select, scope, context);
  if (outputs.length === 0) return;
  facts.push({
    kind: 'data-copied',
    at,
    target: table,
    via: 'insert',
    columns: insertedColumns(outputs, targetNames, context),
  });
}

/** The value each SET item assigns: `SET (a, b) = (SELECT x, y …)` gives each column its position. */
function assignedValue(
  value: Node | undefined,
  scope: ReturnType<typeof createScope>,
  context: StatementContext,
): ValueSource {
  if (value && 'MultiAssignRef' in value) {
    const { source, colno } = value.MultiAssignRef;
    const position = (colno ?? 1) - 1;
    if (source && 'RowExpr' in source)
      return valueOf(source.RowExpr.args?.[position], scope, context);
    if (source && 'SubLink' in source) {
      const subselect = source.SubLink.subselect;
      if (subselect && 'SelectStmt' in subselect) {
        return (
          selectOutputs(subselect.SelectStmt, scope, context)[position]?.value ??
          valueOf(undefined, scope, context)
        );
      }
    }
    return valueOf(source, scope, context);
  }
  return valueOf(value, scope, context);
}

/** Columns of an UPDATE that receive data from columns or through a protective function. */
function update(statement: UpdateStmt, context: StatementContext, facts: Fact[]): void {
  const table = tableOf(context, statement.relation);
  if (!table) return;
  if (isStorageBuckets(table)) {
    updateBuckets(statement, context, facts);
    return;
  }
  const scope = createScope();
  addCtes(scope, statement.withClause, context);
  addTableToScope(scope, table, statement.relation?.alias?.aliasname);
  addFromClause(scope, statement.fromClause, context);
  const columns: CopiedColumn[] = [];
  for (const node of statement.targetList ?? []) {
    if (!('ResTarget' in node) || !node.ResTarget.name) continue;
    const assigned = assignedValue(node.ResTarget.val, scope, context);
    if (!isEvidence(assigned)) continue;
    const value = withoutOwnValue(assigned, table, node.ResTarget.name);
    const start = context.charAt(node.ResTarget.location ?? 0);
    const end = findItemEnd(context.source.text, start, context.end, SELECT_ITEM_STOP_WORDS);
    columns.push({ column: node.ResTarget.name, value, at: context.source.locate(start, end) });
  }
  if (columns.length > 0) {
    facts.push({
      kind: 'data-copied',
      at: statementLocation(context),
      target: table,
      via: 'update',
      columns,
    });
  }
}

/**
 * `SET email = COALESCE($1, patients.email)` or `SET email = lower(email)`: the row keeps its own
 * value, which moves nothing anywhere, so that source is left out. The column stays in the copy
 * with nothing copied into it: the statement still shows that the table has it (a Supabase table
 * made in the dashboard is known only from such statements). A protective or revealing function
 * over it (`SET password = crypt(password, …)`, `pgp_sym_decrypt(ssn, …)`) still counts: it
 * changes what the column holds.
 */
function withoutOwnValue(value: ValueSource, table: TableName, column: string): ValueSource {
  if (value.transform !== 'copy') return value;
  const from = value.from.filter(
    (source) =>
      source.column !== column ||
      source.table.name !== table.name ||
      source.table.schema !== table.schema,
  );
  return from.length === value.from.length ? value : { ...value, from };
}

/* ------------------------------------------------------------------------------------------------
 * Supabase storage buckets
 * --------------------------------------------------------------------------------------------- */

function isStorageBuckets(table: TableName): boolean {
  return table.schema === 'storage' && table.name === 'buckets';
}

function constantText(node: Node | undefined): string | undefined {
  let value = node;
  while (value && 'TypeCast' in value) value = value.TypeCast.arg;
  if (!value || !('A_Const' in value)) return undefined;
  const constant = value.A_Const;
  if (constant.sval) return constant.sval.sval ?? '';
  if (constant.boolval) return constant.boolval.boolval ? 'true' : 'false';
  if (constant.ival) return String(constant.ival.ival ?? 0);
  return undefined;
}

const TRUE_TEXTS = new Set(['true', 't', 'yes', 'y', 'on', '1']);

function insertBuckets(
  select: SelectStmt,
  targetNames: string[],
  context: StatementContext,
  facts: Fact[],
): void {
  const idIndex = targetNames.indexOf('id');
  const nameIndex = targetNames.indexOf('name');
  const publicIndex = targetNames.indexOf('public');
  for (const row of select.valuesLists ?? []) {
    const items = 'List' in row ? (row.List.items ?? []) : [];
    const bucket = constantText(items[idIndex]) ?? constantText(items[nameIndex]) ?? '*';
    const publicValue = items[publicIndex];
    let at = statementLocation(context);
    if (publicValue) {
      const start = context.charAt(leftmostLocation(publicValue));
      at = context.source.locate(start, findItemEnd(context.source.text, start, context.end));
    }
    const isPublic = TRUE_TEXTS.has((constantText(publicValue) ?? 'false').toLowerCase());
    facts.push({ kind: 'bucket-changed', at, bucket, public: isPublic });
  }
}

/** The bucket an UPDATE's `WHERE id = '…'` (or `name = '…'`) picks; `*` when it picks no single one. */
function bucketOfWhere(where: Node | undefined): string {
  if (!where || !('A_Expr' in where)) return '*';
  const { lexpr, rexpr, name } = where.A_Expr;
  if (stringsOf(name).join('') !== '=') return '*';
  const column =
    lexpr && 'ColumnRef' in lexpr ? stringsOf(lexpr.ColumnRef.fields).pop() : undefined;
  if (column !== 'id' && column !== 'name') return '*';
  return constantText(rexpr) ?? '*';
}

function updateBuckets(statement: UpdateStmt, context: StatementContext, facts: Fact[]): void {
  for (const node of statement.targetList ?? []) {
    if (!('ResTarget' in node) || node.ResTarget.name !== 'public') continue;
    const text = constantText(node.ResTarget.val);
    if (text === undefined) continue;
    const start = context.charAt(node.ResTarget.location ?? 0);
    const end = findItemEnd(context.source.text, start, context.end, SELECT_ITEM_STOP_WORDS);
    facts.push({
      kind: 'bucket-changed',
      at: context.source.locate(start, end),
      bucket: bucketOfWhere(statement.whereClause),
      public: TRUE_TEXTS.has(text.toLowerCase()),
    });
  }
}

/* ------------------------------------------------------------------------------------------------
 * GRANT, REVOKE, default privileges
 * --------------------------------------------------------------------------------------------- */

/** Lowercased role names; `public` for PUBLIC. A PUBLIC the parser supplied itself (no location) is dropped. */
function rolesOf(nodes: Node[] | undefined): string[] {
  const roles: string[] = [];
  for (const node of nodes ?? []) {
    if (!('RoleSpec' in node)) continue;
    const role = node.RoleSpec;
    switch (role.roletype) {
      case 'ROLESPEC_CSTRING':
        if (role.rolename) roles.push(role.rolename.toLowerCase());
        break;
      case 'ROLESPEC_PUBLIC':
        if ((role.location ?? -1) >= 0) roles.push('public');
        break;
      case 'ROLESPEC_CURRENT_USER':
        roles.push('current_user');
        break;
      case 'ROLESPEC_SESSION_USER':
        roles.push('session_user');
        break;
      case 'ROLESPEC_CURRENT_ROLE':
        roles.push('current_role');
        break;
      default:
        break;
    }
  }
  return roles;
}

function defaultPrivilegeSchemas(options: Node[] | undefined): string[] {
  for (const option of options ?? []) {
    if ('DefElem' in option && option.DefElem.defname === 'schemas') {
      const list = option.DefElem.arg;
      if (list && 'List' in list) return stringsOf(list.List.items);
    }
  }
  return [];
}

/**
 * GRANT/REVOKE on tables and views. Privileges with a column list and those without become
 * separate facts, so a column-level grant never widens to the whole table.
 * `defaultSchemas` is set for ALTER DEFAULT PRIVILEGES: the grant covers future tables of those
 * schemas (every schema when the list is empty), reported as `{ schema, name: '*' }`.
 */
function grant(
  statement: GrantStmt,
  defaultSchemas: string[] | undefined,
  context: StatementContext,
  facts: Fact[],
): void {
  if (statement.objtype !== 'OBJECT_TABLE') return;
  const tables: TableName[] = [];
  if (defaultSchemas) {
    if (defaultSchemas.length === 0) tables.push({ name: '*' });
    for (const schema of defaultSchemas) tables.push({ schema, name: '*' });
  } else if (statement.targtype === 'ACL_TARGET_ALL_IN_SCHEMA') {
    for (const schema of stringsOf(statement.objects))
      tables.push({ schema: schemaNameOf(context, schema), name: '*' });
  } else {
    for (const object of statement.objects ?? []) {
      const table = 'RangeVar' in object ? tableOf(context, object.RangeVar) : undefined;
      if (table) tables.push(table);
    }
  }
  const roles = rolesOf(statement.grantees);
  // Group privileges by their column list ('' = the whole table).
  const groups = new Map<string, { privileges: string[]; columns: string[] }>();
  const privileges = statement.privileges ?? [];
  if (privileges.length === 0) groups.set('', { privileges: ['all'], columns: [] });
  for (const node of privileges) {
    if (!('AccessPriv' in node)) continue;
    const columns = stringsOf(node.AccessPriv.cols);
    const key = columns.join('\u0000');
    const group = groups.get(key) ?? { privileges: [], columns };
    group.privileges.push((node.AccessPriv.priv_name ?? 'all').toLowerCase());
    groups.set(key, group);
  }
  const kind = statement.is_grant ? 'access-granted' : 'access-revoked';
  const at = statementLocation(context);
  for (const table of tables) {
    for (const group of groups.values()) {
      facts.push({
        kind,
        at,
        table,
        roles,
        privileges: group.privileges,
        ...(group.columns.length > 0 ? { columns: group.columns } : {}),
        ...(defaultSchemas ? { defaultPrivileges: true } : {}),
      });
    }
  }
}

/* ------------------------------------------------------------------------------------------------
 * Policies
 * --------------------------------------------------------------------------------------------- */

/** `true`, `(true)`, `'t'`, `1 = 1`, `true OR …`: every row passes. */
function isAlwaysTrue(node: Node | undefined): boolean {
  if (!node) return false;
  if ('TypeCast' in node) return isAlwaysTrue(node.TypeCast.arg);
  if ('A_Const' in node) {
    const text = constantText(node);
    return (
      text !== undefined && node.A_Const.ival === undefined && TRUE_TEXTS.has(text.toLowerCase())
    );
  }
  if ('A_Expr' in node) {
    const { kind, name, lexpr, rexpr } = node.A_Expr;
    if ((kind ?? 'AEXPR_OP') !== 'AEXPR_OP' || stringsOf(name).join('') !== '=') return false;
    const left = constantText(lexpr);
    return left !== undefined && left === constantText(rexpr);
  }
  if ('BoolExpr' in node) {
    const args = node.BoolExpr.args ?? [];
    if (node.BoolExpr.boolop === 'OR_EXPR') return args.some(isAlwaysTrue);
    if (node.BoolExpr.boolop === 'AND_EXPR') return args.length > 0 && args.every(isAlwaysTrue);
  }
  return false;
}

const POLICY_COMMANDS = new Set(['all', 'select', 'insert', 'update', 'delete']);

function createPolicy(statement: CreatePolicyStmt, context: StatementContext, facts: Fact[]): void {
  const table = tableOf(context, statement.table);
  if (!table || !statement.policy_name) return;
  const commandName = (statement.cmd_name ?? 'all').toLowerCase();
  const command = (POLICY_COMMANDS.has(commandName) ? commandName : 'all') as
    'all' | 'select' | 'insert' | 'update' | 'delete';
  const usingSpan = statement.qual
    ? findParenthesisedClause(context.source.text, context.start, context.end, 'using')
    : undefined;
  const checkSpan = statement.with_check
    ? findParenthesisedClause(context.source.text, context.start, context.end, 'check')
    : undefined;
  facts.push({
    kind: 'policy-created',
    at: statementLocation(context),
    table,
    name: statement.policy_name,
    roles: rolesOf(statement.roles),
    command,
    permissive: statement.permissive === true,
    ...(usingSpan ? { using: context.source.text.slice(usingSpan.start, usingSpan.end) } : {}),
    usingAlwaysTrue: isAlwaysTrue(statement.qual),
    ...(checkSpan ? { withCheck: context.source.text.slice(checkSpan.start, checkSpan.end) } : {}),
  });
}

/* ------------------------------------------------------------------------------------------------
 * Platform evidence
 * --------------------------------------------------------------------------------------------- */

export interface PlatformEvidence {
  evidence: string;
  start: number;
  end: number;
}

/** `anon` alone is no evidence: PostgREST projects grant to `anon` and `web_anon` too. */
const SUPABASE_ROLES = new Set(['authenticated', 'service_role']);
const SUPABASE_AUTH_FUNCTIONS = new Set(['uid', 'jwt', 'role', 'email']);

/** Cheap test on a whole text before walking any AST for Supabase evidence. */
export const SUPABASE_TEXT_HINT = /auth\.|storage\.|authenticated|service_role/i;

/** The first Supabase evidence in a statement: `auth.uid()`, `storage.buckets`, `auth.users`, a Supabase role. */
export function supabaseEvidence(
  statement: Node,
  context: StatementContext,
): PlatformEvidence | undefined {
  let best: { evidence: string; byte: number; call: boolean } | undefined;
  const consider = (evidence: string, byte: number | undefined, call: boolean) => {
    if (byte === undefined || byte < 0) return;
    if (!best || byte < best.byte) best = { evidence, byte, call };
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const element of value) visit(element);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if ('FuncCall' in record) {
      const call = record.FuncCall as { funcname?: Node[]; location?: number };
      const [schema, name, extra] = stringsOf(call.funcname);
      if (schema === 'auth' && name && extra === undefined && SUPABASE_AUTH_FUNCTIONS.has(name)) {
        consider(`auth.${name}()`, call.location, true);
      }
    } else if (typeof record.relname === 'string') {
      // RangeVars appear both wrapped (`{ RangeVar: … }`) and bare (`relation`, `pktable`).
      const range = record as RangeVar;
      const qualified = `${range.schemaname ?? ''}.${range.relname ?? ''}`;
      if (
        qualified === 'storage.buckets' ||
        qualified === 'storage.objects' ||
        qualified === 'auth.users'
      ) {
        consider(qualified, range.location, false);
      }
    } else if ('RoleSpec' in record) {
      const role = record.RoleSpec as { rolename?: string; location?: number };
      const name = role.rolename?.toLowerCase();
      if (name && SUPABASE_ROLES.has(name)) consider(`role ${name}`, role.location, false);
    }
    for (const child of Object.values(record)) if (typeof child === 'object') visit(child);
  };
  visit(statement);
  const found = best as { evidence: string; byte: number; call: boolean } | undefined;
  if (!found) return undefined;
  const text = context.source.text;
  const start = context.charAt(found.byte);
  let end = skipQualifiedName(text, start);
  if (found.call && text.charCodeAt(end) === 40) end = findItemEnd(text, end + 1, context.end) + 1;
  return { evidence: found.evidence, start, end };
}

/**
 * `SELECT id INTO admin_id FROM …` read as a statement of its own when it is a line of a PL/pgSQL
 * body the file failed to quote (a `DO $$` inside a `$$` string ends the string early): the target
 * is a variable an earlier `DECLARE` section names, not a table the statement creates.
 */
function intoDeclaredVariable(rel: RangeVar, context: StatementContext): boolean {
  const name = rel.relname;
  if (name === undefined || rel.schemaname !== undefined) return false;
  const before = context.source.text.slice(0, context.start);
  const declare = before.search(/\bdeclare\b/i);
  if (declare < 0) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\s*${escaped}\\s+[a-z_]`, 'im').test(before.slice(declare));
}
