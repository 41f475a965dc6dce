import type { Rule } from './types.js';

export const datamapInvalid: Rule = {
  meta: {
    id: 'datamap-invalid',
    name: 'DatamapInvalid',
    defaultSeverity: 'error',
    summary:
      'The data map breaks its schema or its references (unknown store, table, column or category; duplicate id).',
    incident:
      'A map that names the wrong table silently stops protecting the real one: the PPS patients would have been copied unchecked.',
    cwe: [],
    topic: 'input',
  },
  check({ mapProblems }) {
    return mapProblems.map((problem) => ({
      at: problem.at,
      message: problem.message,
      fix:
        problem.suggestion ??
        'Correct the data map; `piilint validate` checks it against its schema.',
      // Something left to decide is a reminder, not a broken map.
      ...(problem.level === 'warning' ? { severity: 'note' as const } : {}),
    }));
  },
};
