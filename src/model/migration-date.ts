/**
 * The date a migration was written, read from its name the way migration tools stamp them:
 * `20241010123456_add_patients.sql` (Supabase, knex, Sequelize, Prisma's folder), `202410101234`,
 * `2024-10-10-add.sql`, and TypeORM's `1728561234567-AddPatients.ts` (milliseconds since 1970).
 * Supabase's default grants changed on a date, so a table's exposure can depend on it.
 */
import { posix } from 'node:path';

const CALENDAR = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?(?!\d)/;
const SEPARATED = /^(\d{4})[-_.](\d{2})[-_.](\d{2})(?!\d)/;
const EPOCH_MILLISECONDS = /^(\d{13})(?!\d)/;

/** The date in the file's name, else in its folder's name (`prisma/migrations/20241010_x/migration.sql`). */
export function migrationDateFromName(file: string): Date | undefined {
  const parts = file.split('\\').join('/').split('/');
  const base = parts[parts.length - 1] ?? '';
  const folder = parts[parts.length - 2] ?? '';
  return dateOfName(base) ?? dateOfName(folder);
}

function dateOfName(name: string): Date | undefined {
  const stem = posix.basename(name).replace(/^v(?=\d)/i, '');
  const separated = SEPARATED.exec(stem);
  if (separated) return calendarDate(separated.slice(1, 4));
  const epoch = EPOCH_MILLISECONDS.exec(stem);
  if (epoch) {
    const date = new Date(Number(epoch[1]));
    if (plausible(date)) return date;
  }
  const calendar = CALENDAR.exec(stem);
  // At least YYYYMMDD: shorter runs are counters (`001_init.sql`), not dates.
  if (calendar && (calendar[0] as string).length >= 8) return calendarDate(calendar.slice(1, 7));
  return undefined;
}

function calendarDate(parts: Array<string | undefined>): Date | undefined {
  const [year, month, day, hour, minute, second] = parts.map((part) => Number(part ?? 0));
  if (month === undefined || month < 1 || month > 12 || day === undefined || day < 1 || day > 31)
    return undefined;
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59) return undefined;
  const date = new Date(
    Date.UTC(year as number, month - 1, day, hour ?? 0, minute ?? 0, second ?? 0),
  );
  return plausible(date) ? date : undefined;
}

/** Migration tools date from this century; anything else is a counter that happens to be long. */
function plausible(date: Date): boolean {
  const year = date.getUTCFullYear();
  return Number.isFinite(date.getTime()) && year >= 2000 && year <= 2100;
}
