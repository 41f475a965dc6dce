import { inMigrationPlace } from '../migration-place.js';
import type { FindingDraft } from '../findings.js';
import {
  categoryIds,
  describeData,
  evidenceOf,
  isSurrogateKey,
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
      // `console.log('booked', appointment.patient_id)`: a key names nobody outside the database.
      if (send.categories.every(isSurrogateKey)) continue;
      findings.push({
        at: send.at,
        message: send.sink.browser
          ? `${describeData(send.categories)} written to the browser console by ${send.sink.logger}; it stays on the user's machine unless a session-replay or error-tracking tool records the console (a note, not a warning). Log a count or a non-personal id instead.`
          : `${describeData(send.categories)} written to the log by ${send.sink.logger}; ${whereLogsLand(send.at.file)}. Log a count or a non-personal id instead.`,
        severity: send.sink.browser ? 'note' : lowerWhenPseudonymous(send.categories, 'warning'),
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

/** Edge functions, API routes and request handlers: code that logs while it serves requests. */
const SERVING_CODE = /(?:^|\/)(?:functions|api|routes|handlers|controllers|middleware)\//i;

/** Where the log line ends up, in the reviewer's terms: a migration's, a server's, a script's. */
function whereLogsLand(file: string): string {
  const path = file.replaceAll('\\', '/');
  if (SERVING_CODE.test(path)) {
    return "runtime logs land in the platform's log service and log aggregators";
  }
  return inMigrationPlace(path)
    ? 'migration output lands in CI logs and log aggregators'
    : 'script output lands in terminals, CI logs and log aggregators';
}
