/**
 * Every tool piilint reads, one folder each (see `tool.ts` for the parts of a folder). Supporting
 * a new tool is one folder and one line here.
 */
import { dbMigrate } from './db-migrate/index.js';
import { drizzle } from './drizzle/index.js';
import { knex } from './knex/index.js';
import { kysely } from './kysely/index.js';
import { mikroOrm } from './mikro-orm/index.js';
import { nodePgMigrate } from './node-pg-migrate/index.js';
import { nodePostgres } from './node-postgres/index.js';
import { postgresJs } from './postgres-js/index.js';
import { prisma } from './prisma/index.js';
import { sequelize } from './sequelize/index.js';
import { slonik } from './slonik/index.js';
import { supabaseJs } from './supabase-js/index.js';
import type { ClientCalls, Tool } from './tool.js';
import { typeorm } from './typeorm/index.js';

/** In the order their schema readers run on a file (their facts keep this order on one line). */
export const tools: readonly Tool[] = [
  knex,
  typeorm,
  sequelize,
  kysely,
  nodePgMigrate,
  drizzle,
  mikroOrm,
  dbMigrate,
  nodePostgres,
  postgresJs,
  slonik,
  prisma,
  supabaseJs,
];

/**
 * The order a data-script call is offered to the clients: SQL text first (its statement decides,
 * whatever client runs it), then builders, then model-style ORMs whose method names are generic
 * (`update`, `save`, `create`).
 */
export const scriptClients: readonly ClientCalls[] = [
  slonik,
  nodePostgres,
  postgresJs,
  prisma,
  kysely,
  // Before Knex: `supabase.from('t').select('a, b')` would read to Knex as one column `a, b`.
  supabaseJs,
  knex,
  drizzle,
  mikroOrm,
  sequelize,
  typeorm,
].flatMap((tool) => (tool.client ? [tool.client] : []));
