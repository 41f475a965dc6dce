/**
 * Strings kept for the whole scan, made cheap: facts share one copy of each name, and strings
 * built from pieces are flattened.
 *
 * Facts hold many copies of the same few names (a column's name appears in many facts and many
 * files), and two kinds of copy cost more than they look:
 *  - V8 returns a substring of 13 characters or more as a slice that points into the string it
 *    was cut from. The TypeScript scanner cuts identifiers and string literals out of the file's
 *    text, so a fact naming `patient_email_address` held the whole migration's text: on 20,000
 *    files, about 7,500 texts stayed alive until the end of the scan.
 *  - Facts read back from the cache are parsed JSON, whose parser shares only strings of up to 10
 *    characters: every longer name was a copy of its own, and a warm scan's facts took more
 *    memory than a cold scan's.
 * Facts are plain data (the cache stores them as JSON), so a walk over their properties reaches
 * every string.
 */

/** Shorter strings are left alone: V8 copies (never slices) them and JSON shares them. */
const SHARED_MIN_LENGTH = 11;

/** One copy of each string shared; emptied when full so a long-lived process stays bounded. */
const copies = new Map<string, string>();
const MAX_COPIES = 200_000;

/** Replaces, in place, every string of `value` (11 characters or more) with its shared copy. */
export function shareStrings<T>(value: T): T {
  return shared(value) as T;
}

function shared(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length >= SHARED_MIN_LENGTH ? sharedString(value) : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) value[index] = shared(value[index]);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const property = record[key];
    if (typeof property === 'string' || (typeof property === 'object' && property !== null)) {
      record[key] = shared(property);
    }
  }
  return value;
}

/**
 * One flat copy of a string made many times over, such as a classifier's reason: the same column
 * name in 6,000 tables gives 6,000 equal reasons, and the model keeps every one.
 */
export function sharedString(text: string): string {
  const known = copies.get(text);
  if (known !== undefined) return known;
  if (copies.size >= MAX_COPIES) copies.clear();
  // Joining flattens into a new string; the slice of it holds only that short copy.
  const copy = ` ${text}`.slice(1);
  copies.set(copy, copy);
  return copy;
}

/**
 * The string, flattened in place. A template literal or `+` makes a chain of pieces rather than a
 * copy; a string kept for the rest of the scan (a category's evidence, a path step) costs less as
 * one piece: at 20,000 files the chains took 38 MB, about twice their flat size. Reading a
 * character makes V8 flatten the chain, and collection then drops its pieces.
 */
export function flatString(text: string): string {
  text.charCodeAt(0);
  return text;
}
