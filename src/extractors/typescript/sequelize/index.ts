import type { Tool } from '../tool.js';
import { sequelizeClient } from './client.js';
import { sequelizeExtractor } from './schema.js';

export const sequelize: Tool = {
  name: 'sequelize',
  schema: sequelizeExtractor,
  client: sequelizeClient,
};
