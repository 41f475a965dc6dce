/** Every public rule id (spec/rules.md). Users write them in suppressions, baselines and configs. */
export const RULE_IDS = [
  'pii-public-exposure',
  'public-access-grant',
  'pii-unencrypted',
  'encryption-removed',
  'pii-third-party',
  'pii-logged',
  'pii-exported',
  'unclassified-pii',
  'datamap-invalid',
  'invalid-suppression',
  'parse-error',
  'unreadable-migration',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}
