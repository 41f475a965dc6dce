import type { Tool } from '../tool.js';
import { mikroOrmClient } from './client.js';
import { mikroOrmExtractor } from './schema.js';

export const mikroOrm: Tool = {
  name: 'mikro-orm',
  schema: mikroOrmExtractor,
  client: mikroOrmClient,
};
