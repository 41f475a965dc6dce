import type { Tool } from '../tool.js';
import { dbMigrateExtractor } from './schema.js';

export const dbMigrate: Tool = { name: 'db-migrate', schema: dbMigrateExtractor };
