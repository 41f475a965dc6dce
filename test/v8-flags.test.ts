// The V8 settings (src/v8-flags.ts) are the same for the command line's launcher, which sets them
// before anything loads, and the action, whose entry imports them before anything else.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { V8_FLAGS } from '../src/v8-flags.js';

test('the launcher sets exactly the flags of src/v8-flags.ts, before it imports the command line', () => {
  const launcher = readFileSync('bin/piilint.js', 'utf8');
  const set = [...launcher.matchAll(/setFlagsFromString\('([^']+)'\)/g)].map((match) => match[1]);
  assert.equal(set, [...V8_FLAGS]);
  const lastFlag = launcher.lastIndexOf('setFlagsFromString(');
  assert.ok(lastFlag < launcher.indexOf("import('../dist/piilint.mjs')"));
});

test("the action's entry imports the V8 settings before any other module", () => {
  const entry = readFileSync('action/src/main.ts', 'utf8');
  const imports = [...entry.matchAll(/^import .*?'([^']+)';$/gms)].map((match) => match[1]);
  assert.is(imports[0], '../../src/v8-flags.js');
});

test.run();
