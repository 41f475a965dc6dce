// The GitHub Action, the project's own workflow, the documented workflow and the README set-up.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Workflow {
  on: unknown;
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[]; strategy?: { matrix: Record<string, string[]> } }>;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const action = parse(read('action.yml')) as Action;

/** The fenced ```yaml blocks of a Markdown file. */
function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

const allSteps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

test('action.yml: a composite action with the documented inputs and defaults', () => {
  assert.is(action.runs.using, 'composite');
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
    'comment-file': '',
    'working-directory': '.',
  });
  for (const [name, input] of Object.entries(action.inputs)) {
    assert.ok(input.description.length > 10, `${name} is described`);
  }
  assert.ok(action.outputs['sarif-file']);
});

const scanStep = action.runs.steps.find((step) => step.id === 'scan')!;

test('action.yml: builds in the action folder and passes inputs only through the environment', () => {
  const build = action.runs.steps.find((step) => step.run?.includes('npm ci'));
  assert.is(build?.['working-directory'], '${{ github.action_path }}');
  assert.ok(scanStep.run);
  assert.not.match(scanStep.run, /\$\{\{/, 'no expression is pasted into the script');
  for (const name of Object.keys(action.inputs)) {
    if (name === 'working-directory') continue;
    const variable = `INPUT_${name.toUpperCase().replace(/-/g, '_')}`;
    assert.is(scanStep.env?.[variable], `\${{ inputs.${name} }}`, variable);
    assert.ok(scanStep.run.includes(`$${variable}`), `${variable} is used`);
  }
  assert.match(scanStep.run, /since="origin\/\$BASE_REF"/, 'changed-since defaults to the PR base');
  assert.is(scanStep.env?.BASE_REF, '${{ github.base_ref }}');
  // The last command is the annotated scan with the user's fail-on: its exit code is the step's.
  const lastCommand = scanStep.run.trim().split('\n').at(-1) ?? '';
  assert.match(lastCommand, /--format github --fail-on "\$INPUT_FAIL_ON"$/);
  assert.not.match(scanStep.run, /\|\| true|set \+e|continue-on-error/);
});

test('action.yml: the scan script writes SARIF, the comment and annotations, and keeps the exit code', () => {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-action-'));
  try {
    const script = join(folder, 'scan.sh');
    writeFileSync(script, scanStep.run ?? '');
    const outputs = join(folder, 'outputs');
    const run = spawnSync('bash', [script], {
      cwd: join(ROOT, 'examples', 'pps-kroger-merge'),
      encoding: 'utf8',
      env: {
        ...process.env,
        PIILINT: join(ROOT, 'bin', 'piilint.js'),
        INPUT_PATHS: '.',
        INPUT_DATAMAP: 'datamap.yaml',
        INPUT_CONFIG: '',
        INPUT_FAIL_ON: 'error',
        INPUT_CHANGED_SINCE: 'none',
        INPUT_BASELINE: '',
        INPUT_SARIF_FILE: join(folder, 'piilint.sarif'),
        INPUT_COMMENT_FILE: join(folder, 'comment.md'),
        BASE_REF: 'main',
        GITHUB_OUTPUT: outputs,
        GITHUB_STEP_SUMMARY: join(folder, 'summary.md'),
        GITHUB_ACTIONS: 'true',
      },
    });
    assert.is(run.status, 1, run.stderr);
    assert.match(run.stdout, /^::error file=/m);
    assert.is(JSON.parse(readFileSync(join(folder, 'piilint.sarif'), 'utf8')).version, '2.1.0');
    assert.ok(
      readFileSync(join(folder, 'comment.md'), 'utf8').startsWith('<!-- piilint-report -->'),
    );
    assert.match(readFileSync(join(folder, 'summary.md'), 'utf8'), /```mermaid/);
    assert.match(readFileSync(outputs, 'utf8'), /^sarif-file=.*piilint\.sarif$/m);

    const never = spawnSync('bash', [script], {
      cwd: join(ROOT, 'examples', 'pps-kroger-merge'),
      encoding: 'utf8',
      env: {
        ...process.env,
        PIILINT: join(ROOT, 'bin', 'piilint.js'),
        INPUT_PATHS: '.',
        INPUT_DATAMAP: '',
        INPUT_CONFIG: '',
        INPUT_FAIL_ON: 'never',
        INPUT_CHANGED_SINCE: '',
        INPUT_BASELINE: '',
        INPUT_SARIF_FILE: '',
        INPUT_COMMENT_FILE: '',
        BASE_REF: '',
        GITHUB_OUTPUT: outputs,
        GITHUB_ACTIONS: 'true',
      },
    });
    assert.is(never.status, 0, never.stderr);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test("the project's own workflow runs the action on every example without failing", () => {
  const workflow = parse(read('.github/workflows/piilint.yml')) as Workflow;
  const job = Object.values(workflow.jobs)[0]!;
  const examples = job.strategy?.matrix.example ?? [];
  assert.equal([...examples].sort(), [
    'insulet-marketing',
    'pps-kroger-merge',
    'pps-kroger-script',
    'supabase-anon',
    'truepill-fills',
  ]);
  const checkout = job.steps.find((step) => step.uses?.startsWith('actions/checkout'));
  assert.is(checkout?.with?.['fetch-depth'], 0);
  const self = job.steps.find((step) => step.uses === './');
  assert.ok(self, 'uses: ./');
  assert.is(self.with?.['fail-on'], 'never');
  assert.match(String(self.with?.['working-directory']), /^examples\//);
  const upload = job.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
  assert.is(upload?.if, 'always()');
});

test('the documented workflow: permissions, full history, SARIF upload and one PR comment', () => {
  const blocks = yamlBlocks(read('docs/github-action.md'));
  const documented = blocks
    .map((block) => parse(block) as Workflow)
    .find((candidate) => candidate?.jobs !== undefined);
  assert.ok(documented, 'a complete workflow');
  assert.equal(documented.permissions, {
    contents: 'read',
    'security-events': 'write',
    'pull-requests': 'write',
  });
  assert.ok(JSON.stringify(documented.on).includes('pull_request'));
  const steps = allSteps(documented);
  assert.is(
    steps.find((step) => step.uses?.startsWith('actions/checkout'))?.with?.['fetch-depth'],
    0,
  );
  const piilint = steps.find((step) => step.uses?.startsWith('piilint/piilint'));
  assert.ok(piilint?.with?.['comment-file']);
  const upload = steps.find((step) => step.uses === 'github/codeql-action/upload-sarif@v3');
  assert.is(upload?.if, 'always()');
  assert.is(upload?.with?.sarif_file, piilint?.with?.['sarif-file']);
  const comment = steps.find((step) => step.uses?.startsWith('actions/github-script'));
  const script = String(comment?.with?.script ?? '');
  assert.match(String(comment?.if), /^always\(\)/);
  assert.match(script, /<!-- piilint-report -->/);
  assert.match(script, /updateComment/);
  assert.match(script, /createComment/);
});

test('README: the GitHub set-up is under 20 lines and uploads SARIF even when the job fails', () => {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Blocking pull requests on GitHub'));
  assert.ok(section.length > 0);
  const block = yamlBlocks(section)[0];
  assert.ok(block);
  const lines = block.trimEnd().split('\n');
  assert.ok(lines.length < 20, `${lines.length} lines`);
  const workflow = parse(block) as Workflow;
  const steps = allSteps(workflow);
  assert.is(
    steps.find((step) => step.uses?.startsWith('actions/checkout'))?.with?.['fetch-depth'],
    0,
  );
  assert.ok(steps.some((step) => step.uses?.startsWith('piilint/piilint@')));
  const upload = steps.find((step) => step.uses === 'github/codeql-action/upload-sarif@v3');
  assert.is(upload?.if, 'always()');
  assert.is(upload?.with?.sarif_file, action.inputs['sarif-file']?.default);
  assert.is(workflow.permissions?.['security-events'], 'write');
  // The sample summary is real output: its diagram matches what the reporter draws.
  assert.match(section, /n_pps_patients -->\|"contact\.email, person\.name"\| n_kroger_accounts/);
});

test.run();
