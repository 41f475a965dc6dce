// `piilint-ignore` comments in SQL, TypeScript and YAML (rules.md, "Suppression").
// The end-to-end cases spawn the built CLI (`npm run build` first).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Finding } from '../src/findings.js';
import { applySuppressions, findSuppressions } from '../src/suppressions.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'suppressions');

interface JsonFinding {
  ruleId: string;
  severity: string;
  line: number;
  message: string;
  suppressed: { reason: string } | null;
}
interface JsonReport {
  findings: JsonFinding[];
  summary: { errors: number; warnings: number; suppressed: number };
}

function scan(fixture: string, args: string[] = ['--format', 'json']) {
  const run = spawnSync(process.execPath, [BIN, 'scan', ...args], {
    cwd: join(FIXTURES, fixture),
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: '' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function report(fixture: string, args: string[] = []): JsonReport & { code: number | null } {
  const run = scan(fixture, ['--format', 'json', ...args]);
  return { ...(JSON.parse(run.stdout) as JsonReport), code: run.code };
}

function at(findings: JsonFinding[], ruleId: string, line: number): JsonFinding {
  const found = findings.find((finding) => finding.ruleId === ruleId && finding.line === line);
  if (!found) throw new Error(`no ${ruleId} at line ${line}: ${JSON.stringify(findings)}`);
  return found;
}

function finding(line: number, ruleId = 'pii-unencrypted', file = 'db/1.sql'): Finding {
  return {
    ruleId,
    severity: 'error',
    message: `finding at ${line}`,
    file,
    line,
    column: 3,
    endLine: line,
    endColumn: 10,
    categories: ['health.medication'],
    path: [],
    evidence: [],
    fix: 'encrypt it',
    fingerprint: `fp-${line}`,
  };
}

function suppressedLines(file: string, text: string, lines: number[], ruleId?: string): number[] {
  const result = applySuppressions(
    lines.map((line) => finding(line, ruleId, file)),
    [{ path: file, text }],
  );
  return result
    .filter((entry) => entry.ruleId !== 'invalid-suppression' && entry.suppressed)
    .map((entry) => entry.line);
}

test('SQL: before a statement covers the statement up to its semicolon, and nothing after', () => {
  const sql = [
    '-- piilint-ignore pii-unencrypted -- legacy table, SEC-1', // 1
    '', // 2
    'CREATE TABLE fills (', // 3
    "  note text DEFAULT 'a; b',", // 4: a `;` in a string does not end the statement
    '  medication text', // 5
    ');', // 6
    'CREATE TABLE other (medication text);', // 7
  ].join('\n');
  assert.equal(suppressedLines('db/1.sql', sql, [3, 4, 5, 7]), [3, 4, 5]);
});

test('SQL: inside a statement covers only the next element', () => {
  const sql = [
    'CREATE TABLE fills (', // 1
    '  id uuid,', // 2
    '  -- piilint-ignore pii-unencrypted -- tokenized upstream, SEC-2', // 3
    '  -- (a second comment line is skipped)', // 4
    '  medication text', // 5
    '    NOT NULL,', // 6: the same element goes on to its comma
    '  diagnosis text', // 7
    ');', // 8
  ].join('\n');
  assert.equal(suppressedLines('db/1.sql', sql, [5, 6, 7]), [5, 6]);
});

test('an end-of-line comment covers its line only, for the rules it names', () => {
  const sql = [
    'CREATE TABLE fills (',
    '  medication text, -- piilint-ignore pii-unencrypted, pii-logged -- see SEC-3',
    '  diagnosis text',
    ');',
  ].join('\n');
  assert.equal(suppressedLines('db/1.sql', sql, [2, 3]), [2]);
  assert.equal(suppressedLines('db/1.sql', sql, [2], 'pii-public-exposure'), []);
});

test('TypeScript: a statement spread over lines, an object property, and strings that look like comments', () => {
  const script = [
    '// piilint-ignore pii-public-exposure -- behind login, PRIV-88', // 1
    "await krogerDb('accounts').insert({", // 2
    '  display_name: p.full_name,', // 3
    '});', // 4
    "await krogerDb('accounts').insert({", // 5
    '  // piilint-ignore pii-public-exposure -- initials only, PRIV-89', // 6
    '  display_name: initials(p.full_name),', // 7
    '  username: p.email,', // 8
    '});', // 9
    "const text = '// piilint-ignore pii-public-exposure -- in a string';", // 10
    'send(p.email);', // 11
  ].join('\n');
  assert.equal(
    suppressedLines('scripts/merge.ts', script, [2, 3, 5, 7, 8, 11], 'pii-public-exposure'),
    [2, 3, 7],
  );
  assert.equal(findSuppressions('scripts/merge.ts', script).suppressions.length, 2);
});

test('TypeScript: block comments and SQL comments inside a template literal', () => {
  const script = [
    'console.log(p.email); /* piilint-ignore pii-logged -- one-off job output */', // 1
    'await knex.raw(`', // 2
    '  -- piilint-ignore public-access-grant -- the view holds counts only', // 3
    '  GRANT SELECT ON stats TO anon;', // 4
    '`);', // 5
  ].join('\n');
  assert.equal(suppressedLines('m.ts', script, [1], 'pii-logged'), [1]);
  assert.equal(suppressedLines('m.ts', script, [4, 5], 'public-access-grant'), [4]);
});

test('YAML: a field with everything indented under it', () => {
  const yaml = [
    'mappings:', // 1
    '  # piilint-ignore pii-public-exposure -- the whole mapping, PRIV-1', // 2
    '  - id: pps-member-accounts', // 3
    '    fields:', // 4
    '      display_name: full_name', // 5
    '  - id: other', // 6
    '    fields:', // 7
    '      # piilint-ignore pii-public-exposure -- this field only, PRIV-2', // 8
    '      username: email', // 9
    '      email: email # piilint-ignore pii-public-exposure -- end of line, PRIV-3', // 10
    '      phone: phone', // 11
    "      note: 'a # piilint-ignore pii-public-exposure -- quoted'", // 12
  ].join('\n');
  assert.equal(
    suppressedLines('datamap.yaml', yaml, [3, 5, 6, 9, 10, 11, 12], 'pii-public-exposure'),
    [3, 5, 9, 10],
  );
});

test('broken comments are reported at the comment and silence nothing', () => {
  const sql = [
    '-- piilint-ignore pii-unencrypted', // no reason
    'CREATE TABLE a (medication text);',
    '-- piilint-ignore pii-unencrypt -- typo',
    'CREATE TABLE b (medication text);',
    '-- piilint-ignore -- names no rule',
    'CREATE TABLE c (medication text);',
    '-- piilint-ignore pii-unencrypted, nope -- one unknown rule spoils it',
    'CREATE TABLE d (medication text);',
  ].join('\n');
  const result = applySuppressions(
    [finding(2), finding(4), finding(6), finding(8)],
    [{ path: 'db/1.sql', text: sql }],
  );
  assert.equal(
    result.filter((entry) => entry.suppressed).map((entry) => entry.line),
    [],
  );
  const invalid = result.filter((entry) => entry.ruleId === 'invalid-suppression');
  assert.equal(
    invalid.map((entry) => [entry.line, entry.column, entry.severity]),
    [
      [1, 1, 'warning'],
      [3, 1, 'warning'],
      [5, 1, 'warning'],
      [7, 1, 'warning'],
    ],
  );
  assert.match(invalid[0]!.message, /has no reason/);
  assert.match(invalid[1]!.message, /did you mean `pii-unencrypted`/);
  assert.match(invalid[2]!.message, /names no rule/);
  assert.match(invalid[3]!.message, /`nope`/);
  assert.ok(invalid.every((entry) => /^[0-9a-f]{64}$/.test(entry.fingerprint)));
  // The rule's configured severity applies; `off` drops the reports.
  const asErrors = applySuppressions([], [{ path: 'db/1.sql', text: sql }], {
    'invalid-suppression': 'error',
  });
  assert.ok(asErrors.every((entry) => entry.severity === 'error') && asErrors.length === 4);
  assert.equal(
    applySuppressions([], [{ path: 'db/1.sql', text: sql }], { 'invalid-suppression': 'off' }),
    [],
  );
});

test('end to end, SQL: statement, element and end-of-line suppressions; broken ones reported', () => {
  const { findings, summary, code } = report('mixed');
  for (const line of [6, 7]) {
    assert.match(at(findings, 'pii-unencrypted', line).suppressed?.reason ?? '', /SEC-123/);
  }
  assert.match(at(findings, 'pii-unencrypted', 15).suppressed?.reason ?? '', /SEC-7/);
  assert.is(at(findings, 'pii-unencrypted', 16).suppressed, null);
  assert.match(at(findings, 'pii-unencrypted', 17).suppressed?.reason ?? '', /SEC-9/);
  assert.is(at(findings, 'pii-unencrypted', 25).suppressed, null);
  assert.is(at(findings, 'pii-unencrypted', 27).suppressed, null);
  assert.match(at(findings, 'invalid-suppression', 24).message, /no reason/);
  assert.match(at(findings, 'invalid-suppression', 26).message, /pii-unencrypt/);
  assert.equal(summary.suppressed, 4);
  assert.equal(summary.errors, 3);
  assert.is(code, 1);
});

test('end to end, script: suppressed errors do not fail the run; the text report hides them', () => {
  const { findings, summary, code } = report('script');
  assert.is(
    at(findings, 'pii-public-exposure', 13).suppressed?.reason,
    'the directory page is behind login since PRIV-88',
  );
  assert.ok(at(findings, 'pii-public-exposure', 14).suppressed);
  assert.ok(at(findings, 'pii-logged', 17).suppressed);
  assert.is(
    at(findings, 'pii-logged', 21).suppressed,
    null,
    'a marker inside a string is no comment',
  );
  assert.ok(!findings.some((entry) => entry.ruleId === 'invalid-suppression'));
  assert.equal([summary.errors, summary.warnings, summary.suppressed], [0, 1, 3]);
  assert.is(code, 0);

  const text = scan('script', ['--no-color']);
  assert.is(text.code, 0);
  assert.not.match(text.stdout, /PRIV-88|13:9/);
  assert.match(text.stdout, /3 suppressed/);
});

test('end to end, data map: a YAML comment silences its mapping field only, for its rule only', () => {
  const { findings, code } = report('datamap');
  const displayName = findings.find((entry) => /display_name/.test(entry.message));
  const username = findings.find((entry) => /username/.test(entry.message));
  assert.match(displayName?.suppressed?.reason ?? '', /PRIV-12/);
  assert.is(username?.suppressed, null);
  assert.is(code, 1);
});

test('end to end: --rule invalid-suppression=off drops the reports', () => {
  const { findings } = report('mixed', ['--rule', 'invalid-suppression=off']);
  assert.ok(!findings.some((entry) => entry.ruleId === 'invalid-suppression'));
});

test.run();
