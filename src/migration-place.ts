/**
 * Where a migration, schema or data migration usually lives: a `migrations`-like folder, a
 * numbered or dated file name, or an ORM's schema folder. Discovery uses it to decide how loudly an
 * unread file is reported; the replay, to keep such files in their place in the migration order.
 */
const MIGRATION_PLACE =
  /(?:^|\/)(?:migrations?|migrate|seeds?|seeders|supabase|prisma|drizzle|db|database|schema|sql)\/|(?:^|\/)(?:\d{3,}|V\d+__)[^/]*$/i;

/** `path` with `/` or `\` separators. */
export function inMigrationPlace(path: string): boolean {
  return MIGRATION_PLACE.test(path.replaceAll('\\', '/'));
}
