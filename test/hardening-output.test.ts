// Reports stay inert whatever a pull request names its tables, columns, files and config keys:
// no terminal escape acts, no workflow command starts, no Markdown renders, JSON and SARIF parse.
// Hostile inputs are written to temp folders by the tests themselves.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commentMarkdown, reportMarkdown } from '../src/reporters/markdown.js';
import { scan } from '../src/scan.js';
import { inertLine, inertText } from '../src/util/inert-text.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');
const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);

/** A quoted Postgres identifier holding every kind of hostile text at once. */
const HOSTILE_TABLE =
  `patients [click me](https://evil.example) ![x](https://evil.example/i.png) # head\rrow ` +
  '`x` <b>';
const HOSTILE_COLUMN = 'ssn\n```\n</details>\n::error file=README.md::pwned';
const TERMINAL_COLUMN = `email${ESC}]8;;https://evil.example${BEL}link${ESC}]8;;${BEL}${ESC}[2J${ESC}[1A\u202e`;

function folderWith(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-inert-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(folder, name, '..'), { recursive: true });
    writeFileSync(join(folder, name), text);
  }
  return folder;
}

function hostileMigration(): string {
  const table = `"${HOSTILE_TABLE}"`;
  return [
    `CREATE TABLE ${table} ("${HOSTILE_COLUMN}" text, "${TERMINAL_COLUMN}" text);`,
    `GRANT SELECT ON ${table} TO anon;`,
    '',
  ].join('\n');
}

function piilint(args: string[], cwd: string, env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', GITHUB_ACTIONS: '', ...env },
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Lines the Actions runner would take for a workflow command: `::name` after spaces, or `##[name`. */
function workflowCommandLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((line) => /^\s*::/.test(line) || line.includes('##['));
}

test('inertText: escapes, CSI/OSC, CR/LF, bidi controls and workflow-command starts show escaped', () => {
  assert.is(inertText(`a${ESC}[31mb`), 'a\\x1b[31mb');
  assert.is(inertText('one\ntwo\rthree'), 'one\\ntwo\\rthree');
  assert.is(inertText('\u202eevil\u2066'), '\\u202eevil\\u2066');
  assert.is(inertText('\u009b2J'), '\\x9b2J');
  assert.is(inertText('  ::error file=x::y'), '  \\x3a:error file=x::y');
  assert.is(inertText('a ##[error]b'), 'a ##\\x5berror]b');
  assert.is(inertText('tab\tstays'), 'tab\tstays');
  assert.is(inertLine('tab\tgoes'), 'tab\\tgoes');
});

test('text report, with and without --no-color: no raw escape, CR or bidi control, frames and file names included', () => {
  const oddName = `m${ESC}[31mred\u202e.sql`;
  const folder = folderWith({ '001.sql': hostileMigration(), [oddName]: hostileMigration() });
  try {
    for (const args of [['--no-color'], []]) {
      const run = piilint(['scan', ...args, '.'], folder, args.length ? {} : { FORCE_COLOR: '1' });
      assert.is(run.code, 1, run.stderr);
      // Only piilint's own colour codes (SGR `ESC[<n>m`) may appear, and only with colour on.
      const escapes = run.stdout.match(new RegExp(`${ESC}[^\\[]|${ESC}\\[[0-9;]*[^0-9;m]`, 'g'));
      assert.is(escapes, null, 'no escape sequence but colours');
      if (args.length) assert.not.ok(run.stdout.includes(ESC), 'no escape at all with --no-color');
      assert.not.ok(run.stdout.includes('\r'));
      assert.not.ok(/[\u202a-\u202e\u2066-\u2069]/.test(run.stdout));
      assert.equal(workflowCommandLines(run.stdout), []);
      // The file name and the code frame show the escapes instead.
      assert.ok(run.stdout.includes('m\\x1b[31mred\\u202e.sql'), 'file name escaped');
      assert.ok(
        run.stdout.includes('email\\x1b]8;;https://evil.example\\x07link'),
        'frame escaped',
      );
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a code frame counts its carets on the escaped text', () => {
  const folder = folderWith({
    '001.sql': `CREATE TABLE t (id int, /* ${ESC}[2J${ESC}]8;; */ ssn text);\nGRANT SELECT ON t TO anon;\n`,
  });
  try {
    const run = piilint(['scan', '--no-color', '.'], folder);
    const lines = run.stdout.split('\n');
    const framed = lines.findIndex((line) => line.includes('> 1 |'));
    assert.ok(framed > 0, run.stdout);
    assert.ok((lines[framed] as string).includes('/* \\x1b[2J\\x1b]8;; */ ssn text'));
    const caretLine = lines[framed + 1] as string;
    assert.is(caretLine.indexOf('^'), (lines[framed] as string).indexOf('ssn text'), run.stdout);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('exit-2 messages on stderr echo hostile config keys as one inert line', () => {
  for (const key of ['x\n::error file=README.md::pwned', 'y\r::warning::pwned', `z${ESC}[2J`]) {
    const folder = folderWith({
      'piilint.config.yaml': `${JSON.stringify(key)}: 1\n`,
      '001.sql': 'CREATE TABLE t (id int);\n',
    });
    try {
      for (const env of [{}, { GITHUB_ACTIONS: 'true' }] as Array<Record<string, string>>) {
        const run = piilint(['scan', '.'], folder, env);
        assert.is(run.code, 2, run.stderr);
        assert.is(run.stdout, '');
        assert.is(run.stderr.split('\n').length, 2, `one line: ${JSON.stringify(run.stderr)}`);
        assert.match(run.stderr, /^piilint: piilint\.config\.yaml:1:1: /);
        assert.not.ok(run.stderr.includes('\r'));
        assert.not.ok(run.stderr.includes(ESC));
        assert.equal(workflowCommandLines(run.stderr), []);
        assert.ok(run.stderr.includes(inertLine(key)), run.stderr);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
});

test('validate prints hostile keys inert too', () => {
  const folder = folderWith({
    'piilint.config.yaml': `${JSON.stringify('k\n::error file=README.md::pwned')}: 1\n`,
  });
  try {
    const run = piilint(['validate', 'piilint.config.yaml'], folder);
    assert.is(run.code, 1, run.stderr);
    assert.equal(workflowCommandLines(run.stdout), []);
    assert.match(run.stdout, /^piilint\.config\.yaml:1:1: .*k\\n::error file=README\.md::pwned/m);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('--format github: one workflow command per finding, hostile names cannot start another', () => {
  const folder = folderWith({ '001.sql': hostileMigration() });
  const summary = join(folder, 'summary.md');
  try {
    const run = piilint(['scan', '--format', 'github', '.'], folder, {
      GITHUB_STEP_SUMMARY: summary,
    });
    assert.is(run.code, 1, run.stderr);
    const commands = workflowCommandLines(run.stdout);
    assert.is(commands.length, 2);
    for (const line of commands) {
      assert.match(
        line,
        /^::error file=001\.sql,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=/,
      );
      assert.not.ok(line.includes(ESC));
    }
    assert.not.ok(run.stdout.includes('\r'));
    assert.is(run.stdout.split('\n').length, 4, 'two annotations, the summary line, the end');
    // The job summary is the Markdown report, inert as below.
    assertInertMarkdown(readFileSync(summary, 'utf8'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

/** No live link, image, heading, HTML, CR, or code fence but the Mermaid one. */
function assertInertMarkdown(markdown: string): void {
  assert.not.ok(markdown.includes('\r'), 'no CR');
  // Inside code spans Markdown is not read: only the rest can render.
  const rendered = markdown.replace(/```mermaid[\s\S]*?```/, '').replace(/(?<!\\)`[^`\n]*`/g, '');
  assert.not.ok(markdown.includes(ESC), 'no ESC');
  assert.not.ok(/(?<!\\)\[click me(?<!\\)\]/.test(rendered), 'no live link text');
  assert.not.ok(/(?<!\\)!(?<!\\)\[x/.test(rendered), 'no image');
  assert.not.ok(/https:\/\/evil\.example/.test(rendered), 'no bare link');
  assert.not.ok(/<b>|<\/details>\\n|<\/details>\n::/.test(rendered), 'no HTML from the code');
  const fences = markdown.split('\n').filter((line) => line.startsWith('```'));
  assert.equal(fences, ['```mermaid', '```'].slice(0, fences.length), fences.join('|'));
  const headings = markdown.split('\n').filter((line) => line.startsWith('#'));
  for (const heading of headings) assert.match(heading, /^##+ (piilint|Personal|Findings|Details)/);
  // Outside code spans (where `</details>` is shown as written) every section is closed once.
  const open = rendered.match(/<details>/g)?.length ?? 0;
  assert.is(rendered.match(/<\/details>/g)?.length ?? 0, open, '<details> stay paired');
  assert.not.ok(
    /^<\/details>/m.test(markdown.replace(/^<\/details>$/gm, '')),
    'no line opens HTML',
  );
  assert.equal(workflowCommandLines(markdown), []);
  // Table rows keep their four cells.
  for (const row of markdown.split('\n').filter((line) => line.startsWith('| 🔴'))) {
    assert.is(row.split(/(?<!\\)\|/).length, 6, row);
  }
}

test('Markdown (PR comment and job summary): identifiers cannot render links, images, headings, rows or fences', async () => {
  const folder = folderWith({ '001.sql': hostileMigration() });
  try {
    const result = await scan({ cwd: folder, paths: ['.'] });
    assert.is(result.findings.length, 2);
    const comment = commentMarkdown(result.findings, result.summary);
    assertInertMarkdown(comment);
    assertInertMarkdown(reportMarkdown(result.findings, result.summary));
    // The text is all there, escaped: Markdown punctuation and the line breaks.
    assert.ok(comment.includes('\\[click me\\]\\(https:\u200b//evil.example\\)'), comment);
    assert.ok(comment.includes('\\!\\[x\\]\\(https:\u200b//evil.exa'));
    assert.ok(comment.includes('ssn\\\\n\\`\\`\\`\\\\n&lt;/details&gt;\\\\n::error'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('JSON and SARIF with hostile names stay valid and keep the names exactly', () => {
  const folder = folderWith({ '001.sql': hostileMigration() });
  try {
    const json = piilint(['scan', '--format', 'json', '.'], folder);
    const report = JSON.parse(json.stdout) as { findings: Array<{ message: string }> };
    assert.ok(report.findings.some((finding) => finding.message.includes(HOSTILE_COLUMN)));
    const sarif = piilint(['scan', '--format', 'sarif', '.'], folder);
    const log = JSON.parse(sarif.stdout) as {
      runs: Array<{ results: Array<{ message: { text: string } }> }>;
    };
    assert.is(log.runs[0]?.results.length, 2);
    assert.not.ok(
      json.stdout.includes(ESC) || sarif.stdout.includes(ESC),
      'ESC is \\u001b in JSON',
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the action prints a hostile exit-2 message as one escaped error command', async () => {
  // Inside the package (dist/ is ignored by git), where the bundle finds its schemas.
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const bundle = mkdtempSync(join(ROOT, 'dist', 'action-bundle-'));
  const workspace = folderWith({
    'piilint.config.yaml': `${JSON.stringify('x\n::error file=README.md::pwned\r::notice::b')}: 1\n`,
    '001.sql': 'CREATE TABLE t (id int);\n',
  });
  try {
    const { bundleAction } = (await import(join(ROOT, 'scripts', 'bundle.mjs'))) as {
      bundleAction: (outDir: string) => Promise<void>;
    };
    await bundleAction(bundle);
    const run = await new Promise<{ code: number; stdout: string }>((done) => {
      execFile(
        process.execPath,
        [join(bundle, 'index.mjs')],
        {
          cwd: workspace,
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH ?? '',
            GITHUB_ACTIONS: 'true',
            GITHUB_WORKSPACE: workspace,
            'INPUT_FAIL-ON': 'error',
            INPUT_PATHS: '.',
            'INPUT_SARIF-FILE': 'piilint.sarif',
            'INPUT_CHANGED-SINCE': 'none',
            INPUT_COMMENT: 'false',
          },
        },
        (error, stdout) =>
          done({ code: error ? Number(error.code) : 0, stdout: stdout.toString() }),
      );
    });
    assert.is(run.code, 2, run.stdout);
    const commands = workflowCommandLines(run.stdout);
    assert.is(commands.length, 1, run.stdout);
    assert.match(
      commands[0] as string,
      /^::error title=piilint::piilint: piilint\.config\.yaml:1:1: /,
    );
    assert.ok((commands[0] as string).includes('x\\n::error file=README.md::pwned\\r::notice::b'));
  } finally {
    rmSync(bundle, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
});

test.run();
