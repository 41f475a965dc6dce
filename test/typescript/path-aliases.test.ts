// Imports through tsconfig `paths` aliases (`from '@app/db/schema'`) are followed like relative
// ones: the nearest config, its `extends` chain, exact and starred patterns; packages stay packages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../../src/scan.js';
import { findingsIn, SHAPES } from '../scan-helpers.js';

const HERE = `${SHAPES}/path-aliases`;

test('a route importing the Drizzle schema through `@app/*` (tsconfig with comments and trailing commas): contacts logged, a name logged and pushed', async () => {
  const routes = `${HERE}/fall-alerts/src/routes`;
  assert.equal(await findingsIn(`${HERE}/fall-alerts`), [
    // console.log({ reachable }): the contacts' names selected from `contacts`
    `pii-logged ${routes}/alerts.ts:17:3`,
    // log.info({ message }) and fetch(…, { body: JSON.stringify(message) }): the resident's name
    `pii-logged ${routes}/alerts.ts:24:5`,
    `pii-third-party ${routes}/alerts.ts:25:11`,
  ]);
});

test('a config extending a config extending the one with `paths` (`./tsconfig.paths`, no extension): an exact pattern wins over a starred one, a starred one names a package index', async () => {
  // `@care/db` is the exact pattern's index.ts re-exporting the table; `@care/observability` is
  // `packages/*/src`, a folder whose index.ts holds the logger (a project module, so a logger).
  assert.equal(await findingsIn(`${HERE}/care-monorepo`), [
    `pii-logged ${HERE}/care-monorepo/apps/worker/src/sync-patients.ts:8:1`,
  ]);
});

test('a package no pattern names stays unresolved even beside a file of its name; the nearest config decides, an unreadable one aliases nothing and is not reported', async () => {
  const folder = `${HERE}/staff-reports`;
  const result = await scan({ cwd: process.cwd(), paths: [folder] });
  assert.equal(
    result.findings.map(
      (finding) => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`,
    ),
    // Only `@app/staff` of src/: not `clinic-schema` (line 8), not `@app/staff` under tools/ and
    // legacy/, whose own configs have no aliases.
    [`pii-logged ${folder}/src/reports/weekly.ts:11:1`],
  );
  // The configs are read, never scanned: five source files, no parse error for legacy's. They
  // are inputs all the same, which no report may overwrite.
  assert.equal(result.summary.files, 5);
  assert.equal(
    result.readFiles.filter((file) => file.endsWith('.json')),
    [`${folder}/legacy/tsconfig.json`, `${folder}/tools/tsconfig.json`, `${folder}/tsconfig.json`],
  );
});

test.run();
