// pii-exported end to end: a script that dumps the patients table into files, scanned as a
// project. A JSON dump is a warning at the write call, the same dump under a public folder an
// error; counts, ids and a log of statuses are no finding.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { explainRule } from '../../src/commands/explain.js';
import type { Finding } from '../../src/findings.js';
import { publicFolderOf } from '../../src/rules/pii-exported.js';
import { scan } from '../../src/scan.js';

async function exportedFindings(files: Record<string, string>): Promise<Finding[]> {
  const root = mkdtempSync(join(tmpdir(), 'piilint-exported-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const result = await scan({ cwd: root, paths: ['.'] });
    return result.findings.filter((finding) => finding.ruleId === 'pii-exported');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const where = (finding: Finding) =>
  `${finding.ruleId} ${finding.severity} ${finding.file}:${finding.line}:${finding.column}`;

const exportScript = `import fs from 'node:fs';
import path from 'node:path';
import knex from 'knex';

const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });

async function main() {
  const rows = await db('patients').select('full_name', 'email', 'date_of_birth');
  fs.writeFileSync('out/patients.json', JSON.stringify(rows, null, 2));
  fs.writeFileSync(path.join(__dirname, '..', 'public', 'exports', 'patients.json'), JSON.stringify(rows));
  fs.writeFileSync('out/count.json', JSON.stringify({ exported: rows.length }));
  const ids = await db('patients').select('id');
  fs.writeFileSync('out/patient-ids.json', JSON.stringify(ids.map((row) => row.id)));
  fs.appendFileSync('logs/export.log', \`\${new Date().toISOString()} exported \${rows.length} rows, status ok\\n\`);
  await db.destroy();
}

main();
`;

test('a JSON dump of patients is a warning at the write call; under public/ an error; counts, ids and a status log are nothing', async () => {
  const findings = await exportedFindings({ 'scripts/export-patients.ts': exportScript });
  assert.equal(findings.map(where), [
    'pii-exported warning scripts/export-patients.ts:9:3',
    'pii-exported error scripts/export-patients.ts:10:3',
  ]);
  const [dump, published] = findings;
  assert.equal(dump?.categories, ['person.name', 'contact.email', 'demographic.birth_date']);
  assert.equal(dump?.target, { store: 'file', table: 'out/patients.json' });
  assert.match(
    dump?.message ?? '',
    /^Personal data \(person\.name from .*\) written to out\/patients\.json by fs\.writeFileSync\./,
  );
  assert.equal(published?.target, {
    store: 'file',
    table: '…/../public/exports/patients.json',
    exposure: 'public',
  });
  assert.match(published?.message ?? '', /under public\/, a folder served to anyone/);
  // The path runs from the read to the write.
  assert.match(
    dump?.path?.[0]?.description ?? '',
    /^read patients\.full_name, patients\.email, patients\.date_of_birth/,
  );
  assert.equal(dump?.path?.at(-1)?.line, 9);
});

test('CSV and XLSX exports: csv-stringify piped to a write stream, json2csv, xlsx with an appended sheet, fast-csv, a stream written row by row', async () => {
  const findings = await exportedFindings({
    'scripts/export-libs.ts': `import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { Parser } from 'json2csv';
import * as XLSX from 'xlsx';
import * as csv from 'fast-csv';
import knex from 'knex';

const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });
const patients = await db('patients').select('full_name', 'email');

stringify(patients, { header: true }).pipe(fs.createWriteStream('exports/patients.csv'));
const parser = new Parser({ fields: ['full_name', 'email'] });
await fs.promises.writeFile('exports/patients-2.csv', parser.parse(patients));
const sheet = XLSX.utils.json_to_sheet(patients);
const workbook = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(workbook, sheet, 'Patients');
XLSX.writeFile(workbook, 'dist/patients.xlsx');
await csv.writeToPath('exports/patients-3.csv', patients, { headers: true });
const out = fs.createWriteStream('exports/patients.ndjson');
for (const p of patients) out.write(\`\${JSON.stringify(p)}\\n\`);
out.end();
await pipeline(csv.write(patients, { headers: true }), fs.createWriteStream('exports/p4.csv'));
const total = await db('patients').count('id as total');
fs.createWriteStream('exports/total.txt').end(String(total.length));
`,
  });
  assert.equal(findings.map(where), [
    'pii-exported warning scripts/export-libs.ts:12:1',
    'pii-exported warning scripts/export-libs.ts:14:7',
    'pii-exported error scripts/export-libs.ts:18:1',
    'pii-exported warning scripts/export-libs.ts:19:7',
    'pii-exported warning scripts/export-libs.ts:21:27',
    'pii-exported warning scripts/export-libs.ts:23:7',
  ]);
});

test('publicPaths from the config decides which folders are public', async () => {
  const findings = await exportedFindings({
    'piilint.config.yaml': 'publicPaths: [out/]\n',
    'scripts/export-patients.ts': exportScript,
  });
  assert.equal(findings.map(where), [
    'pii-exported error scripts/export-patients.ts:9:3',
    'pii-exported warning scripts/export-patients.ts:10:3',
  ]);
});

test('public folders match whole folder names anywhere in the path', () => {
  const defaults = ['public/', 'static/', 'dist/'];
  assert.is(publicFolderOf('public/patients.json', defaults), 'public/');
  assert.is(publicFolderOf('./static/x.csv', defaults), 'static/');
  assert.is(publicFolderOf('…/../dist/x.csv', defaults), 'dist/');
  assert.is(publicFolderOf('republic/x.csv', defaults), undefined);
  assert.is(publicFolderOf('out/distribution.csv', defaults), undefined);
  assert.is(publicFolderOf(undefined, defaults), undefined);
  assert.is(publicFolderOf('web/public/x.json', ['web/public/']), 'web/public/');
});

test('explain pii-exported prints its page', () => {
  const page = explainRule('pii-exported');
  assert.match(page, /pii-exported/);
  assert.match(page, /publicPaths/);
});

test.run();
