import type { Tool } from '../tool.js';
import { drizzleClient } from './client.js';
import { drizzleExtractor } from './schema.js';

export const drizzle: Tool = { name: 'drizzle', schema: drizzleExtractor, client: drizzleClient };
