/**
 * The ORM and migration-tool readers, in the order they run on a file. Supporting a new tool is one
 * file exporting an `OrmExtractor` and one line here. SQL left in literals after them is read by
 * the embedded-SQL pass (`embedded-sql.ts`), which always runs last.
 */
import { authLibraryWritesExtractor } from './auth-library-writes.js';
import { dataScriptsExtractor } from './data-scripts.js';
import { dbMigrateExtractor } from './db-migrate.js';
import { drizzleExtractor } from './drizzle.js';
import { knexExtractor } from './knex.js';
import { kyselyExtractor } from './kysely.js';
import { mikroOrmExtractor } from './mikro-orm.js';
import { nodePgMigrateExtractor } from './node-pg-migrate.js';
import type { OrmExtractor } from './types.js';
import { protectingFunctionsExtractor } from './protecting-functions.js';
import { sequelizeExtractor } from './sequelize.js';
import { typeormExtractor } from './typeorm.js';

export const ormExtractors: readonly OrmExtractor[] = [
  knexExtractor,
  typeormExtractor,
  sequelizeExtractor,
  kyselyExtractor,
  nodePgMigrateExtractor,
  drizzleExtractor,
  mikroOrmExtractor,
  dbMigrateExtractor,
  dataScriptsExtractor,
  protectingFunctionsExtractor,
  authLibraryWritesExtractor,
];
