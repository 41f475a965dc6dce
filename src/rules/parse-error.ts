import type { Rule } from './types.js';

export const parseError: Rule = {
  meta: {
    id: 'parse-error',
    name: 'ParseError',
    defaultSeverity: 'note',
    summary: 'A file could not be read or parsed; the rest of the scan goes on.',
    incident:
      'A migration the linter cannot read is a migration nobody checked: say so instead of passing it in silence.',
    cwe: [],
  },
  check({ parseProblems }) {
    return parseProblems.map((problem) => ({
      at: problem.at,
      message: `Could not analyse this file: ${problem.message}`,
      fix: 'Fix the syntax, or exclude the file in piilint.config.yaml if it is not a migration or data script.',
    }));
  },
};
