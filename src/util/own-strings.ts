/**
 * Gives a file's facts strings of their own, so that no fact keeps the file's text alive.
 *
 * V8 returns a substring of 13 characters or more as a slice that points into the string it was
 * cut from. The TypeScript scanner cuts identifiers and string literals out of the file's text,
 * so a fact naming `patient_email_address` held the whole migration's text: on 20,000 files,
 * about 7,500 texts stayed alive until the end of the scan, through the facts, the model's
 * column maps and the classifier's word cache. Facts are plain data (the cache stores them as
 * JSON), so a walk over their properties reaches every string. The copies are shared: a column's
 * name appears in many facts and many files, and one copy of it is enough.
 */

/** V8 makes a slice (not a copy) of substrings at least this long. */
const SLICE_MIN_LENGTH = 13;

/** One copy of each long string seen; emptied when full so a long-lived process stays bounded. */
const copies = new Map<string, string>();
const MAX_COPIES = 200_000;

/** Replaces, in place, every long string in `value` with a copy; returns `value`. */
export function withOwnStrings<T>(value: T): T {
  return ownCopy(value) as T;
}

function ownCopy(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length >= SLICE_MIN_LENGTH ? sharedCopy(value) : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) value[index] = ownCopy(value[index]);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const property = record[key];
    if (typeof property === 'string' || (typeof property === 'object' && property !== null)) {
      record[key] = ownCopy(property);
    }
  }
  return value;
}

function sharedCopy(text: string): string {
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
