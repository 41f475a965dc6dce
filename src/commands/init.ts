/**
 * `piilint init [paths…]`: a starter `datamap.yaml` written from the migrations found, for a data
 * steward to finish. Each migration folder becomes a store (named as `scan` names it when there is
 * no map), with every table and column in migration order and the built-in classifier's suggestion
 * for each column, its reason as a comment. Exposure is left `internal` with a comment asking the
 * steward to decide: only people know who reads a store.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { implicitStoreId } from '../datamap/resolve.js';
import { displayPath } from '../discover.js';
import { UsageError } from '../errors.js';
import type { DataMap, StoreDecl } from '../datamap/types.js';
import type { Fact, TableName } from '../facts.js';
import { defaultPolicy } from '../model/policy.js';
import { buildModel } from '../model/build.js';
import type { Model, ModelColumn, ModelStore, ModelTable } from '../model/types.js';
import { discoverSources, loadProjectConfig, readFacts } from '../scan.js';
import { packageFile } from '../util/package-files.js';
import { writeFileSafely } from '../util/safe-write.js';

export interface InitOptions {
  cwd: string;
  paths: string[];
  /** `--output`: where to write; default `datamap.yaml` in `cwd`; `-` returns the text instead. */
  output?: string;
  /** `--force`: replace an existing file. */
  force?: boolean;
  configFile?: string;
  /** `--no-error-on-unmatched` sets it false. */
  errorOnUnmatched?: boolean;
}

export interface InitReport {
  /** Display path of the file written. */
  file: string;
  stores: number;
  tables: number;
  columns: number;
  /** Columns written with a suggested category. */
  classified: number;
  /** Display path of a starter config written for a Supabase project, if any. */
  config?: string;
  /** The data map, when `--output -` asked for it on standard output instead of a file. */
  text?: string;
}

/** Where the schema is published with the sources (for data maps outside any project). */
const SCHEMA_URL =
  'https://raw.githubusercontent.com/piilint/piilint/main/schemas/datamap.schema.json';
const SCHEMA_FILE = fileURLToPath(packageFile('schemas/datamap.schema.json'));

export async function initDataMap(options: InitOptions): Promise<InitReport> {
  const { cwd } = options;
  const toStdout = options.output === '-';
  // On standard output the map is read as if it were saved as datamap.yaml here.
  const outputPath = resolve(cwd, toStdout ? 'datamap.yaml' : (options.output ?? 'datamap.yaml'));
  const outputName = toStdout ? 'standard output' : displayPath(cwd, outputPath);
  if (!toStdout && existsSync(outputPath) && !options.force) {
    throw new UsageError(
      `${outputName} already exists — pass --force to replace it, or --output <file> to write elsewhere`,
    );
  }

  const config = await loadProjectConfig(options);
  const { discovered } = await discoverSources(options, config);
  const { files, facts } = await readFacts(discovered.sourceFiles, {
    ...options,
    maxFileSize: config.maxFileSize,
    projectConfigFiles: discovered.projectConfigFiles,
  });
  // No data map: every table lands in the implicit store of its migration folder, as in `scan`;
  // a client a script builds from an environment variable gets a store of its own, which the
  // data map binds by `connections`.
  const clients = scriptClients(facts);
  const dataMap = clients.length > 0 ? clientStores(clients, dirname(outputPath)) : undefined;
  const model = buildModel({ facts, dataMap, config, cwd });

  const stores = collectStores(model, facts, clients);
  if (stores.length === 0) {
    throw new UsageError(
      `no migrations or schema files with tables found under ${options.paths.join(', ') || '.'} — run \`piilint init\` where the migrations are, or name their folders`,
    );
  }
  const text = renderDataMap(stores, {
    schema: schemaReference(dirname(outputPath)),
    outputDirectory: dirname(outputPath),
    cwd,
  });
  try {
    if (!toStdout) {
      const readFiles = files.map((file) => file.absolutePath);
      if (config.file !== undefined) readFiles.push(config.file);
      writeFileSafely(outputPath, text, { cwd, readFiles });
    }
  } catch (error) {
    throw new UsageError(
      `cannot write ${outputName} (${(error as Error).message}) — choose another --output`,
    );
  }
  const configWritten = toStdout ? undefined : writeSupabaseConfig(model, config, outputPath, cwd);
  const tables = stores.flatMap((store) => store.tables);
  const columns = tables.flatMap((table) => table.columns);
  return {
    ...(toStdout ? { text } : {}),
    ...(configWritten ? { config: configWritten } : {}),
    file: outputName,
    stores: stores.length,
    tables: tables.length,
    columns: columns.length,
    classified: columns.filter((column) => column.suggestion.length > 0).length,
  };
}

/**
 * A Supabase project's exposure depends on a platform setting piilint cannot see: a starter config
 * beside the map states it (`supabase.defaultGrants`) for the team to confirm. Never replaces one.
 */
function writeSupabaseConfig(
  model: Model,
  config: { file?: string },
  outputPath: string,
  cwd: string,
): string | undefined {
  const onSupabase = [...model.stores.values()].some((store) =>
    [...store.tables.values()].some((table) => table.onSupabase),
  );
  const path = resolve(dirname(outputPath), 'piilint.config.yaml');
  if (!onSupabase || config.file !== undefined || existsSync(path)) return undefined;
  const text = `# yaml-language-server: $schema=${schemaReference(dirname(outputPath)).replace('datamap.schema.json', 'config.schema.json')}
# Supabase granted every new table of the public schema to anon and authenticated until
# 2026-10-30. auto: tables created by migrations dated before then carry that grant; always or
# never if your project's "expose new tables" setting says otherwise.
supabase:
  defaultGrants: auto
# Schemas the Data API serves (Dashboard → Settings → API → Exposed schemas).
exposedSchemas: [public]
`;
  try {
    writeFileSafely(path, text, { cwd });
  } catch {
    return undefined;
  }
  return displayPath(cwd, path);
}

interface StoreDraft {
  id: string;
  /** `context: health` when the classifier sees health data in it. */
  health: boolean;
  /** Names a script's client answers to (`krogerDb`, `KROGER_DATABASE_URL`). */
  connections: string[];
  /** Folders (relative to cwd) of the files that build the store. */
  folders: string[];
  tables: TableDraft[];
}

interface TableDraft {
  name: string;
  objectType: ModelTable['objectType'];
  columns: ColumnDraft[];
}

interface ColumnDraft {
  name: string;
  /** Categories the classifier reads in the column, with its reasons. */
  suggestion: Array<{ category: string; reason: string }>;
  /** Categories the column receives from other columns (`flow from …`). */
  flows: string[];
  flowCategories: string[];
}

/** A database client a script builds from an environment variable. */
interface ScriptClient {
  storeId: string;
  /** The client's name in code, then the environment variables it is built from. */
  names: string[];
}

/** Every `connection` with environment-variable aliases among the facts' table names. */
function scriptClients(facts: Fact[]): ScriptClient[] {
  const byConnection = new Map<string, Set<string>>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const table = value as TableName;
    if (typeof table.connection === 'string' && (table.connectionAliases ?? []).length > 0) {
      const aliases = byConnection.get(table.connection) ?? new Set<string>();
      for (const alias of table.connectionAliases ?? []) aliases.add(alias);
      byConnection.set(table.connection, aliases);
    }
    for (const child of Object.values(value)) visit(child);
  };
  visit(facts);
  const used = new Set<string>();
  return [...byConnection.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([connection, aliases]) => {
      const variable = [...aliases].sort()[0] ?? connection;
      // KROGER_DATABASE_URL → kroger; krogerDb → kroger
      const base =
        variable
          .toLowerCase()
          .replace(/_?(database|db|pg|postgres|mysql)?_?(url|uri|dsn|connection(_string)?)$/, '')
          .replace(/[^a-z0-9_-]+/g, '_')
          .replace(/^_+|_+$/g, '') || 'db';
      let id = base;
      for (let suffix = 2; used.has(id); suffix++) id = `${base}-${suffix}`;
      used.add(id);
      return { storeId: id, names: [connection, ...[...aliases].sort()] };
    });
}

/** A data map of just the clients' stores, so the model puts each script's tables in its store. */
function clientStores(clients: ScriptClient[], baseDir: string): DataMap {
  const stores = new Map<string, StoreDecl>();
  for (const client of clients) {
    stores.set(client.storeId, {
      id: client.storeId,
      kind: 'database',
      exposure: 'internal',
      encryptedAtRest: false,
      migrations: [],
      baseDir,
      connections: client.names,
      hosts: [],
      tables: new Map(),
      at: { file: 'datamap.yaml', line: 1, column: 1, endLine: 1, endColumn: 1 },
    });
  }
  return { files: [], stores, mappings: [], policy: defaultPolicy() };
}

function collectStores(model: Model, facts: Fact[], clients: ScriptClient[]): StoreDraft[] {
  const foldersByStore = new Map<string, Set<string>>();
  for (const fact of facts) {
    if (fact.kind !== 'table-created' && fact.kind !== 'column-defined') continue;
    const store = implicitStoreId(fact.at.file);
    const folders = foldersByStore.get(store) ?? new Set<string>();
    folders.add(posixDirname(fact.at.file));
    foldersByStore.set(store, folders);
  }

  const drafts: StoreDraft[] = [];
  const usedIds = new Set<string>();
  for (const store of model.stores.values()) {
    const tables = [...store.tables.values()]
      .filter((table) => !refersToAnotherStore(table, model))
      .map(toTableDraft);
    const client = clients.find((candidate) => candidate.storeId === store.id);
    if (tables.length === 0 && client === undefined) continue;
    const health = tables.some((table) =>
      table.columns.some((column) =>
        [...column.suggestion.map((entry) => entry.category), ...column.flowCategories].some(
          (category) => category.startsWith('health.'),
        ),
      ),
    );
    drafts.push({
      id: uniqueStoreId(store, usedIds),
      health,
      connections: client?.names ?? [],
      folders: [...(foldersByStore.get(store.id) ?? [])].sort(),
      tables,
    });
  }
  return drafts;
}

/**
 * `INSERT INTO kroger.accounts` read with no map names the table `kroger.accounts` in the writing
 * file's store; when a store `kroger` has `accounts`, it is that table, already listed there.
 */
function refersToAnotherStore(table: ModelTable, model: Model): boolean {
  const dot = table.name.indexOf('.');
  if (dot < 0) return false;
  const other = model.stores.get(table.name.slice(0, dot));
  return other !== undefined && other.tables.has(table.name.slice(dot + 1));
}

function toTableDraft(table: ModelTable): TableDraft {
  return {
    name: table.name,
    objectType: table.objectType,
    columns: [...table.columns.values()].filter((column) => column.name !== '*').map(toColumnDraft),
  };
}

function toColumnDraft(column: ModelColumn): ColumnDraft {
  const suggestion: ColumnDraft['suggestion'] = [];
  const flows: string[] = [];
  const flowCategories: string[] = [];
  for (const evidence of column.categories) {
    if (evidence.origin === 'classifier') {
      if (!suggestion.some((existing) => existing.category === evidence.category)) {
        suggestion.push({
          category: evidence.category,
          reason: evidence.evidence.replace(/^classifier:\s*/, ''),
        });
      }
    } else if (evidence.origin === 'flow') {
      const from = `${evidence.from.store}.${evidence.from.table}.${evidence.from.column}`;
      flows.push(`${evidence.category} from ${from}`);
      flowCategories.push(evidence.category);
    }
  }
  return { name: column.name, suggestion, flows: [...new Set(flows)], flowCategories };
}

/** Store ids are lowercase letters, digits, `_` and `-` (datamap.md); folder names may not be. */
function uniqueStoreId(store: ModelStore, used: Set<string>): string {
  const base =
    store.id
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'main';
  let id = base;
  for (let suffix = 2; used.has(id); suffix++) id = `${base}-${suffix}`;
  used.add(id);
  return id;
}

interface RenderOptions {
  schema: string;
  outputDirectory: string;
  cwd: string;
}

export function renderDataMap(stores: StoreDraft[], options: RenderOptions): string {
  const lines = [
    `# yaml-language-server: $schema=${options.schema}`,
    '# Written by `piilint init`. Review it: check each suggested category, set each store',
    "# and table's exposure, then run `piilint validate`. See docs/datamap.md.",
    'version: 1',
    '',
    'stores:',
  ];
  for (const store of stores) {
    lines.push(`  ${yamlKey(store.id)}:`);
    // Never decided here: `validate` warns and `scan` notes until a steward chooses.
    lines.push(
      '    exposure: undecided # choose: public, partner, internal or restricted — who can read this store?',
    );
    if (store.health) lines.push('    context: health # the classifier sees health data here');
    if (store.connections.length > 0)
      lines.push(`    connections: [${store.connections.map(yamlScalar).join(', ')}]`);
    const globs = store.folders.map((folder) =>
      migrationGlob(folder, options.cwd, options.outputDirectory),
    );
    if (globs.length > 0) {
      lines.push('    migrations:');
      for (const glob of globs) lines.push(`      - ${yamlScalar(glob)}`);
    }
    if (store.tables.length === 0) {
      lines.push('    tables: {} # the tables its scripts read or write');
      continue;
    }
    lines.push('    tables:');
    for (const table of store.tables) {
      const kind = table.objectType === 'table' ? '' : ` # ${table.objectType}`;
      lines.push(`      ${yamlKey(table.name)}:${kind}`);
      if (table.columns.length === 0) {
        lines.push('        columns: {}');
        continue;
      }
      lines.push('        columns:');
      for (const column of table.columns) lines.push(`          ${columnLine(column)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function columnLine(column: ColumnDraft): string {
  const key = yamlKey(column.name);
  const categories = column.suggestion.map((entry) => entry.category);
  if (categories.length > 0) {
    const value = categories.length === 1 ? categories[0] : `[${categories.join(', ')}]`;
    const reasons = column.suggestion.map((entry) => entry.reason).join('; ');
    return `${key}: ${value} # ${comment(reasons)}`;
  }
  if (column.flows.length > 0) {
    return `${key}: {} # receives ${comment(column.flows.join(', '))}: learned from what flows in`;
  }
  return `${key}: {} # not personal? set none, or a category`;
}

/** `db/pps/migrations/**`, relative to the folder of the data map. */
function migrationGlob(folder: string, cwd: string, outputDirectory: string): string {
  const relativeFolder = relative(outputDirectory, resolve(cwd, folder)).split(sep).join('/');
  return relativeFolder === '' ? '**' : `${relativeFolder}/**`;
}

/**
 * A schema the editor can read offline: the project's own `node_modules/piilint/` copy when there
 * is one above the data map, else the schema of the piilint that runs when the data map can reach
 * it by a relative path (this repository), else the schema's address in the repository.
 */
function schemaReference(outputDirectory: string): string {
  for (let folder = outputDirectory; ; folder = dirname(folder)) {
    const installed = join(folder, 'node_modules', 'piilint', 'schemas', 'datamap.schema.json');
    if (existsSync(installed)) return relative(outputDirectory, installed).split(sep).join('/');
    if (dirname(folder) === folder) break;
  }
  if (!existsSync(SCHEMA_FILE)) return SCHEMA_URL;
  const relativePath = relative(outputDirectory, SCHEMA_FILE).split(sep).join('/');
  // A path out of the project (a global install, the npx cache) would break on other machines.
  const insideProject = !relativePath.startsWith('..') || /(^|\/)node_modules\//.test(relativePath);
  return insideProject && !relativePath.startsWith('/') ? relativePath : SCHEMA_URL;
}

function posixDirname(file: string): string {
  const index = file.lastIndexOf('/');
  return index < 0 ? '.' : file.slice(0, index);
}

function comment(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const YAML_WORDS = /^(?:true|false|yes|no|on|off|null|y|n)$/i;

function yamlKey(key: string): string {
  return PLAIN_KEY.test(key) && !YAML_WORDS.test(key) ? key : JSON.stringify(key);
}

function yamlScalar(value: string): string {
  return /^[A-Za-z0-9_./-][A-Za-z0-9_./*-]*$/.test(value) && !YAML_WORDS.test(value)
    ? value
    : JSON.stringify(value);
}
