import { datamapInvalid } from './datamap-invalid.js';
import { encryptionRemoved } from './encryption-removed.js';
import { invalidSuppression } from './invalid-suppression.js';
import { parseError } from './parse-error.js';
import { piiExported } from './pii-exported.js';
import { piiLogged } from './pii-logged.js';
import { piiPublicExposure } from './pii-public-exposure.js';
import { piiThirdParty } from './pii-third-party.js';
import { piiUnencrypted } from './pii-unencrypted.js';
import { publicAccessGrant } from './public-access-grant.js';
import type { Rule } from './types.js';
import { unclassifiedPii } from './unclassified-pii.js';
import { unreadableMigration } from './unreadable-migration.js';

/** Every rule, in the order of the table in spec/rules.md. */
export const RULES: readonly Rule[] = [
  piiPublicExposure,
  publicAccessGrant,
  piiUnencrypted,
  encryptionRemoved,
  piiThirdParty,
  piiLogged,
  piiExported,
  unclassifiedPii,
  datamapInvalid,
  invalidSuppression,
  parseError,
  unreadableMigration,
];

const BY_ID = new Map(RULES.map((rule) => [rule.meta.id, rule]));

export function getRule(id: string): Rule | undefined {
  return BY_ID.get(id);
}
