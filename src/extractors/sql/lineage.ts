/**
 * Lineage: which source columns a SQL value is computed from, and what the computation does to them
 * (copy, encrypt, hash, …). Names are resolved through FROM aliases, joins, subqueries, CTEs and
 * set operations; a name that cannot be resolved to one table is attached to every candidate.
 */
import type { A_Expr, FuncCall, Node, ResTarget, SelectStmt, WithClause } from 'libpg-query';
import type { ColumnName, TableName, Transform, ValueSource } from '../../facts.js';
import type { StatementContext } from './context.js';
import { tableNameOf } from './context.js';
import { isPlaceholderName } from './placeholders.js';
import { SELECT_ITEM_STOP_WORDS, findItemEnd } from './statements.js';

/** One column a SELECT produces: its output name, its lineage, and the select-list item's span. */
export interface SelectOutput {
  name: string;
  value: ValueSource;
  start: number;
  end: number;
}

/** A FROM item: a base table, or a derived relation (subquery, CTE, VALUES) with known outputs. */
interface Relation {
  alias: string;
  table?: TableName;
  outputs?: Map<string, ValueSource>;
  /** Tables whose every column a derived relation passes through (`SELECT *` inside it). */
  starTables: TableName[];
}

export interface Scope {
  relations: Relation[];
  ctes: Map<string, SelectOutput[]>;
  parent?: Scope;
}

const NO_FLOW: ValueSource = { from: [], transform: 'copy' };

export function createScope(parent?: Scope): Scope {
  return parent ? { relations: [], ctes: new Map(), parent } : { relations: [], ctes: new Map() };
}

/** Adds a base table to the scope under its alias (an UPDATE's or DELETE's target). */
export function addTableToScope(scope: Scope, table: TableName, alias: string | undefined): void {
  scope.relations.push({ alias: alias ?? table.name, table, starTables: [] });
}

/* ------------------------------------------------------------------------------------------------
 * Transforms
 * --------------------------------------------------------------------------------------------- */

/** Most revealing first: when values are combined, the weakest protection describes the result. */
const TRANSFORM_RANK: Readonly<Record<Transform, number>> = {
  decrypt: 0,
  copy: 1,
  generalize: 2,
  mask: 3,
  hash: 4,
  tokenize: 5,
  encrypt: 6,
  drop: 7,
};

const HASH_FUNCTIONS = new Set([
  'md5',
  'sha1',
  'sha224',
  'sha256',
  'sha384',
  'sha512',
  'digest',
  'hmac',
  'crypt',
]);
/** Functions that keep only part of a value: a prefix, a suffix, an overlay. */
const MASK_FUNCTIONS = new Set(['left', 'right', 'substr', 'substring', 'overlay']);
const GENERALIZE_FUNCTIONS = new Set(['date_trunc', 'extract', 'date_part']);
/** Aggregates that summarise rows into a number: no personal value flows through them. */
const AGGREGATE_FUNCTIONS = new Set(['count', 'sum', 'avg', 'min', 'max']);

type FunctionEffect = Transform | 'aggregate' | undefined;

/** What a function does to its arguments' personal data; undefined keeps their own transform. */
export function functionEffect(name: string): FunctionEffect {
  if (name.includes('decrypt')) return 'decrypt';
  if (name.includes('encrypt')) return 'encrypt';
  if (name.includes('tokeniz') || name.includes('tokenis')) return 'tokenize';
  if (HASH_FUNCTIONS.has(name) || name.includes('hash')) return 'hash';
  if (name.includes('mask') || name.includes('redact') || MASK_FUNCTIONS.has(name)) return 'mask';
  if (GENERALIZE_FUNCTIONS.has(name)) return 'generalize';
  if (AGGREGATE_FUNCTIONS.has(name)) return 'aggregate';
  return undefined;
}

function columnKey(column: ColumnName): string {
  return `${column.table.schema ?? ''}\u0000${column.table.name}\u0000${column.column}`;
}

function uniqueColumns(columns: ColumnName[]): ColumnName[] {
  if (columns.length < 2) return columns;
  const seen = new Set<string>();
  return columns.filter((column) => {
    const key = columnKey(column);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function source(from: ColumnName[], transform: Transform, via?: string): ValueSource {
  return via === undefined ? { from, transform } : { from, transform, via };
}

/**
 * Combines the values an expression is built from. The sources are united; the transform is the
 * most revealing one among the parts that carry columns (`concat(md5(a), b)` is a copy of `b`).
 * When no part carries a column, a protective transform is kept as evidence
 * (`concat(pgp_sym_encrypt($1, k), '')` is still an encryption).
 */
export function combine(parts: ValueSource[]): ValueSource {
  if (parts.length === 0) return NO_FLOW;
  if (parts.length === 1) return parts[0] as ValueSource;
  const withColumns = parts.filter((part) => part.from.length > 0);
  let decisive: ValueSource | undefined;
  if (withColumns.length > 0) {
    for (const part of withColumns) {
      if (!decisive || TRANSFORM_RANK[part.transform] < TRANSFORM_RANK[decisive.transform]) {
        decisive = part;
      }
    }
  } else {
    decisive = parts.find((part) => part.transform !== 'copy');
  }
  const from = uniqueColumns(withColumns.flatMap((part) => part.from));
  if (!decisive) return source(from, 'copy');
  return source(from, decisive.transform, decisive.via);
}

/* ------------------------------------------------------------------------------------------------
 * Names
 * --------------------------------------------------------------------------------------------- */

export function stringsOf(nodes: Node[] | undefined): string[] {
  const names: string[] = [];
  for (const node of nodes ?? []) {
    if ('String' in node) names.push(node.String.sval ?? '');
  }
  return names;
}

export function functionNameOf(call: FuncCall): string {
  const names = stringsOf(call.funcname);
  return (names[names.length - 1] ?? '').toLowerCase();
}

/** The name Postgres gives a select-list item without an alias. */
export function outputNameOf(target: ResTarget): string {
  if (target.name) return target.name;
  let value = target.val;
  while (value && 'TypeCast' in value) value = value.TypeCast.arg;
  if (!value) return '?column?';
  if ('ColumnRef' in value) {
    const fields = value.ColumnRef.fields ?? [];
    const last = fields[fields.length - 1];
    if (last && 'A_Star' in last) return '*';
    if (last && 'String' in last) return last.String.sval ?? '?column?';
  }
  if ('FuncCall' in value) return functionNameOf(value.FuncCall);
  if ('CaseExpr' in value) return 'case';
  if ('CoalesceExpr' in value) return 'coalesce';
  return '?column?';
}

/* ------------------------------------------------------------------------------------------------
 * Scopes
 * --------------------------------------------------------------------------------------------- */

function findCte(scope: Scope | undefined, name: string): SelectOutput[] | undefined {
  for (let current = scope; current; current = current.parent) {
    const outputs = current.ctes.get(name);
    if (outputs) return outputs;
  }
  return undefined;
}

function derivedRelation(alias: string, outputs: SelectOutput[], renames: string[]): Relation {
  const map = new Map<string, ValueSource>();
  const starTables: TableName[] = [];
  let position = 0;
  for (const output of outputs) {
    if (output.name === '*') {
      for (const column of output.value.from) starTables.push(column.table);
      continue;
    }
    map.set(renames[position] ?? output.name, output.value);
    position++;
  }
  return { alias, outputs: map, starTables };
}

/** Adds the CTEs of a WITH clause; each sees the ones before it. */
export function addCtes(
  scope: Scope,
  withClause: WithClause | undefined,
  context: StatementContext,
): void {
  for (const node of withClause?.ctes ?? []) {
    if (!('CommonTableExpr' in node)) continue;
    const cte = node.CommonTableExpr;
    const query = cte.ctequery;
    if (!cte.ctename || !query) continue;
    const outputs =
      'SelectStmt' in query
        ? selectOutputs(query.SelectStmt, scope, context)
        : returningOutputs(query, scope, context);
    const renames = stringsOf(cte.aliascolnames);
    scope.ctes.set(
      cte.ctename,
      outputs.map((output, index) => ({ ...output, name: renames[index] ?? output.name })),
    );
  }
}

/** A data-modifying CTE (`WITH moved AS (DELETE … RETURNING *)`) yields its RETURNING list. */
function returningOutputs(query: Node, scope: Scope, context: StatementContext): SelectOutput[] {
  let relation:
    { relname?: string; schemaname?: string; alias?: { aliasname?: string } } | undefined;
  let returning: Node[] | undefined;
  if ('DeleteStmt' in query) {
    relation = query.DeleteStmt.relation;
    returning = query.DeleteStmt.returningClause?.exprs;
  } else if ('UpdateStmt' in query) {
    relation = query.UpdateStmt.relation;
    returning = query.UpdateStmt.returningClause?.exprs;
  } else if ('InsertStmt' in query) {
    relation = query.InsertStmt.relation;
    returning = query.InsertStmt.returningClause?.exprs;
  }
  if (!relation || !returning) return [];
  const inner = createScope(scope);
  const table = tableNameOf(context, relation.relname, relation.schemaname);
  if (table) addTableToScope(inner, table, relation.alias?.aliasname);
  return targetListOutputs(returning, inner, context);
}

/** Adds the FROM items to the scope. */
export function addFromClause(
  scope: Scope,
  fromClause: Node[] | undefined,
  context: StatementContext,
): void {
  for (const item of fromClause ?? []) addFromItem(scope, item, context);
}

function addFromItem(scope: Scope, item: Node, context: StatementContext): void {
  if ('RangeVar' in item) {
    const range = item.RangeVar;
    const alias = range.alias?.aliasname;
    const name = range.relname ?? '';
    const cte = range.schemaname ? undefined : findCte(scope, name);
    if (cte) {
      scope.relations.push(derivedRelation(alias ?? name, cte, stringsOf(range.alias?.colnames)));
      return;
    }
    const table = tableNameOf(context, range.relname, range.schemaname);
    if (table) addTableToScope(scope, table, alias);
    return;
  }
  if ('JoinExpr' in item) {
    if (item.JoinExpr.larg) addFromItem(scope, item.JoinExpr.larg, context);
    if (item.JoinExpr.rarg) addFromItem(scope, item.JoinExpr.rarg, context);
    return;
  }
  if ('RangeSubselect' in item) {
    const subquery = item.RangeSubselect.subquery;
    const alias = item.RangeSubselect.alias;
    if (!subquery || !('SelectStmt' in subquery)) return;
    // A LATERAL subquery sees the items before it: the scope itself is its parent.
    const outputs = selectOutputs(subquery.SelectStmt, scope, context);
    scope.relations.push(
      derivedRelation(alias?.aliasname ?? '', outputs, stringsOf(alias?.colnames)),
    );
    return;
  }
  if ('RangeFunction' in item) {
    // generate_series(…), unnest(…): a derived relation whose columns are unknown.
    const alias = item.RangeFunction.alias?.aliasname ?? '';
    scope.relations.push({ alias, outputs: new Map(), starTables: [] });
  }
}

function qualifiedMatch(relation: Relation, qualifier: string[]): boolean {
  const name = qualifier[qualifier.length - 1];
  if (qualifier.length === 1) return relation.alias === name;
  const schema = qualifier[qualifier.length - 2];
  return relation.table?.name === name && relation.table?.schema === schema;
}

function columnsOf(relation: Relation, column: string): ValueSource | undefined {
  if (relation.table) return source([{ table: relation.table, column }], 'copy');
  const known = relation.outputs?.get(column);
  if (known) return known;
  if (relation.starTables.length > 0) {
    return source(
      relation.starTables.map((table) => ({ table, column })),
      'copy',
    );
  }
  return undefined;
}

function starOf(relation: Relation): ValueSource {
  if (relation.table) return source([{ table: relation.table, column: '*' }], 'copy');
  const parts = [...(relation.outputs?.values() ?? [])];
  for (const table of relation.starTables) parts.push(source([{ table, column: '*' }], 'copy'));
  return combine(parts);
}

/** Resolves a column reference (`email`, `p.email`, `s.patients.email`) to its sources. */
function resolveColumn(fields: string[], scope: Scope): ValueSource {
  const column = fields[fields.length - 1] as string;
  const qualifier = fields.slice(0, -1);
  if (qualifier.length > 0) {
    for (let current: Scope | undefined = scope; current; current = current.parent) {
      const relation = current.relations.find((candidate) => qualifiedMatch(candidate, qualifier));
      if (relation) return columnsOf(relation, column) ?? NO_FLOW;
    }
    // A qualifier that names nothing in scope: read it as a table name.
    const name = qualifier[qualifier.length - 1] as string;
    const schema = qualifier[qualifier.length - 2];
    const table: TableName = schema === undefined ? { name } : { schema, name };
    return source([{ table, column }], 'copy');
  }
  for (let current: Scope | undefined = scope; current; current = current.parent) {
    if (current.relations.length === 0) continue;
    if (current.relations.length === 1) {
      return columnsOf(current.relations[0] as Relation, column) ?? NO_FLOW;
    }
    // Several FROM items: a derived relation that has the column decides; otherwise every base
    // table (and every relation passing `*` through) is a candidate.
    const derived = current.relations.filter((relation) => relation.outputs?.has(column));
    const candidates =
      derived.length > 0
        ? derived
        : current.relations.filter((relation) => relation.table || relation.starTables.length > 0);
    const parts = candidates
      .map((relation) => columnsOf(relation, column))
      .filter((part): part is ValueSource => part !== undefined);
    if (parts.length > 0) return combine(parts);
  }
  return NO_FLOW;
}

/* ------------------------------------------------------------------------------------------------
 * Expressions
 * --------------------------------------------------------------------------------------------- */

/** Operators whose result is a truth value: they reveal one bit, not the value. */
const BOOLEAN_OPERATORS = new Set([
  '=',
  '<>',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '~~',
  '!~~',
  '~~*',
  '!~~*',
  '~',
  '~*',
  '!~',
  '!~*',
  '@>',
  '<@',
  '&&',
  '@@',
]);

function operatorValue(expression: A_Expr, scope: Scope, context: StatementContext): ValueSource {
  const kind = expression.kind ?? 'AEXPR_OP';
  if (kind !== 'AEXPR_OP' && kind !== 'AEXPR_NULLIF') return NO_FLOW;
  const operator = stringsOf(expression.name).join('.');
  if (kind === 'AEXPR_OP' && BOOLEAN_OPERATORS.has(operator)) return NO_FLOW;
  if (kind === 'AEXPR_NULLIF') return valueOf(expression.lexpr, scope, context);
  return combine([
    valueOf(expression.lexpr, scope, context),
    valueOf(expression.rexpr, scope, context),
  ]);
}

function functionValue(call: FuncCall, scope: Scope, context: StatementContext): ValueSource {
  const name = functionNameOf(call);
  const effect = functionEffect(name);
  if (effect === 'aggregate' || call.agg_star) return NO_FLOW;
  const inner = combine((call.args ?? []).map((argument) => valueOf(argument, scope, context)));
  if (effect === undefined) return inner;
  // The outermost protective function decides (`encrypt(lower(email))` is encrypted).
  return source(inner.from, effect, name);
}

/** Lineage of a scalar subquery: its first output column. */
function subqueryValue(
  subselect: Node | undefined,
  scope: Scope,
  context: StatementContext,
): ValueSource {
  if (!subselect || !('SelectStmt' in subselect)) return NO_FLOW;
  const outputs = selectOutputs(subselect.SelectStmt, scope, context);
  return outputs[0]?.value ?? NO_FLOW;
}

/** What a value expression is computed from, resolved in `scope`. */
export function valueOf(
  node: Node | undefined,
  scope: Scope,
  context: StatementContext,
): ValueSource {
  if (!node) return NO_FLOW;
  if ('ColumnRef' in node) {
    const fields = node.ColumnRef.fields ?? [];
    const names = stringsOf(fields);
    const last = fields[fields.length - 1];
    if (last && 'A_Star' in last) {
      return starValue(names, scope);
    }
    if (names.length !== fields.length || names.length === 0) return NO_FLOW;
    if (context.source.hasPlaceholders && names.some(isPlaceholderName)) return NO_FLOW;
    const procedural = context.procedural;
    const [first = '', second = ''] = names.map((name) => name.toLowerCase());
    // A PL/pgSQL parameter or variable (`COALESCE(p_icd10_code, icd10_code)`): the caller's value.
    if (names.length === 1 && procedural?.variables.has(first)) return NO_FLOW;
    // A record's field (`p.email` of `FOR p IN SELECT … FROM patients`), never a table `p`. A
    // record of unknown shape (a trigger's `NEW`) still goes by its name: the copy then defines the
    // target's columns, which a table created outside the migrations would not otherwise have.
    if (names.length === 2 && procedural?.records.has(first)) {
      const field = procedural.recordField(first, second);
      if (field) return field;
    }
    return resolveColumn(names, scope);
  }
  if ('A_Const' in node || 'ParamRef' in node || 'SQLValueFunction' in node) return NO_FLOW;
  if ('FuncCall' in node) return functionValue(node.FuncCall, scope, context);
  if ('TypeCast' in node) return valueOf(node.TypeCast.arg, scope, context);
  if ('A_Expr' in node) return operatorValue(node.A_Expr, scope, context);
  if ('BoolExpr' in node || 'NullTest' in node || 'BooleanTest' in node) return NO_FLOW;
  if ('CaseExpr' in node) {
    // The WHEN conditions only choose a branch; the results are what flows.
    const results: ValueSource[] = [];
    for (const when of node.CaseExpr.args ?? []) {
      if ('CaseWhen' in when) results.push(valueOf(when.CaseWhen.result, scope, context));
    }
    results.push(valueOf(node.CaseExpr.defresult, scope, context));
    return combine(results);
  }
  if ('CoalesceExpr' in node) return combineAll(node.CoalesceExpr.args, scope, context);
  if ('MinMaxExpr' in node) return combineAll(node.MinMaxExpr.args, scope, context);
  if ('RowExpr' in node) return combineAll(node.RowExpr.args, scope, context);
  if ('A_ArrayExpr' in node) return combineAll(node.A_ArrayExpr.elements, scope, context);
  if ('A_Indirection' in node) return valueOf(node.A_Indirection.arg, scope, context);
  if ('CollateClause' in node) return valueOf(node.CollateClause.arg, scope, context);
  if ('NamedArgExpr' in node)
    return valueOf(node.NamedArgExpr.arg as Node | undefined, scope, context);
  if ('SubLink' in node) {
    const kind = node.SubLink.subLinkType;
    if (kind === 'EXPR_SUBLINK' || kind === 'ARRAY_SUBLINK') {
      return subqueryValue(node.SubLink.subselect, createScope(scope), context);
    }
    return NO_FLOW;
  }
  return NO_FLOW;
}

function combineAll(
  nodes: Node[] | undefined,
  scope: Scope,
  context: StatementContext,
): ValueSource {
  return combine((nodes ?? []).map((node) => valueOf(node, scope, context)));
}

function starValue(qualifier: string[], scope: Scope): ValueSource {
  if (qualifier.length > 0) {
    for (let current: Scope | undefined = scope; current; current = current.parent) {
      const relation = current.relations.find((candidate) => qualifiedMatch(candidate, qualifier));
      if (relation) return starOf(relation);
    }
    const name = qualifier[qualifier.length - 1] as string;
    return source([{ table: { name }, column: '*' }], 'copy');
  }
  return combine(scope.relations.map(starOf));
}

/* ------------------------------------------------------------------------------------------------
 * SELECT outputs
 * --------------------------------------------------------------------------------------------- */

/** The leftmost parser location in a subtree: where an expression's text starts. */
export function leftmostLocation(node: unknown): number {
  let best = Number.POSITIVE_INFINITY;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const element of value) visit(element);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'location' && typeof child === 'number') {
        if (child >= 0 && child < best) best = child;
      } else if (typeof child === 'object') visit(child);
    }
  };
  visit(node);
  return best === Number.POSITIVE_INFINITY ? -1 : best;
}

function itemSpan(byteLocation: number, context: StatementContext): { start: number; end: number } {
  const start = byteLocation >= 0 ? context.charAt(byteLocation) : context.start;
  const end = findItemEnd(context.source.text, start, context.end, SELECT_ITEM_STOP_WORDS);
  return { start, end };
}

/** Outputs of a select list (or RETURNING list) resolved in `scope`. */
function targetListOutputs(
  targets: Node[],
  scope: Scope,
  context: StatementContext,
): SelectOutput[] {
  const outputs: SelectOutput[] = [];
  for (const node of targets) {
    if (!('ResTarget' in node)) continue;
    const target = node.ResTarget;
    const { start, end } = itemSpan(target.location ?? -1, context);
    const name = outputNameOf(target);
    const value = target.val ? valueOf(target.val, scope, context) : NO_FLOW;
    if (name === '*' && target.val && 'ColumnRef' in target.val) {
      // `SELECT *` over derived relations with known columns expands to those columns.
      const qualifier = stringsOf(target.val.ColumnRef.fields);
      const relations = starRelations(qualifier, scope);
      if (
        relations &&
        relations.every((relation) => !relation.table && relation.starTables.length === 0)
      ) {
        for (const relation of relations) {
          for (const [columnName, columnValue] of relation.outputs ?? []) {
            outputs.push({ name: columnName, value: columnValue, start, end });
          }
        }
        continue;
      }
    }
    outputs.push({ name, value, start, end });
  }
  return outputs;
}

function starRelations(qualifier: string[], scope: Scope): Relation[] | undefined {
  if (qualifier.length === 0) return scope.relations.length > 0 ? scope.relations : undefined;
  for (let current: Scope | undefined = scope; current; current = current.parent) {
    const relation = current.relations.find((candidate) => qualifiedMatch(candidate, qualifier));
    if (relation) return [relation];
  }
  return undefined;
}

/**
 * The columns a SELECT produces, each with its lineage and its select-list item. Set operations
 * (UNION, INTERSECT, EXCEPT) merge the sources of each position and take the left side's names and
 * places; VALUES lists name their columns column1, column2, … as Postgres does.
 */
export function selectOutputs(
  select: SelectStmt,
  outer: Scope | undefined,
  context: StatementContext,
): SelectOutput[] {
  const scope = createScope(outer);
  addCtes(scope, select.withClause, context);
  if (select.op && select.op !== 'SETOP_NONE') {
    const left = select.larg ? selectOutputs(select.larg, scope, context) : [];
    const right = select.rarg ? selectOutputs(select.rarg, scope, context) : [];
    return left.map((output, index) => {
      const other = right[index];
      return other ? { ...output, value: combine([output.value, other.value]) } : output;
    });
  }
  if (select.valuesLists) {
    const outputs: SelectOutput[] = [];
    for (const row of select.valuesLists) {
      const items = 'List' in row ? (row.List.items ?? []) : [];
      items.forEach((item, index) => {
        const value = valueOf(item, scope, context);
        const existing = outputs[index];
        if (existing) existing.value = combine([existing.value, value]);
        else
          outputs.push({
            name: `column${index + 1}`,
            value,
            ...itemSpan(leftmostLocation(item), context),
          });
      });
    }
    return outputs;
  }
  addFromClause(scope, select.fromClause, context);
  return targetListOutputs(select.targetList ?? [], scope, context);
}
