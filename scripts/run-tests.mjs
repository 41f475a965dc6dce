#!/usr/bin/env node
// Runs the uvu suites under test/ (TypeScript through tsx), streams their output, and ends with one
// plain line, "tests: N passed, N failed", that people and CI logs can read at a glance.
// Usage: node scripts/run-tests.mjs [file pattern]   (default: every *.test.ts)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pattern = process.argv[2] ?? '\\.test\\.ts$';
// uvu's package exports do not list its bin, so name the file directly.
const uvu = fileURLToPath(new URL('../node_modules/uvu/bin.js', import.meta.url));
// Fixture folders hold scanned inputs (SQL, TypeScript), never suites: keep them out of any pattern.
const args = ['--import', 'tsx', uvu, 'test', pattern, '-i', 'fixtures'];
// uvu colours by default; keep CI logs and pipes plain.
if (!process.stdout.isTTY || process.env.NO_COLOR) args.push('--color', 'false');
// The command line caches facts under $XDG_CACHE_HOME/piilint by default: tests use a fresh
// folder of their own, removed at the end, never the real ~/.cache.
const cacheHome = mkdtempSync(join(tmpdir(), 'piilint-test-cache-'));
const child = spawn(process.execPath, args, {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, XDG_CACHE_HOME: cacheHome },
});

let output = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  output += chunk.toString();
});

child.on('close', (code, signal) => {
  rmSync(cacheHome, { recursive: true, force: true });
  // eslint-disable-next-line no-control-regex
  const text = output.replace(/\u001b\[[0-9;]*m/g, '');
  const count = (label) => {
    const match = new RegExp(`${label}:\\s+(\\d+)`).exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const total = count('Total');
  const passed = count('Passed');
  const skipped = count('Skipped') ?? 0;
  if (total === undefined || passed === undefined) {
    // The runner stopped before its summary (a suite failed to load): count that as a failure.
    process.stdout.write(`\ntests: ${passed ?? 0} passed, 1 failed\n`);
    process.exitCode = 1;
    return;
  }
  let failed = total - passed - skipped;
  if (failed === 0 && (code !== 0 || signal)) failed = 1;
  process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
});
