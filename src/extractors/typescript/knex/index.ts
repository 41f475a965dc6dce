import type { Tool } from '../tool.js';
import { knexClient } from './client.js';
import { knexExtractor } from './schema.js';

export const knex: Tool = { name: 'knex', schema: knexExtractor, client: knexClient };
