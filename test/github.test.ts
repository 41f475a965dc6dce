// `--format github`: workflow-command annotations and the Markdown job summary with its Mermaid
// diagram. Spawns the built CLI (`npm run build` first) as GitHub Actions would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Finding } from '../src/findings.js';
import { annotation, escapeData, escapeProperty } from '../src/reporters/github.js';
import { flowDiagram } from '../src/reporters/flow-diagram.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');

const ANNOTATION =
  /^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=([a-z-]+)::(.+)$/;

function runInActions(example: string, args: string[] = [], workspace?: string) {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-github-'));
  const summaryFile = join(folder, 'summary.md');
  writeFileSync(summaryFile, '# Earlier step\n');
  const run = spawnSync(process.execPath, [BIN, 'scan', ...args], {
    cwd: join(ROOT, 'examples', example),
    encoding: 'utf8',
    env: {
      ...process.env,
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_WORKSPACE: workspace ?? join(ROOT, 'examples', example),
    },
  });
  const summary = readFileSync(summaryFile, 'utf8');
  rmSync(folder, { recursive: true, force: true });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, summary };
}

function annotations(stdout: string) {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('::'))
    .map((line) => {
      const match = ANNOTATION.exec(line);
      if (!match) throw new Error(`not a workflow command: ${line}`);
      const [, level, file, startLine, , , , title, message] = match;
      return { level, file, line: Number(startLine), title, message: message ?? '' };
    });
}

test('PPS example: github is the default format in Actions; annotations parse', () => {
  const { code, stdout, summary } = runInActions('pps-kroger-merge');
  assert.is(code, 1);
  const found = annotations(stdout);
  // The mapping and its SQL are one flow, reported at the SQL (issue 9).
  assert.is(found.length, 2);
  assert.ok(
    found.every((entry) => entry.level === 'error' && entry.title === 'pii-public-exposure'),
  );
  const copy = found.find(
    (entry) =>
      entry.file === 'db/kroger/migrations/002_import_pps_members.sql' &&
      entry.message.includes('display_name'),
  );
  assert.ok(copy);
  assert.is(copy.line, 3);
  assert.ok(!/[\r\n]/.test(copy.message));
  assert.match(
    copy.message,
    /%0ADocs: https:\/\/github\.com\/piilint\/piilint\/blob\/main\/docs\/rules\/pii-public-exposure\.md/,
  );
  assert.match(stdout, /✖ 2 errors/);

  assert.ok(summary.startsWith('# Earlier step\n'), 'the summary is appended, not replaced');
  assert.match(summary, /## piilint: .*2 errors/);
  assert.match(summary, /\| \[`pii-public-exposure`\]\([^)]+\) \| 2 \| 0 \| 0 \|/);
  assert.match(
    summary,
    /\| 🔴 error \| `pii-public-exposure` \| `db\/kroger\/migrations\/002_import_pps_members\.sql:3` \|/,
  );
  const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(summary)?.[1];
  assert.ok(mermaid, 'a Mermaid block');
  assert.ok(mermaid.startsWith('flowchart LR'));
  assert.match(mermaid, /^ {2}n_pps_patients\["pps\.patients"\]$/m);
  assert.match(mermaid, /^ {2}n_kroger_accounts\["kroger\.accounts"\]$/m);
  const edge = /^ {2}n_pps_patients -->\|"([^"]+)"\| n_kroger_accounts$/m.exec(mermaid);
  assert.ok(edge, mermaid);
  assert.equal(edge[1]!.split(', ').sort(), ['contact.email', 'person.name']);
  assert.is(mermaid.match(/-->/g)?.length, 1, 'deduplicated: one edge for four findings');
  assert.match(mermaid, /^ {2}classDef public /m);
  assert.match(mermaid, /^ {2}class n_kroger_accounts public$/m);
});

test('errors come before warnings (GitHub shows the first 10 of each per step)', () => {
  const { stdout, code } = runInActions('pps-kroger-script');
  const levels = annotations(stdout).map((entry) => entry.level);
  assert.ok(levels.includes('error') && levels.includes('warning'), levels.join());
  assert.is(levels.indexOf('warning'), levels.lastIndexOf('error') + 1);
  assert.is(code, 1);
});

test('run from a subfolder of the workspace, annotations use paths from the repository root', () => {
  const { stdout } = runInActions('pps-kroger-merge', [], ROOT);
  const files = annotations(stdout).map((entry) => entry.file);
  assert.ok(
    files.includes('examples/pps-kroger-merge/db/kroger/migrations/002_import_pps_members.sql'),
    files.join(),
  );
});

test('an explicit --format wins over the Actions default', () => {
  const { stdout } = runInActions('pps-kroger-merge', ['--format', 'json']);
  assert.is((JSON.parse(stdout) as { findings: unknown[] }).findings.length, 2);
});

test('escaping follows the workflow-command rules', () => {
  assert.is(escapeData('100% sure\r\nnext'), '100%25 sure%0D%0Anext');
  assert.is(escapeProperty('a:b,c%'), 'a%3Ab%2Cc%25');
  const line = annotation({
    ruleId: 'pii-logged',
    severity: 'note',
    message: 'line one\nline: two, with 5%',
    file: 'dir,with:odd/name.ts',
    line: 2,
    column: 3,
    endLine: 2,
    endColumn: 9,
    categories: [],
    path: [],
    evidence: [],
    fix: 'remove the log',
    fingerprint: 'f',
  });
  assert.ok(
    line.startsWith(
      '::notice file=dir%2Cwith%3Aodd/name.ts,line=2,col=3,endLine=2,endColumn=9,title=pii-logged::line one\\nline: two, with 5%25%0AFix: remove the log',
    ),
    line,
  );
  assert.ok(!line.includes('\n'));
});

function flow(overrides: Partial<Finding>): Finding {
  return {
    ruleId: 'pii-third-party',
    severity: 'error',
    message: 'm',
    file: 'a.ts',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    categories: ['device.ip_address'],
    path: [],
    evidence: [],
    fix: 'f',
    fingerprint: 'f',
    ...overrides,
  };
}

test('the diagram sanitises ids and labels and marks partner targets', () => {
  const diagram = flowDiagram([
    flow({
      source: { store: 'db/main', table: 'end"]; click x', column: 'ip' },
      target: { store: 'ad-partner', table: 'collect.ads.example', exposure: 'partner' },
    }),
    flow({
      source: { store: 'db/main', table: 'end"]; click x', column: 'ip' },
      target: { store: 'ad-partner', table: 'collect.ads.example', exposure: 'partner' },
      categories: ['health.device_usage'],
      suppressed: { reason: 'suppressed flows are not drawn' },
    }),
  ]);
  assert.ok(diagram);
  assert.match(diagram, /^ {2}n_db_main_end____click_x\["db\/main\.end#quot;#93;; click x"\]$/m);
  assert.match(diagram, /-->\|"device\.ip_address"\|/);
  assert.not.match(diagram, /device_usage/);
  assert.match(diagram, /^ {2}class n_ad_partner_collect_ads_example partner$/m);
  assert.is(flowDiagram([flow({})]), undefined, 'no source and target: nothing to draw');
});

test.run();
