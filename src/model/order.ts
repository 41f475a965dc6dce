import type { Fact } from '../facts.js';

/**
 * Compares paths the way people number migrations: runs of digits compare as numbers
 * (`2_add.sql` before `10_drop.sql`), so timestamps and zero-padded or unpadded counters all sort
 * in the order they were written.
 */
export function compareNaturally(left: string, right: string): number {
  const leftParts = left.match(/\d+|\D+/g) ?? [];
  const rightParts = right.match(/\d+|\D+/g) ?? [];
  const length = Math.min(leftParts.length, rightParts.length);
  for (let index = 0; index < length; index++) {
    const a = leftParts[index] as string;
    const b = rightParts[index] as string;
    if (a === b) continue;
    const bothNumeric = /^\d/.test(a) && /^\d/.test(b);
    if (bothNumeric) {
      // Compare without converting to Number: timestamps may exceed 2^53.
      const trimmedA = a.replace(/^0+(?=\d)/, '');
      const trimmedB = b.replace(/^0+(?=\d)/, '');
      if (trimmedA.length !== trimmedB.length) return trimmedA.length - trimmedB.length;
      if (trimmedA !== trimmedB) return trimmedA < trimmedB ? -1 : 1;
      if (a.length !== b.length) return a.length - b.length;
      continue;
    }
    return a < b ? -1 : 1;
  }
  if (leftParts.length !== rightParts.length) return leftParts.length - rightParts.length;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Facts of one file, in the order the extractor emitted them. */
export interface FileFacts {
  file: string;
  facts: Fact[];
  /** A schema file (Prisma, Drizzle, TypeORM entities) that declares state rather than migrating it. */
  declaredSchema: boolean;
}

/**
 * Groups facts by file and puts the files in replay order: declared schema files first (they are
 * the state scripts and data copies work against), then every other file in natural path order.
 * Within a file, facts keep their order.
 */
export function orderFacts(facts: readonly Fact[]): FileFacts[] {
  const byFile = new Map<string, FileFacts>();
  for (const fact of facts) {
    const file = fact.at.file;
    let group = byFile.get(file);
    if (group === undefined) {
      group = { file, facts: [], declaredSchema: false };
      byFile.set(file, group);
    }
    group.facts.push(fact);
    if (fact.kind === 'table-created' && fact.declared === true) group.declaredSchema = true;
  }
  return [...byFile.values()].sort((a, b) => {
    if (a.declaredSchema !== b.declaredSchema) return a.declaredSchema ? -1 : 1;
    return compareNaturally(a.file, b.file);
  });
}
