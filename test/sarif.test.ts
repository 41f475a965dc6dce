// SARIF of every example validates against the official SARIF 2.1.0 schema; the PPS example's
// results carry the fields GitHub code scanning reads. Spawns the built CLI (`npm run build` first).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Finding } from '../src/findings.js';
import type { ReportContext } from '../src/reporters/index.js';
import { FINGERPRINT_KEY, MAX_SARIF_RESULTS, sarifReporter } from '../src/reporters/sarif.js';
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
    automationDetails: { id: string };
    invocations: Array<{
      executionSuccessful: boolean;
      toolExecutionNotifications?: Array<{ level: string; message: { text: string } }>;
    }>;
  }>;
}
interface SarifRule {
  id: string;
  name: string;
  helpUri: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; 'security-severity'?: string };
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
  properties: {
    categories: string[];
    phi: boolean;
    source?: object;
    target?: object;
    'security-severity'?: string;
  };
}

function sarifOf(
  example: string,
  env: Record<string, string> = {},
): { code: number | null; log: SarifLog; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, 'scan', '--format', 'sarif'], {
    cwd: join(EXAMPLES, example),
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_WORKSPACE: '', ...env },
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

test("rules about personal data are security alerts; rules about piilint's input are not", () => {
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
    const input = [
      'parse-error',
      'datamap-invalid',
      'invalid-suppression',
      'unreadable-migration',
    ].includes(rule.id);
    if (input) {
      assert.not.ok(rule.properties.tags.includes('security'), rule.id);
      assert.is(rule.properties['security-severity'], undefined, rule.id);
      continue;
    }
    assert.ok(
      rule.properties.tags.includes('security') && rule.properties.tags.includes('privacy'),
    );
    assert.is(
      rule.properties['security-severity'],
      { error: '8.0', warning: '5.0', note: '2.0' }[meta.defaultSeverity],
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
  // Paths from the repository root, which is where code scanning looks for them.
  assert.is(run.originalUriBaseIds['%SRCROOT%']!.uri, pathToFileURL(ROOT).href);
  assert.is(run.automationDetails.id, 'piilint/examples/pps-kroger-merge/');
  const result = run.results.find(
    (candidate) =>
      candidate.locations[0]!.physicalLocation.artifactLocation.uri ===
        'examples/pps-kroger-merge/db/kroger/migrations/002_import_pps_members.sql' &&
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

test('run in a folder of GITHUB_WORKSPACE, URIs are relative to the workspace', () => {
  const { log } = sarifOf('truepill-fills', { GITHUB_WORKSPACE: EXAMPLES });
  const run = log.runs[0]!;
  assert.is(run.originalUriBaseIds['%SRCROOT%']!.uri, pathToFileURL(`${EXAMPLES}/`).href);
  assert.is(run.automationDetails.id, 'piilint/truepill-fills/');
  for (const result of run.results) {
    assert.match(result.locations[0]!.physicalLocation.artifactLocation.uri, /^truepill-fills\//);
  }
});

test('over 25,000 results: errors are kept and a notification counts the rest', () => {
  const findings = Array.from({ length: MAX_SARIF_RESULTS + 3 }, (_, index) =>
    finding({
      line: index + 1,
      severity: index < 3 ? 'note' : 'error',
      ruleId: index < 3 ? 'parse-error' : 'pii-logged',
    }),
  );
  const run = report(findings).runs[0]!;
  assert.is(run.results.length, MAX_SARIF_RESULTS);
  assert.ok(run.results.every((result) => result.level === 'error'));
  const notification = run.invocations[0]!.toolExecutionNotifications?.[0];
  assert.is(notification?.level, 'warning');
  assert.match(notification?.message.text ?? '', /^3 of 25003 results were left out/);
  // The note about an unreadable file is not a security alert.
  const parseError = report([finding({ ruleId: 'parse-error', severity: 'note' })]).runs[0]!;
  assert.is(parseError.results[0]!.properties['security-severity'], undefined);
  assert.is(report([finding({})]).runs[0]!.results[0]!.properties['security-severity'], '5.0');
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
    readFiles: [],
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
