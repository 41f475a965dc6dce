/**
 * The ORM and migration-tool readers, in the order they run on a file. Supporting a new tool is one
 * file exporting an `OrmExtractor` and one line here. SQL left in literals after them is read by
 * the embedded-SQL pass (`embedded-sql.ts`), which always runs last.
 */
import { dataScriptsExtractor } from './data-scripts/reader.js';
import { dbMigrateExtractor } from './db-migrate/schema.js';
import { drizzleExtractor } from './drizzle/schema.js';
import { knexExtractor } from './knex/schema.js';
import { kyselyExtractor } from './kysely/schema.js';
import { mikroOrmExtractor } from './mikro-orm/schema.js';
import { nodePgMigrateExtractor } from './node-pg-migrate/schema.js';
import type { OrmExtractor } from './types.js';
import { protectingFunctionsExtractor } from './protecting-functions.js';
import { sequelizeExtractor } from './sequelize/schema.js';
import { typeormExtractor } from './typeorm/schema.js';

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
];
