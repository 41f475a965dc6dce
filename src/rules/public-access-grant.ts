import type { FindingDraft } from '../findings.js';
import { describeHeld } from '../model/describe.js';
import { isDeniedPublic } from '../model/policy.js';
import type { Rule } from './types.js';

export const publicAccessGrant: Rule = {
  meta: {
    id: 'public-access-grant',
    name: 'PublicAccessGrant',
    defaultSeverity: 'error',
    summary:
      'A migration makes a table, view or bucket that holds personal data readable by everyone.',
    incident:
      'The PPS → Kroger accounts were readable by anyone for eight years; one grant or one policy with USING (true) does the same to a whole table.',
    cwe: ['CWE-284', 'CWE-359'],
  },
  check({ model }) {
    const findings: FindingDraft[] = [];
    for (const event of model.publicAccessEvents) {
      if (event.objectKind === 'bucket') {
        findings.push({
          at: event.at,
          message: `Bucket ${event.name} is made public: anyone can list and read every file in it, and buckets often hold personal files (uploads, exports, documents).`,
          target: { store: 'bucket', table: event.name, exposure: 'public' },
          fix: 'Keep the bucket private and serve files through signed URLs, or use a separate public bucket that only ever holds non-personal assets.',
        });
        continue;
      }
      const exposed = event.exposedColumns
        .map((column) => ({
          column,
          held: column.categories.filter((entry) => isDeniedPublic(model.policy, entry.category)),
        }))
        .filter(({ held }) => held.length > 0);
      if (exposed.length === 0) continue;
      const listed = exposed.map(({ column, held }) => `${column.name}: ${describeHeld(held)}`);
      const categories = [...new Set(exposed.flatMap(({ held }) => held.map((e) => e.category)))];
      findings.push({
        at: event.at,
        message: `${event.description}: this makes ${event.store}.${event.name} readable by everyone, exposing ${listed.join('; ')}. Restrict the grant or policy, or keep row-level security on.`,
        categories,
        target: { store: event.store ?? '', table: event.name, exposure: 'public' },
        phi: exposed.some(({ column }) => column.phi),
        evidence: [...new Set(exposed.flatMap(({ held }) => held.map((e) => e.evidence)))],
        fix: 'Restrict the grant to an authenticated role or to non-personal columns, keep row-level security enabled, or give the policy a condition that limits rows to their owner (USING (auth.uid() = user_id)).',
      });
    }
    return findings;
  },
};
