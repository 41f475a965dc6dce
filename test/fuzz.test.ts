// A short, fixed-seed fuzz run over every reader and reporter (`npm run fuzz` runs long ones).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runFuzz } from './fuzz-harness.js';

test('300 hostile inputs: no reader throws, facts stay in their file, every report parses', async () => {
  const outcome = await runFuzz(300, 20_261_202, 50);
  assert.is(outcome.cases, 300);
  assert.equal(
    outcome.errors.map(({ input, error }) => `${input.kind}: ${error.split('\n')[0]}`),
    [],
  );
  assert.is(outcome.overTenSeconds, 0);
});

test.run();
