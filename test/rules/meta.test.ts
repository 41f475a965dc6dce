import { existsSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { datamapInvalid } from '../../src/rules/datamap-invalid.js';
import { getRule, RULES } from '../../src/rules/index.js';
import { invalidSuppression } from '../../src/rules/invalid-suppression.js';
import { parseError } from '../../src/rules/parse-error.js';
import type { RuleContext } from '../../src/rules/types.js';
import { at, config, model, where } from './_helpers.js';

function context(extra: Partial<RuleContext>): RuleContext {
  return { model: model([]), config: config(), mapProblems: [], parseProblems: [], ...extra };
}

test('RULES lists the twelve rules in the order of rules.md, each with a documentation page', () => {
  assert.equal(
    RULES.map((rule) => rule.meta.id),
    [
      'pii-public-exposure',
      'public-access-grant',
      'pii-unencrypted',
      'encryption-removed',
      'pii-third-party',
      'pii-logged',
      'pii-exported',
      'unclassified-pii',
      'datamap-invalid',
      'invalid-suppression',
      'parse-error',
      'unreadable-migration',
    ],
  );
  assert.equal(
    RULES.map((rule) => rule.meta.defaultSeverity),
    [
      'error',
      'error',
      'error',
      'error',
      'error',
      'warning',
      'warning',
      'warning',
      'error',
      'warning',
      'note',
      'error',
    ],
  );
  for (const rule of RULES) {
    const page = new URL(`../../docs/rules/${rule.meta.id}.md`, import.meta.url);
    assert.ok(existsSync(page), `docs/rules/${rule.meta.id}.md`);
    const text = readFileSync(page, 'utf8');
    assert.ok(
      text.includes(`piilint-ignore ${rule.meta.id} -- `),
      `${rule.meta.id}: how to suppress`,
    );
    assert.match(rule.meta.name, /^[A-Z][A-Za-z]+$/);
  }
  assert.equal(piiCwe(), ['CWE-359']);
});

function piiCwe() {
  return getRule('pii-public-exposure')?.meta.cwe;
}

test('getRule finds a rule by id and nothing else', () => {
  assert.is(getRule('pii-logged')?.meta.cwe[0], 'CWE-532');
  assert.is(getRule('no-such-rule'), undefined);
});

test('datamap-invalid turns map problems into findings with their suggestion', () => {
  const findings = datamapInvalid.check(
    context({
      mapProblems: [
        {
          at: at('datamap.yaml', 12, 5),
          message: 'store `kroger` has no table `acounts`',
          suggestion: 'did you mean `accounts`?',
        },
        { at: at('datamap.yaml', 20, 3), message: 'unknown key `exposur`' },
      ],
    }),
  );
  assert.equal(findings.map(where), ['datamap.yaml:12:5', 'datamap.yaml:20:3']);
  assert.is(findings[0]?.message, 'store `kroger` has no table `acounts`');
  assert.is(findings[0]?.fix, 'did you mean `accounts`?');
  assert.match(findings[1]?.fix ?? '', /piilint validate/);
  assert.equal(datamapInvalid.check(context({})), []);
});

test('parse-error turns parse problems into notes', () => {
  const findings = parseError.check(
    context({
      parseProblems: [
        {
          kind: 'parse-error',
          at: at('db/3_broken.sql', 4, 7),
          message: 'syntax error at or near "TABEL"',
        },
      ],
    }),
  );
  assert.equal(findings.map(where), ['db/3_broken.sql:4:7']);
  assert.is(
    findings[0]?.message,
    'Could not parse this statement; the rest of the file was read: syntax error at or near "TABEL"',
  );
  assert.equal(parseError.check(context({})), []);
});

test('invalid-suppression has metadata only: suppressions are read elsewhere', () => {
  assert.is(invalidSuppression.meta.defaultSeverity, 'warning');
  assert.equal(invalidSuppression.check(context({})), []);
});

test.run();
