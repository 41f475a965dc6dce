import type { FindingDraft } from '../findings.js';
import { categoryIds, describeHeld, evidenceOf, formatRef } from '../model/describe.js';
import { requiresEncryption } from '../model/policy.js';
import type { Rule } from './types.js';

export const piiUnencrypted: Rule = {
  meta: {
    id: 'pii-unencrypted',
    name: 'PiiUnencrypted',
    defaultSeverity: 'error',
    summary:
      'A column whose categories policy.encryption.require names is created, altered or filled without column-level encryption.',
    incident:
      'Truepill / Postmeds: 2.36 million patients’ medication data was taken, and the lawsuits say it was not encrypted.',
    cwe: ['CWE-311'],
  },
  check({ model }) {
    const findings: FindingDraft[] = [];
    for (const store of model.stores.values()) {
      for (const table of store.tables.values()) {
        if (table.objectType === 'view') continue; // a view stores nothing of its own
        for (const column of table.columns.values()) {
          // Foreign keys are operational keys; a removed encryption is reported by encryption-removed.
          if (column.references || column.encryption.encrypted || column.encryptionRemovedAt)
            continue;
          const required = column.categories.filter(
            (entry) => !entry.pseudonymous && requiresEncryption(model.policy, entry.category),
          );
          const fromFlowsOnly = required.every((entry) => entry.origin === 'flow');
          if (required.length === 0 || (!column.definedInCode && !fromFlowsOnly)) continue;
          const ref = formatRef({ store: store.id, table: table.name, column: column.name });
          const atRest = store.encryptedAtRest
            ? ` The store is encrypted at rest, which covers disk theft only: the policy asks for column-level encryption.`
            : '';
          findings.push({
            at: fromFlowsOnly ? (required[0]?.at ?? column.lastChangedAt) : column.lastChangedAt,
            message: `${describeHeld(required)} is stored in ${ref} without column-level encryption.${atRest} Encrypt the column.`,
            categories: categoryIds(required),
            target: {
              store: store.id,
              table: table.name,
              column: column.name,
              exposure: table.exposure,
            },
            phi: required.some((entry) => entry.phi),
            evidence: [
              ...evidenceOf(required),
              'no encryption evidence: no encrypted type, no encryption function writes it, not encrypted in the data map',
            ],
            fix: `Encrypt the column (pgp_sym_encrypt on write into a bytea column, or application-level encryption), then mark it \`encrypted: true\` in the data map.`,
          });
        }
      }
    }
    return findings;
  },
};
