import type { Tool } from '../tool.js';
import { nodePostgresClient } from './client.js';

/** node-postgres `Pool`/`Client` and drivers of the same `query(text, values)` shape. */
export const nodePostgres: Tool = { name: 'node-postgres', client: nodePostgresClient };
