import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_CONFIG } from '../src/config/types.js';
import type { Finding } from '../src/findings.js';
import { summarize } from '../src/reporters/index.js';
import type { ReportContext } from '../src/reporters/index.js';
import { jsonReporter } from '../src/reporters/json.js';
import { codeFrame, summaryLine, textReporter } from '../src/reporters/text.js';
import type { ScanResult } from '../src/scan.js';

/** Start of an ANSI escape sequence. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);

function finding(overrides: Partial<Finding>): Finding {
  return {
    ruleId: 'pii-unencrypted',
    severity: 'error',
    message: 'health.medication in fills.medication is stored without column encryption',
    file: 'migrations/001.sql',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    categories: ['health.medication'],
    path: [],
    evidence: ['name "medication"'],
    fix: 'encrypt the column',
    fingerprint: 'f'.repeat(64),
    ...overrides,
  };
}

function context(
  findings: Finding[],
  sources: Record<string, string>,
  options: Partial<ReportContext> = {},
): ReportContext {
  const result: ScanResult = {
    findings,
    summary: summarize(findings, Object.keys(sources).length),
    config: DEFAULT_CONFIG,
    sources: new Map(Object.entries(sources)),
    readFiles: Object.keys(sources),
  };
  return {
    result,
    tool: { name: 'piilint', version: '9.9.9' },
    color: false,
    quiet: false,
    ...options,
  };
}

const FILLS = [
  'CREATE TABLE fills (',
  '  id uuid PRIMARY KEY,',
  '  medication text NOT NULL,',
  '  prescriber_name text',
  ');',
].join('\n');

test('text: groups by file in path order, findings by line, with rule id and summary', () => {
  const findings = [
    finding({ file: 'b.sql', line: 3, column: 3, endLine: 3, endColumn: 13 }),
    finding({
      file: 'a.sql',
      line: 2,
      column: 1,
      endColumn: 5,
      severity: 'warning',
      ruleId: 'unclassified-pii',
    }),
    finding({
      file: 'b.sql',
      line: 1,
      column: 1,
      endColumn: 2,
      severity: 'note',
      ruleId: 'parse-error',
    }),
  ];
  const output = textReporter(context(findings, { 'a.sql': 'x\ny', 'b.sql': FILLS }));
  const lines = output.split('\n');
  const aIndex = lines.indexOf('a.sql');
  const bIndex = lines.indexOf('b.sql');
  assert.ok(aIndex >= 0 && bIndex > aIndex, 'a.sql before b.sql');
  const headlines = lines.filter((line) => /^ {2}\d+:\d+ {2}/.test(line));
  assert.equal(headlines.length, 3);
  assert.match(headlines[0] ?? '', /^ {2}2:1 {2}warning {2}.* {2}unclassified-pii$/);
  assert.match(headlines[1] ?? '', /^ {2}1:1 {2}note {5}.* {2}parse-error$/);
  assert.match(headlines[2] ?? '', /^ {2}3:3 {2}error {3}.* {2}pii-unencrypted$/);
  assert.is(lines.at(-2), '✖ 1 error, 1 warning, 1 note in 2 files scanned, 2 with findings');
});

test('text: code frame shows two lines of context and carets under the column range', () => {
  const frame = codeFrame(
    finding({ line: 3, column: 3, endLine: 3, endColumn: 13 }),
    FILLS.split('\n'),
  );
  const marked = frame.findIndex((line) => line.startsWith('    > 3 |'));
  assert.ok(marked > 0, frame.join('\n'));
  assert.ok(
    frame.some((line) => line.startsWith('      1 |')),
    'line 1 shown as context',
  );
  assert.ok(
    frame.some((line) => line.startsWith('      5 |')),
    'line 5 shown as context',
  );
  const source = frame[marked] ?? '';
  const carets = frame[marked + 1] ?? '';
  const textStart = source.indexOf('|') + 2;
  assert.is(carets.indexOf('^') - textStart, 2, 'caret under column 3');
  assert.is(carets.trim().replace(/^\|\s*/, ''), '^'.repeat(10));
  assert.is(source.slice(textStart + 2, textStart + 12), 'medication');
});

test('text: caret padding keeps tabs so it lines up under tab-indented code', () => {
  const frame = codeFrame(finding({ line: 1, column: 2, endColumn: 12 }), ['\tmedication text']);
  assert.ok(
    frame.some((line) => line.endsWith('| \t^^^^^^^^^^')),
    frame.join('\n'),
  );
});

test('text: a very long line is clipped around the finding', () => {
  const long = `${'x'.repeat(500)}medication${'y'.repeat(500)}`;
  const frame = codeFrame(finding({ line: 1, column: 501, endColumn: 511 }), [long]);
  const source = frame.find((line) => line.startsWith('    > 1 |')) ?? '';
  const carets = frame[frame.indexOf(source) + 1] ?? '';
  assert.ok(source.length < 200, 'clipped');
  const at = carets.indexOf('^');
  assert.is(source.slice(at, at + 10), 'medication');
});

test('text: explanation lists data, target, multi-step path and fix', () => {
  const output = textReporter(
    context(
      [
        finding({
          ruleId: 'pii-public-exposure',
          file: 'copy.sql',
          categories: ['person.name'],
          phi: true,
          source: { store: 'pps', table: 'patients', column: 'full_name' },
          target: {
            store: 'kroger',
            table: 'accounts',
            column: 'display_name',
            exposure: 'public',
          },
          path: [
            { file: 'read.ts', line: 4, column: 3, description: 'read from pps.patients' },
            { file: 'copy.sql', line: 1, column: 1, description: 'inserted into kroger.accounts' },
          ],
          evidence: ['data map'],
          fix: 'do not copy patient names into public accounts',
        }),
      ],
      { 'copy.sql': 'INSERT' },
    ),
  );
  assert.match(
    output,
    '    data:   person.name (PHI) from pps.patients.full_name — evidence: data map\n',
  );
  assert.match(output, '    target: kroger.accounts.display_name (public)\n');
  assert.match(
    output,
    '      read.ts:4  read from pps.patients\n      copy.sql:1  inserted into kroger.accounts\n',
  );
  assert.match(output, '    fix:    do not copy patient names into public accounts\n');
});

test('text: --quiet shows errors only; suppressed findings are counted, not shown', () => {
  const findings = [
    finding({ file: 'a.sql', severity: 'warning', message: 'a warning' }),
    finding({ file: 'a.sql', line: 2, message: 'an error' }),
    finding({
      file: 'a.sql',
      line: 3,
      message: 'a suppressed error',
      suppressed: { reason: 'legacy' },
    }),
  ];
  const output = textReporter(context(findings, { 'a.sql': 'a\nb\nc' }, { quiet: true }));
  assert.match(output, 'an error');
  assert.not.match(output, 'a warning');
  assert.not.match(output, 'a suppressed error');
  assert.match(output, '(1 suppressed)');
});

test('text: summary line wording', () => {
  const summary = { errors: 0, warnings: 0, notes: 0, suppressed: 0, files: 14 };
  assert.is(summaryLine(summary), '✔ no findings in 14 files scanned');
  assert.is(
    summaryLine({ ...summary, errors: 3, warnings: 1, notes: 2 }),
    '✖ 3 errors, 1 warning, 2 notes in 14 files scanned',
  );
  assert.is(
    summaryLine({ ...summary, notes: 1, files: 1 }),
    '✖ 0 errors, 0 warnings, 1 note in 1 file scanned',
  );
  const shown = [{ file: 'a.sql' }, { file: 'a.sql' }, { file: 'b.sql' }] as Finding[];
  assert.is(
    summaryLine({ ...summary, errors: 2, warnings: 1 }, { shown }),
    '✖ 2 errors, 1 warning, 0 notes in 14 files scanned, 2 with findings',
  );
  assert.is(
    summaryLine({ ...summary, errors: 2, warnings: 1 }, { shown: shown.slice(0, 2), quiet: true }),
    '✖ 2 errors in 14 files scanned, 1 with findings',
  );
});

test('text: colour only when asked', () => {
  const findings = [finding({ file: 'a.sql' })];
  assert.ok(ANSI.test(textReporter(context(findings, { 'a.sql': 'x' }, { color: true }))));
  assert.not.ok(ANSI.test(textReporter(context(findings, { 'a.sql': 'x' }, { color: false }))));
});

test('json: exact top-level shape and every finding key present', () => {
  const findings = [
    finding({ file: 'a.sql' }),
    finding({
      file: 'b.sql',
      source: { store: 'pps', table: 'patients', column: 'email' },
      target: { store: 'kroger', table: 'accounts', exposure: 'public' },
      phi: true,
      suppressed: { reason: 'covered by the BAA' },
    }),
  ];
  const parsed = JSON.parse(jsonReporter(context(findings, { 'a.sql': 'x', 'b.sql': 'y' })));
  assert.equal(Object.keys(parsed), ['version', 'tool', 'findings', 'summary']);
  assert.is(parsed.version, 1);
  assert.equal(parsed.tool, { name: 'piilint', version: '9.9.9' });
  assert.equal(parsed.summary, { errors: 1, warnings: 0, notes: 0, suppressed: 1, files: 2 });
  const keys = [
    'ruleId',
    'severity',
    'message',
    'file',
    'line',
    'column',
    'endLine',
    'endColumn',
    'categories',
    'source',
    'target',
    'path',
    'phi',
    'evidence',
    'fix',
    'fingerprint',
    'suppressed',
  ];
  for (const item of parsed.findings) assert.equal(Object.keys(item), keys);
  assert.is(parsed.findings[0].source, null);
  assert.is(parsed.findings[0].suppressed, null);
  assert.is(parsed.findings[0].phi, false);
  assert.equal(parsed.findings[1].target, {
    store: 'kroger',
    table: 'accounts',
    exposure: 'public',
  });
  assert.equal(parsed.findings[1].suppressed, { reason: 'covered by the BAA' });
});

test.run();
