// `--format markdown`: the pull-request comment. Spawns the built CLI (`npm run build` first).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_CONFIG } from '../src/config/types.js';
import type { Finding } from '../src/findings.js';
import { COMMENT_MARKER, markdownReporter } from '../src/reporters/markdown.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');

function markdownOf(example: string) {
  const run = spawnSync(process.execPath, [BIN, 'scan', '--format', 'markdown'], {
    cwd: join(ROOT, 'examples', example),
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: '' },
  });
  return { code: run.status, stdout: run.stdout };
}

test('PPS example: marker first, counts, diagram, table and one collapsed section per finding', () => {
  const { code, stdout } = markdownOf('pps-kroger-merge');
  assert.is(code, 1);
  assert.is(stdout.split('\n')[0], '<!-- piilint-report -->');
  // The mapping and its SQL are one flow, reported once at the SQL (issue 9).
  assert.match(
    stdout,
    /^## piilint: ❌ 2 errors, 0 warnings, 0 notes in 4 files scanned, 1 with findings$/m,
  );
  assert.match(stdout, /```mermaid\nflowchart LR\n/);
  assert.match(stdout, /n_pps_patients -->\|"contact\.email, person\.name"\| n_kroger_accounts/);
  assert.is(stdout.match(/^\| 🔴 error \|/gm)?.length, 2);
  const details = stdout.match(/<details><summary>[\s\S]*?<\/details>/g) ?? [];
  assert.is(details.length, 2);
  for (const section of details) {
    assert.match(section, /- \*\*Fix:\*\* Drop the column from the copy/);
    assert.match(
      section,
      /- \*\*Data:\*\* `(person\.name|contact\.email)` \(PHI\) from `pps\.patients\./,
    );
    assert.match(
      section,
      /- \*\*Goes to:\*\* `kroger\.accounts\.(display_name|username)` \(public\)/,
    );
  }
});

test('a multi-step flow lists its path in the details', () => {
  const { stdout } = markdownOf('pps-kroger-script');
  assert.match(stdout, /- \*\*Path:\*\*\n {2}1\. `scripts\/merge-pps-members\.ts:\d+` /);
});

function report(findings: Finding[], suppressed = 0): string {
  return markdownReporter({
    result: {
      findings,
      summary: {
        errors: findings.length - suppressed,
        warnings: 0,
        notes: 0,
        suppressed,
        files: 1,
      },
      config: DEFAULT_CONFIG,
      sources: new Map(),
      readFiles: [],
    },
    tool: { name: 'piilint', version: '0.0.0' },
    color: false,
    quiet: false,
  });
}

const hostile: Finding = {
  ruleId: 'pii-unencrypted',
  severity: 'error',
  message: 'health.diagnosis in <img src=x onerror=alert(1)> | @admins\nsecond line',
  file: 'db/a|b.sql',
  line: 4,
  column: 1,
  endLine: 4,
  endColumn: 9,
  categories: ['health.diagnosis'],
  path: [],
  evidence: [],
  fix: 'encrypt it',
  fingerprint: 'f',
};

test('text from scanned code cannot inject HTML, break the table or mention people', () => {
  const markdown = report([hostile]);
  assert.not.match(markdown, /<img/);
  assert.match(
    markdown,
    /&lt;img src=x onerror=alert\\\(1\\\)&gt; \\\| @\u200badmins\\\\nsecond line \|$/m,
  );
  assert.match(markdown, /`db\/a\\\|b\.sql:4`/);
});

test('no findings: the marker and a clean headline, suppressed ones counted but not listed', () => {
  const markdown = report([{ ...hostile, suppressed: { reason: 'SEC-1' } }], 1);
  assert.ok(markdown.startsWith(`${COMMENT_MARKER}\n`));
  assert.match(markdown, /✅ 0 errors, 0 warnings, 0 notes in 1 file scanned \(1 suppressed\)/);
  assert.not.match(markdown, /<details>|```mermaid|\| severity \|/);
});

test.run();
