import type { ParseProblem } from '../facts.js';
import type { Rule } from './types.js';
import { isUnreadMigration } from './unreadable-migration.js';

/**
 * A problem that points at no text (an empty range at 1:1) concerns the whole file: discovery (too
 * large, binary, unreadable), a file the SQL reader refuses, an extractor that failed. Any other
 * problem points at the statement (or element) that failed, and the reader went on after it.
 */
function isWholeFile(problem: ParseProblem): boolean {
  const { line, column, endLine, endColumn } = problem.at;
  return line === 1 && column === 1 && endLine === 1 && endColumn === 1;
}

/** Readers that already say they went on (`…; the rest of the file was still read`). */
const WENT_ON = /;\s*the rest of the file was (?:still )?read\.?$/;

export const parseError: Rule = {
  meta: {
    id: 'parse-error',
    name: 'ParseError',
    defaultSeverity: 'note',
    summary: 'A file could not be read or parsed; the rest of the scan goes on.',
    incident:
      'A migration the linter cannot read is a migration nobody checked: say so instead of passing it in silence.',
    cwe: [],
    topic: 'input',
  },
  check({ parseProblems }) {
    // An unread migration is `unreadable-migration`'s, once.
    return parseProblems
      .filter((problem) => !isUnreadMigration(problem))
      .map((problem) =>
        isWholeFile(problem) || problem.unread !== undefined
          ? {
              at: problem.at,
              message: `Could not read this file: ${problem.message}`,
              fix: 'Exclude the file in piilint.config.yaml if it is not a migration or data script, or make it a readable text file under the size limit.',
            }
          : {
              at: problem.at,
              message: `Could not parse this statement; the rest of the file was read: ${problem.message.replace(WENT_ON, '')}`,
              fix: 'Fix the syntax, or exclude the file in piilint.config.yaml if it is not a migration or data script.',
            },
      );
  },
};
