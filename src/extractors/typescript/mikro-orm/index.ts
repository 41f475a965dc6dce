import type { Tool } from '../tool.js';
import { mikroOrmExtractor } from './schema.js';

export const mikroOrm: Tool = { name: 'mikro-orm', schema: mikroOrmExtractor };
