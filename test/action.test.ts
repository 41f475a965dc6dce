// The GitHub Action: action.yml, its committed bundle (fresh-build check), and the bundle run end to
// end with GITHUB_* variables against a mock GitHub API on 127.0.0.1.
import { execFile, execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(ROOT, 'action', 'dist', 'index.mjs');

interface Action {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string; steps?: unknown };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;

test('action.yml: a Node action that runs the committed bundle, with no install step', () => {
  assert.is(action.runs.using, 'node24');
  assert.is(action.runs.main, 'action/dist/index.mjs');
  assert.is(action.runs.steps, undefined);
  assert.ok(existsSync(BUNDLE));
  assert.ok(existsSync(join(ROOT, 'action', 'dist', 'libpg-query.wasm')));
  const defaults = Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [name, input.default]),
  );
  assert.equal(defaults, {
    paths: '.',
    datamap: '',
    config: '',
    'fail-on': 'error',
    'changed-since': '',
    baseline: '',
    'sarif-file': 'piilint.sarif',
    comment: 'true',
    'comment-file': '',
    'github-token': '${{ github.token }}',
    'working-directory': '.',
    'cache-dir': '',
  });
  for (const [name, input] of Object.entries(action.inputs)) {
    assert.ok(input.description.length > 10, `${name} is described`);
  }
  assert.equal(Object.keys(action.outputs).sort(), ['comment-file', 'comment-url', 'sarif-file']);
});

test('action/dist is what a fresh build of the sources gives', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-bundle-'));
  try {
    const { bundleAction } = (await import(join(ROOT, 'scripts', 'bundle.mjs'))) as {
      bundleAction: (outDir: string) => Promise<void>;
    };
    await bundleAction(folder);
    const committed = join(ROOT, 'action', 'dist');
    assert.equal(readdirSync(folder).sort(), readdirSync(committed).sort());
    for (const name of readdirSync(folder)) {
      const fresh = readFileSync(join(folder, name));
      assert.ok(
        fresh.equals(readFileSync(join(committed, name))),
        `action/dist/${name} is stale — run \`npm run build:action\` and commit action/dist`,
      );
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

// ---- the bundle, end to end ----------------------------------------------------------------------

interface Comment {
  id: number;
  body: string;
  user: { type: string };
  html_url: string;
}

/** GitHub's issue-comment endpoints, in memory; records every request. */
async function mockGitHub() {
  const comments: Comment[] = [
    { id: 1, body: 'Looks good to me', user: { type: 'User' }, html_url: 'x' },
  ];
  const requests: Array<{ method: string; url: string; authorization?: string }> = [];
  let nextId = 100;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const url = request.url ?? '';
      requests.push({
        method: request.method ?? '',
        url,
        authorization: request.headers.authorization,
      });
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.headers.authorization !== 'Bearer test-token')
        return send(401, { message: 'Bad credentials' });
      const list = /^\/repos\/acme\/clinic\/issues\/7\/comments\?per_page=100&page=(\d+)$/.exec(
        url,
      );
      if (request.method === 'GET' && list) return send(200, list[1] === '1' ? comments : []);
      if (request.method === 'POST' && url === '/repos/acme/clinic/issues/7/comments') {
        const comment = {
          id: nextId++,
          body: (JSON.parse(text) as { body: string }).body,
          user: { type: 'Bot' },
          html_url: `https://github.test/acme/clinic/pull/7#issuecomment-${nextId - 1}`,
        };
        comments.push(comment);
        return send(201, comment);
      }
      const patch = /^\/repos\/acme\/clinic\/issues\/comments\/(\d+)$/.exec(url);
      if (request.method === 'PATCH' && patch) {
        const comment = comments.find((candidate) => candidate.id === Number(patch[1]));
        if (!comment) return send(404, { message: 'Not Found' });
        comment.body = (JSON.parse(text) as { body: string }).body;
        return send(200, comment);
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    comments,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

interface Run {
  status: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Runs the bundle as the runner does: `node index.mjs` with INPUT_* and GITHUB_* variables. */
function runBundle(
  workspace: string,
  inputs: Record<string, string>,
  github: Record<string, string>,
): Promise<Run> {
  const scratch = mkdtempSync(join(tmpdir(), 'piilint-runner-'));
  const outputFile = join(scratch, 'output');
  const summaryFile = join(scratch, 'summary.md');
  writeFileSync(outputFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? scratch,
    // The facts cache goes to a scratch folder, never the real ~/.cache.
    XDG_CACHE_HOME: join(scratch, 'cache'),
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_REPOSITORY: 'acme/clinic',
    GITHUB_RUN_ID: '42',
    ...github,
  };
  for (const [name, value] of Object.entries({ ...defaultInputs(), ...inputs })) {
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BUNDLE],
      { cwd: workspace, env, timeout: 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const outputs = Object.fromEntries(
          readFileSync(outputFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
        );
        const summary = existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '';
        rmSync(scratch, { recursive: true, force: true });
        const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ status, stdout, stderr, outputs, summary });
      },
    );
  });
}

function defaultInputs(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [
      name,
      input.default === '${{ github.token }}' ? 'test-token' : (input.default ?? ''),
    ]),
  );
}

/** A repository with the PPS example under examples/pps and an event file for pull request #7. */
function pullRequestWorkspace(head: string): { workspace: string; event: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'piilint-workspace-'));
  cpSync(join(ROOT, 'examples', 'pps-kroger-merge'), join(workspace, 'examples', 'pps'), {
    recursive: true,
  });
  const event = join(workspace, '..', `${workspace.split('/').at(-1)}-event.json`);
  writeFileSync(
    event,
    JSON.stringify({
      pull_request: {
        number: 7,
        user: { login: 'octocat' },
        head: { repo: { full_name: head } },
        base: { repo: { full_name: 'acme/clinic' } },
      },
    }),
  );
  return { workspace, event };
}

test('the bundle creates one PR comment, updates it on the next push, and fails on errors', async () => {
  const api = await mockGitHub();
  const { workspace, event } = pullRequestWorkspace('acme/clinic');
  try {
    const github = {
      GITHUB_API_URL: api.url,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
    };
    const inputs = { 'working-directory': 'examples/pps', 'changed-since': 'none' };
    const first = await runBundle(workspace, inputs, github);
    assert.is(first.status, 1, first.stdout + first.stderr);
    assert.match(
      first.stdout,
      /^::error file=examples\/pps\/db\/kroger\/migrations\/002_import_pps_members\.sql,line=3,col=8,/m,
    );
    assert.match(first.stdout, /created comment 100 on #7/);
    assert.match(first.summary, /^## piilint: ❌ 2 errors/m);
    assert.match(first.summary, /```mermaid/);
    const mine = api.comments.filter((comment) =>
      comment.body.startsWith('<!-- piilint-report -->'),
    );
    assert.is(mine.length, 1);
    assert.match(mine[0]!.body, /pii-public-exposure/);
    assert.is(
      first.outputs['comment-url'],
      'https://github.test/acme/clinic/pull/7#issuecomment-100',
    );
    assert.is(first.outputs['sarif-file'], 'piilint.sarif');
    const sarif = JSON.parse(
      readFileSync(join(workspace, 'examples', 'pps', 'piilint.sarif'), 'utf8'),
    );
    assert.is(
      sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri,
      'examples/pps/db/kroger/migrations/002_import_pps_members.sql',
    );

    const second = await runBundle(workspace, inputs, github);
    assert.is(second.status, 1);
    assert.match(second.stdout, /updated comment 100 on #7/);
    assert.is(api.comments.length, 2, 'the reviewer comment and one report');
    assert.equal(
      api.requests.map((request) => request.method),
      ['GET', 'POST', 'GET', 'PATCH'],
    );
    assert.ok(api.requests.every((request) => request.authorization === 'Bearer test-token'));

    const never = await runBundle(
      workspace,
      { ...inputs, 'fail-on': 'never', comment: 'false' },
      github,
    );
    assert.is(never.status, 0);
    assert.is(api.requests.length, 4, 'comment: false posts nothing');
  } finally {
    await api.close();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(event, { force: true });
  }
});

test('on a pull request from a fork the bundle skips the comment and SARIF with a notice', async () => {
  const api = await mockGitHub();
  const { workspace, event } = pullRequestWorkspace('stranger/clinic');
  try {
    const run = await runBundle(
      workspace,
      { 'working-directory': 'examples/pps', 'changed-since': 'none' },
      { GITHUB_API_URL: api.url, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event },
    );
    assert.is(run.status, 1, 'findings still fail the job');
    assert.match(
      run.stdout,
      /^::notice title=piilint::pull request from a fork: the token is read-only/m,
    );
    assert.match(run.stdout, /^::notice title=piilint::pull request from a fork: no SARIF file/m);
    assert.match(run.stdout, /^::error file=examples\/pps\//m);
    assert.is(api.requests.length, 0);
    assert.not.ok(existsSync(join(workspace, 'examples', 'pps', 'piilint.sarif')));
    assert.is(run.outputs['sarif-file'], undefined);

    const dependabot = await runBundle(
      workspace,
      { 'working-directory': 'examples/pps', 'changed-since': 'none' },
      {
        GITHUB_API_URL: api.url,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_ACTOR: 'dependabot[bot]',
      },
    );
    assert.match(dependabot.stdout, /^::notice title=piilint::Dependabot pull request/m);
    assert.is(api.requests.length, 0);
  } finally {
    await api.close();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(event, { force: true });
  }
});

test('a comment the token may not post is a warning, not a failure of the scan', async () => {
  const api = await mockGitHub();
  const { workspace, event } = pullRequestWorkspace('acme/clinic');
  try {
    const run = await runBundle(
      workspace,
      {
        'working-directory': 'examples/pps',
        'changed-since': 'none',
        'github-token': 'wrong',
        'fail-on': 'never',
      },
      { GITHUB_API_URL: api.url, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event },
    );
    assert.is(run.status, 0);
    assert.match(
      run.stdout,
      /^::warning title=piilint::could not post the pull-request comment: GET .* 401 Bad credentials/m,
    );
  } finally {
    await api.close();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(event, { force: true });
  }
});

test('a shallow pull-request checkout: the bundle fetches the base branch and annotates only changed files', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-git-'));
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    });
  try {
    const origin = join(folder, 'origin');
    mkdirSync(origin);
    git(origin, 'init', '-q', '-b', 'main');
    cpSync(join(ROOT, 'examples', 'pps-kroger-merge'), join(origin, 'db-example'), {
      recursive: true,
    });
    // The base already holds the leaking migration; the branch only adds an unrelated one.
    git(origin, 'add', '.');
    git(origin, 'commit', '-qm', 'base');
    for (let index = 0; index < 3; index++) {
      writeFileSync(join(origin, `notes-${index}.txt`), String(index));
      git(origin, 'add', '.');
      git(origin, 'commit', '-qm', `main ${index}`);
    }
    git(origin, 'checkout', '-qb', 'feature');
    writeFileSync(
      join(origin, 'db-example', 'db', 'kroger', 'migrations', '003_add_marketing_flag.sql'),
      'ALTER TABLE accounts ADD COLUMN marketing_opt_in boolean;\n',
    );
    git(origin, 'add', '.');
    git(origin, 'commit', '-qm', 'feature');
    const clone = join(folder, 'clone');
    git(folder, 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin}`, clone);
    assert.is(git(clone, 'rev-parse', '--is-shallow-repository').trim(), 'true');

    const run = await runBundle(
      clone,
      { 'working-directory': 'db-example', comment: 'false' },
      { GITHUB_BASE_REF: 'main', GITHUB_REF: 'refs/heads/feature', GITHUB_EVENT_NAME: 'push' },
    );
    assert.is(run.status, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /git fetch --no-tags --quiet --depth=100 origin \+refs\/heads\/main:refs\/remotes\/origin\/main/,
    );
    assert.not.match(run.stdout, /^::error file=/m, 'the old leak is not in the changed files');
    assert.match(run.summary, /✅ 0 errors/);
    // SARIF still holds every finding: code scanning compares whole analyses.
    const sarif = JSON.parse(readFileSync(join(clone, 'db-example', 'piilint.sarif'), 'utf8'));
    assert.is(sarif.runs[0].results.length, 2);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a comment for 30 copies of the Insulet script stays under 60,000 characters', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'piilint-insulet-'));
  const api = await mockGitHub();
  const event = `${workspace}-event.json`;
  writeFileSync(
    event,
    JSON.stringify({
      pull_request: {
        number: 7,
        head: { repo: { full_name: 'acme/clinic' } },
        base: { repo: { full_name: 'acme/clinic' } },
      },
    }),
  );
  try {
    const example = join(ROOT, 'examples', 'insulet-marketing');
    cpSync(join(example, 'datamap.yaml'), join(workspace, 'datamap.yaml'));
    const script = readFileSync(
      join(example, 'src', 'telemetry', 'forward-pump-events.ts'),
      'utf8',
    );
    for (let index = 0; index < 30; index++) {
      mkdirSync(join(workspace, 'src', `job-${index}`), { recursive: true });
      writeFileSync(join(workspace, 'src', `job-${index}`, 'forward-pump-events.ts'), script);
    }
    const run = await runBundle(
      workspace,
      { 'changed-since': 'none', 'fail-on': 'never', 'comment-file': 'comment.md' },
      { GITHUB_API_URL: api.url, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event },
    );
    assert.is(run.status, 0, run.stdout + run.stderr);
    const body = api.comments.at(-1)?.body ?? '';
    assert.ok(body.startsWith('<!-- piilint-report -->'));
    assert.ok(body.length < 60_000, `${body.length} characters`);
    assert.match(body, /## piilint: ❌ 60 errors/);
    assert.match(
      body,
      /\[the job summary\]\(https:\/\/github\.test\/acme\/clinic\/actions\/runs\/42\)/,
    );
    assert.is(readFileSync(join(workspace, 'comment.md'), 'utf8'), body);
  } finally {
    await api.close();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(event, { force: true });
  }
});

test('a working-directory that does not exist is exit 2 with one error line', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'piilint-missing-'));
  try {
    const run = await runBundle(workspace, { 'working-directory': 'nowhere' }, {});
    assert.is(run.status, 2);
    assert.match(
      run.stdout,
      /^::error title=piilint::piilint: working-directory nowhere does not exist/m,
    );
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});

test("the project's own workflow runs the action on every example without failing", () => {
  const workflow = parse(
    readFileSync(join(ROOT, '.github', 'workflows', 'piilint.yml'), 'utf8'),
  ) as {
    jobs: Record<
      string,
      {
        steps: Array<{ uses?: string; with?: Record<string, unknown> }>;
        strategy?: { matrix: Record<string, string[]> };
      }
    >;
  };
  const job = Object.values(workflow.jobs)[0]!;
  assert.equal([...(job.strategy?.matrix.example ?? [])].sort(), [
    'insulet-marketing',
    'pps-kroger-merge',
    'pps-kroger-script',
    'supabase-anon',
    'truepill-fills',
  ]);
  const self = job.steps.find((step) => step.uses === './');
  assert.is(self?.with?.['fail-on'], 'never');
  assert.match(String(self?.with?.['working-directory']), /^examples\//);
});

interface Workflow {
  on: unknown;
  permissions?: Record<string, string>;
  jobs: Record<
    string,
    { steps: Array<{ uses?: string; id?: string; if?: string; with?: Record<string, unknown> }> }
  >;
}

/** The fenced ```yaml blocks of a Markdown file that hold a whole workflow. */
function workflowsIn(markdown: string): Workflow[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((match) => parse(match[1] ?? '') as Workflow)
    .filter((candidate) => candidate?.jobs !== undefined);
}

function assertDocumentedWorkflow(workflow: Workflow): void {
  const on = workflow.on as Record<string, { branches?: string[] } | null>;
  assert.ok('pull_request' in on, 'runs on pull requests');
  assert.equal(on.push?.branches, ['main'], 'and on the default branch, for code scanning');
  assert.equal(workflow.permissions, {
    contents: 'read',
    'security-events': 'write',
    'pull-requests': 'write',
  });
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const piilint = steps.find((step) => step.uses?.startsWith('piilint/piilint@'));
  assert.is(piilint?.id, 'piilint');
  // The action posts the comment itself: no script to copy.
  assert.not.ok(steps.some((step) => step.uses?.startsWith('actions/github-script')));
  const upload = steps.find((step) => step.uses === 'github/codeql-action/upload-sarif@v3');
  assert.is(upload?.if, "always() && steps.piilint.outputs.sarif-file != ''");
  assert.is(upload?.with?.sarif_file, '${{ steps.piilint.outputs.sarif-file }}');
}

test('the documented workflows: pull requests and the default branch, permissions, SARIF upload', () => {
  const docs = workflowsIn(readFileSync(join(ROOT, 'docs', 'github-action.md'), 'utf8'));
  assert.is(docs.length, 1);
  assertDocumentedWorkflow(docs[0]!);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Blocking pull requests on GitHub'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  assert.ok(block.trimEnd().split('\n').length < 20, 'the README set-up is under 20 lines');
  assertDocumentedWorkflow(parse(block) as Workflow);
  // The sample summary is real output: its diagram matches what the reporter draws.
  assert.match(section, /n_pps_patients -->\|"contact\.email, person\.name"\| n_kroger_accounts/);
});

test.run();
