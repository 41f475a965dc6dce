// `piilint init`: a starter data map from the migrations, which `piilint validate` accepts.
// Spawns the built CLI (`npm run build` first).
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');

function piilint(cwd: string, args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: '' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function copyOf(source: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'piilint-init-'));
  cpSync(source, directory, { recursive: true });
  return directory;
}

interface DataMapShape {
  version: number;
  stores: Record<
    string,
    {
      exposure: string;
      migrations: string[];
      tables: Record<string, { columns: Record<string, unknown> }>;
    }
  >;
}

/** The personal columns of the PPS migrations, as the example's hand-written map classifies them. */
const PERSONAL_COLUMNS: Record<string, string[]> = {
  'pps.patients': ['full_name', 'email', 'date_of_birth', 'medication', 'prescriber'],
  'kroger.accounts': ['display_name', 'username'],
};

test('PPS example without its map: init writes one that validates, with every personal column classified', () => {
  const directory = copyOf(join(ROOT, 'examples', 'pps-kroger-merge'));
  try {
    rmSync(join(directory, 'datamap.yaml'));
    const init = piilint(directory, ['init']);
    assert.is(init.code, 0, init.stderr);
    assert.match(init.stdout, /^wrote datamap\.yaml: 2 stores, 2 tables/);

    const text = readFileSync(join(directory, 'datamap.yaml'), 'utf8');
    assert.match(
      text.split('\n')[0]!,
      /^# yaml-language-server: \$schema=\S*schemas\/datamap\.schema\.json$/,
    );
    assert.match(text, /^ {10}full_name: person\.name # name "full_name" reads as person\.name/m);
    assert.match(text, /^ {10}id: \{\} # not personal\? set none, or a category$/m);
    assert.match(text, /^ {4}exposure: undecided # choose: /m);

    const map = parse(text) as DataMapShape;
    assert.is(map.version, 1);
    assert.equal(Object.keys(map.stores).sort(), ['kroger', 'pps']);
    assert.equal(map.stores.pps!.migrations, ['db/pps/migrations/**']);
    assert.equal(map.stores.kroger!.migrations, ['db/kroger/migrations/**']);
    for (const [place, columns] of Object.entries(PERSONAL_COLUMNS)) {
      const [store, table] = place.split('.') as [string, string];
      const declared = map.stores[store]!.tables[table]!.columns;
      for (const column of columns) {
        const value = declared[column];
        assert.type(
          value,
          'string',
          `${place}.${column} has a suggested category: ${JSON.stringify(value)}`,
        );
        assert.match(value as string, /^[a-z_]+\.[a-z_]+$/);
      }
    }
    // Every column of the migrations, in order, including the non-personal ones.
    assert.equal(Object.keys(map.stores.pps!.tables.patients!.columns), [
      'id',
      'full_name',
      'email',
      'date_of_birth',
      'medication',
      'prescriber',
      'created_at',
    ]);
    assert.equal(map.stores.pps!.tables.patients!.columns.medication, 'health.medication');

    // Exposure is never decided silently: a warning from validate (exit 0), a note from scan.
    const validate = piilint(directory, ['validate']);
    assert.is(validate.code, 0, validate.stdout + validate.stderr);
    assert.match(
      validate.stdout,
      /^datamap\.yaml:\d+:15: warning: store `kroger` has `exposure: undecided`; piilint treats it as internal until someone decides/m,
    );
    assert.match(validate.stdout, /⚠ 2 warnings in 1 file\n$/);
    assert.match(text, /^ {2}pps:\n {4}exposure: undecided.*\n {4}context: health # /m);

    // The scan uses it: tables resolve to the stores init named; the only datamap-invalid
    // findings are the notes about undecided exposure.
    const scan = piilint(directory, ['scan', '--format', 'json']);
    const findings = (
      JSON.parse(scan.stdout) as {
        findings: Array<{ ruleId: string; severity: string; message: string }>;
      }
    ).findings.filter((finding) => finding.ruleId === 'datamap-invalid');
    assert.equal(
      findings.map((finding) => finding.severity),
      ['note', 'note'],
    );
    assert.ok(findings.every((finding) => /exposure: undecided/.test(finding.message)));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("a script's clients built from environment variables become stores with `connections`", () => {
  const directory = copyOf(join(ROOT, 'examples', 'pps-kroger-script'));
  try {
    rmSync(join(directory, 'datamap.yaml'));
    const init = piilint(directory, ['init']);
    assert.is(init.code, 0, init.stderr);
    const map = parse(readFileSync(join(directory, 'datamap.yaml'), 'utf8')) as {
      stores: Record<string, { exposure: string; connections?: string[]; tables: object }>;
    };
    assert.equal(map.stores.kroger?.connections, ['krogerDb', 'KROGER_DATABASE_URL']);
    assert.equal(map.stores.pps?.connections, ['ppsDb', 'PPS_DATABASE_URL']);
    assert.equal(Object.keys(map.stores.kroger?.tables ?? {}), ['accounts']);
    assert.is(map.stores.kroger?.exposure, 'undecided');
    assert.is(piilint(directory, ['validate']).code, 0);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("the $schema modeline points at the project's installed copy when there is one", () => {
  const directory = copyOf(join(ROOT, 'examples', 'truepill-fills'));
  try {
    rmSync(join(directory, 'datamap.yaml'), { force: true });
    const installed = join(directory, 'node_modules', 'piilint', 'schemas');
    mkdirSync(installed, { recursive: true });
    cpSync(join(ROOT, 'schemas', 'datamap.schema.json'), join(installed, 'datamap.schema.json'));
    const init = piilint(directory, ['init', '--output', 'privacy/datamap.yaml']);
    assert.is(init.code, 0, init.stderr);
    const first = readFileSync(join(directory, 'privacy', 'datamap.yaml'), 'utf8').split('\n')[0];
    assert.is(
      first,
      '# yaml-language-server: $schema=../node_modules/piilint/schemas/datamap.schema.json',
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('never overwrites without --force; --output writes elsewhere', () => {
  const directory = copyOf(join(ROOT, 'examples', 'truepill-fills'));
  try {
    writeFileSync(join(directory, 'datamap.yaml'), '# the steward’s work\n');
    const refused = piilint(directory, ['init']);
    assert.is(refused.code, 2);
    assert.is(
      refused.stderr,
      'piilint: datamap.yaml already exists — pass --force to replace it, or --output <file> to write elsewhere\n',
    );
    assert.is(readFileSync(join(directory, 'datamap.yaml'), 'utf8'), '# the steward’s work\n');

    const elsewhere = piilint(directory, ['init', '--output', 'privacy/datamap.yaml']);
    assert.is(elsewhere.code, 0, elsewhere.stderr);
    const written = parse(
      readFileSync(join(directory, 'privacy/datamap.yaml'), 'utf8'),
    ) as DataMapShape;
    assert.equal(
      written.stores.migrations!.migrations,
      ['../migrations/**'],
      'globs are relative to the map',
    );
    assert.is(piilint(directory, ['validate', 'privacy/datamap.yaml']).code, 0);

    const forced = piilint(directory, ['init', '--force']);
    assert.is(forced.code, 0, forced.stderr);
    assert.match(readFileSync(join(directory, 'datamap.yaml'), 'utf8'), /^version: 1$/m);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('names that need quoting, views, and nothing found', () => {
  const directory = copyOf(join(ROOT, 'test', 'fixtures', 'init', 'odd-names'));
  try {
    assert.is(piilint(directory, ['init']).code, 0);
    const text = readFileSync(join(directory, 'datamap.yaml'), 'utf8');
    const map = parse(text) as DataMapShape;
    const accounts = map.stores.migrations!.tables['Customer Accounts']!.columns;
    assert.equal(Object.keys(accounts), ['id', 'E-Mail', 'yes', 'phone_number']);
    assert.is(accounts['E-Mail'], 'contact.email');
    assert.equal(accounts.yes, {}, '`yes` stays a column name, not a boolean');
    assert.match(text, /^ {6}contact_list: # view$/m);
    assert.match(text, /phone_number: \{\} # receives contact\.phone from /);
    assert.is(piilint(directory, ['validate']).code, 0);

    const empty = mkdtempSync(join(tmpdir(), 'piilint-init-empty-'));
    const nothing = piilint(empty, ['init']);
    assert.is(nothing.code, 2);
    assert.match(
      nothing.stderr,
      /^piilint: no migrations, scripts or data maps found under \. — check the path/,
    );
    assert.ok(!existsSync(join(empty, 'datamap.yaml')));
    rmSync(empty, { recursive: true, force: true });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('a Supabase project gets a starter config stating supabase.defaultGrants; a plain one does not', () => {
  const supabase = copyOf(join(ROOT, 'examples', 'supabase-anon'));
  const plain = copyOf(join(ROOT, 'examples', 'truepill-fills'));
  try {
    const result = piilint(supabase, ['init']);
    assert.is(result.code, 0, result.stderr);
    assert.match(result.stdout, /wrote piilint\.config\.yaml: Supabase's default grants/);
    const config = parse(readFileSync(join(supabase, 'piilint.config.yaml'), 'utf8')) as {
      supabase: { defaultGrants: string };
      exposedSchemas: string[];
    };
    assert.equal(config, { supabase: { defaultGrants: 'auto' }, exposedSchemas: ['public'] });
    const validated = piilint(supabase, ['validate', 'piilint.config.yaml']);
    assert.is(validated.code, 0, validated.stdout + validated.stderr);
    assert.is(piilint(plain, ['init']).code, 0);
    assert.not.ok(existsSync(join(plain, 'piilint.config.yaml')));
  } finally {
    rmSync(supabase, { recursive: true, force: true });
    rmSync(plain, { recursive: true, force: true });
  }
});

test('validate checks piilint.config.yaml too: 0 valid, 1 problems at file:line:col, 2 unusable', () => {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-validate-config-'));
  const config = join(folder, 'piilint.config.yaml');
  try {
    writeFileSync(config, 'failOn: warning\nrules:\n  pii-logged: error\n');
    const good = piilint(folder, ['validate']);
    assert.is(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /no problems in piilint\.config\.yaml/);

    writeFileSync(config, 'failOn: sometimes\nrulez: {}\nrules:\n  pii-loged: off\n');
    const bad = piilint(folder, ['validate']);
    assert.is(bad.code, 1);
    const lines = bad.stdout.trim().split('\n');
    assert.match(
      lines[0]!,
      /^piilint\.config\.yaml:1:9: `failOn` must be one of error, warning, warn, never/,
    );
    assert.match(
      lines[1]!,
      /^piilint\.config\.yaml:2:1: unknown key `rulez`.*did you mean `rules`/,
    );
    assert.match(lines[2]!, /^piilint\.config\.yaml:4:3: unknown rule `pii-loged`.*`pii-logged`/);
    assert.match(lines[3]!, /3 problems/);

    writeFileSync(config, 'rules: [\n');
    const unusable = piilint(folder, ['validate']);
    assert.is(unusable.code, 2);
    assert.match(unusable.stderr, /^piilint: piilint\.config\.yaml:\d+:\d+: not valid YAML/);

    const missing = piilint(folder, ['validate', '--config', 'nope.yaml']);
    assert.is(missing.code, 2);
    assert.match(missing.stderr, /^piilint: config file nope\.yaml not found/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
