/**
 * `--changed-since <ref>`: the whole repository is analysed (a leak often needs the old migration
 * that defines the column), but only findings in files changed since the ref are reported.
 * Git runs without a shell, so a ref can never be read as a command.
 */
import { execFileSync } from 'node:child_process';
import { relative, resolve, sep } from 'node:path';
import { UsageError } from './errors.js';
import type { Finding } from './findings.js';

/**
 * Files changed since `ref`, as paths relative to `cwd` with forward slashes: what the branch
 * changed since it left the ref (`git diff ref...HEAD`), plus staged, unstaged and untracked changes.
 */
export function changedFilesSince(ref: string, cwd: string): Set<string> {
  const root = git(['rev-parse', '--show-toplevel'], cwd, () => {
    throw new UsageError(
      `--changed-since needs a git repository, and ${cwd} is not in one — run piilint inside the repository or drop --changed-since`,
    );
  }).trim();
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd, () => {
    throw new UsageError(
      `git ref \`${ref}\` not found — fetch more history (actions/checkout with fetch-depth: 0) or pass an existing ref`,
    );
  });

  const changed = new Set<string>();
  const committed = git(['diff', '--name-only', '-z', `${ref}...HEAD`, '--'], cwd, (message) => {
    throw new UsageError(
      `git cannot compare \`${ref}\` with HEAD (${message}) — fetch more history (actions/checkout with fetch-depth: 0) or pass another ref`,
    );
  });
  for (const path of splitNul(committed)) changed.add(path);

  const status = git(
    ['status', '--porcelain=v1', '-z', '--untracked-files=all'],
    cwd,
    (message) => {
      throw new UsageError(`git status failed (${message}) — check the repository`);
    },
  );
  for (const path of pathsFromStatus(status)) changed.add(path);

  const relativeToCwd = new Set<string>();
  for (const path of changed) {
    const fromCwd = relative(cwd, resolve(root, path)).split(sep).join('/');
    relativeToCwd.add(fromCwd);
  }
  return relativeToCwd;
}

/**
 * Findings a change touches (paths relative to the scan's working directory): the finding's own
 * file, any step of its path (the copy or rename that brought the data), or a data map whose
 * declaration it rests on (the store's exposure, the table, the column's category). A pull
 * request that only flips `exposure: public` in the data map fails with the findings it causes.
 */
export function onlyChangedFiles(
  findings: Finding[],
  files: ReadonlySet<string>,
  restsOn: (finding: Finding) => readonly string[] = () => [],
): Finding[] {
  return findings.filter(
    (finding) =>
      files.has(finding.file) ||
      finding.path.some((step) => files.has(step.file)) ||
      restsOn(finding).some((file) => files.has(file)),
  );
}

/** `XY path\0` entries; a rename or copy (`R`/`C`) is followed by its old path, which is skipped. */
function pathsFromStatus(output: string): string[] {
  const entries = splitNul(output);
  const paths: string[] = [];
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index] as string;
    const code = entry.slice(0, 2);
    paths.push(entry.slice(3));
    if (code.includes('R') || code.includes('C')) index++;
  }
  return paths;
}

function splitNul(output: string): string[] {
  return output.split('\0').filter((part) => part !== '');
}

function git(args: string[], cwd: string, onFailure: (message: string) => never): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const firstLine = stderr.split('\n').find((line) => line.trim() !== '');
    return onFailure(firstLine?.trim() ?? (error as Error).message.split('\n')[0] ?? 'git failed');
  }
}
