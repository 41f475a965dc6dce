import { posix, relative, resolve as resolvePath, sep } from 'node:path';
import type { TableName } from '../facts.js';
import { findTable } from './checks.js';
import { compileGlob, GlobError } from '../util/glob.js';
import type { CompiledGlob } from '../util/glob.js';
import type { DataMap, StoreDecl, TableDecl } from './types.js';

export interface ResolvedTable {
  store: string;
  /** The map's table key when declared (may be `public.accounts`), else the name as code writes it. */
  table: string;
  declared?: TableDecl;
  storeDecl?: StoreDecl;
  /** No store of the map claims the table: the store is named after the file's migration folder. */
  implicit: boolean;
}

/** Postgres's default schema: it says nothing about the store or who can read the table. */
const DEFAULT_SCHEMA = 'public';

/**
 * A schema written as a text template (`{{ index .Options "Namespace" }}` in supabase/auth's
 * migrations): its value is only known when the template is rendered. For resolving names it is an
 * unknown schema: no store id or schema-qualified key equals it, and the table resolves by its bare
 * name (a key `mfa_factors`, or the one key ending in `.mfa_factors` such as `auth.mfa_factors`).
 * The model still keeps it as the table's schema, which is not `public`: the template is no
 * evidence that Supabase's default grants to `anon` apply.
 */
export function isTemplateSchema(schema: string | undefined): boolean {
  return schema !== undefined && schema.startsWith('{{') && schema.endsWith('}}');
}

/**
 * The store a table named in code belongs to, in the order of datamap.md "Resolving names in
 * code": a store qualifier or connection; a schema-qualified table key; the store whose migration
 * globs hold the file; the one store declaring the name; else an implicit store. A template schema
 * (`{{ … }}`) is an unknown schema: the table resolves as if unqualified (see `isTemplateSchema`).
 */
export function resolveTable(
  table: TableName,
  file: string,
  options: {
    dataMap?: DataMap;
    cwd: string;
    /** The path that names a file's implicit store (from the repository root; see `StorePaths`). */
    storePath?: (file: string) => string;
  },
): ResolvedTable {
  const stores = [...(options.dataMap?.stores.values() ?? [])];
  const unknownSchema = isTemplateSchema(table.schema);
  const schema = unknownSchema ? undefined : table.schema;
  const qualifiedName = schema !== undefined ? `${schema}.${table.name}` : undefined;
  const nameInCode =
    schema === undefined || schema === DEFAULT_SCHEMA ? table.name : (qualifiedName as string);

  const byStoreId = schema !== undefined ? options.dataMap?.stores.get(schema) : undefined;
  if (byStoreId !== undefined) return inStore(byStoreId, table.name);
  // A client answers to its variable name and to the environment variables it was built from.
  const connectionNames = [table.connection, ...(table.connectionAliases ?? [])].filter(
    (name): name is string => name !== undefined,
  );
  const byConnection = stores.find((store) =>
    connectionNames.some((name) => store.connections.includes(name)),
  );
  if (byConnection !== undefined) return inStore(byConnection, nameInCode, unknownSchema);

  if (qualifiedName !== undefined) {
    const keyed = stores.filter((store) => store.tables.has(qualifiedName));
    const chosen = keyed.find((store) => migrationsContain(store, file, options.cwd)) ?? keyed[0];
    if (chosen !== undefined) return inStore(chosen, qualifiedName);
  }

  const byMigrations = stores.find((store) => migrationsContain(store, file, options.cwd));
  if (byMigrations !== undefined) return inStore(byMigrations, nameInCode, unknownSchema);

  if (schema === undefined || schema === DEFAULT_SCHEMA) {
    const declaring = stores.filter((store) => declaresUnqualified(store, table.name));
    const only = declaring.length === 1 ? declaring[0] : undefined;
    if (only !== undefined) return inStore(only, table.name, unknownSchema);
  }

  // Named from the repository root, so a scan from a subfolder names the same store.
  const storePath = options.storePath?.(file) ?? file;
  return { store: implicitStoreId(storePath), table: nameInCode, implicit: true };
}

/**
 * The store's declaration of a table named in code. Under an unknown (template) schema the name is
 * not known to be in `public`: the bare key, else the one key ending in `.name`.
 */
function inStore(store: StoreDecl, name: string, unknownSchema = false): ResolvedTable {
  const declared = unknownSchema
    ? (store.tables.get(name) ?? findBySuffix(store, name))
    : (findTable(store, name) ?? findBySuffix(store, name));
  if (declared !== undefined) {
    return { store: store.id, table: declared.name, declared, storeDecl: store, implicit: false };
  }
  return { store: store.id, table: name, storeDecl: store, implicit: false };
}

/** The one schema-qualified key (`analytics.events`) whose last part is an unqualified name. */
function findBySuffix(store: StoreDecl, name: string): TableDecl | undefined {
  if (name.includes('.')) return undefined;
  const matches = [...store.tables.values()].filter((table) => table.name.endsWith(`.${name}`));
  return matches.length === 1 ? matches[0] : undefined;
}

/** A table key equal to the name, or qualified by a schema with the name as its last part. */
function declaresUnqualified(store: StoreDecl, name: string): boolean {
  for (const key of store.tables.keys()) {
    if (key === name || key.endsWith(`.${name}`)) return true;
  }
  return false;
}

function migrationsContain(store: StoreDecl, file: string, cwd: string): boolean {
  if (store.migrations.length === 0) return false;
  const relativeToMap = relative(store.baseDir, resolvePath(cwd, file)).split(sep).join('/');
  if (relativeToMap.startsWith('../')) return false;
  return store.migrations.some((glob) => globMatches(glob, relativeToMap));
}

const compiledGlobs = new Map<string, CompiledGlob | undefined>();

/**
 * Whether a forward-slash path matches a glob (src/util/glob.ts, linear time): `**` any depth, `*`
 * and `?` within one segment, `{a,b}` alternatives, `[abc]` classes. A glob without wildcards also
 * matches everything under it, so `db/pps/migrations` means that folder. A glob that does not
 * compile matches nothing.
 */
export function globMatches(glob: string, path: string): boolean {
  if (!compiledGlobs.has(glob)) {
    let compiled: CompiledGlob | undefined;
    try {
      compiled = compileGlob(glob.replace(/\\/g, '/'));
    } catch (error) {
      if (!(error instanceof GlobError)) throw error;
    }
    compiledGlobs.set(glob, compiled);
  }
  return compiledGlobs.get(glob)?.matches(path) ?? false;
}

/** A per-migration folder (`20230101120000_init`, `0001_add_users`, `V2__accounts`). */
const MIGRATION_FOLDER = /^(?:\d{3,}|V\d+__)/;

/** Folder names that say "migrations live here" rather than which database they build. */
const MIGRATION_WORDS = new Set(['migrations', 'migration', 'migrate', 'up', 'versions', 'sql']);

/** Folder names that say nothing about a database: source layout. */
const LAYOUT_FOLDERS = new Set([
  'src',
  'lib',
  'app',
  'apps',
  'packages',
  'internal-packages',
  'server',
  'backend',
  'deploy',
]);

/** Folders that name the kind of thing, not which one: a name of last resort. */
const GENERIC_FOLDERS = new Set(['db', 'database', 'databases', 'schema', 'schemas']);
/**
 * Of those, the ones that name the database: preferred over `schema`, so a multi-file Prisma
 * schema in `packages/database/schema/` and the migrations in `packages/database/migration/`
 * build one store, `database`.
 */
const DATABASE_FOLDERS = new Set(['db', 'database', 'databases']);

/** Folders named after the ORM that the entities and the migrations under them share. */
const ORM_FOLDERS = new Set([
  'typeorm',
  'sequelize',
  'mikro-orm',
  'mikroorm',
  'objection',
  'knex',
  'kysely',
  'drizzle',
  'prisma',
]);
const MODEL_FOLDERS = new Set(['entities', 'entity', 'models', 'model']);

/**
 * `typeorm/entities` beside `typeorm/migrations`: the entities describe the database the ORM's
 * migrations build, so the folder of entities names no store of its own.
 */
function isOrmModelFolder(folder: string, parent: string | undefined): boolean {
  return (
    MODEL_FOLDERS.has(folder.toLowerCase()) &&
    parent !== undefined &&
    ORM_FOLDERS.has(parent.toLowerCase())
  );
}

/**
 * A Supabase project's edge functions (`supabase/functions/<name>/index.ts`, `_shared/`) query the
 * database its `supabase/migrations` build: their folders stop at `supabase`, so both name one
 * store instead of a store per function.
 */
function withinSupabaseProject(folders: string[]): string[] {
  const project = folders.findIndex(
    (folder, index) =>
      folder.toLowerCase() === 'supabase' && folders[index + 1]?.toLowerCase() === 'functions',
  );
  return project < 0 ? folders : folders.slice(0, project + 1);
}

/**
 * The implicit store of a file no store claims, named after its migration folder so findings read
 * `pps.patients.email` rather than a path: the nearest folder above the file that names a database
 * (`db/pps/migrations/001.sql` → `pps`, `supabase/migrations/…` → `supabase`). Per-migration folders
 * (Prisma's `migrations/<timestamp>_name/migration.sql`, Drizzle's, Flyway's), migration folder
 * names and source-layout folders (`src`, `packages`) are skipped; `db`/`database` (then `schema`)
 * is used only when nothing better names it. Files of one folder always share one store.
 */
export function implicitStoreId(file: string): string {
  const lowered = (folder: string) => folder.toLowerCase();
  const folders = withinSupabaseProject(
    posix
      .dirname(file.split('\\').join('/'))
      .split('/')
      .filter((folder) => folder !== '' && folder !== '.' && folder !== '..')
      .filter((folder) => !MIGRATION_FOLDER.test(folder)),
  ).filter((folder, index, all) => !isOrmModelFolder(folder, all[index - 1]));
  const named = folders.findLast(
    (folder) =>
      !MIGRATION_WORDS.has(lowered(folder)) &&
      !LAYOUT_FOLDERS.has(lowered(folder)) &&
      !GENERIC_FOLDERS.has(lowered(folder)),
  );
  return (
    named ??
    folders.findLast((folder) => DATABASE_FOLDERS.has(lowered(folder))) ??
    folders.findLast((folder) => GENERIC_FOLDERS.has(lowered(folder))) ??
    folders.findLast((folder) => MIGRATION_WORDS.has(lowered(folder))) ??
    'default'
  );
}
