import type { FindingDraft } from '../findings.js';
import { categoryIds, describeHeld, evidenceOf, formatRef } from '../model/describe.js';
import { requiresEncryption } from '../model/policy.js';
import type { Model, ModelColumn } from '../model/types.js';
import { hashEvidenceFromName } from '../taxonomy/classifier.js';
import type { Rule } from './types.js';

/** Credentials may be hashed instead of encrypted (taxonomy.md, "Default encryption policy"). */
function isCredential(category: string): boolean {
  return category === 'credential' || category.startsWith('credential.');
}

/** `store.table.column` of every column a hash transform writes (`crypt(…)`, `bcrypt.hash(…)`). */
function hashWrites(model: Model): Set<string> {
  const written = new Set<string>();
  for (const copy of model.copies) {
    for (const column of copy.columns) {
      if (column.transform !== 'hash') continue;
      written.add(
        formatRef({ store: copy.target.store, table: copy.target.table, column: column.column }),
      );
    }
  }
  return written;
}

function isHashed(column: ModelColumn, ref: string, hashed: ReadonlySet<string>): boolean {
  return hashed.has(ref) || hashEvidenceFromName(column.name, column.dataType) !== undefined;
}

const ENCRYPT_FIX = `Encrypt the column (pgp_sym_encrypt on write into a bytea column, or application-level encryption), then mark it \`encrypted: true\` in the data map.`;
const CREDENTIAL_FIX = `Hash it with a password hash (bcrypt, scrypt, argon2) and store only the hash (\`password_hash\`), or encrypt it (pgp_sym_encrypt on write into a bytea column, or application-level encryption) and mark it \`encrypted: true\` in the data map.`;

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
    const hashed = hashWrites(model);
    for (const store of model.stores.values()) {
      for (const table of store.tables.values()) {
        if (table.objectType === 'view') continue; // a view stores nothing of its own
        for (const column of table.columns.values()) {
          // Foreign keys are operational keys; a removed encryption is reported by encryption-removed.
          if (column.references || column.encryption.encrypted || column.encryptionRemovedAt)
            continue;
          const ref = formatRef({ store: store.id, table: table.name, column: column.name });
          let credentialHashed: boolean | undefined;
          const required = column.categories.filter((entry) => {
            if (entry.pseudonymous || !requiresEncryption(model.policy, entry.category)) {
              return false;
            }
            if (!isCredential(entry.category)) return true;
            credentialHashed ??= isHashed(column, ref, hashed);
            return !credentialHashed;
          });
          const fromFlowsOnly = required.every((entry) => entry.origin === 'flow');
          if (required.length === 0 || (!column.definedInCode && !fromFlowsOnly)) continue;
          const credentials = required.every((entry) => isCredential(entry.category));
          const atRest = store.encryptedAtRest
            ? ` The store is encrypted at rest, which covers disk theft only: the policy asks for column-level encryption.`
            : '';
          const protection = credentials
            ? 'without column-level encryption or a password hash'
            : 'without column-level encryption';
          const advice = credentials
            ? 'Hash it with a password hash (bcrypt, scrypt, argon2) or encrypt it.'
            : 'Encrypt the column.';
          findings.push({
            at: fromFlowsOnly ? (required[0]?.at ?? column.lastChangedAt) : column.lastChangedAt,
            message: `${describeHeld(required)} is stored in ${ref} ${protection}.${atRest} ${advice}`,
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
              credentials
                ? 'no encryption or hash evidence: no encrypted type, no encryption or hash function writes it, no hash in its name, not encrypted in the data map'
                : 'no encryption evidence: no encrypted type, no encryption function writes it, not encrypted in the data map',
            ],
            fix: credentials ? CREDENTIAL_FIX : ENCRYPT_FIX,
          });
        }
      }
    }
    return findings;
  },
};
