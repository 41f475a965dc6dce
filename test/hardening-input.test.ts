// Nothing unread passes silently: hostile repositories built in temporary folders, each scanned as
// a pull request would be, with the exit code, the rule and the location of what it reports.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../src/errors.js';
import { failsAt, scan } from '../src/scan.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'piilint.js');

const PATIENTS = 'CREATE TABLE patients (id bigint PRIMARY KEY, diagnosis text);\n';
const GRANT = 'GRANT SELECT ON patients TO anon;\n';

function write(root: string, path: string, content: string | Buffer): string {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

function withFolder(body: (folder: string) => void | Promise<void>) {
  return async () => {
    const folder = mkdtempSync(join(tmpdir(), 'piilint-hostile-'));
    try {
      await body(folder);
    } finally {
      chmodTree(folder);
      rmSync(folder, { recursive: true, force: true });
    }
  };
}

/** Makes every folder listable again so the cleanup can remove it. */
function chmodTree(folder: string): void {
  spawnSync('chmod', ['-R', 'u+rwX', folder]);
}

interface Outcome {
  exit: number;
  /** `rule file:line:column` per finding, in report order. */
  findings: string[];
  messages: Map<string, string>;
}

/** Scans in process as `piilint scan` would; the exit code as the CLI computes it. */
async function scanFolder(cwd: string, paths: string[] = []): Promise<Outcome> {
  const result = await scan({ cwd, paths });
  const findings = result.findings.map(
    (finding) => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`,
  );
  const messages = new Map(
    result.findings.map((finding) => [`${finding.ruleId} ${finding.file}`, finding.message]),
  );
  return { exit: failsAt(result.findings, result.config.failOn) ? 1 : 0, findings, messages };
}

function cli(cwd: string, args: string[], options: { uid?: number } = {}) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    ...(options.uid !== undefined && { uid: options.uid, gid: options.uid }),
  });
}

test(
  'a migration padded past the size limit fails the gate; maxFileSize lets it be read',
  withFolder(async (folder) => {
    write(folder, 'migrations/001_init.sql', PATIENTS);
    const padding = `-- ${'x'.repeat(2.5 * 1024 * 1024)}\n`;
    write(folder, 'migrations/002_grant.sql', padding + GRANT);
    const unread = await scanFolder(folder);
    assert.is(unread.exit, 1);
    assert.ok(unread.findings.includes('unreadable-migration migrations/002_grant.sql:1:1'));
    assert.match(
      unread.messages.get('unreadable-migration migrations/002_grant.sql') ?? '',
      /file too large \(2\.5 MB > 2\.0 MB limit, config `maxFileSize`\); not read/,
    );

    write(folder, 'piilint.config.yaml', 'maxFileSize: 4MB\n');
    const read = await scanFolder(folder);
    assert.ok(read.findings.includes('public-access-grant migrations/002_grant.sql:2:1'));
    assert.not.ok(read.findings.some((line) => line.startsWith('unreadable-migration')));
  }),
);

test(
  'a .js migration with `// \\0` on its first line is read: its GRANT is reported',
  withFolder(async (folder) => {
    write(folder, 'migrations/001_init.sql', PATIENTS);
    write(
      folder,
      'migrations/002_grant.js',
      '// \0\nexports.up = (knex) => knex.raw("GRANT SELECT ON patients TO anon");\n',
    );
    const outcome = await scanFolder(folder);
    assert.is(outcome.exit, 1);
    assert.ok(
      outcome.findings.includes('public-access-grant migrations/002_grant.js:2:34'),
      outcome.findings.join('\n'),
    );
  }),
);

test(
  '1,000 levels of nesting are an unreadable-migration error at the bracket, not a stack overflow',
  withFolder(async (folder) => {
    write(folder, 'migrations/001_init.sql', PATIENTS);
    write(
      folder,
      'migrations/002_deep.sql',
      `${GRANT}SELECT ${'('.repeat(1000)}1${')'.repeat(1000)};\n`,
    );
    write(
      folder,
      'migrations/003_deep.ts',
      `export async function up(knex) {\n  const x = ${'['.repeat(1000)}1${']'.repeat(1000)};\n}\n`,
    );
    const outcome = await scanFolder(folder);
    assert.is(outcome.exit, 1);
    // The 201st bracket: column 8 + 200 on line 2; the TypeScript one 11 columns in (`  const x = `).
    assert.ok(outcome.findings.includes('unreadable-migration migrations/002_deep.sql:2:208'));
    assert.ok(outcome.findings.includes('unreadable-migration migrations/003_deep.ts:2:212'));
    assert.match(
      outcome.messages.get('unreadable-migration migrations/002_deep.sql') ?? '',
      /nests brackets more than 200 levels deep/,
    );
    assert.not.ok(outcome.findings.some((line) => line.startsWith('parse-error')));
  }),
);

test(
  'dotfiles, dot-folders and names with a backslash, CR or LF are read; .git and .gitignore are honoured',
  withFolder(async (folder) => {
    mkdirSync(join(folder, '.git'));
    write(folder, '.git/hooks/leak.sql', PATIENTS + GRANT);
    write(folder, '.gitignore', 'ignored/\n');
    write(folder, 'ignored/leak.sql', PATIENTS + GRANT);
    write(folder, '.supabase/migrations/001.sql', PATIENTS + GRANT);
    write(folder, 'db/.002.sql', 'CREATE TABLE clients (id bigint, ssn text);\n');
    write(folder, 'db/back\\slash.sql', 'CREATE TABLE members (id bigint, ssn text);\n');
    write(folder, 'db/line\nbreak.sql', 'CREATE TABLE visitors (id bigint, ssn text);\n');
    write(folder, 'db/carriage\rreturn.sql', 'CREATE TABLE guests (id bigint, ssn text);\n');
    const outcome = await scanFolder(folder);
    assert.is(outcome.exit, 1);
    const files = new Set(outcome.findings.map((line) => line.split(' ')[1]?.split(':')[0]));
    assert.equal([...files].sort(), [
      '.supabase/migrations/001.sql',
      'db/.002.sql',
      'db/back\\slash.sql',
      'db/carriage\rreturn.sql',
      'db/line\nbreak.sql',
    ]);
    assert.ok(outcome.findings.includes('public-access-grant .supabase/migrations/001.sql:2:1'));
  }),
);

test(
  'a name that is not UTF-8 is reported, never skipped in silence',
  withFolder(async (folder) => {
    write(folder, 'db/001.sql', PATIENTS);
    const name = Buffer.concat([
      Buffer.from(join(folder, 'db', 'bad')),
      Buffer.from([0xff, 0x2e, 0x73, 0x71, 0x6c]),
    ]);
    writeFileSync(name, GRANT);
    const outcome = await scanFolder(folder);
    assert.is(outcome.exit, 1);
    assert.ok(
      outcome.findings.includes('unreadable-migration db/bad\\xff.sql:1:1'),
      outcome.findings.join('\n'),
    );
    assert.match(
      outcome.messages.get('unreadable-migration db/bad\\xff.sql') ?? '',
      /name is not UTF-8 text/,
    );
  }),
);

test(
  'Go template comments cannot hide a GRANT; a template inside a quoted name is read as written',
  withFolder(async (folder) => {
    write(folder, 'a/migrations/001.sql', `${PATIENTS}-- {{/*\n${GRANT}-- */}}\n`);
    write(
      folder,
      'b/migrations/001.sql',
      'CREATE TABLE "patients{{x}}" (id bigint PRIMARY KEY, full_name text, diagnosis text);\nGRANT SELECT ON "patients{{x}}" TO anon;\n',
    );
    const outcome = await scanFolder(folder);
    assert.is(outcome.exit, 1);
    assert.ok(outcome.findings.includes('public-access-grant a/migrations/001.sql:3:1'));
    assert.ok(outcome.findings.includes('public-access-grant b/migrations/001.sql:2:1'));
    assert.match(
      outcome.messages.get('public-access-grant b/migrations/001.sql') ?? '',
      /patients\{\{x\}\}/,
    );
  }),
);

test(
  'binary .sql, NUL bytes, CRLF and BOM: errors for unread migrations, findings at their lines',
  withFolder(async (folder) => {
    write(folder, 'migrations/001_blob.sql', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x14]));
    write(folder, 'migrations/002_nul.sql', `${PATIENTS}\0${GRANT}`);
    write(folder, 'crlf/001.sql', `\uFEFF${PATIENTS}${GRANT}`.replace(/\n/g, '\r\n'));
    write(folder, 'cr/001.sql', `${PATIENTS}${GRANT}`.replace(/\n/g, '\r'));
    const outcome = await scanFolder(folder);
    assert.is(outcome.exit, 1);
    assert.ok(outcome.findings.includes('unreadable-migration migrations/001_blob.sql:1:1'));
    assert.ok(outcome.findings.includes('unreadable-migration migrations/002_nul.sql:1:1'));
    assert.match(
      outcome.messages.get('unreadable-migration migrations/002_nul.sql') ?? '',
      /binary file \(a NUL byte at offset 63\)/,
    );
    // The BOM is not a column; CRLF ends one line.
    assert.ok(outcome.findings.includes('pii-unencrypted crlf/001.sql:1:47'));
    assert.ok(outcome.findings.includes('public-access-grant crlf/001.sql:2:1'));
    // CR-only files are read (their line numbers are the reporters' concern).
    assert.ok(outcome.findings.some((line) => line.startsWith('public-access-grant cr/001.sql:')));
  }),
);

test(
  'UTF-16 files with a byte-order mark are read as text; without a whole UTF-16 text they stay binary',
  withFolder(async (folder) => {
    // What Windows PowerShell's `>` and SQL Server tools write.
    const utf16le = (text: string) =>
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const utf16be = (text: string) =>
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    write(folder, 'le/migrations/001.sql', utf16le(`${PATIENTS}${GRANT}`.replace(/\n/g, '\r\n')));
    write(folder, 'be/migrations/001.sql', utf16be(`${PATIENTS}${GRANT}`));
    write(
      folder,
      'odd/migrations/001.sql',
      Buffer.concat([utf16le(PATIENTS), Buffer.from([0x41])]),
    );
    // An editor saved half an emoji (a lone surrogate) in a comment: still text.
    write(folder, 'emoji/migrations/001.sql', utf16le(`-- \ud83d note\n${PATIENTS}${GRANT}`));
    // Random bytes after a byte-order mark: not text.
    write(
      folder,
      'noise/migrations/001.sql',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(Array(200).fill([0x00, 0xd8]).flat())]),
    );
    const outcome = await scanFolder(folder);
    assert.is(outcome.exit, 1);
    assert.equal(outcome.findings, [
      'pii-unencrypted be/migrations/001.sql:1:47',
      'public-access-grant be/migrations/001.sql:2:1',
      'pii-unencrypted emoji/migrations/001.sql:2:47',
      'public-access-grant emoji/migrations/001.sql:3:1',
      'pii-unencrypted le/migrations/001.sql:1:47',
      'public-access-grant le/migrations/001.sql:2:1',
      'unreadable-migration noise/migrations/001.sql:1:1',
      'unreadable-migration odd/migrations/001.sql:1:1',
    ]);
  }),
);

test(
  'a symbolic link loop and links out of the root: nothing outside is read, the linked file is reported, no hang',
  withFolder(async (folder) => {
    const repository = join(folder, 'repo');
    write(repository, 'db/001.sql', 'CREATE TABLE notes (id bigint, body text);\n');
    const outside = write(folder, 'outside/leak.sql', PATIENTS + GRANT);
    symlinkSync('..', join(repository, 'db', 'loop'));
    symlinkSync(join(folder, 'outside'), join(repository, 'db', 'out-folder'));
    symlinkSync(outside, join(repository, 'db', 'out-file.sql'));
    const outcome = await scanFolder(repository);
    // The file linked from outside is not read, and says so: a migration nobody reviewed.
    assert.is(outcome.exit, 1);
    assert.equal(outcome.findings, ['unreadable-migration db/out-file.sql:1:1']);
  }),
);

test(
  'a 50 MB migration and a 5 MB minified bundle: an error for the migration, a note for the bundle',
  withFolder(async (folder) => {
    write(folder, 'migrations/001.sql', '');
    truncateSync(join(folder, 'migrations/001.sql'), 50 * 1024 * 1024);
    write(folder, 'public/vendor.min.js', `var a=${'1+'.repeat(2.5 * 1024 * 1024)}1;`);
    const outcome = await scanFolder(folder);
    assert.is(outcome.exit, 1);
    assert.equal(outcome.findings, [
      'unreadable-migration migrations/001.sql:1:1',
      'parse-error public/vendor.min.js:1:1',
    ]);
    assert.match(
      outcome.messages.get('parse-error public/vendor.min.js') ?? '',
      /file too large \(5\.0 MB > 2\.0 MB limit/,
    );
  }),
);

test(
  "migrations a tool discarded are not read: Bolt's .bolt/supabase_discarded_migrations",
  withFolder(async (folder) => {
    write(folder, '.bolt/supabase_discarded_migrations/20250708152617_lively_bird.sql', PATIENTS);
    write(folder, 'supabase/migrations/20250709083918_warm_thunder.sql', PATIENTS);
    const outcome = await scanFolder(folder);
    assert.ok(outcome.findings.length > 0);
    assert.ok(
      outcome.findings.every((line) => line.includes(' supabase/migrations/')),
      outcome.findings.join('\n'),
    );
  }),
);

test(
  'a minified bundle that builds data grids is a note; a table builder with a name keeps it a migration',
  withFolder(async (folder) => {
    const longLine = ' a'.repeat(6000);
    write(
      folder,
      'public/vendor/grid.min.js',
      `fetch(u);this.table=this.createTable(el.className);${longLine}\n`,
    );
    write(
      folder,
      'src/setup.js',
      `knex.schema.createTable('patients', (t) => t.text('ssn'));${longLine}\n`,
    );
    const outcome = await scanFolder(folder);
    assert.equal(outcome.findings, [
      'parse-error public/vendor/grid.min.js:1:10037',
      'unreadable-migration src/setup.js:1:10048',
    ]);
  }),
);

test(
  '20,000 tiny files and 500 nested folders are walked without recursion or a crash',
  withFolder(async (folder) => {
    for (let index = 0; index < 20_000; index++) {
      write(folder, `src/f${index % 100}/m${index}.js`, 'export const x = 1;\n');
    }
    const deep = Array.from({ length: 500 }, () => 'd').join('/');
    write(folder, `${deep}/001.sql`, PATIENTS + GRANT);
    const outcome = await scanFolder(folder);
    assert.is(outcome.exit, 1);
    assert.ok(outcome.findings.includes(`public-access-grant ${deep}/001.sql:2:1`));
  }),
);

/**
 * Gives others the search bit on the folders above `path` that lack it (a checkout in a private
 * temporary folder), so a test can run the CLI as another user. Returns what to restore.
 */
function letOthersTraverse(path: string): Array<[string, number]> {
  const changed: Array<[string, number]> = [];
  for (let folder = path; ; folder = dirname(folder)) {
    const mode = statSync(folder).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      chmodSync(folder, mode | 0o001);
      changed.push([folder, mode]);
    }
    if (dirname(folder) === folder) return changed;
  }
}

test(
  'an unreadable folder and file are reported (error under migrations/), the scan goes on',
  withFolder((folder) => {
    write(folder, 'migrations/001.sql', PATIENTS);
    write(folder, 'migrations/locked/002.sql', GRANT);
    write(folder, 'migrations/003.sql', GRANT);
    write(folder, 'notes/locked/a.sql', GRANT);
    chmodSync(join(folder, 'migrations/locked'), 0o000);
    chmodSync(join(folder, 'notes/locked'), 0o000);
    chmodSync(join(folder, 'migrations/003.sql'), 0o000);
    chmodSync(folder, 0o755);
    // Root reads everything: run as nobody then, through a checkout nobody can reach.
    const asRoot = process.getuid?.() === 0;
    const opened = asRoot ? letOthersTraverse(ROOT) : [];
    let run: ReturnType<typeof cli>;
    try {
      run = cli(folder, ['scan', '--format', 'json'], asRoot ? { uid: 65534 } : {});
    } finally {
      for (const [path, mode] of opened) chmodSync(path, mode);
    }
    assert.is(run.status, 1, run.stderr);
    assert.is(run.stderr, '');
    const report = JSON.parse(run.stdout) as {
      findings: Array<{
        ruleId: string;
        file: string;
        line: number;
        column: number;
        message: string;
      }>;
    };
    const seen = report.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`);
    assert.ok(seen.includes('unreadable-migration migrations/locked/:1:1'), seen.join('\n'));
    assert.ok(seen.includes('unreadable-migration migrations/003.sql:1:1'), seen.join('\n'));
    assert.ok(seen.includes('parse-error notes/locked/:1:1'), seen.join('\n'));
    const folderNote = report.findings.find((f) => f.file === 'migrations/locked/');
    assert.match(folderNote?.message ?? '', /folder cannot be listed \(EACCES\)/);
  }),
);

test(
  'discovery: a 70,000-character glob is one line with exit 2; exclude /proc/** is a config error, never a walk',
  withFolder(async (folder) => {
    write(folder, 'db/001.sql', PATIENTS);
    const run = cli(folder, ['scan', `db/${'*'.repeat(70_000)}`]);
    assert.is(run.status, 2);
    assert.is(
      run.stderr,
      'piilint: the path glob is 70003 characters long, over the 4096-character limit — shorten it\n',
    );
    // Config paths stay inside the repository: an absolute exclude is refused at its line.
    write(folder, 'piilint.config.yaml', "exclude: ['/proc/**', '/usr/**']\n");
    const started = Date.now();
    const refused = cli(folder, ['scan']);
    assert.ok(Date.now() - started < 10_000);
    assert.is(refused.status, 2);
    assert.is(refused.stderr.split('\n').length, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /^piilint: piilint\.config\.yaml:1:11: item 1 of `exclude` \(`\/proc\/\*\*`\) points outside the repository/,
    );
    // Inside the repository the same scan reads the migration.
    write(folder, 'piilint.config.yaml', "exclude: ['notes/**']\n");
    const outcome = await scanFolder(folder);
    assert.equal(outcome.findings, ['pii-unencrypted db/001.sql:1:47']);
  }),
);

test(
  'a data map that is a folder: one clear line, exit 2',
  withFolder((folder) => {
    write(folder, 'db/001.sql', PATIENTS);
    mkdirSync(join(folder, 'privacy/datamap.yaml'), { recursive: true });
    write(folder, 'piilint.config.yaml', 'datamap: [privacy/datamap.yaml]\n');
    const run = cli(folder, ['scan']);
    assert.is(run.status, 2);
    assert.is(run.stderr.split('\n').length, 2, run.stderr);
    assert.is(
      run.stderr,
      'piilint: data map (from the config) privacy/datamap.yaml is a folder, not a file — name the YAML file in it\n',
    );
    assert.not.match(run.stderr, /at .*\.js:\d+/);
  }),
);

test('a bad --timeout is one line with exit 2', () => {
  const run = cli(ROOT, ['scan', '--timeout', 'soon']);
  assert.is(run.status, 2);
  assert.is(
    run.stderr,
    'piilint: --timeout soon is not a number of seconds — e.g. --timeout 300\n',
  );
});

test('a glob that does not compile is a clear error, not a crash', async () => {
  let failure: unknown;
  try {
    await scan({ cwd: ROOT, paths: ['src/{a,b'] });
  } catch (error) {
    failure = error;
  }
  assert.instance(failure, UsageError);
  assert.match((failure as Error).message, 'glob `src/{a,b` is not valid: a `{` is not closed');
});

test.run();
