import type { Tool } from '../tool.js';
import { nodePgMigrateExtractor } from './schema.js';

export const nodePgMigrate: Tool = { name: 'node-pg-migrate', schema: nodePgMigrateExtractor };
