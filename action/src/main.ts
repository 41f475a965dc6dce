/**
 * The GitHub Action (action.yml, `runs.using: node24`), bundled with everything it needs into
 * action/dist/index.mjs: no install, no build, and the job's own Node is left alone.
 *
 * One scan, then every report from it:
 * - SARIF with every finding, for code scanning (it compares whole analyses, so a report of the
 *   changed files only would close every other alert);
 * - annotations and the job summary, for the files the pull request changed;
 * - one pull-request comment, created once and then updated, under GitHub's size limit;
 * - the step fails when a reported finding reaches `fail-on`.
 * A pull request from a fork or Dependabot gets a read-only token: the comment and the SARIF file
 * are skipped with a notice instead of failing on a permission error.
 */
// First: V8 flags that must be set before libpg-query loads.
import '../../src/v8-flags.js';
import { readFileSync, appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { changedFilesSince, onlyChangedFiles } from '../../src/changed-files.js';
import { toolInfo } from '../../src/cli.js';
import { UsageError } from '../../src/errors.js';
import { githubReporter, escapeData, escapeProperty } from '../../src/reporters/github.js';
import { summarize } from '../../src/reporters/index.js';
import { COMMENT_MARKER, commentMarkdown } from '../../src/reporters/markdown.js';
import { sarifReporter } from '../../src/reporters/sarif.js';
import { defaultCacheDir } from '../../src/cache.js';
import { failsAt, scan } from '../../src/scan.js';
import { inertLine } from '../../src/util/inert-text.js';
import { writeFileSafely } from '../../src/util/safe-write.js';
import type { ScanResult } from '../../src/scan.js';
import { GitHubApiError, upsertComment } from './github-api.js';
import { ensureBaseRef } from './git.js';

type Env = Record<string, string | undefined>;

interface PullRequestEvent {
  pull_request?: {
    number?: number;
    user?: { login?: string };
    head?: { repo?: { full_name?: string } | null };
    base?: { repo?: { full_name?: string } };
  };
}

const FAIL_ON = ['error', 'warning', 'never'] as const;
type FailOn = (typeof FAIL_ON)[number];

/** Runs the action and returns its exit code: 0 clean, 1 findings at `fail-on`, 2 not done. */
export async function runAction(env: Env = process.env): Promise<number> {
  try {
    return await run(env);
  } catch (error) {
    // The same escaper as the command line: config keys and paths in the message stay one line,
    // and the workflow command's own escaping comes on top.
    const message =
      error instanceof UsageError
        ? inertLine(error.message)
        : `internal error: ${(error instanceof Error ? (error.stack ?? error.message) : String(error)).split('\n').map(inertLine).join('\n')}`;
    command('error', `piilint: ${message}`);
    return 2;
  }
}

async function run(env: Env): Promise<number> {
  const input = (name: string) =>
    (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
  const list = (name: string) => input(name).split(/\s+/).filter(Boolean);

  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const cwd = resolve(workspace, input('working-directory') || '.');
  try {
    process.chdir(cwd);
  } catch {
    throw new UsageError(
      `working-directory ${input('working-directory')} does not exist — it is relative to the repository root`,
    );
  }
  const failOn = (input('fail-on') || 'error') as FailOn;
  if (!FAIL_ON.includes(failOn)) {
    throw new UsageError(`fail-on: ${failOn} is not a level — use error, warning or never`);
  }

  const event = readEvent(env.GITHUB_EVENT_PATH);
  const pullRequest = event?.pull_request;
  const readOnly = readOnlyReason(env, event);

  // Which files the pull request changed: fetched here when the checkout is shallow.
  let since = input('changed-since');
  const baseBranch = env.GITHUB_BASE_REF;
  if (since === '' && baseBranch) since = `origin/${baseBranch}`;
  if (since === 'none') since = '';
  if (since !== '' && baseBranch && since === `origin/${baseBranch}`) {
    const fetched = ensureBaseRef(baseBranch, env.GITHUB_REF, cwd);
    for (const step of fetched.steps) process.stdout.write(`${inertLine(step)}\n`);
    if (!fetched.ready) {
      command(
        'warning',
        `could not fetch ${since} to compare with; every finding is annotated, not only those in changed files`,
      );
      since = '';
    }
  }
  const changedFiles = since !== '' ? changedFilesSince(since, cwd) : undefined;

  const result = await scan({
    cwd,
    paths: list('paths'),
    dataMapFiles: list('datamap'),
    configFile: input('config') || undefined,
    baseline: input('baseline') || undefined,
    // Kept between runs by an actions/cache step (docs/github-action.md); `none` turns it off.
    cacheDir:
      input('cache-dir') === 'none'
        ? undefined
        : resolve(cwd, input('cache-dir') || defaultCacheDir(env)),
  });
  const tool = toolInfo();
  const outputs: Record<string, string> = {};
  const readFiles = result.readFiles.map((file) => resolve(cwd, file));
  if (result.config.file !== undefined) readFiles.push(result.config.file);
  const writeFile = (path: string, text: string) => {
    try {
      writeFileSafely(path, text, { cwd, readFiles });
    } catch (error) {
      throw new UsageError(`cannot write ${path} (${(error as Error).message})`);
    }
  };

  const sarifFile = input('sarif-file');
  if (sarifFile !== '' && readOnly) {
    command(
      'notice',
      `${readOnly}: no SARIF file, since the token cannot upload it to code scanning`,
    );
  } else if (sarifFile !== '') {
    writeFile(
      sarifFile,
      sarifReporter({ result, tool, color: false, quiet: false, paths: list('paths') }),
    );
    outputs['sarif-file'] = sarifFile;
  }

  const reported = changedFiles ? onlyChangedFiles(result.findings, changedFiles) : result.findings;
  const view: ScanResult = {
    ...result,
    findings: reported,
    summary: { ...result.summary, ...summarize(reported, result.summary.files) },
  };
  process.stdout.write(githubReporter({ result: view, tool, color: false, quiet: false }));

  const body = commentMarkdown(view.findings, view.summary, { fullReportUrl: runUrl(env) });
  const commentFile = input('comment-file');
  if (commentFile !== '') {
    writeFile(commentFile, body);
    outputs['comment-file'] = commentFile;
  }
  if (pullRequest && input('comment') !== 'false') {
    const url = await postComment(env, input('github-token'), pullRequest.number, body, readOnly);
    if (url) outputs['comment-url'] = url;
  }

  writeOutputs(env.GITHUB_OUTPUT, outputs);
  return failsAt(view.findings, failOn) ? 1 : 0;
}

async function postComment(
  env: Env,
  token: string,
  issueNumber: number | undefined,
  body: string,
  readOnly: string | undefined,
): Promise<string | undefined> {
  if (readOnly) {
    command('notice', `${readOnly}: the token is read-only, so no pull-request comment is posted`);
    return undefined;
  }
  const repository = env.GITHUB_REPOSITORY;
  if (!token || !repository || !issueNumber) {
    command('warning', 'no pull-request comment: the github-token input or the event is missing');
    return undefined;
  }
  try {
    const outcome = await upsertComment(
      {
        apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
        token,
        repository,
        issueNumber,
      },
      COMMENT_MARKER,
      body,
    );
    process.stdout.write(`piilint: ${outcome.action} comment ${outcome.id} on #${issueNumber}\n`);
    return outcome.url;
  } catch (error) {
    // A comment that cannot be posted never hides the findings or changes the exit code.
    const denied =
      error instanceof GitHubApiError && (error.status === 403 || error.status === 404);
    const hint = denied ? ' — give the job `permissions: pull-requests: write`' : '';
    command(
      'warning',
      `could not post the pull-request comment: ${(error as Error).message}${hint}`,
    );
    return undefined;
  }
}

/** Why the token is read-only on this event, or undefined when it can write. */
function readOnlyReason(env: Env, event: PullRequestEvent | undefined): string | undefined {
  const pullRequest = event?.pull_request;
  if (!pullRequest || env.GITHUB_EVENT_NAME !== 'pull_request') return undefined;
  if (env.GITHUB_ACTOR === 'dependabot[bot]' || pullRequest.user?.login === 'dependabot[bot]')
    return 'Dependabot pull request';
  const head = pullRequest.head?.repo?.full_name;
  const base = pullRequest.base?.repo?.full_name ?? env.GITHUB_REPOSITORY;
  if (head !== base) return 'pull request from a fork';
  return undefined;
}

function readEvent(path: string | undefined): PullRequestEvent | undefined {
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PullRequestEvent;
  } catch {
    return undefined;
  }
}

/** The run's page, where the job summary holds every reported finding. */
function runUrl(env: Env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = env;
  return server && repository && run ? `${server}/${repository}/actions/runs/${run}` : undefined;
}

function writeOutputs(file: string | undefined, outputs: Record<string, string>): void {
  const lines = Object.entries(outputs).map(([name, value]) => `${name}=${value}\n`);
  if (file && lines.length > 0) appendFileSync(file, lines.join(''));
}

function command(kind: 'error' | 'warning' | 'notice', message: string): void {
  process.stdout.write(`::${kind} title=${escapeProperty('piilint')}::${escapeData(message)}\n`);
}

process.exitCode = await runAction();
