/**
 * SQL held in code is not plain SQL: it carries JavaScript escapes and placeholders (`${…}`, `?`,
 * `??`, `:name`). Before parsing, each placeholder becomes a stand-in identifier, which parses both
 * as a value (a column reference) and as a name (a table), and an offset map leads every position of
 * the prepared text back to the raw literal so facts keep their exact place in the host file.
 */
import { isIdentifierChar, skipQuotedOrComment } from './statements.js';

/** Maps offsets of a rewritten text back to the text it was made from. */
export interface OffsetMap {
  toOriginal(offset: number): number;
}

export const IDENTITY_MAP: OffsetMap = { toOriginal: (offset) => offset };

/** Stand-in names look like `__pq3__`: kind letter, then a per-kind ordinal. */
const STAND_IN = /__p([qine])(\d+)__/;

export interface PreparedSql {
  text: string;
  map: OffsetMap;
}

/** Does this identifier contain a placeholder stand-in (`users_${suffix}` counts)? */
export function isPlaceholderName(name: string): boolean {
  return name.includes('__p') && STAND_IN.test(name);
}

/** The 1-based parameter number of a `?` stand-in, as the n-th `?` of the text. */
export function positionalParameterOf(name: string): number | undefined {
  const match = STAND_IN.exec(name);
  if (!match || match[1] !== 'q' || match[0].length !== name.length) return undefined;
  return Number(match[2]);
}

/** Builds a text from copied slices and replacements, remembering where each piece came from. */
class RewriteBuilder {
  private readonly pieces: string[] = [];
  private length = 0;
  /** Piece starts in the new text, their start and length in the original, and whether copied. */
  private readonly newStarts: number[] = [];
  private readonly originalStarts: number[] = [];
  private readonly originalLengths: number[] = [];
  private readonly copied: boolean[] = [];

  constructor(private readonly original: string) {}

  copy(start: number, end: number): void {
    if (end <= start) return;
    this.add(this.original.slice(start, end), start, end - start, true);
  }

  replace(start: number, end: number, replacement: string): void {
    this.add(replacement, start, end - start, false);
  }

  private add(piece: string, originalStart: number, originalLength: number, copied: boolean): void {
    this.newStarts.push(this.length);
    this.originalStarts.push(originalStart);
    this.originalLengths.push(originalLength);
    this.copied.push(copied);
    this.pieces.push(piece);
    this.length += piece.length;
  }

  build(): PreparedSql {
    const { newStarts, originalStarts, originalLengths, copied } = this;
    const total = this.length;
    const originalTotal = this.original.length;
    const toOriginal = (offset: number): number => {
      if (offset >= total) return originalTotal;
      let low = 0;
      let high = newStarts.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if ((newStarts[mid] as number) <= offset) low = mid;
        else high = mid - 1;
      }
      const pieceStart = newStarts[low] as number;
      const originalStart = originalStarts[low] as number;
      if (copied[low]) return originalStart + (offset - pieceStart);
      // Inside a replacement: its start maps to the placeholder's start, anything later to its end.
      return offset === pieceStart
        ? originalStart
        : originalStart + (originalLengths[low] as number);
    };
    return { text: this.pieces.join(''), map: { toOriginal } };
  }
}

/** Replacements for JavaScript escapes in a raw literal, by the character after the backslash. */
const JS_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`',
  $: '$',
  n: '\n',
  r: '\r',
  t: '\t',
  '\n': '', // line continuation
};

/** Decodes the common JavaScript escapes of a raw string or template literal. */
function decodeJsEscapes(raw: string): PreparedSql {
  const builder = new RewriteBuilder(raw);
  let copiedUpTo = 0;
  for (let i = raw.indexOf('\\'); i >= 0 && i < raw.length; i = raw.indexOf('\\', i)) {
    const escaped = raw[i + 1];
    const replacement = escaped === undefined ? undefined : JS_ESCAPES[escaped];
    if (replacement === undefined || escaped === '?') {
      i += 2;
      continue;
    }
    builder.copy(copiedUpTo, i);
    builder.replace(i, i + 2, replacement);
    copiedUpTo = i + 2;
    i += 2;
  }
  builder.copy(copiedUpTo, raw.length);
  return builder.build();
}

/** The offset after the `}` closing the `{` at `start`, counting nested braces and skipping JS strings. */
function templateSpanEnd(text: string, start: number): number {
  let depth = 1; // the `{` at `start`
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (char === '{') depth++;
    else if (char === '}') {
      depth--;
      if (depth === 0) return i + 1;
    } else if (char === "'" || char === '"' || char === '`') {
      const close = text.indexOf(char, i + 1);
      if (close < 0) return text.length;
      i = close;
    }
  }
  return text.length;
}

/** Replaces every `${…}` (even inside SQL strings, where it is harmless) with a stand-in. */
function replaceTemplateSpans(text: string): PreparedSql {
  let templateStart = text.indexOf('${');
  if (templateStart < 0) return { text, map: IDENTITY_MAP };
  const builder = new RewriteBuilder(text);
  let copiedUpTo = 0;
  let ordinal = 0;
  while (templateStart >= 0) {
    const end = templateSpanEnd(text, templateStart + 1);
    builder.copy(copiedUpTo, templateStart);
    builder.replace(templateStart, end, `__pe${++ordinal}__`);
    copiedUpTo = end;
    templateStart = text.indexOf('${', end);
  }
  builder.copy(copiedUpTo, text.length);
  return builder.build();
}

/**
 * Replaces bindings outside quotes and comments: `?` (value), `??` (identifier), `:name` and
 * `:...name` (named; never `::type` casts). `\?` is a literal question mark. `$1` is native SQL.
 */
function replaceBindings(text: string): PreparedSql {
  if (!/[?:]/.test(text)) return { text, map: IDENTITY_MAP };
  const builder = new RewriteBuilder(text);
  let copiedUpTo = 0;
  const ordinals = { q: 0, i: 0, n: 0 };
  const standIn = (start: number, end: number, kind: keyof typeof ordinals) => {
    ordinals[kind]++;
    builder.copy(copiedUpTo, start);
    builder.replace(start, end, `__p${kind}${ordinals[kind]}__`);
    copiedUpTo = end;
  };
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const after = skipQuotedOrComment(text, i);
    if (after !== i) {
      i = after;
      continue;
    }
    if (code === 92 /* \ */ && text.charCodeAt(i + 1) === 63 /* ? */) {
      builder.copy(copiedUpTo, i);
      copiedUpTo = i + 1; // drop the backslash, keep the `?`
      i += 2;
      continue;
    }
    if (code === 63 /* ? */) {
      const width = text.charCodeAt(i + 1) === 63 ? 2 : 1;
      standIn(i, i + width, width === 2 ? 'i' : 'q');
      i += width;
      continue;
    }
    if (code === 58 /* : */) {
      const nameEnd = namedBindingEnd(text, i);
      if (nameEnd > i) {
        standIn(i, nameEnd, 'n');
        i = nameEnd;
        continue;
      }
    }
    i++;
  }
  if (copiedUpTo === 0) return { text, map: IDENTITY_MAP };
  builder.copy(copiedUpTo, text.length);
  return builder.build();
}

/** The end of a `:name` or `:...name` binding at `colon`, or `colon` when it is none (`::int`, `a[1:n]`). */
function namedBindingEnd(text: string, colon: number): number {
  const previous = text.charCodeAt(colon - 1);
  if (previous === 58 || previous === 93 /* ] */ || isIdentifierChar(previous)) return colon;
  if (text.charCodeAt(colon + 1) === 58) return colon;
  const nameStart = text.startsWith('...', colon + 1) ? colon + 4 : colon + 1;
  const first = text.charCodeAt(nameStart);
  const startsName = (first >= 97 && first <= 122) || (first >= 65 && first <= 90) || first === 95;
  if (!startsName) return colon;
  let end = nameStart + 1;
  while (
    end < text.length &&
    isIdentifierChar(text.charCodeAt(end)) &&
    text.charCodeAt(end) !== 36
  ) {
    end++;
  }
  return end;
}

function compose(outer: PreparedSql, inner: PreparedSql): PreparedSql {
  if (inner.map === IDENTITY_MAP) return { text: inner.text, map: outer.map };
  if (outer.map === IDENTITY_MAP) return inner;
  return {
    text: inner.text,
    map: { toOriginal: (offset) => outer.map.toOriginal(inner.map.toOriginal(offset)) },
  };
}

/** Decodes escapes and replaces placeholders; `map` leads prepared offsets back to `raw`. */
export function prepareFragmentText(raw: string): PreparedSql {
  const decoded = raw.includes('\\') ? decodeJsEscapes(raw) : { text: raw, map: IDENTITY_MAP };
  const templated = compose(decoded, replaceTemplateSpans(decoded.text));
  return compose(templated, replaceBindings(templated.text));
}
