// Bounded work: inputs built to stall the job end fast, as a finding, a note or one line with exit 2.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config/load.js';
import { globMatches } from '../src/datamap/resolve.js';
import { extractFile, loadExtractors } from '../src/extractors/index.js';
import type { ParseProblem } from '../src/facts.js';
import { scan } from '../src/scan.js';
import {
  BudgetExceeded,
  fileBudget,
  MAX_WALK_DEPTH,
  riskyShape,
  startFileBudget,
} from '../src/util/budget.js';
import { compileGlob } from '../src/util/glob.js';
import { catastrophicBacktracking } from '../src/util/safe-regex.js';
import { parseYaml } from '../src/util/yaml.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');

function write(root: string, path: string, content: string): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function temporaryFolder(): string {
  return mkdtempSync(join(tmpdir(), 'piilint-bounds-'));
}

/** Milliseconds `body` takes. */
function timed(body: () => void): number {
  const started = process.hrtime.bigint();
  body();
  return Number((process.hrtime.bigint() - started) / 1_000_000n);
}

test('a 644 KB data map of aliases to a 20,000-column anchor is refused without expanding it', () => {
  const columns = Array.from(
    { length: 20_000 },
    (_, index) => `          c${index}: contact.email`,
  );
  const lines = [
    'version: 1',
    'stores:',
    '  main:',
    '    engine: postgres',
    '    exposure: internal',
    '    tables:',
    '      base: &wide',
    '        columns:',
    ...columns,
    ...Array.from({ length: 900 }, (_, index) => `      t${index}: *wide`),
  ];
  const text = `${lines.join('\n')}\n`;
  assert.ok(text.length > 600_000);
  let result: ReturnType<typeof parseYaml> | undefined;
  const took = timed(() => (result = parseYaml('datamap.yaml', text)));
  // Parsing 640 KB of YAML alone takes seconds on a busy machine; expanding it ran out of memory.
  assert.ok(took < 30_000, `${took} ms`);
  assert.equal(result?.syntaxError && [result.syntaxError.at.line, result.syntaxError.message], [
    1,
    'not usable YAML: its aliases expand to more than 2,000,000 nodes',
  ]);
});

test('data-map globs run in linear time: {*,*}{*,*}…x against a long path', () => {
  const glob = `${'{*,*}'.repeat(30)}x`;
  const path = 'a'.repeat(2_000);
  let matched = true;
  const took = timed(() => (matched = globMatches(glob, path)));
  assert.is(matched, false);
  assert.ok(took < 2_000, `${took} ms`);
  assert.ok(globMatches(glob, `${path}x`));
  // The matcher keeps the glob meanings the data map documents.
  assert.ok(globMatches('db/*/migrations/*.{sql,ts}', 'db/pps/migrations/001.ts'));
  assert.ok(globMatches('db/pps', 'db/pps/001.sql'));
  assert.not.ok(globMatches('db/pps', 'db/pps2/001.sql'));
  assert.ok(globMatches('[!x]b/**/0?.sql', 'ab/c/d/01.sql'));
  assert.throws(() => compileGlob('*'.repeat(5_000)), /longer than 4096 characters/);
});

test('a config pattern that backtracks catastrophically is a config error at its line', () => {
  const folder = temporaryFolder();
  try {
    write(
      folder,
      'piilint.config.yaml',
      [
        'classifier:',
        '  extraPatterns:',
        '    - pattern: "^member_no$"',
        '      category: health.plan_member_id',
        '    - pattern: "^(a+)+$"',
        '      category: contact.email',
        '',
      ].join('\n'),
    );
    const { config, problems } = loadConfig('piilint.config.yaml', folder);
    assert.equal(
      problems.map((problem) => [problem.at.line, problem.at.column, problem.message]),
      [
        [
          5,
          16,
          '`^(a+)+$` in extra pattern 2 may take exponential time: `(a+)+` repeats a group that itself repeats, which can take exponential time',
        ],
      ],
    );
    assert.equal(config.classifier.extraPatterns, [
      { pattern: '^member_no$', category: 'health.plan_member_id' },
    ]);
    assert.ok(catastrophicBacktracking('^(a|aa)+$'));
    assert.is(catastrophicBacktracking('^(first|last)_?name$'), undefined);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('nested async functions 22 deep and a 40,000-token line are reported, not parsed', async () => {
  let nested = 'x';
  for (let level = 0; level < 22; level++) nested = `f(async function () { ${nested} })`;
  const asyncFile = {
    path: 'scripts/backfill.ts',
    absolutePath: '/scripts/backfill.ts',
    text: `import { Pool } from 'pg';\n${nested};\n`,
  };
  const tokensFile = {
    path: 'scripts/bundle.js',
    absolutePath: '/scripts/bundle.js',
    text: `import pg from 'pg';\npg.query('select 1');\n)${' a'.repeat(40_000)}\n`,
  };
  await loadExtractors([asyncFile.path]);
  let facts: ReturnType<typeof extractFile> = [];
  const took = timed(() => (facts = [...extractFile(asyncFile), ...extractFile(tokensFile)]));
  assert.ok(took < 3_000, `${took} ms`);
  const problems = facts as ParseProblem[];
  assert.equal(
    problems.map((problem) => [
      problem.at.file,
      problem.at.line,
      problem.at.column,
      problem.unread,
    ]),
    [
      ['scripts/backfill.ts', 2, 223, { migration: false }],
      ['scripts/bundle.js', 3, 10_003, { migration: false }],
    ],
  );
  assert.match(problems[0]?.message ?? '', /async functions more than 10 levels deep/);
  assert.match(problems[1]?.message ?? '', /a line of more than 5000 words/);
  assert.is(riskyShape('f(async () => { await g(async () => 1); });', 'code'), undefined);
});

test('nested query calls in a broken script stay fast: 150 deep is read, 600 deep is reported', async () => {
  await loadExtractors(['scripts/export.ts']);
  const nestedQueries = (depth: number) => ({
    path: 'scripts/export.ts',
    absolutePath: '/scripts/export.ts',
    text:
      "import { Pool } from 'pg';\nconst pool = new Pool();\nasync function run() { " +
      "await pool.query('select email from patients', ".repeat(depth) +
      '\n',
  });
  for (const depth of [150, 600]) {
    let facts: ReturnType<typeof extractFile> = [];
    const took = timed(() => (facts = extractFile(nestedQueries(depth))));
    assert.ok(took < 5_000, `${depth} deep: ${took} ms`);
    const notes = facts.filter((fact): fact is ParseProblem => fact.kind === 'parse-error');
    assert.is(notes.length, 1, `${depth} deep`);
    assert.is(notes[0]?.at.file, 'scripts/export.ts');
  }
});

test('a minified bundle of 20,000 calls is read in linear time', async () => {
  // A vendored bundle (`public/vendor.min.js`) that mentions a database client and a hash: every
  // call and assignment used to test the whole text for a tool's import, 5 s for 370 KB.
  const lines = [
    "import pg from 'pg';",
    "const pool = new pg.Pool(); pool.query('select email from patients'); bcrypt.hash(x, 10);",
  ];
  for (let line = 0; line < 2000; line++) {
    lines.push(
      Array.from({ length: 10 }, (_, call) => `w${line}.p${call}=q.m${call}(a,b);`).join(''),
    );
  }
  const bundle = {
    path: 'public/vendor.min.js',
    absolutePath: '/public/vendor.min.js',
    text: `${lines.join('\n')}\n`,
  };
  await loadExtractors([bundle.path]);
  let facts: ReturnType<typeof extractFile> = [];
  const took = timed(() => (facts = extractFile(bundle)));
  assert.ok(took < 2_500, `${took} ms`);
  assert.equal(facts, []);
});

test('the work budget stops a walk that goes too deep or too long', () => {
  startFileBudget();
  const descend = (level: number): number => fileBudget.deeper(() => descend(level + 1));
  assert.throws(
    () => descend(0),
    (error: unknown) => {
      return error instanceof BudgetExceeded && error.reason.includes(`${MAX_WALK_DEPTH} levels`);
    },
  );
  startFileBudget();
  assert.throws(() => {
    for (;;) fileBudget.spend(1_000);
  }, /more than 5000000 steps/);
  startFileBudget();
  fileBudget.spend(10);
});

test('a 20,000-column table is read in seconds, not minutes', async () => {
  const folder = temporaryFolder();
  try {
    const columns = Array.from({ length: 20_000 }, (_, index) => `  note_${index} text`);
    write(folder, 'db/001.sql', `CREATE TABLE wide (\n${columns.join(',\n')}\n);\n`);
    const started = Date.now();
    const result = await scan({ cwd: folder, paths: [] });
    const took = Date.now() - started;
    // 40 s before the sibling list was shared; a few seconds now, even on a busy machine.
    assert.ok(took < 15_000, `${took} ms`);
    assert.equal(result.findings, []);
    assert.is(result.summary.files, 1);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('--timeout stops the scan with one line and exit 2', () => {
  const folder = temporaryFolder();
  try {
    for (let index = 0; index < 30; index++) {
      write(folder, `db/${String(index).padStart(3, '0')}.sql`, 'CREATE TABLE t (id bigint);\n');
    }
    const run = spawnSync(process.execPath, [BIN, 'scan', '--timeout', '0.001'], {
      cwd: folder,
      encoding: 'utf8',
    });
    assert.is(run.status, 2);
    assert.is(run.stdout, '');
    assert.is(
      run.stderr,
      'piilint: the scan took longer than --timeout 0.001 s; nothing was reported — raise --timeout or scan fewer paths\n',
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
