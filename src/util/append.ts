/**
 * Appends every item of `items` to `target`. `target.push(...items)` passes each item as an
 * argument on the stack, and a file yielding some 120,000 facts overflows it; a loop does not.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
