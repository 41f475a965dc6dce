/**
 * Property-based runs over piilint's readers and reporters with inputs a hostile pull request
 * could hold: SQL, TypeScript/JavaScript, data-map YAML and Prisma built from fragments that
 * break parsers (unclosed quotes and brackets, templates, NUL, CR-only lines, bidi and escape
 * characters). Properties: no reader throws; every fact points inside its file; every report of a
 * scan parses, SARIF validates against the SARIF 2.1.0 schema. Used by test/fuzz.test.ts (a
 * short fixed-seed run) and by `npm run fuzz` (long runs: `npm run fuzz -- 10000 [seed]`).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import fc from 'fast-check';
import { loadDataMaps } from '../src/datamap/load.js';
import type { MapProblem } from '../src/datamap/types.js';
import { UsageError } from '../src/errors.js';
import { extractFile, loadExtractors } from '../src/extractors/index.js';
import type { Fact } from '../src/facts.js';
import { REPORTERS } from '../src/reporters/index.js';
import { scan } from '../src/scan.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const SQL_WORDS = [
  'CREATE TABLE',
  'patients',
  'users',
  '"patients{{x}}"',
  '(',
  ')',
  ',',
  ';',
  'id bigint',
  'email text',
  'ssn text',
  'diagnosis text',
  'GRANT SELECT ON',
  'TO anon',
  'ALTER TABLE',
  'ADD COLUMN',
  'ENABLE ROW LEVEL SECURITY',
  'CREATE POLICY p ON',
  'USING (true)',
  'INSERT INTO',
  'VALUES',
  "'",
  '"',
  '--',
  '/*',
  '*/',
  '$$',
  'DO $$ BEGIN',
  'END $$',
  '{{',
  '}}',
  '{%',
  '%}',
  '{{/*',
  '*/}}',
  '{#',
  '#}',
  'SELECT',
  'FROM',
  'WHERE',
  'public.',
  'auth.',
  'COPY',
  'REVOKE',
  'CREATE VIEW v AS',
  'DROP TABLE',
  'RENAME TO',
  'pgp_sym_encrypt(',
  'jsonb',
  'text[]',
  '\\',
];
const CODE_WORDS = [
  "import knex from 'knex';",
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  'knex.raw(',
  'pool.query(',
  'console.log(',
  'user.email',
  'patient.ssn',
  'fetch(',
  'axios.post(',
  'exports.up = async (knex) =>',
  'knex.schema.createTable(',
  "'patients'",
  '(t) => {',
  "t.string('email')",
  '})',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ';',
  ',',
  '`',
  '${',
  "'",
  '"',
  '//',
  '/*',
  '*/',
  'async',
  'function',
  '=>',
  'await',
  'return',
  'const x =',
  'x.y',
  '.map(',
  'new',
  'class A {',
  'extends',
  'prisma.user.create({ data:',
  'logger.info(',
  'JSON.stringify(',
  "'GRANT SELECT ON patients TO anon'",
  'sql`',
  '<div>',
  '</div>',
  '?.',
  '??',
  '...',
];
const YAML_WORDS = [
  'version: 1',
  'stores:',
  '  main:',
  '    engine: postgres',
  '    exposure: public',
  '    exposure: internal',
  '    tables:',
  '      patients:',
  '        columns:',
  '          email: contact.email',
  '          diagnosis: health.diagnosis',
  '          ssn:',
  '            category: government_id.ssn',
  '            encrypted: true',
  '&a',
  '*a',
  '- ',
  ': ',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '#',
  '---',
  '...',
  '    migrations: ["db/{a,b}/**"]',
  '    subject: patient',
  '<<: *a',
  '!!binary',
  '|',
  '>',
  '?',
  'null',
  '~',
];
const PRISMA_WORDS = [
  'model User {',
  'model Patient {',
  '}',
  'id Int @id',
  'email String',
  'ssn String?',
  'diagnosis String',
  '@@map("patients")',
  '@map("e_mail")',
  'datasource db {',
  'provider = "postgresql"',
  'enum Role {',
  '//',
  '///',
  '@relation(fields: [id], references: [id])',
  '{',
  '(',
  ')',
  '"',
  '@default(',
  'Json',
  'String[]',
];
/** Characters that break readers or reports: line ends of every kind, NUL, escapes, bidi, BOM. */
const HOSTILE = [
  '\n',
  '\r\n',
  '\r',
  '\0',
  '\u001b[31m',
  '\u001b]8;;https://evil.example\u0007',
  '\u202e',
  '\ufeff',
  '\t',
  ' ',
  '[click](https://evil.example)',
  '::error::',
  '`',
  '\u2028',
  '😀',
];

type Kind = 'sql' | 'code' | 'yaml' | 'prisma';
const EXTENSION: Record<Kind, string> = {
  sql: 'db/migrations/001.sql',
  code: 'db/migrations/002_script.ts',
  yaml: 'datamap.yaml',
  prisma: 'prisma/schema.prisma',
};
const WORDS: Record<Kind, string[]> = {
  sql: SQL_WORDS,
  code: CODE_WORDS,
  yaml: YAML_WORDS,
  prisma: PRISMA_WORDS,
};

function textOf(kind: Kind): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...WORDS[kind]) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    // Runs: deep brackets, long token lines, repeated aliases.
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('(', '[', '{', 'a ', '*a ', 'async function(){', '{{'), fc.nat(400))
        .map(([unit, count]) => unit.repeat(count)),
    },
  );
  const separator = kind === 'yaml' || kind === 'prisma' ? '\n' : ' ';
  return fc
    .array(fc.tuple(piece, fc.constantFrom(separator, ' ', '\n', '')), { maxLength: 60 })
    .map((pieces) => pieces.map(([word, gap]) => word + gap).join(''));
}

export interface FuzzCase {
  kind: Kind;
  text: string;
}

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc
  .constantFrom<Kind>('sql', 'code', 'yaml', 'prisma')
  .chain((kind) => textOf(kind).map((text) => ({ kind, text })));

export interface FuzzOutcome {
  cases: number;
  errors: Array<{ input: FuzzCase; error: string }>;
  /** The slowest inputs by CPU time (user + system), slowest first. */
  slowest: Array<{ input: FuzzCase; cpuMs: number }>;
  overTenSeconds: number;
}

/** CPU milliseconds `body` takes on this process. */
function cpuTime(body: () => void): number {
  const before = process.cpuUsage();
  body();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

/** One reader run: throws with a reason when a property does not hold. */
function checkReader(input: FuzzCase): void {
  const path = EXTENSION[input.kind];
  if (input.kind === 'yaml') {
    let problems: MapProblem[];
    try {
      problems = loadDataMaps([{ path, absolutePath: `/${path}`, text: input.text }]).problems;
    } catch (error) {
      // A map that is not YAML stops the job with one clear line: that is the contract.
      if (error instanceof UsageError && !error.message.includes('\n')) return;
      throw error;
    }
    for (const problem of problems) {
      if (problem.at.line < 1) throw new Error(`problem before line 1: ${problem.message}`);
    }
    return;
  }
  const facts: Fact[] = extractFile({ path, absolutePath: `/${path}`, text: input.text });
  if (!Array.isArray(facts)) throw new Error('the reader returned no list');
  const lines = lineCount(input.text) + 1;
  for (const fact of facts) {
    const { line, column, endLine } = fact.at;
    if (!(line >= 1 && column >= 1 && endLine >= line && line <= lines)) {
      throw new Error(`${fact.kind} located outside the file at ${line}:${column}–${endLine}`);
    }
    if (fact.kind === 'parse-error' && /extractor failed|Maximum call stack/.test(fact.message)) {
      throw new Error(`reader failed: ${fact.message}`);
    }
  }
}

/**
 * What a terminal, a workflow log or a rendered comment would act on: C0 controls but tab and line
 * feed, CR, DEL, C1, line and paragraph separators, bidi controls. Reports must show them escaped.
 */
const LIVE_CONTROL =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let validateSarif: ((value: unknown) => boolean) | undefined;

function sarifValidator(): (value: unknown) => boolean {
  if (validateSarif) return validateSarif;
  const Ajv = AjvDraft04.default;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///base/'));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  const schema = join(
    ROOT,
    'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json',
  );
  const validate = ajv.compile(JSON.parse(readFileSync(schema, 'utf8')) as object);
  validateSarif = (value) => validate(value) === true;
  return validateSarif;
}

/** A whole scan of the cases as one repository, then every reporter over its result. */
async function checkScan(inputs: FuzzCase[]): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-fuzz-'));
  try {
    inputs.forEach((input, index) => {
      const file = join(folder, EXTENSION[input.kind].replace(/(\.\w+)$/, `_${index}$1`));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, input.text);
    });
    let result: Awaited<ReturnType<typeof scan>>;
    try {
      result = await scan({ cwd: folder, paths: [], errorOnUnmatched: false });
    } catch (error) {
      // An unusable data map stops the job with one clear line: that is the contract.
      if (error instanceof UsageError && !error.message.includes('\n')) return;
      throw error;
    }
    for (const [format, reporter] of Object.entries(REPORTERS)) {
      const output = reporter({
        result,
        tool: { name: 'piilint', version: '0.0.0' },
        color: false,
        quiet: false,
      });
      if (format === 'json') JSON.parse(output);
      if (format === 'text' || format === 'markdown' || format === 'github') {
        const live = LIVE_CONTROL.exec(output);
        if (live) {
          const code = live[0].codePointAt(0)?.toString(16).padStart(4, '0');
          throw new Error(`the ${format} report holds a live control character U+${code}`);
        }
      }
      if (format === 'sarif' && !sarifValidator()(JSON.parse(output))) {
        throw new Error('the SARIF report does not validate against the SARIF 2.1.0 schema');
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Runs `count` cases from `seed`; every `scanEvery`th batch also goes through a whole scan. */
export async function runFuzz(count: number, seed: number, scanEvery = 25): Promise<FuzzOutcome> {
  await loadExtractors(['a.sql', 'a.ts', 'a.prisma']);
  const inputs = fc.sample(fuzzCase, { numRuns: count, seed });
  const outcome: FuzzOutcome = { cases: 0, errors: [], slowest: [], overTenSeconds: 0 };
  let batch: FuzzCase[] = [];
  for (const input of inputs) {
    outcome.cases++;
    let cpuMs = 0;
    try {
      cpuMs = cpuTime(() => checkReader(input));
    } catch (error) {
      outcome.errors.push({ input, error: (error as Error).stack ?? String(error) });
    }
    if (cpuMs > 10_000) outcome.overTenSeconds++;
    outcome.slowest.push({ input, cpuMs });
    outcome.slowest.sort((a, b) => b.cpuMs - a.cpuMs);
    outcome.slowest.length = Math.min(outcome.slowest.length, 5);
    batch.push(input);
    if (batch.length === scanEvery) {
      try {
        await checkScan(batch);
      } catch (error) {
        outcome.errors.push({
          input: batch[0] as FuzzCase,
          error: (error as Error).stack ?? String(error),
        });
      }
      batch = [];
    }
  }
  return outcome;
}

function shown(input: FuzzCase): string {
  const text = JSON.stringify(input.text);
  return `${input.kind}, ${input.text.length} chars: ${text.length > 120 ? `${text.slice(0, 120)}…` : text}`;
}

// `npm run fuzz -- [cases] [seed]`: a long run, printing what it found.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const count = Number(process.argv[2] ?? 10_000);
  const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
  const started = Date.now();
  const outcome = await runFuzz(count, seed);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `fuzz: ${outcome.cases} cases (seed ${seed}) in ${seconds} s: ${outcome.errors.length} uncaught errors, ${outcome.overTenSeconds} inputs over 10 s CPU\n`,
  );
  process.stdout.write('slowest inputs (CPU):\n');
  for (const { input, cpuMs } of outcome.slowest) {
    process.stdout.write(`  ${cpuMs.toFixed(0)} ms  ${shown(input)}\n`);
  }
  for (const { input, error } of outcome.errors.slice(0, 10)) {
    process.stdout.write(`error: ${shown(input)}\n${error}\n`);
  }
  process.exitCode = outcome.errors.length > 0 || outcome.overTenSeconds > 0 ? 1 : 0;
}
