import type { Tool } from '../tool.js';
import { kyselyClient } from './client.js';
import { kyselyExtractor } from './schema.js';

export const kysely: Tool = { name: 'kysely', schema: kyselyExtractor, client: kyselyClient };
