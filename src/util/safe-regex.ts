/**
 * Finds regular expressions that backtrack catastrophically in JavaScript's engine: a repeated
 * group that itself repeats something (`^(a+)+$`, `(\w*)*`, `(a|b+){2,}`) takes time exponential in
 * the input on a near match. Config patterns are checked when loaded, so a pull request cannot
 * stall the job with one. Also: a name escaped for use inside a pattern.
 */

/** Why the pattern may backtrack catastrophically, or undefined when it cannot. */
export function catastrophicBacktracking(pattern: string): string | undefined {
  // Per open group: whether something inside it repeats without bound.
  const groups: Atom[] = [];
  let lastAtom: Atom | undefined;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      i++;
      lastAtom = { repeats: false, start: i - 1 };
      continue;
    }
    if (char === '[') {
      const start = i;
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
      lastAtom = { repeats: false, start };
      continue;
    }
    if (char === '(') {
      groups.push({ repeats: false, start: i });
      lastAtom = undefined;
      continue;
    }
    if (char === ')') {
      const group = groups.pop();
      if (group) group.overlapping = overlappingAlternatives(pattern.slice(group.start + 1, i));
      lastAtom = group;
      continue;
    }
    const unbounded = unboundedQuantifierAt(pattern, i);
    if (unbounded !== undefined) {
      if (lastAtom?.repeats) {
        return `\`${pattern.slice(lastAtom.start, unbounded.end)}\` repeats a group that itself repeats, which can take exponential time`;
      }
      if (lastAtom?.overlapping) {
        return `\`${pattern.slice(lastAtom.start, unbounded.end)}\` repeats alternatives that can match the same text, which can take exponential time`;
      }
      const outer = groups.at(-1);
      if (outer) outer.repeats = true;
      i = unbounded.end - 1;
      // `(a+)` then `+`: the group repeated is marked on the atom; the outer group already knows.
      lastAtom = lastAtom ? { ...lastAtom, repeats: true } : undefined;
      continue;
    }
    if (char === '?' || char === '{') continue; // bounded quantifier or lazy mark
    lastAtom = { repeats: false, start: i };
  }
  return undefined;
}

interface Atom {
  /** Something inside repeats without a fixed count. */
  repeats: boolean;
  /** A group whose alternatives can match the same text (`a|aa`). */
  overlapping?: boolean;
  start: number;
}

/** Literal alternatives where one starts another (`a|aa`, `x|x`): repeated, they backtrack. */
function overlappingAlternatives(body: string): boolean {
  const inner = body.replace(/^\?(?::|=|!|<=|<!|<[^>]*>)/, '');
  if (!inner.includes('|') || /[()[\\]/.test(inner)) return false;
  const alternatives = inner.split('|');
  return alternatives.some((a, i) =>
    alternatives.some((b, j) => i !== j && (b.startsWith(a) || a === '')),
  );
}

/** `*`, `+`, `{n,}` or `{n,m}` with m > 1 at `index` (a trailing `?` or `+` included). */
function unboundedQuantifierAt(pattern: string, index: number): { end: number } | undefined {
  const char = pattern[index];
  let end: number;
  if (char === '*' || char === '+') end = index + 1;
  else if (char === '{') {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(index));
    if (!match) return undefined;
    const max =
      match[2] === undefined ? Number(match[1]) : match[3] === '' ? Infinity : Number(match[3]);
    if (max <= 1 || max === Number(match[1])) return undefined; // `{3}`: a fixed count
    end = index + match[0].length;
  } else return undefined;
  if (pattern[end] === '?') end++;
  return { end };
}

/** `text` as a pattern that matches it literally (a variable's or a parameter's name). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
