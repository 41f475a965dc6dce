import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ParseProblem, SourceLocation } from '../../src/facts.js';
import { parseError } from '../../src/rules/parse-error.js';
import type { RuleContext } from '../../src/rules/types.js';
import { at, config, model, where } from './_helpers.js';

function check(...parseProblems: ParseProblem[]) {
  const context: RuleContext = {
    model: model([]),
    config: config(),
    mapProblems: [],
    parseProblems,
  };
  return parseError.check(context);
}

function problem(location: SourceLocation, message: string): ParseProblem {
  return { kind: 'parse-error', at: location, message };
}

const FILE_START: SourceLocation = {
  file: 'db/2_blob.sql',
  line: 1,
  column: 1,
  endLine: 1,
  endColumn: 1,
};

test('a statement that failed: the rest of the file was read', () => {
  const findings = check(
    problem(at('db/3_broken.sql', 4, 7, 4), 'syntax error at or near "TABEL"'),
  );
  assert.equal(findings.map(where), ['db/3_broken.sql:4:7']);
  assert.is(
    findings[0]?.message,
    'Could not parse this statement; the rest of the file was read: syntax error at or near "TABEL"',
  );
  assert.match(findings[0]?.fix ?? '', /^Fix the syntax/);
});

test('a problem that points at no text (empty range at 1:1) is about the whole file', () => {
  const findings = check(problem(FILE_START, 'binary file; not read'));
  assert.equal(findings.map(where), ['db/2_blob.sql:1:1']);
  assert.is(findings[0]?.message, 'Could not read this file: binary file; not read');
  assert.match(findings[0]?.fix ?? '', /^Exclude the file/);
});

test('a statement error at 1:1 with a range is still a statement error', () => {
  const findings = check(
    problem(at('db/3_broken.sql', 1, 1, 5), 'syntax error at or near "CREAT"'),
  );
  assert.match(findings[0]?.message ?? '', /^Could not parse this statement;/);
});

test('a reader that already says it went on is not said twice', () => {
  const findings = check(
    problem(
      at('src/x.ts', 3, 5, 1),
      "syntax error: ';' expected; the rest of the file was still read",
    ),
  );
  assert.is(
    findings[0]?.message,
    "Could not parse this statement; the rest of the file was read: syntax error: ';' expected",
  );
});

test('no problems, no findings', () => {
  assert.equal(check(), []);
});

test.run();
