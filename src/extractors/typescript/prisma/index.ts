import type { Tool } from '../tool.js';
import { prismaClient } from './client.js';

/** Prisma Client; `schema.prisma` itself is read by `src/extractors/prisma.ts`. */
export const prisma: Tool = { name: 'prisma', client: prismaClient };
