import type { FindingDraft } from '../findings.js';
import { formatRef } from '../model/describe.js';
import type { Rule } from './types.js';

export const encryptionRemoved: Rule = {
  meta: {
    id: 'encryption-removed',
    name: 'EncryptionRemoved',
    defaultSeverity: 'error',
    summary:
      'A migration decrypts a protected column into plain text, changes an encrypted column to a plain type, or copies decrypted values elsewhere.',
    incident:
      'Truepill / Postmeds: health data stored in plain text was taken; one migration that decrypts a column undoes its protection for every row.',
    cwe: ['CWE-311'],
  },
  check({ model }) {
    const findings: FindingDraft[] = [];
    for (const event of model.decryptions) {
      if (event.targetEncryptedAfter) continue;
      const target = formatRef(event.target);
      const holding = event.categories.length > 0 ? ` (${event.categories.join(', ')})` : '';
      const message =
        event.kind === 'copy'
          ? `Decrypted values of ${event.source ? formatRef(event.source) : 'an encrypted column'}${holding} are copied into ${target}, which is not encrypted.`
          : event.explicitDecrypt
            ? `${target}${holding} is decrypted into plain ${event.retype?.dataType ?? 'text'} by ALTER COLUMN … TYPE … USING ${event.retype?.using?.via ?? 'decrypt'}.`
            : `${target}${holding} was encrypted (${event.previousEncryption ?? 'encrypted'}) and is retyped to plain ${event.retype?.dataType ?? 'text'} without encryption.`;
      findings.push({
        at: event.at,
        message: `${message} Keep the values encrypted.`,
        categories: event.categories,
        source: event.source,
        target: event.target,
        evidence: event.previousEncryption ? [event.previousEncryption] : [],
        fix: 'Keep the values encrypted: decrypt only in the application that needs them, or re-encrypt on write (pgp_sym_encrypt) and keep the column a binary type.',
      });
    }
    return findings;
  },
};
