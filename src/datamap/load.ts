import { dirname } from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, Pair } from 'yaml';
import { UsageError } from '../errors.js';
import type { SourceLocation } from '../facts.js';
import { DEFAULT_ENCRYPTION_REQUIRED } from '../taxonomy/categories.js';
import { schemaProblems } from '../util/schema.js';
import { parseYaml, stringValue } from '../util/yaml.js';
import type { YamlFile, YamlPath } from '../util/yaml.js';
import {
  duplicateIdProblem,
  looksLikeCategory,
  resolveMapping,
  unknownAllowStoreProblem,
  unknownCategoryProblem,
} from './checks.js';
import type { FieldDraft, MappingDraft, SkippedDecls } from './checks.js';
import { compileGlob, GlobError } from '../util/glob.js';
import type {
  ColumnDecl,
  DataMap,
  Exposure,
  MapProblem,
  MappingDecl,
  PartnerAllow,
  Policy,
  StoreDecl,
  StoreKind,
  TableDecl,
} from './types.js';

export interface DataMapSource {
  /** Display path: forward slashes, relative to the working directory. */
  path: string;
  absolutePath: string;
  text: string;
}

const EXPOSURES: readonly Exposure[] = ['public', 'partner', 'internal', 'restricted'];
const STORE_KINDS: readonly StoreKind[] = [
  'database',
  'warehouse',
  'bucket',
  'search-index',
  'cache',
  'api',
  'analytics',
  'partner',
  'log',
];
const MAP_TRANSFORMS: readonly FieldDraft['transform'][] = [
  'copy',
  'encrypt',
  'tokenize',
  'hash',
  'mask',
  'generalize',
  'drop',
];

/**
 * Loads and merges data maps. A file that cannot be used at all (not YAML, no `version` or
 * `stores`) is one problem and is left out while other maps remain; when none remains, it throws.
 * Every other mistake is a problem, and the declarations it spoils are left out while the rest of
 * the map is used.
 */
export function loadDataMaps(sources: DataMapSource[]): {
  dataMap?: DataMap;
  problems: MapProblem[];
} {
  if (sources.length === 0) return { problems: [] };
  const files: Array<{ source: DataMapSource; yaml: YamlFile }> = [];
  const problems: MapProblem[] = [];
  for (const source of sources) {
    const opened = openDataMapFile(source);
    if (opened.unusable !== undefined) problems.push(opened.unusable);
    else files.push({ source, yaml: opened.yaml });
  }
  const first = problems[0];
  if (files.length === 0 && first !== undefined) {
    const { at, message, suggestion } = first;
    throw new UsageError(`${at.file}:${at.line}:${at.column}: ${message} — ${suggestion ?? ''}`);
  }

  const stores = new Map<string, StoreDecl>();
  const skipped: SkippedDecls = { stores: new Set(), tables: new Set(), columns: new Set() };
  const mappingDrafts: MappingDraft[] = [];
  const policyParts = new Map<PolicyPart, PolicyPartDraft>();

  for (const { source, yaml } of files) {
    const built = buildFile(yaml, dirname(source.absolutePath));
    problems.push(...built.problems);
    for (const store of built.stores) {
      const first = stores.get(store.id);
      if (first !== undefined) {
        problems.push(duplicateIdProblem('store', store.id, first.at, store.at));
      } else {
        stores.set(store.id, store);
      }
    }
    for (const id of built.skipped.stores) skipped.stores.add(id);
    for (const key of built.skipped.tables) skipped.tables.add(key);
    for (const key of built.skipped.columns) skipped.columns.add(key);
    mappingDrafts.push(...built.mappings);
    for (const [part, draft] of built.policy) {
      const first = policyParts.get(part);
      if (first !== undefined) {
        problems.push(duplicateIdProblem('policy list', part, first.at, draft.at));
      } else {
        policyParts.set(part, draft);
      }
    }
  }

  const mappings: MappingDecl[] = [];
  const mappingIds = new Map<string, SourceLocation>();
  for (const draft of mappingDrafts) {
    const first = mappingIds.get(draft.id);
    if (first !== undefined) {
      problems.push(duplicateIdProblem('mapping', draft.id, first, draft.idAt));
    }
    // A duplicate is still checked, so its own mistakes show too; only the first is used.
    const resolved = resolveMapping(draft, stores, skipped);
    problems.push(...resolved.problems);
    if (first === undefined && resolved.mapping !== undefined) mappings.push(resolved.mapping);
    if (first === undefined) mappingIds.set(draft.id, draft.idAt);
  }

  const partnerAllow: PartnerAllow[] = [];
  for (const allow of policyParts.get('partner.allow')?.allows ?? []) {
    const problem = unknownAllowStoreProblem(allow.store, allow.at, stores, skipped);
    if (problem !== undefined) problems.push(problem);
    else partnerAllow.push(allow);
  }
  const listOr = (part: PolicyPart, fallback: readonly string[]) => [
    ...(policyParts.get(part)?.selectors ?? fallback),
  ];
  const policy: Policy = {
    public: { deny: listOr('public.deny', ['*']), allow: listOr('public.allow', []) },
    partner: { deny: listOr('partner.deny', ['*']), allow: partnerAllow },
    encryption: { require: listOr('encryption.require', DEFAULT_ENCRYPTION_REQUIRED) },
  };

  problems.sort(compareProblems);
  return {
    dataMap: { files: files.map(({ source }) => source.path), stores, mappings, policy },
    problems,
  };
}

/** Every problem of one file, for `piilint validate`; an unusable file is one problem, not a throw. */
export function validateDataMapFile(source: DataMapSource): MapProblem[] {
  const opened = openDataMapFile(source);
  if (opened.unusable !== undefined) return [opened.unusable];
  return loadDataMaps([source]).problems;
}

type Opened = { yaml: YamlFile; unusable?: undefined } | { unusable: UnusableProblem };

interface UnusableProblem extends MapProblem {
  suggestion: string;
}

function openDataMapFile(source: DataMapSource): Opened {
  const { file, syntaxError } = parseYaml(source.path, source.text);
  if (syntaxError !== undefined) return { unusable: syntaxError };
  const root = file.root;
  const start = file.range(0, 0);
  if (!isMap(root)) {
    return {
      unusable: {
        at: root === undefined ? start : file.locationOf(root),
        message: 'not a data map: the file must be a YAML map with `version` and `stores`',
        suggestion: 'start the file with `version: 1` and a `stores:` map',
      },
    };
  }
  const top = file.entries(root);
  if (!top.has('version')) {
    return {
      unusable: {
        at: start,
        message: 'not a data map: no `version`',
        suggestion: 'add `version: 1` at the top of the file',
      },
    };
  }
  const storesPair = top.get('stores');
  if (storesPair === undefined) {
    return {
      unusable: {
        at: start,
        message: 'not a data map: no `stores`',
        suggestion: 'add a `stores:` map naming each store and its `exposure`',
      },
    };
  }
  if (!isMap(file.resolve(storesPair.value))) {
    return {
      unusable: {
        at: file.valueLocation(storesPair),
        message: '`stores` must be a map of store id -> store',
        suggestion: 'write each store as `<id>:` under `stores:`, with its `exposure`',
      },
    };
  }
  return { yaml: file };
}

type PolicyPart =
  'public.deny' | 'public.allow' | 'partner.deny' | 'partner.allow' | 'encryption.require';

interface PolicyPartDraft {
  at: SourceLocation;
  selectors?: string[];
  allows?: PartnerAllow[];
}

interface BuiltFile {
  stores: StoreDecl[];
  skipped: SkippedDecls;
  mappings: MappingDraft[];
  policy: Map<PolicyPart, PolicyPartDraft>;
  problems: MapProblem[];
}

/**
 * Reads one file's declarations from its YAML nodes, so each keeps its position. Shapes the schema
 * rejects are skipped here without a second message; categories are checked against the taxonomy.
 */
function buildFile(yaml: YamlFile, baseDir: string): BuiltFile {
  const describe = describeDataMapPath(yaml.toValue());
  const problems: MapProblem[] = [
    ...yaml.duplicateKeys(describe),
    ...schemaProblems('datamap', yaml, { describe }),
  ];
  const built: BuiltFile = {
    stores: [],
    skipped: { stores: new Set(), tables: new Set(), columns: new Set() },
    mappings: [],
    policy: new Map(),
    problems,
  };
  const top = yaml.entries(yaml.root);

  const storesNode = yaml.resolve(top.get('stores')?.value);
  for (const [id, pair] of yaml.entries(storesNode)) {
    const store = buildStore(yaml, id, pair, baseDir, built);
    if (store !== undefined) built.stores.push(store);
    else built.skipped.stores.add(id);
  }

  const mappingsNode = yaml.resolve(top.get('mappings')?.value);
  if (isSeq(mappingsNode)) {
    for (const item of mappingsNode.items) {
      const draft = buildMappingDraft(yaml, yaml.resolve(item));
      if (draft !== undefined) built.mappings.push(draft);
    }
  }

  buildPolicy(yaml, yaml.resolve(top.get('policy')?.value), built);
  return built;
}

function buildStore(
  yaml: YamlFile,
  id: string,
  pair: Pair,
  baseDir: string,
  built: BuiltFile,
): StoreDecl | undefined {
  const node = yaml.resolve(pair.value);
  if (!isMap(node)) return undefined;
  const fields = yaml.entries(node);
  const text = (key: string) => stringValue(yaml.resolve(fields.get(key)?.value));

  const exposure = decidedExposure(yaml, fields.get('exposure'), `store \`${id}\``, built);
  const kindPair = fields.get('kind');
  const kind = kindPair === undefined ? 'database' : text('kind');
  // Tables are read even for a store left out, so every mistake in them is reported at once.
  const tables = new Map<string, TableDecl>();
  for (const [name, tablePair] of yaml.entries(yaml.resolve(fields.get('tables')?.value))) {
    const table = buildTable(yaml, id, name, tablePair, built);
    if (table !== undefined) tables.set(name, table);
    else built.skipped.tables.add(`${id}.${name}`);
  }
  const validId = /^[a-z0-9_-]+$/.test(id);
  if (!validId || !isOneOf(exposure, EXPOSURES) || !isOneOf(kind, STORE_KINDS)) return undefined;

  const store: StoreDecl = {
    id,
    kind,
    exposure,
    encryptedAtRest: booleanValue(yaml.resolve(fields.get('encrypted_at_rest')?.value)) ?? false,
    migrations: validGlobs(yaml, fields.get('migrations'), `store \`${id}\``, built),
    baseDir,
    connections: stringItems(yaml, fields.get('connections')).map((item) => item.value),
    hosts: stringItems(yaml, fields.get('hosts')).map((item) => item.value),
    tables,
    at: yaml.locationOf(pair.key as Node),
  };
  const title = text('title');
  if (title !== undefined) store.title = title;
  const engine = text('engine');
  if (engine !== undefined && engine !== '') store.engine = engine;
  if (text('context') === 'health') store.context = 'health';
  return store;
}

/**
 * The `migrations` globs that compile; one that does not is a problem at its line and is left
 * out, so a typo cannot silently move the store's tables to another store.
 */
function validGlobs(
  yaml: YamlFile,
  pair: Pair | undefined,
  where: string,
  built: BuiltFile,
): string[] {
  const globs: string[] = [];
  for (const item of stringItems(yaml, pair)) {
    const reason = globProblem(item.value);
    if (reason === undefined) {
      globs.push(item.value);
      continue;
    }
    built.problems.push({
      at: item.at,
      message: `\`${item.value}\` in \`migrations\` of ${where} is not a valid glob: ${reason}`,
      suggestion:
        'fix the glob, e.g. `db/migrations/**/*.sql`; `{a,b}` and `[a-z]` must be closed and in order',
    });
  }
  return globs;
}

/**
 * `exposure: undecided` (what `piilint init` writes) is read as `internal` so the rest of the map
 * works, and reported until a steward chooses: a warning from `validate`, a note from `scan`.
 */
function decidedExposure(
  yaml: YamlFile,
  pair: Pair | undefined,
  what: string,
  built: BuiltFile,
): string | undefined {
  const value = stringValue(yaml.resolve(pair?.value));
  if (value !== 'undecided' || pair === undefined) return value;
  built.problems.push({
    at: yaml.valueLocation(pair),
    message: `${what} has \`exposure: undecided\`; piilint treats it as internal until someone decides`,
    suggestion: 'set `exposure` to public, partner, internal or restricted — who can read it?',
    level: 'warning',
  });
  return 'internal';
}

function buildTable(
  yaml: YamlFile,
  storeId: string,
  name: string,
  pair: Pair,
  built: BuiltFile,
): TableDecl | undefined {
  const node = yaml.resolve(pair.value);
  if (!isMap(node) || name === '') return undefined;
  const fields = yaml.entries(node);
  const text = (key: string) => stringValue(yaml.resolve(fields.get(key)?.value));

  const table: TableDecl = { name, columns: new Map(), at: yaml.locationOf(pair.key as Node) };
  const tableLabel = `table \`${storeId}.${name}\``;
  for (const [column, columnPair] of yaml.entries(yaml.resolve(fields.get('columns')?.value))) {
    const where = `column \`${column}\` of ${tableLabel}`;
    const decl = buildColumn(yaml, column, columnPair, where, built);
    if (decl !== undefined) table.columns.set(column, decl);
    else built.skipped.columns.add(`${storeId}.${name}.${column}`);
  }
  if (fields.has('exposure')) {
    const exposure = decidedExposure(yaml, fields.get('exposure'), tableLabel, built);
    // A misspelt override could hide a public table; leave the table out rather than guess.
    if (!isOneOf(exposure, EXPOSURES)) return undefined;
    table.exposure = exposure;
  }
  const subject = text('subject');
  if (subject !== undefined && subject !== '') table.subject = subject;
  if (text('context') === 'health') table.context = 'health';
  return table;
}

function buildColumn(
  yaml: YamlFile,
  name: string,
  pair: Pair,
  where: string,
  built: BuiltFile,
): ColumnDecl | undefined {
  const node = yaml.resolve(pair.value);
  const at = yaml.locationOf(pair.key as Node);
  if (name === '') return undefined;
  if (isMap(node)) {
    const fields = yaml.entries(node);
    const encrypted = booleanValue(yaml.resolve(fields.get('encrypted')?.value)) ?? false;
    const categoryPair = fields.get('category');
    if (categoryPair === undefined) {
      return { name, status: 'unknown', categories: [], encrypted, at };
    }
    const classified = columnCategories(yaml, yaml.resolve(categoryPair.value), where, built);
    return classified && { name, ...classified, encrypted, at };
  }
  const classified = columnCategories(yaml, node, where, built);
  return classified && { name, ...classified, encrypted: false, at };
}

/** `none`, one category or a list of them; undefined for shapes the schema rejects. */
function columnCategories(
  yaml: YamlFile,
  node: Node | undefined,
  where: string,
  built: BuiltFile,
): Pick<ColumnDecl, 'status' | 'categories'> | undefined {
  const single = stringValue(node);
  if (single === 'none') return { status: 'none', categories: [] };
  if (single !== undefined) {
    if (!looksLikeCategory(single, false)) return undefined;
    const problem = unknownCategoryProblem(single, yaml.locationOf(node), where);
    if (problem === undefined) return { status: 'classified', categories: [single] };
    built.problems.push(problem);
    return { status: 'unknown', categories: [] };
  }
  if (!isSeq(node)) return undefined;
  const categories: string[] = [];
  for (const item of node.items) {
    const itemNode = yaml.resolve(item);
    const value = stringValue(itemNode);
    if (value === undefined || !looksLikeCategory(value, false)) continue;
    if (value === 'none') {
      built.problems.push({
        at: yaml.locationOf(itemNode),
        message: `\`none\` in ${where} cannot be combined with categories`,
        suggestion: 'write `none` alone, or remove it from the list',
      });
      continue;
    }
    const problem = unknownCategoryProblem(value, yaml.locationOf(itemNode), where);
    if (problem !== undefined) built.problems.push(problem);
    else if (!categories.includes(value)) categories.push(value);
  }
  // Nothing usable left: declared, category unknown, so it learns from flows like `{}`.
  return categories.length > 0
    ? { status: 'classified', categories }
    : { status: 'unknown', categories: [] };
}

function buildMappingDraft(yaml: YamlFile, node: Node | undefined): MappingDraft | undefined {
  if (!isMap(node)) return undefined;
  const fields = yaml.entries(node);
  const valueOf = (key: string) => yaml.resolve(fields.get(key)?.value);
  const id = stringValue(valueOf('id'));
  const from = stringValue(valueOf('from'));
  const to = stringValue(valueOf('to'));
  const fieldsNode = valueOf('fields');
  if (id === undefined || from === undefined || to === undefined || !isMap(fieldsNode)) {
    return undefined;
  }
  const draft: MappingDraft = {
    id,
    idAt: yaml.locationOf(valueOf('id')),
    from: { text: from, at: yaml.locationOf(valueOf('from')) },
    to: { text: to, at: yaml.locationOf(valueOf('to')) },
    fields: [],
  };
  const description = stringValue(valueOf('description'));
  if (description !== undefined) draft.description = description;

  for (const [target, pair] of yaml.entries(fieldsNode)) {
    const targetAt = yaml.locationOf(pair.key as Node);
    const value = yaml.resolve(pair.value);
    const shorthand = stringValue(value);
    if (shorthand !== undefined) {
      if (shorthand !== '') {
        draft.fields.push({
          target,
          targetAt,
          source: shorthand,
          sourceAt: yaml.locationOf(value),
          transform: 'copy',
        });
      }
      continue;
    }
    if (!isMap(value)) continue;
    const parts = yaml.entries(value);
    const sourceNode = yaml.resolve(parts.get('from')?.value);
    const source = stringValue(sourceNode);
    const transformPair = parts.get('transform');
    const transform =
      transformPair === undefined ? 'copy' : stringValue(yaml.resolve(transformPair.value));
    if (source === undefined || source === '' || !isOneOf(transform, MAP_TRANSFORMS)) continue;
    draft.fields.push({
      target,
      targetAt,
      source,
      sourceAt: yaml.locationOf(sourceNode),
      transform,
    });
  }
  return draft;
}

function buildPolicy(yaml: YamlFile, node: Node | undefined, built: BuiltFile): void {
  const parts = yaml.entries(node);
  const selectorList = (part: PolicyPart, pair: Pair | undefined) => {
    if (pair === undefined || !isSeq(yaml.resolve(pair.value))) return;
    const where = `\`policy.${part}\``;
    const selectors: string[] = [];
    for (const item of stringItems(yaml, pair)) {
      if (!looksLikeCategory(item.value, true)) continue;
      const problem = unknownCategoryProblem(item.value, item.at, where);
      if (problem !== undefined) built.problems.push(problem);
      else selectors.push(item.value);
    }
    built.policy.set(part, { at: yaml.locationOf(pair.key as Node), selectors });
  };

  const publicParts = yaml.entries(yaml.resolve(parts.get('public')?.value));
  selectorList('public.deny', publicParts.get('deny'));
  selectorList('public.allow', publicParts.get('allow'));
  const partnerParts = yaml.entries(yaml.resolve(parts.get('partner')?.value));
  selectorList('partner.deny', partnerParts.get('deny'));
  const encryptionParts = yaml.entries(yaml.resolve(parts.get('encryption')?.value));
  selectorList('encryption.require', encryptionParts.get('require'));

  const allowPair = partnerParts.get('allow');
  const allowNode = yaml.resolve(allowPair?.value);
  if (allowPair === undefined || !isSeq(allowNode)) return;
  const allows: PartnerAllow[] = [];
  allowNode.items.forEach((item, index) => {
    const entry = yaml.entries(yaml.resolve(item));
    const storeNode = yaml.resolve(entry.get('store')?.value);
    const store = stringValue(storeNode);
    const purpose = stringValue(yaml.resolve(entry.get('purpose')?.value));
    const categoriesPair = entry.get('categories');
    if (store === undefined || purpose === undefined || purpose === '') return;
    if (categoriesPair === undefined || !isSeq(yaml.resolve(categoriesPair.value))) return;
    const where = `allow entry ${index + 1} of \`policy.partner\``;
    const categories: string[] = [];
    for (const category of stringItems(yaml, categoriesPair)) {
      if (!looksLikeCategory(category.value, true)) continue;
      const problem = unknownCategoryProblem(category.value, category.at, where);
      if (problem !== undefined) built.problems.push(problem);
      else categories.push(category.value);
    }
    allows.push({ store, categories, purpose, at: yaml.locationOf(storeNode) });
  });
  built.policy.set('partner.allow', { at: yaml.locationOf(allowPair.key as Node), allows });
}

/**
 * Names a node for steward-facing messages: "store `kroger`", "column `email` of table
 * `pps.patients`", "mapping `pps-member-accounts`".
 */
function describeDataMapPath(value: unknown): (path: YamlPath) => string {
  const mappingName = (index: number): string => {
    const mappings = (value as { mappings?: unknown } | null)?.mappings;
    const id = Array.isArray(mappings)
      ? (mappings[index] as { id?: unknown } | null)?.id
      : undefined;
    return typeof id === 'string' ? `mapping \`${id}\`` : `mapping ${index + 1}`;
  };
  const describe = (path: YamlPath): string => {
    const [first, second, third, fourth, fifth, sixth, ...rest] = path.map(String);
    if (first === undefined) return 'the data map';
    if (first === 'stores' && second !== undefined) {
      if (third === undefined) return `store \`${second}\``;
      if (third === 'tables' && fourth === undefined) return `the tables of store \`${second}\``;
      if (third === 'tables' && fourth !== undefined) {
        const table = `table \`${second}.${fourth}\``;
        if (fifth === undefined) return table;
        if (fifth === 'columns' && sixth === undefined) return `the columns of ${table}`;
        if (fifth === 'columns' && sixth !== undefined && rest.length === 0) {
          return `column \`${sixth}\` of ${table}`;
        }
      }
    }
    if (first === 'mappings' && second !== undefined && /^\d+$/.test(second)) {
      const mapping = mappingName(Number(second));
      if (third === undefined) return mapping;
      if (third === 'fields' && fourth === undefined) return `the fields of ${mapping}`;
      if (third === 'fields' && fourth !== undefined && fifth === undefined) {
        return `field \`${fourth}\` of ${mapping}`;
      }
    }
    if (first === 'policy' && second === 'partner' && third === 'allow' && fourth !== undefined) {
      const entry = `allow entry ${Number(fourth) + 1} of \`policy.partner\``;
      if (fifth === undefined) return entry;
    }
    if (first === 'policy' && path.every((segment) => !/^\d+$/.test(String(segment)))) {
      return `\`${path.join('.')}\``;
    }
    if (path.length === 1) return `\`${first}\``;
    const last = path[path.length - 1] as string | number;
    const parent = describe(path.slice(0, -1));
    return typeof last === 'number' || /^\d+$/.test(String(last))
      ? `item ${Number(last) + 1} of ${parent}`
      : `\`${last}\` of ${parent}`;
  };
  return describe;
}

function stringItems(
  yaml: YamlFile,
  pair: Pair | undefined,
): Array<{ value: string; at: SourceLocation }> {
  const node = yaml.resolve(pair?.value);
  if (!isSeq(node)) return [];
  const items: Array<{ value: string; at: SourceLocation }> = [];
  for (const item of node.items) {
    const itemNode = yaml.resolve(item);
    const value = stringValue(itemNode);
    if (value !== undefined && value !== '') items.push({ value, at: yaml.locationOf(itemNode) });
  }
  return items;
}

/** Why a glob cannot be matched, or undefined when it compiles. */
function globProblem(glob: string): string | undefined {
  // A class range written backwards (`[z-a]`) matches nothing: almost surely a typo.
  for (const [, from, to] of glob.matchAll(/\[!?[^\]]*?(.)-(.)[^\]]*\]/g)) {
    if (from !== undefined && to !== undefined && from > to) {
      return `a range in \`[…]\` is out of order (\`${from}-${to}\`)`;
    }
  }
  try {
    compileGlob(glob.replace(/\\/g, '/'));
    return undefined;
  } catch (error) {
    if (error instanceof GlobError) return error.message;
    throw error;
  }
}

function booleanValue(node: Node | undefined): boolean | undefined {
  return isScalar(node) && typeof node.value === 'boolean' ? node.value : undefined;
}

function isOneOf<T extends string>(value: string | undefined, choices: readonly T[]): value is T {
  return value !== undefined && (choices as readonly string[]).includes(value);
}

function compareProblems(a: MapProblem, b: MapProblem): number {
  if (a.at.file !== b.at.file) return a.at.file < b.at.file ? -1 : 1;
  return a.at.line - b.at.line || a.at.column - b.at.column;
}
