/**
 * What a JavaScript value of a data script carries: the database columns it was computed from, the
 * transform on the way (copied, hashed, encrypted…), and the steps it took from the read. Values
 * join (a variable assigned twice carries both) and keep their shape: fields of a row, elements of
 * a list, a whole row of a table.
 */
import type {
  ColumnName,
  CopiedColumn,
  FlowStep,
  SourceLocation,
  TableName,
  Transform,
} from '../../../facts.js';
import { isPassedInTable } from '../../../facts.js';

/** A value computed from columns as a whole: a string built from them, a serialised row. */
export interface Leaf {
  from: ColumnName[];
  transform: Transform;
  /** The call that decided the transform (`createHash`). */
  via?: string;
  path: FlowStep[];
}

/**
 * What a JavaScript value carries. A row is an object whose fields are columns; an array of rows
 * has that row as `element`; a row read with `*` has `row`: any property of it is a column of
 * that table. Absent parts carry nothing.
 */
export interface Value {
  leaf?: Leaf;
  fields?: ReadonlyMap<string, Value>;
  row?: { table: TableName; template: Leaf };
  element?: Value;
  /**
   * An array literal without spreads: what each position holds, so that destructuring it
   * (`const [meta, id, owner] = await Promise.all([…])`) gives each name its own position's value,
   * not every element's. `element` still joins them for everything else.
   */
  items?: ReadonlyArray<Value | undefined>;
  /** Where this value was defined as a field: the object property or select-list item. */
  at?: SourceLocation;
}

export const TRANSFORM_RANK: Record<Transform, number> = {
  copy: 5,
  decrypt: 5,
  hash: 3,
  mask: 3,
  generalize: 3,
  tokenize: 1,
  encrypt: 1,
  drop: 0,
};

/** Keeps the first occurrence of each step, in order. */
export function mergePaths(a: readonly FlowStep[], b: readonly FlowStep[]): FlowStep[] {
  const seen = new Set<string>();
  const merged: FlowStep[] = [];
  for (const step of [...a, ...b]) {
    const key = `${step.at.line}:${step.at.column}:${step.description}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(step);
  }
  return merged;
}

export function sameColumn(a: ColumnName, b: ColumnName): boolean {
  return (
    a.column === b.column &&
    a.table.name === b.table.name &&
    a.table.schema === b.table.schema &&
    a.table.connection === b.table.connection
  );
}

export function mergeColumns(a: readonly ColumnName[], b: readonly ColumnName[]): ColumnName[] {
  const merged = [...a];
  for (const column of b)
    if (!merged.some((known) => sameColumn(known, column))) merged.push(column);
  return merged;
}

/** Joining keeps the most revealing transform: a hashed email beside a plain name is plain. */
export function joinLeaves(a: Leaf | undefined, b: Leaf | undefined): Leaf | undefined {
  if (!a) return b;
  if (!b) return a;
  const stronger = TRANSFORM_RANK[b.transform] > TRANSFORM_RANK[a.transform] ? b : a;
  const leaf: Leaf = {
    from: mergeColumns(a.from, b.from),
    transform: stronger.transform,
    path: mergePaths(a.path, b.path),
  };
  if (stronger.via) leaf.via = stronger.via;
  return leaf;
}

export function join(a: Value | undefined, b: Value | undefined): Value | undefined {
  if (!a || !isTainted(a)) return b && isTainted(b) ? b : undefined;
  if (!b || !isTainted(b)) return a;
  const result: Value = {};
  const leaf = joinLeaves(a.leaf, b.leaf);
  if (leaf) result.leaf = leaf;
  if (a.fields || b.fields) {
    const fields = new Map(a.fields ?? []);
    for (const [name, value] of b.fields ?? []) {
      const joined = join(fields.get(name), value);
      if (joined) fields.set(name, joined);
    }
    result.fields = fields;
  }
  const row = a.row ?? b.row;
  if (row) result.row = row;
  const element = join(a.element, b.element);
  if (element) result.element = element;
  // Positions are kept only when both sides are tuples of one length; otherwise `element` speaks.
  if (a.items && b.items && a.items.length === b.items.length) {
    const bItems = b.items;
    result.items = a.items.map((item, index) => join(item, bItems[index]));
  }
  const at = a.at ?? b.at;
  if (at) result.at = at;
  return result;
}

export function joinAll(values: Iterable<Value | undefined>): Value | undefined {
  let result: Value | undefined;
  for (const value of values) result = join(result, value);
  return result;
}

export function isTainted(value: Value | undefined, depth = 0): boolean {
  if (!value || depth > 8) return false;
  if (value.leaf || value.row) return true;
  if (value.element && isTainted(value.element, depth + 1)) return true;
  for (const field of value.fields?.values() ?? []) if (isTainted(field, depth + 1)) return true;
  return false;
}

/** The same value with one more step on every part of it. */
export function withStep(value: Value | undefined, step: FlowStep, depth = 0): Value | undefined {
  if (!value || depth > 8) return value;
  const result: Value = {};
  if (value.leaf) result.leaf = { ...value.leaf, path: mergePaths(value.leaf.path, [step]) };
  if (value.row) {
    result.row = {
      table: value.row.table,
      template: { ...value.row.template, path: mergePaths(value.row.template.path, [step]) },
    };
  }
  if (value.fields) {
    const fields = new Map<string, Value>();
    for (const [name, field] of value.fields) {
      const stepped = withStep(field, step, depth + 1);
      if (stepped) fields.set(name, stepped);
    }
    result.fields = fields;
  }
  if (value.element) {
    const element = withStep(value.element, step, depth + 1);
    if (element) result.element = element;
  }
  if (value.items) result.items = value.items.map((item) => withStep(item, step, depth + 1));
  if (value.at) result.at = value.at;
  return result;
}

/** `row.email`: the field when known, else that column of a `*` row; `length` is a count. */
export function propertyOf(value: Value | undefined, name: string): Value | undefined {
  if (!value) return undefined;
  const field = value.fields?.get(name);
  if (field) return field;
  if (name === 'length') return undefined;
  if (value.row) {
    return { leaf: { ...value.row.template, from: [{ table: value.row.table, column: name }] } };
  }
  if (value.leaf && !value.fields && !value.element) return { leaf: value.leaf };
  return undefined;
}

export function elementOf(value: Value | undefined): Value | undefined {
  return value?.element;
}

/** Every column-carrying part of a value, each once (what a log line or request body carries). */
export function leavesOf(value: Value | undefined, depth = 0): Leaf[] {
  if (!value || depth > 8) return [];
  const leaves: Leaf[] = [];
  if (value.leaf) leaves.push(value.leaf);
  if (value.row)
    leaves.push({ ...value.row.template, from: [{ table: value.row.table, column: '*' }] });
  for (const field of value.fields?.values() ?? []) leaves.push(...leavesOf(field, depth + 1));
  leaves.push(...leavesOf(value.element, depth + 1));
  return dedupeLeaves(leaves);
}

export function dedupeLeaves(leaves: Leaf[]): Leaf[] {
  const byKey = new Map<string, Leaf>();
  for (const leaf of leaves) {
    const key = leaf.from
      .map((column) => `${column.table.connection ?? ''}/${column.table.name}.${column.column}`)
      .sort()
      .join(',');
    const previous = byKey.get(key);
    byKey.set(key, previous ? (joinLeaves(previous, leaf) as Leaf) : leaf);
  }
  return [...byKey.values()];
}

/** The whole value as one scalar: a string built from it, `JSON.stringify(row)`. */
export function scalarOf(value: Value | undefined, step?: FlowStep): Value | undefined {
  let leaf: Leaf | undefined;
  for (const part of leavesOf(value)) leaf = joinLeaves(leaf, part);
  if (!leaf) return undefined;
  return { leaf: step ? { ...leaf, path: mergePaths(leaf.path, [step]) } : leaf };
}

export function transformed(value: Value | undefined, transform: Transform, via: string) {
  const scalar = scalarOf(value);
  if (!scalar?.leaf) return undefined;
  return { leaf: { ...scalar.leaf, transform, via } } satisfies Value;
}

/**
 * A copy's columns without what the code was handed (a request's fields, a helper's arguments):
 * a handler that stores what it was sent writes the column, which that column's own finding
 * judges (encryption, exposure) at its definition; only values read from a table make a copy.
 */
export function withoutPassedIn(columns: CopiedColumn[]): CopiedColumn[] {
  return columns.flatMap((column) => {
    const from = column.value.from.filter((source) => !isPassedInTable(source.table.name));
    if (from.length === column.value.from.length) return [column];
    return from.length === 0 ? [] : [{ ...column, value: { ...column.value, from } }];
  });
}

/** The leaves read from a table, not only from what the code was handed. */
export function tableLeaves(leaves: readonly Leaf[]): Leaf[] {
  return leaves.filter((leaf) => leaf.from.some((source) => !isPassedInTable(source.table.name)));
}
