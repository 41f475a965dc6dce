/**
 * When the repository first saw a file, for migrations whose name carries no date (Supabase's
 * default grants depend on when a table was created). Git runs without a shell, once per file
 * asked about, and only when history is there; any failure means "unknown".
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const cache = new Map<string, Date | undefined>();

export function firstSeenByGit(root: string, file: string): Date | undefined {
  const key = `${root}\u0000${file}`;
  if (cache.has(key)) return cache.get(key);
  let date: Date | undefined;
  if (existsSync(join(root, '.git'))) {
    try {
      const output = execFileSync(
        'git',
        ['log', '--diff-filter=A', '--follow', '--format=%cI', '--', file],
        { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 },
      );
      const lines = output.trim().split('\n').filter(Boolean);
      const oldest = lines[lines.length - 1];
      if (oldest !== undefined) date = new Date(oldest);
      if (date !== undefined && Number.isNaN(date.getTime())) date = undefined;
    } catch {
      date = undefined;
    }
  }
  cache.set(key, date);
  return date;
}
