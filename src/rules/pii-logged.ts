import type { FindingDraft } from '../findings.js';
import {
  categoryIds,
  describeData,
  evidenceOf,
  lowerWhenPseudonymous,
  sourceRef,
} from '../model/describe.js';
import type { Rule } from './types.js';

export const piiLogged: Rule = {
  meta: {
    id: 'pii-logged',
    name: 'PiiLogged',
    defaultSeverity: 'warning',
    summary: 'A migration or data script writes personal values to a log.',
    incident:
      'Migration output lands in CI logs and log aggregators that many people and vendors can read; GenRx-style patient files leak from places nobody thought of as storage.',
    cwe: ['CWE-532'],
  },
  check({ model }) {
    const findings: FindingDraft[] = [];
    for (const send of model.sends) {
      if (send.sink.type !== 'log' || send.categories.length === 0) continue;
      findings.push({
        at: send.at,
        message: `${describeData(send.categories)} written to the log by ${send.sink.logger}; migration output lands in CI logs and log aggregators. Log a count or a non-personal id instead.`,
        severity: lowerWhenPseudonymous(send.categories, 'warning'),
        categories: categoryIds(send.categories),
        source: sourceRef(send.categories),
        target: { store: 'log', table: send.sink.logger },
        path: send.path,
        phi: send.categories.some((entry) => entry.phi),
        evidence: evidenceOf(send.categories),
        fix: 'Log a count, a status or the id of a non-personal row instead of the value.',
      });
    }
    return findings;
  },
};
