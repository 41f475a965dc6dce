import type { SourceLocation } from '../facts.js';
import type { FindingDraft } from '../findings.js';
import {
  categoryIds,
  describeHeld,
  evidenceOf,
  formatLocation,
  formatRef,
} from '../model/describe.js';
import { requiresEncryption } from '../model/policy.js';
import type {
  ColumnRef,
  CategoryEvidence,
  ColumnWrite,
  Model,
  ModelColumn,
  ModelStore,
  ModelTable,
} from '../model/types.js';
import { credentialKind, hashEvidenceFromName } from '../taxonomy/classifier.js';
import type { CredentialKind } from '../taxonomy/classifier.js';
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
      const copiesHashes =
        column.transform === 'copy' &&
        column.sources.length > 0 &&
        column.sources.every((source) => holdsHashes(model, source));
      if (column.transform !== 'hash' && !copiesHashes) continue;
      written.add(
        formatRef({ store: copy.target.store, table: copy.target.table, column: column.column }),
      );
    }
  }
  return written;
}

/**
 * A column every visible application write hashes, or whose name says hash: a copy of it (a
 * password history, an audit envelope) holds hashes too.
 */
function holdsHashes(model: Model, ref: ColumnRef): boolean {
  const column = model.stores.get(ref.store)?.tables.get(ref.table)?.columns.get(ref.column);
  if (column === undefined) return false;
  if (hashEvidenceFromName(column.name, column.dataType) !== undefined) return true;
  return column.writes.length > 0 && column.writes.every((write) => write.protection === 'hash');
}

function isHashed(column: ModelColumn, ref: string, hashed: ReadonlySet<string>): boolean {
  return hashed.has(ref) || hashEvidenceFromName(column.name, column.dataType) !== undefined;
}

const ENCRYPT_FIX = `Encrypt the column (pgp_sym_encrypt on write into a bytea column, or application-level encryption), then mark it \`encrypted: true\` in the data map.`;

/** What each kind of secret needs (taxonomy.md, "Default encryption policy"): some must be read back, some never. */
const CREDENTIAL_FIXES: Record<CredentialKind, string> = {
  password:
    'Hash passwords with a password hash (bcrypt, scrypt, argon2) before storing them and store only the hash (`password_hash`); never encrypt them: an encrypted password can be decrypted.',
  'recovery code':
    'Hash recovery codes (bcrypt, or SHA-256 of a long random code) and compare hashes when one is used; a code is never shown again.',
  'one-time password seed':
    'Encrypt TOTP seeds with a key kept outside the database (AES-GCM, KMS, Vault): the application must read them back to check codes, so a hash does not work.',
  'API key':
    'Encrypt stored API keys and tokens with a key kept outside the database (AES-GCM, KMS, Vault): the application must read them back. A key your own service issues may be stored as a hash instead.',
  token:
    'Store only a hash of a token or code your own service issues (session, refresh, sign-in and reset tokens: SHA-256 of a long random value) and look it up by that hash: it is compared, never read back. A token of another service the application presents again (an OAuth provider’s access or refresh token) is encrypted instead, with a key kept outside the database (AES-GCM, KMS, Vault).',
  secret:
    'Encrypt the secret with a key kept outside the database (AES-GCM, KMS, Vault), or store only a hash if it never needs to be read back.',
};

/** Passwords must be hashed, not encrypted; other secrets are protected by either. */
function acceptsEncryption(kind: CredentialKind): boolean {
  return kind !== 'password';
}

/** What a protecting write does to the column, for a message. */
function whatItDoes(write: ColumnWrite): string {
  if (write.checked) return 'checks it as a hash';
  return write.protection === 'hash' ? 'hashes it' : 'encrypts it';
}

function describeWrite(write: ColumnWrite): string {
  return `${formatLocation(write.at)} (${write.writer})`;
}

function draftFor(
  store: ModelStore,
  table: ModelTable,
  column: ModelColumn,
  required: CategoryEvidence[],
  at: SourceLocation,
  message: string,
  evidence: string[],
  fix: string,
): FindingDraft {
  return {
    at,
    message,
    categories: categoryIds(required),
    target: {
      store: store.id,
      table: table.name,
      column: column.name,
      exposure: table.exposure,
    },
    phi: required.some((entry) => entry.phi),
    evidence: [...evidenceOf(required), ...evidence],
    fix,
  };
}

/**
 * The application's own writes decide when they are visible: a plain write is a finding at that
 * write (also beside writes that protect the column), a password that is only encrypted is one at
 * the column, and a column every visible write protects is clean.
 */
function judgeByWrites(
  store: ModelStore,
  table: ModelTable,
  column: ModelColumn,
  ref: string,
  required: CategoryEvidence[],
  kind: CredentialKind | undefined,
): FindingDraft | undefined | 'clean' {
  const writes = column.writes;
  if (writes.length === 0) return undefined;
  // A hook or setter that hashes or encrypts on every save covers what other writes hand the ORM.
  const hook = writes.find((write) => write.hook && write.protection !== 'plain');
  if (hook !== undefined) {
    const enough =
      kind === undefined
        ? hook.protection === 'encrypt'
        : hook.protection === 'hash' || acceptsEncryption(kind);
    if (enough) return 'clean';
  }
  const plain = writes.filter((write) => write.protection === 'plain');
  const hashing = writes.filter((write) => write.protection === 'hash');
  const encrypting = writes.filter((write) => write.protection === 'encrypt');
  const protecting = kind === undefined ? encrypting : [...hashing, ...encrypting];
  const data = describeHeld(required);
  const fix = kind === undefined ? ENCRYPT_FIX : CREDENTIAL_FIXES[kind];
  const first = plain[0];
  if (first !== undefined) {
    // A plain write of a health value with no protection anywhere is the column's own finding.
    if (kind === undefined && protecting.length === 0 && !column.encryption.encrypted) {
      return undefined;
    }
    const others = protecting[0];
    const beside = others ? `, while ${describeWrite(others)} ${whatItDoes(others)}` : '';
    return draftFor(
      store,
      table,
      column,
      required,
      first.at,
      `${data} is written to ${ref} in plain text${beside}.`,
      [
        ...plain
          .slice(0, 5)
          .map((write) => `plain write: ${write.evidence} at ${describeWrite(write)}`),
        ...protecting
          .slice(0, 3)
          .map(
            (write) => `${write.protection} write: ${write.evidence} at ${describeWrite(write)}`,
          ),
      ],
      fix,
    );
  }
  if (kind !== undefined && hashing.length === 0 && !acceptsEncryption(kind)) {
    const encrypted = encrypting[0] as ColumnWrite;
    return draftFor(
      store,
      table,
      column,
      required,
      column.lastChangedAt,
      `${data} in ${ref} is encrypted, not hashed: a ${kind} must not be recoverable.`,
      [`encrypt write: ${encrypted.evidence} at ${describeWrite(encrypted)}`],
      fix,
    );
  }
  if (kind === undefined && encrypting.length === 0) return undefined;
  return 'clean';
}

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
          if (column.references || column.encryptionRemovedAt) continue;
          // Declared encryption (data map, encrypted type, transformer) covers every write.
          const declaredEncryption =
            column.encryption.encrypted && column.encryption.kind !== 'function';
          if (declaredEncryption) continue;
          const ref = formatRef({ store: store.id, table: table.name, column: column.name });
          const required = column.categories.filter(
            (entry) => !entry.pseudonymous && requiresEncryption(model.policy, entry.category),
          );
          if (required.length === 0) continue;
          const credentials = required.every((entry) => isCredential(entry.category));
          const kind = credentials ? credentialKind(column.name) : undefined;
          const byWrites = judgeByWrites(store, table, column, ref, required, kind);
          if (byWrites === 'clean') continue;
          if (byWrites !== undefined) {
            findings.push(byWrites);
            continue;
          }
          if (column.encryption.encrypted) continue;
          // No write decides: a credential is clean when a hash writes it or its name says hashed.
          const remaining = required.filter(
            (entry) => !isCredential(entry.category) || !isHashed(column, ref, hashed),
          );
          const fromFlowsOnly = remaining.every((entry) => entry.origin === 'flow');
          if (remaining.length === 0 || (!column.definedInCode && !fromFlowsOnly)) continue;
          const onlyCredentials = remaining.every((entry) => isCredential(entry.category));
          const atRest = store.encryptedAtRest
            ? ` The store is encrypted at rest, which covers disk theft only: the policy asks for column-level encryption.`
            : '';
          const protection = onlyCredentials
            ? kind === 'password' || kind === 'recovery code'
              ? 'without a password hash'
              : 'without column-level encryption or a hash'
            : 'without column-level encryption';
          const plainWrites = column.writes
            .filter((write) => write.protection === 'plain')
            .slice(0, 3)
            .map((write) => `plain write: ${write.evidence} at ${describeWrite(write)}`);
          findings.push(
            draftFor(
              store,
              table,
              column,
              remaining,
              fromFlowsOnly ? (remaining[0]?.at ?? column.lastChangedAt) : column.lastChangedAt,
              `${describeHeld(remaining)} is stored in ${ref} ${protection}.${atRest}`,
              [
                onlyCredentials
                  ? 'no encryption or hash evidence: no encrypted type, no write of the application hashes or encrypts it, no hash in its name, not encrypted in the data map'
                  : 'no encryption evidence: no encrypted type, no encryption function or write of the application encrypts it, not encrypted in the data map',
                ...plainWrites,
              ],
              onlyCredentials && kind !== undefined ? CREDENTIAL_FIXES[kind] : ENCRYPT_FIX,
            ),
          );
        }
      }
    }
    return findings;
  },
};
