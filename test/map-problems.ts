// Shared by the data map and config tests: the one problem a case expects, and UsageError text.
import * as assert from 'uvu/assert';
import type { MapProblem } from '../src/datamap/types.js';
import { UsageError } from '../src/errors.js';

/** The single problem of a case, as `file:line:col-endLine:endCol`, message and suggestion. */
export function onlyProblem(problems: MapProblem[]) {
  assert.is(problems.length, 1, problems.map((problem) => problem.message).join('\n'));
  const { at, message, suggestion } = problems[0] as MapProblem;
  return {
    where: `${at.file}:${at.line}:${at.column}-${at.endLine}:${at.endColumn}`,
    message,
    suggestion,
  };
}

/** The message of the UsageError `run` throws; fails the test if it throws nothing else. */
export function usageErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.instance(error, UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError, but nothing was thrown');
}
