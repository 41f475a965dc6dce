// SARIF of every example validates against the official SARIF 2.1.0 schema; the PPS example's
// results carry the fields GitHub code scanning reads. Spawns the built CLI (`npm run build` first).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Finding } from '../src/findings.js';
import type { ReportContext } from '../src/reporters/index.js';
import { FINGERPRINT_KEY, sarifReporter } from '../src/reporters/sarif.js';
import { RULES } from '../src/rules/index.js';
import type { ScanResult } from '../src/scan.js';
import { DEFAULT_CONFIG } from '../src/config/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');
const EXAMPLES = join(ROOT, 'examples');
const SCHEMA = join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

// A CommonJS module whose class is its `default` export: under NodeNext the import is the module.
const Ajv = AjvDraft04.default;

/** The schema's formats, checked for real rather than switched off. */
function createValidator() {
  // The schema's language pattern is not valid with the `u` flag ajv uses by default.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///base/'));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  return ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: SarifRule[] } };
    results: SarifResult[];
    originalUriBaseIds: Record<string, { uri: string }>;
  }>;
}
interface SarifRule {
  id: string;
  name: string;
  helpUri: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[] };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string; markdown?: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: string };
      region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
  }>;
  relatedLocations?: Array<{ id: number; message: { text: string } }>;
  codeFlows?: Array<{ threadFlows: Array<{ locations: unknown[] }> }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: string; justification: string }>;
  properties: { categories: string[]; phi: boolean; source?: object; target?: object };
}

function sarifOf(example: string): { code: number | null; log: SarifLog; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, 'scan', '--format', 'sarif'], {
    cwd: join(EXAMPLES, example),
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: '' },
  });
  return { code: run.status, log: JSON.parse(run.stdout || '{}') as SarifLog, stderr: run.stderr };
}

const examples = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

test('there are examples to validate', () => {
  assert.ok(examples.length >= 3, `examples: ${examples.join(', ')}`);
});

test('the validator rejects a broken log (the check can fail)', () => {
  const validate = createValidator();
  assert.is(validate({ version: '2.1.0', runs: [{ tool: {} }] }), false);
  assert.is(validate({ version: '2.1.0', runs: [] }), true);
});

for (const example of examples) {
  test(`SARIF of examples/${example} validates against the SARIF 2.1.0 schema`, () => {
    const { code, log, stderr } = sarifOf(example);
    assert.ok(code === 0 || code === 1, `exit ${code}: ${stderr}`);
    const validate = createValidator();
    const valid = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.ok(log.runs[0]!.results.length > 0, 'the examples leak on purpose: results expected');
  });
}

test('every rule is described with docs, help, level and privacy/CWE tags', () => {
  const { log } = sarifOf('pps-kroger-merge');
  const driver = log.runs[0]!.tool.driver;
  assert.is(driver.name, 'piilint');
  assert.equal(
    driver.rules.map((rule) => rule.id),
    RULES.map((rule) => rule.meta.id),
  );
  for (const rule of driver.rules) {
    const meta = RULES.find((candidate) => candidate.meta.id === rule.id)!.meta;
    assert.is(rule.name, meta.name);
    assert.is(
      rule.helpUri,
      `https://github.com/piilint/piilint/blob/main/docs/rules/${rule.id}.md`,
    );
    assert.is(rule.defaultConfiguration.level, meta.defaultSeverity);
    assert.ok(rule.help.markdown.length > 100, `${rule.id}: help comes from its docs page`);
    assert.ok(
      rule.properties.tags.includes('security') && rule.properties.tags.includes('privacy'),
    );
    for (const cwe of meta.cwe) {
      assert.ok(rule.properties.tags.includes(cwe), `${rule.id} ${cwe}`);
      assert.ok(rule.properties.tags.includes(`external/cwe/${cwe.toLowerCase()}`));
    }
  }
  const exposure = driver.rules.find((rule) => rule.id === 'pii-public-exposure')!;
  assert.ok(exposure.properties.tags.includes('external/cwe/cwe-359'));
});

test('PPS example: the copy into public Kroger accounts as SARIF results', () => {
  const { log } = sarifOf('pps-kroger-merge');
  const run = log.runs[0]!;
  assert.ok(run.originalUriBaseIds['%SRCROOT%']!.uri.startsWith('file:///'));
  const result = run.results.find(
    (candidate) =>
      candidate.locations[0]!.physicalLocation.artifactLocation.uri ===
        'db/kroger/migrations/002_import_pps_members.sql' &&
      candidate.properties.categories.includes('person.name'),
  );
  assert.ok(result, 'the INSERT … SELECT of full_name is reported');
  assert.is(result.ruleId, 'pii-public-exposure');
  assert.is(run.tool.driver.rules[result.ruleIndex]!.id, 'pii-public-exposure');
  assert.is(result.level, 'error');
  assert.match(result.message.text, /kroger\.accounts\.display_name/);
  assert.match(result.message.markdown ?? '', /\*\*Fix:\*\*/);
  const { artifactLocation, region } = result.locations[0]!.physicalLocation;
  assert.is(artifactLocation.uriBaseId, '%SRCROOT%');
  assert.equal(region, { startLine: 3, startColumn: 8, endLine: 3, endColumn: 19 });
  assert.match(result.partialFingerprints[FINGERPRINT_KEY]!, /^[0-9a-f]{64}/);
  assert.equal(result.properties.source, { store: 'pps', table: 'patients', column: 'full_name' });
  assert.equal(result.properties.target, {
    store: 'kroger',
    table: 'accounts',
    column: 'display_name',
    exposure: 'public',
  });
  assert.is(result.properties.phi, true);
  assert.is(result.relatedLocations?.[0]?.id, 1);
  assert.is(result.suppressions, undefined);
});

function finding(overrides: Partial<Finding>): Finding {
  return {
    ruleId: 'pii-logged',
    severity: 'warning',
    message: 'contact.email from pps.patients.email is written to console.log',
    file: 'scripts/merge members.ts',
    line: 17,
    column: 3,
    endLine: 17,
    endColumn: 30,
    categories: ['contact.email'],
    path: [],
    evidence: [],
    fix: 'Log an id instead.',
    fingerprint: 'a'.repeat(64),
    ...overrides,
  };
}

function report(findings: Finding[]): SarifLog {
  const result: ScanResult = {
    findings,
    summary: { errors: 0, warnings: 1, notes: 0, suppressed: 1, files: 1 },
    config: DEFAULT_CONFIG,
    sources: new Map(),
  };
  const context: ReportContext = {
    result,
    tool: { name: 'piilint', version: '1.2.3' },
    color: false,
    quiet: false,
  };
  return JSON.parse(sarifReporter(context)) as SarifLog;
}

test('multi-step flows become code flows; suppressed findings carry their justification', () => {
  const steps = [
    {
      file: 'scripts/merge members.ts',
      line: 4,
      column: 16,
      description: 'rows read from pps.patients',
    },
    {
      file: 'scripts/merge members.ts',
      line: 9,
      column: 5,
      description: 'email mapped to username',
    },
    {
      file: 'scripts/merge members.ts',
      line: 17,
      column: 3,
      description: 'written to console.log',
    },
  ];
  const log = report([
    finding({ path: steps, suppressed: { reason: 'local debugging only, see SEC-12' } }),
  ]);
  assert.ok(createValidator()(log));
  const result = log.runs[0]!.results[0]!;
  assert.is(
    result.locations[0]!.physicalLocation.artifactLocation.uri,
    'scripts/merge%20members.ts',
  );
  assert.is(result.relatedLocations?.length, 3);
  assert.equal(
    result.relatedLocations?.map((location) => location.id),
    [1, 2, 3],
  );
  assert.is(result.codeFlows?.[0]?.threadFlows[0]?.locations.length, 3);
  assert.equal(result.suppressions, [
    { kind: 'inSource', justification: 'local debugging only, see SEC-12' },
  ]);
  assert.is(log.runs[0]!.tool.driver.version, '1.2.3');
});

test('a one-step path has related locations but no code flow', () => {
  const log = report([
    finding({ path: [{ file: 'a.sql', line: 1, column: 1, description: 'copied' }] }),
  ]);
  const result = log.runs[0]!.results[0]!;
  assert.is(result.codeFlows, undefined);
  assert.is(result.relatedLocations?.length, 1);
});

test.run();
