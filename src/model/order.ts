import type { Fact } from '../facts.js';
import { inMigrationPlace } from '../migration-place.js';
import { withoutRepeatedSnapshots } from './snapshots.js';

/**
 * Compares paths in the order migration tools apply them. Tools that stamp files with a timestamp
 * (Supabase, Prisma, Sequelize/umzug, knex, Kysely, TypeORM) sort file names as strings, so a
 * 12-digit and a 14-digit stamp compare character by character, as they do. Only unpadded counters
 * (`2_add.sql` before `10_drop.sql`), which no tool would sort right as strings, compare as numbers.
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
    if (bothNumeric && isCounter(a) && isCounter(b)) {
      if (a.length !== b.length) return a.length - b.length;
      return a < b ? -1 : 1;
    }
    if (bothNumeric) return compareFrom(left, right, leftParts, rightParts, index);
    return a < b ? -1 : 1;
  }
  if (leftParts.length !== rightParts.length) return leftParts.length - rightParts.length;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** An unpadded sequence number (`1`, `2`, `10`); timestamps and zero-padded counters sort as text. */
function isCounter(digits: string): boolean {
  return digits.length < 8 && !(digits.length > 1 && digits.startsWith('0'));
}

/** String order of what remains of both paths from the differing part on. */
function compareFrom(
  left: string,
  right: string,
  leftParts: string[],
  rightParts: string[],
  index: number,
): number {
  const restA = leftParts.slice(index).join('');
  const restB = rightParts.slice(index).join('');
  if (restA !== restB) return restA < restB ? -1 : 1;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Facts of one file, in the order the extractor emitted them. */
export interface FileFacts {
  file: string;
  facts: Fact[];
  /** A schema file (Prisma, Drizzle, TypeORM entities) that declares state rather than migrating it. */
  declaredSchema: boolean;
  /**
   * Application code or a one-off script outside every migration place that only reads, writes,
   * sends or protects data: it runs against the schema the migrations leave, whatever its path.
   */
  application: boolean;
}

/** What application code does to data, as opposed to what migrations do to the schema. */
function isApplicationFact(fact: Fact): boolean {
  switch (fact.kind) {
    case 'data-sent':
    case 'column-written':
    case 'protecting-function':
    case 'platform-hint':
    case 'parse-error':
      return true;
    case 'data-copied':
      return fact.via === 'script' || fact.via === 'orm';
    default:
      return false;
  }
}

/**
 * Groups facts by file, leaves out schema snapshots that repeat the migrations (snapshots.ts),
 * and puts the files in replay order: declared schema files first (they are
 * the state scripts and data copies work against), then migrations in natural path order, then
 * application code and scripts (`src/app/controllers/…` sorts before `src/database/migrations/…`
 * but runs against the tables they make). Within a file, facts keep their order.
 */
export function orderFacts(facts: readonly Fact[]): FileFacts[] {
  const byFile = new Map<string, FileFacts>();
  for (const fact of facts) {
    const file = fact.at.file;
    let group = byFile.get(file);
    if (group === undefined) {
      group = { file, facts: [], declaredSchema: false, application: !inMigrationPlace(file) };
      byFile.set(file, group);
    }
    group.facts.push(fact);
    if (fact.kind === 'table-created' && fact.declared === true) group.declaredSchema = true;
    if (group.application && !isApplicationFact(fact)) group.application = false;
  }
  const rank = (group: FileFacts) => (group.declaredSchema ? 0 : group.application ? 2 : 1);
  return withoutRepeatedSnapshots([...byFile.values()]).sort(
    (a, b) => rank(a) - rank(b) || compareNaturally(a.file, b.file),
  );
}
