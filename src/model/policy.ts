import type { Policy } from '../datamap/types.js';
import { DEFAULT_ENCRYPTION_REQUIRED, selectorMatches } from '../taxonomy/categories.js';

/** The built-in policy (datamap.md, "Policy defaults"), used when there is no data map. */
export function defaultPolicy(): Policy {
  return {
    public: { deny: ['*'], allow: [] },
    partner: { deny: ['*'], allow: [] },
    encryption: { require: [...DEFAULT_ENCRYPTION_REQUIRED] },
  };
}

function matchesAny(selectors: readonly string[], category: string): boolean {
  return selectors.some((selector) => selectorMatches(selector, category));
}

/** The public policy forbids this category from reaching a public place. */
export function isDeniedPublic(policy: Policy, category: string): boolean {
  return matchesAny(policy.public.deny, category) && !matchesAny(policy.public.allow, category);
}

/**
 * The partner policy forbids this category from reaching `store`: denied, and no allow entry names
 * the store, covers the category and states a purpose.
 */
export function isDeniedToPartner(
  policy: Policy,
  category: string,
  store: string | undefined,
): boolean {
  if (!matchesAny(policy.partner.deny, category)) return false;
  return !policy.partner.allow.some(
    (entry) =>
      store !== undefined &&
      entry.store === store &&
      entry.purpose.trim() !== '' &&
      matchesAny(entry.categories, category),
  );
}

/** `policy.encryption.require` names this category: it needs column-level encryption. */
export function requiresEncryption(policy: Policy, category: string): boolean {
  return matchesAny(policy.encryption.require, category);
}
