/**
 * Which SQL a store speaks, decided once per store instead of statement by statement:
 *
 * 1. the data map's `engine` for the store a file belongs to (`engine: mysql`);
 * 2. else the project's configured client, when every configuration the scan read names the same
 *    one: a knexfile's `client: 'mysql2'`, a TypeORM DataSource's or MikroORM's `type: 'mysql'`, a
 *    Sequelize or drizzle-kit `dialect: 'mysql'`;
 * 3. else nothing: each text is read by its own syntax (backticks, `ENGINE=` say MySQL).
 *
 * A MySQL store's SQL is read in Postgres spelling with the MySQL parser for its schema statements;
 * a Postgres store's SQL is never tried as MySQL, so a statement Postgres rejects is a parse error.
 */
import type { ScannedFile } from './types.js';

export type SqlDialect = 'postgres' | 'mysql';

const DIALECTS: Readonly<Record<string, SqlDialect>> = {
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
  'aurora-mysql': 'mysql',
  planetscale: 'mysql',
  tidb: 'mysql',
  pg: 'postgres',
  postgres: 'postgres',
  postgresql: 'postgres',
  'aurora-postgres': 'postgres',
  cockroachdb: 'postgres',
  supabase: 'postgres',
  neon: 'postgres',
};

/** The dialect an engine or client name stands for (`mysql2`, `mariadb`, `pg`, `postgresql`). */
export function dialectOfName(name: string | undefined): SqlDialect | undefined {
  return name === undefined ? undefined : DIALECTS[name.trim().toLowerCase()];
}

/** `client: 'mysql2'` (knex), `type: 'mysql'` (TypeORM, MikroORM), `dialect: 'mysql'` (Sequelize, drizzle-kit). */
const CONFIGURED_CLIENT =
  /\b(?:client|type|dialect)['"]?\s*:\s*['"](mysql2?|mariadb|aurora-mysql|pg|postgres(?:ql)?|aurora-postgres|cockroachdb)['"]/g;

/** The one dialect every configuration among `files` names; undefined when none or several. */
export function configuredDialect(files: readonly ScannedFile[]): SqlDialect | undefined {
  const named = new Set<SqlDialect>();
  for (const file of files) {
    if (!/client|type|dialect/.test(file.text) || file.path.endsWith('.sql')) continue;
    for (const match of file.text.matchAll(CONFIGURED_CLIENT)) {
      const dialect = dialectOfName(match[1]);
      if (dialect) named.add(dialect);
    }
  }
  return named.size === 1 ? [...named][0] : undefined;
}

let dialectOfFile: (path: string) => SqlDialect | undefined = () => undefined;

/** Called once per scan, before extraction: the dialect of the store each file (display path) writes to. */
export function setStoreDialects(resolve: (path: string) => SqlDialect | undefined): void {
  const known = new Map<string, SqlDialect | undefined>();
  dialectOfFile = (path) => {
    if (!known.has(path)) known.set(path, resolve(path));
    return known.get(path);
  };
}

/** The dialect of the store a file writes to, when the data map or the configuration says it. */
export function storeDialectOf(path: string): SqlDialect | undefined {
  return dialectOfFile(path);
}
