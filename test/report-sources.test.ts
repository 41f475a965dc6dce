/**
 * The scan keeps file texts only where a later step reads them: code frames read a file again,
 * and only when it is still the file the scan analysed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ScannedFile } from '../src/extractors/types.js';
import { ReportSources } from '../src/report-sources.js';
import { textReporter } from '../src/reporters/text.js';
import { scan } from '../src/scan.js';

const MIGRATION = `CREATE TABLE patients (
  id serial PRIMARY KEY,
  ssn varchar(11)
);
`;

const SUPPRESSED = `CREATE TABLE members (
  id serial PRIMARY KEY,
  -- piilint-ignore pii-unencrypted -- tokenized upstream, reviewed in SEC-12
  diagnosis text
);
`;

function project(): string {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-report-sources-'));
  writeFileSync(join(folder, '001_patients.sql'), MIGRATION);
  writeFileSync(join(folder, '002_members.sql'), SUPPRESSED);
  return folder;
}

function report(result: Awaited<ReturnType<typeof scan>>): string {
  return textReporter({
    result,
    tool: { name: 'piilint', version: '0' },
    color: false,
    quiet: false,
  });
}

test('the text report draws the code frame from the file as scanned', async () => {
  const folder = project();
  try {
    const result = await scan({ cwd: folder, paths: ['.'] });
    const ssn = result.findings.find((finding) => finding.message.includes('ssn'));
    assert.equal(ssn && [ssn.ruleId, ssn.file, ssn.line, ssn.column], [
      'pii-unencrypted',
      '001_patients.sql',
      3,
      3,
    ]);
    assert.equal(result.sources.get('001_patients.sql'), MIGRATION);
    assert.match(report(result), '  > 3 |   ssn varchar(11)\n');
    assert.equal(result.readFiles, ['001_patients.sql', '002_members.sql']);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

function scanned(folder: string, name: string, text: string): ScannedFile {
  return { path: name, absolutePath: join(folder, name), text };
}

test('a file let go and edited since the scan read it gives no text, never text the scan did not analyse', () => {
  const folder = project();
  try {
    const sources = new ReportSources(
      [],
      [
        scanned(folder, '001_patients.sql', MIGRATION),
        scanned(folder, '002_members.sql', SUPPRESSED),
      ],
      { cwd: folder, keepUpTo: 0 },
    );
    assert.is(sources.get('001_patients.sql'), MIGRATION);
    writeFileSync(join(folder, '001_patients.sql'), MIGRATION.replace('ssn', 'tax'));
    assert.is(sources.get('001_patients.sql'), undefined);
    // Same length, one character changed: the content hash tells it apart.
    writeFileSync(join(folder, '001_patients.sql'), MIGRATION.replace('ssn', 'sso'));
    assert.is(sources.get('001_patients.sql'), undefined);
    writeFileSync(join(folder, '001_patients.sql'), MIGRATION);
    assert.is(sources.get('001_patients.sql'), MIGRATION);
    // A file with a suppression comment is kept whatever the budget: removing it changes nothing.
    rmSync(join(folder, '002_members.sql'));
    assert.is(sources.get('002_members.sql'), SUPPRESSED);
    assert.equal(
      sources.suppressionFiles().map((file) => file.path),
      ['002_members.sql'],
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the text report of a file edited after the scan shows its finding without a code frame', async () => {
  const folder = project();
  try {
    const result = await scan({ cwd: folder, paths: ['.'] });
    const sources = new ReportSources([], [scanned(folder, '001_patients.sql', MIGRATION)], {
      cwd: folder,
      keepUpTo: 0,
    });
    writeFileSync(join(folder, '001_patients.sql'), MIGRATION.replace('ssn', 'tax'));
    const text = report({ ...result, sources });
    assert.match(text, /001_patients\.sql\n {2}3:3 {2}error/);
    assert.not.match(text, 'varchar(11)');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a file with a suppression comment keeps its text: the suppression holds and its text stays', async () => {
  const folder = project();
  try {
    const result = await scan({ cwd: folder, paths: ['.'] });
    const diagnosis = result.findings.find((finding) => finding.message.includes('diagnosis'));
    assert.equal(
      diagnosis && [diagnosis.file, diagnosis.line, diagnosis.column, diagnosis.suppressed?.reason],
      ['002_members.sql', 4, 3, 'tokenized upstream, reviewed in SEC-12'],
    );
    rmSync(join(folder, '002_members.sql'));
    assert.is(result.sources.get('002_members.sql'), SUPPRESSED);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
