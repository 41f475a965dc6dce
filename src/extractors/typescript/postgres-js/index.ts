import type { Tool } from '../tool.js';
import { postgresJsClient } from './client.js';

/** postgres.js `sql` tagged templates (and Prisma's `$queryRaw` tags of the same shape). */
export const postgresJs: Tool = { name: 'postgres-js', client: postgresJsClient };
