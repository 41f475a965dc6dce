// Only SQL meant for this store is parsed: test files and other dialects' branches are left out,
// and a file with unreadable statements gets one note.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findingsIn } from '../scan-helpers.js';

const HERE = 'test/fixtures/typescript/only-sql';

test('the mssql branch and the test file are not read; one parse-error note per file', async () => {
  assert.equal(await findingsIn(HERE), [
    // the Postgres branch's `ssn text`, not the mssql branch's NVARCHAR on line 4
    `pii-unencrypted ${HERE}/src/migrations/001_patients.js:6:67`,
    // three unreadable statements, one note
    `parse-error ${HERE}/src/migrations/002_reports.js:3:84`,
  ]);
});

test('the note counts the statements skipped; --debug names the skipped test files', () => {
  const run = spawnSync(
    process.execPath,
    ['bin/piilint.js', 'scan', HERE, '--format', 'json', '--debug'],
    { encoding: 'utf8' },
  );
  const report = JSON.parse(run.stdout) as { findings: { ruleId: string; message: string }[] };
  const note = report.findings.find((finding) => finding.ruleId === 'parse-error');
  assert.match(note?.message ?? '', /2 more statements of this file could not be read/);
  assert.match(run.stderr, /skipped 1 test files .*src\/__tests__\/patients\.test\.js/);
});

test('JSX attribute strings (className="truncate …") are markup, never a statement', async () => {
  const folder = 'test/fixtures/typescript/only-sql-jsx';
  assert.equal(await findingsIn(folder), [
    // the migration is read; the component's class names give no parse-error note
    `pii-unencrypted ${folder}/db/migrations/001_patients.sql:4:3`,
  ]);
});

test.run();
