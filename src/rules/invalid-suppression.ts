import type { Rule } from './types.js';

export const invalidSuppression: Rule = {
  meta: {
    id: 'invalid-suppression',
    name: 'InvalidSuppression',
    defaultSeverity: 'warning',
    summary: 'A piilint-ignore comment has no reason, or names an unknown rule.',
    incident:
      'A silenced finding without a reason is how a PPS → Kroger copy gets waved through: every suppression must say why, for the auditor.',
    cwe: [],
    topic: 'input',
  },
  // The suppression reader reports these while it parses comments; the rule exists for its id,
  // severity, configuration and documentation.
  check() {
    return [];
  },
};
