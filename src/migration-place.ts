/**
 * Where a migration, schema or data migration usually lives: a `migrations`-like folder, a
 * numbered or dated file name, or an ORM's schema folder. Discovery uses it to decide how loudly an
 * unread file is reported; the replay, to keep such files in their place in the migration order.
 */
const MIGRATION_FOLDER =
  /(?:^|\/)(?:migrations?|migrate|seeds?|seeders|supabase|prisma|drizzle|db|database|schema|sql)\//i;
/** A numbered or dated file name (`0003_…`, `20240101_…`, Flyway's `V3__…`). */
const NUMBERED = String.raw`(?:^|\/)(?:\d{3,}|V\d+__)[^/]*`;
const NUMBERED_FILE = new RegExp(`${NUMBERED}$`, 'i');
/** Also Prisma's `migrations/20240101_init/migration.sql`. */
const SEQUENCED = new RegExp(`${NUMBERED}(?:\\/migration\\.sql)?$`);

function withSlashes(path: string): string {
  return path.replaceAll('\\', '/');
}

export function inMigrationPlace(path: string): boolean {
  const slashed = withSlashes(path);
  return MIGRATION_FOLDER.test(slashed) || NUMBERED_FILE.test(slashed);
}

/** A migration a tool runs in a known order: a numbered file, or a file in a numbered folder. */
export function inSequencedMigration(path: string): boolean {
  return SEQUENCED.test(withSlashes(path));
}
