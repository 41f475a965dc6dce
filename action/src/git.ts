/**
 * The base branch for `changed-since`. actions/checkout fetches one commit by default; rather than
 * failing with "ref not found", the action fetches the base branch itself and deepens the history
 * until the branch point is there. Git runs without a shell: a branch name is never code.
 */
import { execFileSync } from 'node:child_process';

const GIT_TIMEOUT_MS = 120_000;

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: GIT_TIMEOUT_MS,
    });
  } catch {
    return undefined;
  }
}

export interface FetchOutcome {
  /** What was run, for the log. */
  steps: string[];
  /** The ref now resolves and shares history with HEAD. */
  ready: boolean;
}

/**
 * Makes `origin/<branch>` available with a merge base with HEAD, fetching only what is missing.
 * `headRef` is the remote ref HEAD was checked out from (`GITHUB_REF`, e.g. refs/pull/7/merge):
 * deepening it brings HEAD's own history down to the branch point.
 */
export function ensureBaseRef(
  branch: string,
  headRef: string | undefined,
  cwd: string,
): FetchOutcome {
  const steps: string[] = [];
  const ref = `origin/${branch}`;
  if (git(['rev-parse', '--is-inside-work-tree'], cwd)?.trim() !== 'true') {
    return { steps, ready: false };
  }
  const hasMergeBase = () => git(['merge-base', ref, 'HEAD'], cwd) !== undefined;
  const hasRef = () =>
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd) !== undefined;
  if (hasRef() && hasMergeBase()) return { steps, ready: true };

  const shallow = git(['rev-parse', '--is-shallow-repository'], cwd)?.trim() === 'true';
  const run = (args: string[]) => {
    steps.push(`git ${args.join(' ')}`);
    return git(args, cwd) !== undefined;
  };
  const refspec = `+refs/heads/${branch}:refs/remotes/${ref}`;
  run(['fetch', '--no-tags', '--quiet', ...(shallow ? ['--depth=100'] : []), 'origin', refspec]);
  if (hasRef() && hasMergeBase()) return { steps, ready: true };
  if (shallow) {
    for (const depth of [100, 1000]) {
      const refs = headRef ? [refspec, headRef] : [refspec];
      run(['fetch', '--no-tags', '--quiet', `--deepen=${depth}`, 'origin', ...refs]);
      if (hasMergeBase()) return { steps, ready: true };
    }
    run([
      'fetch',
      '--no-tags',
      '--quiet',
      '--unshallow',
      'origin',
      refspec,
      ...(headRef ? [headRef] : []),
    ]);
  }
  return { steps, ready: hasRef() && hasMergeBase() };
}
