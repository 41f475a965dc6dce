/**
 * One tool (an ORM, a query builder, a driver, a migration runner) as piilint reads it, in the
 * same parts for each, the way its folder is laid out:
 *
 * - `schema.ts`: its schema and migration calls (`createTable`, `addColumn`, `addSql`), with the
 *   receiver rules that recognise its builders (`up(knex)`, `queryRunner`, `db: Kysely<any>`);
 * - `client.ts`: its client's reads and writes in data scripts and application code
 *   (`db('patients').select(…)`, `prisma.patient.upsert(…)`), with how its clients are recognised;
 * - `index.ts`: the `Tool` below, listed once in `tools.ts`.
 *
 * Value tracking (`data-flow.ts`), the sinks catalogue (`sinks.ts`) and SQL text handed to a
 * runner (`data-scripts/sql-text.ts`) are shared and know no tool.
 */
import type { ts } from './morph.js';
import type { Value } from './data-flow/values.js';
import type { Script } from './data-scripts/script.js';
import type { WriteTarget } from './data-scripts/syntax.js';
import type { OrmExtractor } from './types.js';

export type ClientNode = ts.CallExpression | ts.TaggedTemplateExpression;

/**
 * A tool's client in a data script. Each part answers `undefined` for a call that is not its own;
 * the reader offers every call to each tool in `tools.ts` order and takes the first answer.
 */
export interface ClientCalls {
  /** The rows (or row) a read returns, with the columns each field carries. */
  read?(node: ClientNode, script: Script): Value | undefined;
  /** A write through a builder or an ORM: the table and the rows written (only the outermost call of a chain is offered). */
  write?(call: ts.CallExpression, script: Script): WriteTarget | undefined;
  /** A write of SQL text with bound values: the tool emits its facts itself and says `true`. */
  writeSql?(node: ClientNode, script: Script): boolean;
  /** Whether the result is a count or a status rather than rows (logging it is no finding). */
  returnsCount?(node: ClientNode, script: Script): boolean | undefined;
}

export interface Tool {
  name: string;
  /** Schema and migration calls: the facts of its migrations and schema files. */
  schema?: OrmExtractor;
  /** Client reads and writes in data scripts. */
  client?: ClientCalls;
}
