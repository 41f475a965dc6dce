// The package as a user gets it: `npm pack`, installed into an empty project, then `npx piilint
// scan` on the PPS example — no build step, no dev dependency. Uses the dist/ that `npm test`
// builds first; npm fills the project from its cache when it can.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const MAX_INSTALLED_BYTES = 80 * 1024 * 1024;

function folderBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

test('the packed tarball installs into an empty project and `npx piilint scan` finds the PPS leak', () => {
  const folder = mkdtempSync(join(tmpdir(), 'piilint-pack-'));
  try {
    // dist/ is already built; --ignore-scripts skips building it a second time.
    const packed = JSON.parse(
      execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', folder], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const paths = packed[0]!.files.map((file) => file.path);
    assert.ok(paths.includes('dist/cli.js'));
    // What bin/piilint.js loads: the command line bundled into one file.
    assert.ok(paths.includes('dist/piilint.mjs'));
    assert.ok(paths.includes('dist/vendor/mysql-parser.cjs'));
    assert.ok(paths.includes('dist/vendor/node-sql-parser.LICENSE'));
    assert.ok(paths.includes('schemas/datamap.schema.json'));
    assert.ok(paths.includes('docs/rules/pii-public-exposure.md'));
    const unwanted = paths.filter((path) =>
      /^(test|examples|bench|scripts|action|src)\/|fixtures|\.test\./.test(path),
    );
    assert.equal(unwanted, []);

    const project = join(folder, 'project');
    cpSync(join(ROOT, 'examples', 'pps-kroger-merge'), project, { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'clinic', version: '1.0.0', private: true }),
    );
    execFileSync(
      NPM,
      [
        'install',
        '--save-dev',
        join(folder, packed[0]!.filename),
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
      ],
      { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 },
    );
    const modules = join(project, 'node_modules');
    // Only the runtime dependencies: no compiler, bundler or the full SQL parser.
    for (const devOnly of ['typescript', 'esbuild', 'node-sql-parser', 'tsx', 'uvu', 'eslint']) {
      assert.not.ok(existsSync(join(modules, devOnly)), `${devOnly} is not installed`);
    }
    const bytes = folderBytes(modules);
    assert.ok(bytes <= MAX_INSTALLED_BYTES, `${(bytes / 1024 / 1024).toFixed(1)} MB installed`);

    const run = spawnSync(NPM, ['exec', '--', 'piilint', 'scan', '--no-color'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, GITHUB_ACTIONS: '', NO_COLOR: '1' },
      timeout: 120_000,
    });
    assert.is(run.status, 1, run.stderr);
    assert.match(run.stdout, /db\/kroger\/migrations\/002_import_pps_members\.sql/);
    assert.match(
      run.stdout,
      /3:8 +error +PHI \(protected health information\) \(person\.name from pps\.patients\.full_name\)/,
    );
    assert.match(run.stdout, /✖ 2 errors/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
