/**
 * Schema snapshots: SQL files that describe the database rather than change it. A project that
 * keeps one beside its migrations describes each table twice, and replaying both reports every
 * finding twice, once at a line nobody runs. Two kinds are recognised:
 *
 * - Supabase declarative schemas (`supabase/schemas/*.sql`): the migrations in the sibling
 *   `supabase/migrations/` are generated from them (`supabase db diff`) and are what runs.
 * - Schema exports (Supabase Studio's "This schema is for context only and is not meant to be
 *   run"), marked `snapshot` by the SQL extractor: left out when the migrations create most of
 *   their tables. An export that is all a project has is read for its columns only (no access:
 *   an export says nothing of grants or row-level security).
 */
import type { Fact } from '../facts.js';

/** A file's facts, by file, in replay order (see order.ts). */
interface FileFactsLike {
  file: string;
  facts: Fact[];
}

const DECLARATIVE_FOLDER = /^(.*?)(?:^|\/)supabase\/schemas\//;
const MIGRATIONS_FOLDER = /^(.*?)(?:^|\/)supabase\/migrations\//;

/** At least this share of an export's tables created by migrations makes it a copy of them. */
const COVERED_SHARE = 0.8;

function tableKey(name: { name: string; schema?: string }): string {
  const schema = (name.schema ?? 'public').toLowerCase();
  return `${schema}.${name.name.toLowerCase()}`;
}

/** The files left once snapshots that repeat the migrations are taken out. */
export function withoutRepeatedSnapshots<T extends FileFactsLike>(files: T[]): T[] {
  const migrationFolders = new Set<string>();
  const createdByMigrations = new Set<string>();
  for (const group of files) {
    const slashed = group.file.replaceAll('\\', '/');
    const folder = MIGRATIONS_FOLDER.exec(slashed);
    if (folder) migrationFolders.add(folder[1] ?? '');
    for (const fact of group.facts) {
      // An export's tables are declared too: only what a migration creates counts here.
      if (fact.kind === 'table-created' && !fact.declared) {
        createdByMigrations.add(tableKey(fact.table));
      }
    }
  }
  return files.filter((group) => {
    const slashed = group.file.replaceAll('\\', '/');
    const declarative = DECLARATIVE_FOLDER.exec(slashed);
    if (declarative && migrationFolders.has(declarative[1] ?? '')) return false;
    const exported = group.facts.flatMap((fact) =>
      fact.kind === 'table-created' && fact.snapshot ? [tableKey(fact.table)] : [],
    );
    if (exported.length === 0) return true;
    const covered = exported.filter((key) => createdByMigrations.has(key)).length;
    return covered < exported.length * COVERED_SHARE;
  });
}
