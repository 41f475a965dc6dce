import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findConfigFile } from '../src/config/find.js';
import { loadConfig, validateConfigFile } from '../src/config/load.js';
import { DEFAULT_CONFIG } from '../src/config/types.js';
import type { MapProblem } from '../src/datamap/types.js';
import { RULE_IDS } from '../src/rules/ids.js';
import { onlyProblem, usageErrorOf } from './map-problems.js';

const SCHEMA = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas', 'config.schema.json');

const temporaryFolders: string[] = [];
function temporaryFolder(): string {
  const folder = realpathSync(mkdtempSync(join(tmpdir(), 'piilint-config-')));
  temporaryFolders.push(folder);
  return folder;
}

function problemsOf(lines: string[]): MapProblem[] {
  const text = lines.join('\n') + '\n';
  return validateConfigFile({ path: 'piilint.config.yaml', absolutePath: '/x', text });
}

test('no config file: the defaults', () => {
  const { config, problems } = loadConfig(undefined, '/anywhere');
  assert.equal(problems, []);
  assert.equal(config, DEFAULT_CONFIG);
  // A copy: changing it must not change the defaults other scans start from.
  config.exclude.push('x');
  assert.equal(DEFAULT_CONFIG.exclude, []);
});

test('the example config loads with every setting', () => {
  const folder = temporaryFolder();
  const file = join(folder, 'piilint.config.yaml');
  writeFileSync(
    file,
    [
      'include: ["db/**", "migrations/**", "scripts/migrate/**"]',
      'exclude: ["**/fixtures/**"]',
      'datamap: [privacy/datamap.yaml]',
      'failOn: warning',
      'maxFileSize: 8MB',
      'rules:',
      '  pii-logged: error',
      '  unclassified-pii: off',
      'anonymousRoles: [anon, public, web_anon, guest]',
      'exposedSchemas: [public, api]',
      'publicPaths: [public/, web/build/]',
      'supabase:',
      '  defaultGrants: never',
      'classifier:',
      '  extraPatterns:',
      '    - { pattern: "^member_no$", category: health.plan_member_id }',
      '',
    ].join('\n'),
  );
  const { config, problems } = loadConfig('piilint.config.yaml', folder);
  assert.equal(problems, []);
  assert.equal(config, {
    file,
    include: ['db/**', 'migrations/**', 'scripts/migrate/**'],
    exclude: ['**/fixtures/**'],
    datamap: ['privacy/datamap.yaml'],
    failOn: 'warning',
    maxFileSize: 8 * 1024 * 1024,
    rules: { 'pii-logged': 'error', 'unclassified-pii': 'off' },
    anonymousRoles: ['anon', 'public', 'web_anon', 'guest'],
    exposedSchemas: ['public', 'api'],
    publicPaths: ['public/', 'web/build/'],
    supabase: { defaultGrants: 'never' },
    classifier: { extraPatterns: [{ pattern: '^member_no$', category: 'health.plan_member_id' }] },
  });
});

test('an empty config file means every default', () => {
  assert.equal(problemsOf(['# nothing yet']), []);
});

test('unknown key: a problem at the key with the closest known key', () => {
  assert.equal(onlyProblem(problemsOf(['failOn: error', 'exlude: ["dist/**"]'])), {
    where: 'piilint.config.yaml:2:1-2:7',
    message: 'unknown key `exlude` in the config; did you mean `exclude`?',
    suggestion: 'rename `exlude` to `exclude`',
  });
});

test('bad failOn: the choices and the closest', () => {
  assert.equal(onlyProblem(problemsOf(['failOn: errors'])), {
    where: 'piilint.config.yaml:1:9-1:15',
    message:
      '`failOn` must be one of error, warning, warn, never; got `errors` — did you mean `error`?',
    suggestion: 'write `error`',
  });
});

test('unknown rule id and bad rule severity', () => {
  const problems = problemsOf(['rules:', '  pii-loged: error', '  pii-logged: fatal']);
  assert.equal(problems.length, 2);
  assert.equal(onlyProblem(problems.slice(0, 1)), {
    where: 'piilint.config.yaml:2:3-2:12',
    message: 'unknown rule `pii-loged` in `rules`; did you mean `pii-logged`?',
    suggestion: 'rename `pii-loged` to `pii-logged`',
  });
  assert.equal(onlyProblem(problems.slice(1)), {
    where: 'piilint.config.yaml:3:15-3:20',
    message: '`pii-logged` must be one of off, note, warning, warn, error; got `fatal`',
    suggestion: 'write one of off, note, warning, warn, error',
  });
});

test('a bad regular expression in extraPatterns is a problem at the pattern', () => {
  assert.equal(
    onlyProblem(
      problemsOf([
        'classifier:',
        '  extraPatterns:',
        '    - pattern: "^member_no($"',
        '      category: health.plan_member_id',
      ]),
    ),
    {
      where: 'piilint.config.yaml:3:16-3:30',
      message:
        '`^member_no($` in extra pattern 1 is not a valid regular expression: Unterminated group',
      suggestion: 'fix the regular expression (JavaScript syntax), e.g. `^member_no$`',
    },
  );
});

test('an unknown category in extraPatterns suggests the closest', () => {
  assert.equal(
    onlyProblem(
      problemsOf([
        'classifier:',
        '  extraPatterns:',
        '    - { pattern: "^mbr$", category: health.plan_memberid }',
      ]),
    ),
    {
      where: 'piilint.config.yaml:3:37-3:57',
      message:
        'unknown category `health.plan_memberid` in extra pattern 1 of `classifier.extraPatterns`; did you mean `health.plan_member_id`?',
      suggestion: 'write `health.plan_member_id`',
    },
  );
});

test('a YAML key written twice in the config', () => {
  assert.equal(onlyProblem(problemsOf(['failOn: error', 'failOn: never'])), {
    where: 'piilint.config.yaml:2:1-2:7',
    message:
      'key `failOn` appears twice in the config (first at line 1); only the last one is used',
    suggestion: 'remove one of the two `failOn` entries',
  });
});

test('a config that is not YAML, or cannot be read, stops with file:line:col', () => {
  const folder = temporaryFolder();
  writeFileSync(join(folder, 'piilint.config.yaml'), 'rules: [unclosed\nfailOn: error\n');
  assert.is(
    usageErrorOf(() => loadConfig('piilint.config.yaml', folder)),
    'piilint.config.yaml:2:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] — fix the YAML syntax (indentation with spaces, closed brackets and quotes)',
  );
  assert.is(
    usageErrorOf(() => loadConfig('missing.yaml', folder)),
    'missing.yaml:1:1: cannot read the config file (ENOENT) — check the path given to --config',
  );
});

test('findConfigFile walks up to the repository root and no further', () => {
  const outside = temporaryFolder();
  writeFileSync(join(outside, 'piilint.config.yaml'), 'failOn: never\n');
  const repository = join(outside, 'repo');
  const nested = join(repository, 'packages', 'api');
  mkdirSync(nested, { recursive: true });
  mkdirSync(join(repository, '.git'));

  // The config above the repository never applies to it.
  assert.is(findConfigFile(nested), undefined);

  writeFileSync(join(repository, 'piilint.config.yml'), 'failOn: warning\n');
  assert.is(findConfigFile(nested), join(repository, 'piilint.config.yml'));

  writeFileSync(join(nested, 'piilint.config.yaml'), 'failOn: error\n');
  assert.is(findConfigFile(nested), join(nested, 'piilint.config.yaml'));
});

test('the config schema lists exactly the rule ids', () => {
  const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as {
    properties: { rules: { properties: Record<string, unknown> } };
  };
  assert.equal(Object.keys(schema.properties.rules.properties), [...RULE_IDS]);
});

test.after(() => {
  for (const folder of temporaryFolders) rmSync(folder, { recursive: true, force: true });
});

test.run();
