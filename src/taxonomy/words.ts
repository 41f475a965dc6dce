/**
 * Splits an identifier into lowercase words, whatever its casing convention:
 * `patientFirstName`, `patient_first_name`, `patient-first-name`, `PatientFirstName` and
 * `"Patient First Name"` all give `['patient', 'first', 'name']`; `IPAddress` gives
 * `['ip', 'address']`; `dob2` gives `['dob', '2']`. Quotes, backticks, brackets and every other
 * non-alphanumeric character separate words, so a qualified `public.users` gives
 * `['public', 'users']` (callers pass bare names when they mean one).
 */
export function nameWords(name: string): readonly string[] {
  // Column and table names repeat across a repository's migrations: split each one once.
  const cached = wordCache.get(name);
  if (cached !== undefined) return cached;
  const words = splitWords(name);
  if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear();
  wordCache.set(name, words);
  return words;
}

const WORD_CACHE_LIMIT = 50_000;
const wordCache = new Map<string, readonly string[]>();

function splitWords(name: string): string[] {
  const spaced = name
    // `patientFirst` → `patient First`, `dob2` → `dob 2`
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    // `IPAddress` → `IP Address`
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2')
    .toLowerCase();
  return spaced.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 0);
}

/** Whether `phrase` occurs in `words` as a contiguous run of whole words. */
export function containsWords(words: readonly string[], phrase: readonly string[]): boolean {
  return findWords(words, phrase, 0) !== -1;
}

/** Index of the first whole-word occurrence of `phrase` in `words` at or after `from`, or -1. */
export function findWords(words: readonly string[], phrase: readonly string[], from = 0): number {
  if (phrase.length === 0) return -1;
  const last = words.length - phrase.length;
  for (let start = Math.max(0, from); start <= last; start++) {
    let matched = true;
    for (let offset = 0; offset < phrase.length; offset++) {
      if (words[start + offset] !== phrase[offset]) {
        matched = false;
        break;
      }
    }
    if (matched) return start;
  }
  return -1;
}
