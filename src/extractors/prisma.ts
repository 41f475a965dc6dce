// Placeholder until the Prisma schema extractor lands.
import type { Fact } from '../facts.js';
import type { ScannedFile } from './types.js';

export function extractPrismaSchema(_file: ScannedFile): Fact[] {
  return [];
}
