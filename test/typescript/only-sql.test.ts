// Only SQL meant for this store is parsed: test files and other dialects' branches are left out,
// and a file with unreadable statements gets one note.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findingsIn } from '../scan-helpers.js';

const HERE = 'test/fixtures/typescript/only-sql';

test('the mssql branch, the test file and strings no runner runs are not read; one note per file', async () => {
  assert.equal(await findingsIn(HERE), [
    // a const passed to pool.query is SQL; src/lib/reports.js (an example string, an error
    // message, a log line, an expected value) gives nothing, not even a parse-error note
    `pii-unencrypted ${HERE}/src/lib/archive.js:2:71`,
    // lists of statements run by `for … of` and `.map` into pool.query / client.query
    `pii-unencrypted ${HERE}/src/lib/schema.js:3:51`,
    `pii-unencrypted ${HERE}/src/lib/schema.js:4:48`,
    `pii-unencrypted ${HERE}/src/lib/schema.js:13:71`,
    // the Postgres branch's `ssn text`, not the mssql branch's NVARCHAR on line 4
    `pii-unencrypted ${HERE}/src/migrations/001_patients.js:6:67`,
    // three unreadable statements, one note
    `parse-error ${HERE}/src/migrations/002_reports.js:3:84`,
    // the postgresUpQueryRunner method's column; not the sqlite method's table rebuild, not the
    // `case DatabaseTypeEnum.mysql:` branch's national_id
    `pii-unencrypted ${HERE}/src/migrations/003_passports.ts:23:57`,
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
