import type { Tool } from '../tool.js';
import { typeormClient } from './client.js';
import { typeormExtractor } from './schema.js';

export const typeorm: Tool = { name: 'typeorm', schema: typeormExtractor, client: typeormClient };
