import type { ParseProblem } from '../facts.js';
import type { Rule } from './types.js';

/** A migration, schema or data map piilint skipped or could not read to the end. */
export function isUnreadMigration(problem: ParseProblem): boolean {
  return problem.unread?.migration === true;
}

/**
 * A migration nobody could read is a migration nobody checked. A pull request can pad one past the
 * size limit, put a NUL byte or 1,000 brackets in it, or wrap its `GRANT` in a template: each would
 * otherwise pass as a note. Other unread files stay `parse-error` notes.
 */
export const unreadableMigration: Rule = {
  meta: {
    id: 'unreadable-migration',
    name: 'UnreadableMigration',
    defaultSeverity: 'error',
    summary:
      'A migration, schema or data map was skipped or could not be read to the end: it was not checked.',
    incident:
      'A migration padded past the size limit or nested past a parser limit would reach production unchecked while the gate stays green.',
    cwe: [],
    topic: 'input',
  },
  check({ parseProblems }) {
    return parseProblems.filter(isUnreadMigration).map((problem) => ({
      at: problem.at,
      message: `This migration was not checked: ${problem.message}`,
      fix: 'Make the file plain text within the limits, or, when it is reviewed by hand: raise `maxFileSize` in piilint.config.yaml for a large file, add a non-migration file to `exclude`, or suppress with `piilint-ignore unreadable-migration -- <reason>` where the file can still be read.',
    }));
  },
};
