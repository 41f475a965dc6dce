import type { Sink } from '../facts.js';
import type { FindingDraft } from '../findings.js';
import type { CategoryEvidence } from '../model/types.js';
import {
  categoryIds,
  describeData,
  evidenceOf,
  formatRef,
  lowerWhenPseudonymous,
  sourceRef,
} from '../model/describe.js';
import { isDeniedToPartner } from '../model/policy.js';
import type { Rule } from './types.js';

function fixFor(store: string | undefined): string {
  const entry = store
    ? `add a policy.partner.allow entry naming store \`${store}\`, these categories and a purpose`
    : 'declare the host as a partner store in the data map with a policy.partner.allow entry naming the categories and a purpose';
  return `Do not send the personal values (send an opaque token or an aggregate instead), or, if the partner is entitled to them, ${entry}.`;
}

export const piiThirdParty: Rule = {
  meta: {
    id: 'pii-third-party',
    name: 'PiiThirdParty',
    defaultSeverity: 'error',
    summary:
      'Personal data flows to a partner store, an analytics or marketing SDK, or an outside host without an allow entry with a purpose.',
    incident:
      'Insulet / Omnipod: IP addresses and insulin pump controller use were sent to marketing and website-optimisation partners.',
    cwe: ['CWE-359'],
  },
  check({ model }) {
    const findings: FindingDraft[] = [];
    const leakedTo = (categories: CategoryEvidence[], store: string | undefined) =>
      categories.filter((entry) => isDeniedToPartner(model.policy, entry.category, store));
    for (const copy of model.copies) {
      const { store, storeKind, exposure } = copy.target;
      if (exposure !== 'partner' && storeKind !== 'partner' && storeKind !== 'analytics') continue;
      for (const column of copy.columns) {
        const leaked = leakedTo(column.categories, store);
        if (leaked.length === 0) continue;
        const target = { store, table: copy.target.table, column: column.column };
        findings.push({
          at: column.at,
          message: `${describeData(leaked)} copied into ${formatRef(target)} (partner store ${store}) by ${copy.description}, with no policy.partner.allow entry for it. Leave it out, tokenize it, or add an allow entry with a purpose.`,
          severity: lowerWhenPseudonymous(leaked, 'error'),
          categories: categoryIds(leaked),
          source: sourceRef(leaked),
          target: { ...target, exposure: 'partner' },
          path: column.path,
          phi: leaked.some((entry) => entry.phi),
          evidence: evidenceOf(leaked),
          fix: fixFor(store),
          fingerprintKey: `copy:${column.column}`,
        });
      }
    }
    for (const send of model.sends) {
      if (!send.thirdParty) continue;
      const leaked = leakedTo(send.categories, send.store?.id);
      if (leaked.length === 0) continue;
      const destination =
        send.host ?? (send.sink.type === 'sdk' ? send.sink.vendor : 'an outside host');
      const named = send.store ? ` (partner store ${send.store.id})` : '';
      findings.push({
        at: send.at,
        message: `${describeData(leaked)} sent to ${destination}${named} by ${sinkName(send.sink)}, with no policy.partner.allow entry for it. Leave it out, tokenize it, or add an allow entry with a purpose.`,
        severity: lowerWhenPseudonymous(leaked, 'error'),
        categories: categoryIds(leaked),
        source: sourceRef(leaked),
        target: { store: send.store?.id ?? destination, table: destination, exposure: 'partner' },
        path: send.path,
        phi: leaked.some((entry) => entry.phi),
        evidence: evidenceOf(leaked),
        fix: fixFor(send.store?.id),
      });
    }
    return findings;
  },
};

function sinkName(sink: Sink): string {
  return sink.type === 'sdk' ? sink.sdk : sink.type === 'http' ? sink.client : sink.type;
}
