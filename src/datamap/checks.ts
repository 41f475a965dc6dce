import type { SourceLocation, Transform } from '../facts.js';
import { isKnownCategory, suggestCategory } from '../taxonomy/categories.js';
import { closest } from '../util/suggest.js';
import type { MapProblem, MappingDecl, MappingField, StoreDecl, TableDecl } from './types.js';

/**
 * Reference checks of a data map: what JSON Schema cannot say because it needs the taxonomy or the
 * rest of the map (every file merged). Shape errors are the schema's; these assume the shape is right.
 */

/** A dotted lowercase name; the schema reports texts that are not, so they are never checked twice. */
const CATEGORY_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/** Whether `value` is written like a category (or `*`, where selectors are allowed). */
export function looksLikeCategory(value: string, allowWildcard: boolean): boolean {
  return (allowWildcard && value === '*') || CATEGORY_NAME.test(value);
}

/** A problem when a well-formed category name is not in the taxonomy. `where` names its place. */
export function unknownCategoryProblem(
  value: string,
  at: SourceLocation,
  where: string,
): MapProblem | undefined {
  if (value === '*' || isKnownCategory(value)) return undefined;
  const guess = suggestCategory(value);
  if (guess !== undefined) {
    return {
      at,
      message: `unknown category \`${value}\` in ${where}; did you mean \`${guess}\`?`,
      suggestion: `write \`${guess}\``,
    };
  }
  return {
    at,
    message: `unknown category \`${value}\` in ${where}`,
    suggestion: 'use a category of the taxonomy (spec: taxonomy.md), or a prefix of one',
  };
}

/** Declarations left out of the map because their own shape is wrong (already reported). */
export interface SkippedDecls {
  stores: Set<string>;
  /** `store.table` */
  tables: Set<string>;
  /** `store.table.column` */
  columns: Set<string>;
}

/** A store or mapping id given twice, reported at the second place, naming the first. */
export function duplicateIdProblem(
  kind: string,
  id: string,
  first: SourceLocation,
  second: SourceLocation,
): MapProblem {
  return {
    at: second,
    message: `${kind} \`${id}\` is defined twice: first at ${first.file}:${first.line}`,
    suggestion: `rename one of them, or merge the two definitions of ${kind} \`${id}\``,
  };
}

/** A mapping as written, before its tables are looked up among the stores. */
export interface MappingDraft {
  id: string;
  idAt: SourceLocation;
  description?: string;
  from: { text: string; at: SourceLocation };
  to: { text: string; at: SourceLocation };
  fields: FieldDraft[];
}

export interface FieldDraft {
  target: string;
  /** The target key: where a finding about this field points. */
  targetAt: SourceLocation;
  source: string;
  sourceAt: SourceLocation;
  transform: Exclude<Transform, 'decrypt'>;
}

/**
 * Looks up a mapping's tables. Returns the mapping when both tables are declared; fields naming
 * unknown columns are reported but kept, so the copy is still analysed.
 */
export function resolveMapping(
  draft: MappingDraft,
  stores: Map<string, StoreDecl>,
  skipped: SkippedDecls,
): { mapping?: MappingDecl; problems: MapProblem[] } {
  const problems: MapProblem[] = [];
  const from = resolveTableRef(draft, 'from', stores, skipped, problems);
  const to = resolveTableRef(draft, 'to', stores, skipped, problems);
  if (from === undefined || to === undefined) return { problems };

  const fields: MappingField[] = [];
  for (const field of draft.fields) {
    const targetProblem = unknownColumnProblem(to, field.target, field.targetAt, skipped);
    if (targetProblem !== undefined) problems.push(targetProblem);
    const sourceProblem = unknownColumnProblem(from, field.source, field.sourceAt, skipped);
    if (sourceProblem !== undefined) problems.push(sourceProblem);
    fields.push({
      target: field.target,
      source: field.source,
      transform: field.transform,
      at: field.targetAt,
    });
  }
  const mapping: MappingDecl = {
    id: draft.id,
    from: { store: from.store.id, table: from.table.name },
    to: { store: to.store.id, table: to.table.name },
    fields,
    at: draft.idAt,
  };
  if (draft.description !== undefined) mapping.description = draft.description;
  return { mapping, problems };
}

interface TableRef {
  store: StoreDecl;
  table: TableDecl;
}

function resolveTableRef(
  draft: MappingDraft,
  role: 'from' | 'to',
  stores: Map<string, StoreDecl>,
  skipped: SkippedDecls,
  problems: MapProblem[],
): TableRef | undefined {
  const { text, at } = draft[role];
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1) {
    const owners = [...stores.values()].filter((store) => findTable(store, text) !== undefined);
    const only = owners.length === 1 ? owners[0] : undefined;
    const guess = only !== undefined ? `${only.id}.${text}` : undefined;
    problems.push({
      at,
      message: `\`${role}\` of mapping \`${draft.id}\` must name a table as \`store.table\`; got \`${text}\`${guess !== undefined ? ` — did you mean \`${guess}\`?` : ''}`,
      suggestion:
        guess !== undefined
          ? `write \`${guess}\``
          : 'write it as `store.table`, e.g. `pps.patients`',
    });
    return undefined;
  }
  const storeId = text.slice(0, dot);
  const tableName = text.slice(dot + 1);
  if (skipped.stores.has(storeId)) return undefined;
  const store = stores.get(storeId);
  if (store === undefined) {
    const known = [...stores.keys()];
    const guess = closest(storeId, [...known, ...skipped.stores]);
    const where = `unknown store \`${storeId}\` in mapping \`${draft.id}\``;
    if (guess !== undefined) {
      problems.push(didYouMean(at, where, guess));
    } else {
      problems.push({
        at,
        message: `${where}; it is not declared under \`stores\``,
        suggestion:
          known.length > 0
            ? `declare it under \`stores\`, or use one of: ${known.join(', ')}`
            : 'declare it under `stores`',
      });
    }
    return undefined;
  }
  const table = findTable(store, tableName);
  if (table !== undefined) return { store, table };
  if (skipped.tables.has(`${storeId}.${tableName}`)) return undefined;
  const skippedTables = [...skipped.tables]
    .filter((key) => key.startsWith(`${storeId}.`))
    .map((key) => key.slice(storeId.length + 1));
  const guess = closest(tableName, [...store.tables.keys(), ...skippedTables]);
  const where = `store \`${storeId}\` has no table \`${tableName}\``;
  if (guess !== undefined) {
    problems.push(didYouMean(at, where, guess, `${storeId}.${guess}`));
  } else {
    problems.push({
      at,
      message: where,
      suggestion: `declare it under \`stores.${storeId}.tables\``,
    });
  }
  return undefined;
}

/** A table of a store by its key, allowing the default `public` schema to be written or left out. */
export function findTable(store: StoreDecl, name: string): TableDecl | undefined {
  return (
    store.tables.get(name) ??
    store.tables.get(`public.${name}`) ??
    (name.startsWith('public.') ? store.tables.get(name.slice('public.'.length)) : undefined)
  );
}

function unknownColumnProblem(
  ref: TableRef,
  column: string,
  at: SourceLocation,
  skipped: SkippedDecls,
): MapProblem | undefined {
  const { store, table } = ref;
  // A table declared without columns accepts any: the steward has not listed them yet.
  if (table.columns.size === 0 || table.columns.has(column)) return undefined;
  if (skipped.columns.has(`${store.id}.${table.name}.${column}`)) return undefined;
  const guess = closest(column, table.columns.keys());
  const where = `table \`${store.id}.${table.name}\` has no column \`${column}\``;
  if (guess !== undefined) {
    return didYouMean(at, where, guess);
  }
  return {
    at,
    message: where,
    suggestion: `declare it under \`stores.${store.id}.tables.${table.name}.columns\``,
  };
}

/** A `policy.partner.allow` entry must name a declared store. */
export function unknownAllowStoreProblem(
  storeId: string,
  at: SourceLocation,
  stores: Map<string, StoreDecl>,
  skipped: SkippedDecls,
): MapProblem | undefined {
  if (stores.has(storeId) || skipped.stores.has(storeId)) return undefined;
  const guess = closest(storeId, [...stores.keys(), ...skipped.stores]);
  const where = `unknown store \`${storeId}\` in \`policy.partner.allow\``;
  if (guess !== undefined) {
    return didYouMean(at, where, guess);
  }
  return {
    at,
    message: where,
    suggestion: 'declare the partner under `stores` with `exposure: partner`',
  };
}

function didYouMean(
  at: SourceLocation,
  where: string,
  guess: string,
  replacement = guess,
): MapProblem {
  return {
    at,
    message: `${where}; did you mean \`${guess}\`?`,
    suggestion: `write \`${replacement}\``,
  };
}
