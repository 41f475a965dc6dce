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

/**
 * Stand-in names look like `__pq3__`: kind letter, then a per-kind ordinal. Kinds: `q` a `?`, `i` a
 * `??`, `n` a `:name`, `e` a `${…}` expression, `t` a `{{ … }}` text template in a `.sql` file.
 */
const STAND_IN = /__p([qinet])(\d+)__/;

/** Every stand-in name in a text (parser messages quote them). */
export const STAND_IN_NAMES = /__p[a-z]*\d+__/g;

/** A `${…}` stand-in: SQL whose text is only known at run time. */
const RUNTIME_STAND_IN = /__pe\d+__/;

/** Does this prepared statement hold a `${…}` stand-in, so its real text is only known at run time? */
export function hasRuntimeStandIn(sql: string): boolean {
  return sql.includes('__pe') && RUNTIME_STAND_IN.test(sql);
}

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
export class RewriteBuilder {
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

  /** Replaces with text of the same length, so every offset inside keeps its place. */
  overwrite(start: number, end: number, replacement: string): void {
    this.add(replacement, start, end - start, replacement.length === end - start);
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

/**
 * What a `${…}` stands for, judged from its neighbours: a whole row after `VALUES`
 * (`VALUES ${rows}`, and `, ${more}` after such a row), a whole `col = value` item of a SET list
 * (`SET ${assignments}, updated_at = now()`), or else a single name or value.
 */
type SpanRole = 'row' | 'set-item' | 'name-or-value';

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** The lower-cased word ending just before `end` (after skipping whitespace), and where it starts. */
function wordBefore(text: string, end: number): { word: string; start: number } {
  let wordEnd = end;
  while (wordEnd > 0 && isSpace(text.charCodeAt(wordEnd - 1))) wordEnd--;
  let start = wordEnd;
  while (start > 0 && isIdentifierChar(text.charCodeAt(start - 1))) start--;
  return { word: text.slice(start, wordEnd).toLowerCase(), start };
}

function nextCharAfter(text: string, index: number): string {
  let i = index;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return text.charAt(i);
}

const MAX_LOOK_BACK = 4_000;

/** Clause words that end a SET list when read backwards from one of its commas. */
const CLAUSE_WORDS: ReadonlySet<string> = new Set([
  'set',
  'select',
  'from',
  'where',
  'values',
  'returning',
  'into',
  'on',
  'using',
  'by',
  'with',
]);

/** Is the comma at `comma` one of a SET list's (the nearest clause word before it, at depth 0, is SET)? */
function commaInSetList(text: string, comma: number): boolean {
  let depth = 0;
  let i = comma - 1;
  // Bounded, so a long generated list of `${…}` stays linear.
  const stop = Math.max(0, comma - MAX_LOOK_BACK);
  while (i >= stop) {
    const code = text.charCodeAt(i);
    if (code === 41 /* ) */) depth++;
    else if (code === 40 /* ( */) {
      if (depth === 0) return false;
      depth--;
    } else if (depth === 0 && isIdentifierChar(code)) {
      const { word, start } = wordBefore(text, i + 1);
      if (CLAUSE_WORDS.has(word)) return word === 'set';
      i = start - 1;
      continue;
    }
    i--;
  }
  return false;
}

function spanRole(text: string, start: number, end: number, previous?: RowSpan): SpanRole {
  let before = start;
  while (before > 0 && isSpace(text.charCodeAt(before - 1))) before--;
  const previousChar = text.charCodeAt(before - 1);
  const assignsAfter = nextCharAfter(text, end) === '=';
  if (previousChar === 44 /* , */) {
    if (previous && /^\s*,\s*$/.test(text.slice(previous.end, start))) return 'row';
    return !assignsAfter && commaInSetList(text, before - 1) ? 'set-item' : 'name-or-value';
  }
  const { word } = wordBefore(text, start);
  if (word === 'values') return 'row';
  if (word === 'set' && !assignsAfter) return 'set-item';
  return 'name-or-value';
}

interface RowSpan {
  end: number;
}

/**
 * Replaces every `${…}` (even inside SQL strings, where it is harmless) with a stand-in shaped for
 * where it stands (see `SpanRole`), so `VALUES ${rows}` and `SET ${assignments}` still parse.
 */
function replaceTemplateSpans(text: string): PreparedSql {
  let templateStart = text.indexOf('${');
  if (templateStart < 0) return { text, map: IDENTITY_MAP };
  const builder = new RewriteBuilder(text);
  let copiedUpTo = 0;
  let ordinal = 0;
  let previousRow: RowSpan | undefined;
  while (templateStart >= 0) {
    const end = templateSpanEnd(text, templateStart + 1);
    const role = spanRole(text, templateStart, end, previousRow);
    const name = `__pe${++ordinal}__`;
    builder.copy(copiedUpTo, templateStart);
    // Decorations are zero-width pieces, so the name itself maps back to the whole `${…}`.
    if (role === 'row') builder.replace(templateStart, templateStart, '(');
    builder.replace(templateStart, end, name);
    if (role === 'row') builder.replace(end, end, ')');
    if (role === 'set-item') builder.replace(end, end, ' = NULL');
    previousRow = role === 'row' ? { end } : undefined;
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
  if (!/[?:$@]/.test(text)) return { text, map: IDENTITY_MAP };
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
      const operatorWidth = jsonbOperatorWidth(text, i);
      if (operatorWidth > 0) {
        i += operatorWidth;
        continue;
      }
      const width = text.charCodeAt(i + 1) === 63 ? 2 : 1;
      standIn(i, i + width, width === 2 ? 'i' : 'q');
      i += width;
      continue;
    }
    if (code === 64 /* @ */ && text.charCodeAt(i + 1) === 63 /* ? */) {
      i += 2; // jsonb `@?` (path exists)
      continue;
    }
    if (code === 36 /* $ */ || code === 64 /* @ */) {
      const nameEnd = sigilBindingEnd(text, i);
      if (nameEnd > i) {
        standIn(i, nameEnd, 'n');
        i = nameEnd;
        continue;
      }
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

/**
 * The width of a jsonb key operator at `at` (`?`, `?|`, `?&`), or 0 when the `?` is a placeholder.
 * An operator follows a value (a name, `)`, a quoted name) and is followed by a string or an array:
 * `data ? 'email'`, `tags ?| array['a']`. A placeholder follows `=`, `(`, `,` or a keyword.
 */
function jsonbOperatorWidth(text: string, at: number): number {
  const next = text.charCodeAt(at + 1);
  const width = next === 124 /* | */ || next === 38 /* & */ ? 2 : 1;
  let before = at;
  while (before > 0 && isSpace(text.charCodeAt(before - 1))) before--;
  const previous = text.charCodeAt(before - 1);
  const followsValue = previous === 41 /* ) */ || previous === 34 /* " */ || previous === 93;
  const followsName =
    isIdentifierChar(previous) && !PLACEHOLDER_KEYWORDS.has(wordBefore(text, before).word);
  if (!followsValue && !followsName) return 0;
  let after = at + width;
  while (after < text.length && isSpace(text.charCodeAt(after))) after++;
  const rest = text.slice(after, after + 6).toLowerCase();
  return rest.startsWith("'") || rest.startsWith('array') || rest.startsWith('$') ? width : 0;
}

/** Keywords a placeholder `?` may follow directly (`LIMIT ?`, `IN ?`), never a jsonb operand. */
const PLACEHOLDER_KEYWORDS: ReadonlySet<string> = new Set([
  'limit',
  'offset',
  'in',
  'values',
  'set',
  'and',
  'or',
  'not',
  'is',
  'like',
  'ilike',
  'between',
  'then',
  'else',
  'when',
  'select',
  'return',
  'returning',
]);

/**
 * The end of a Sequelize bind `$name` or a named `@name` parameter at `at`, or `at` when it is
 * none: `$1` is native SQL, `$tag$` opens a dollar-quoted string, `@@var` and `@>` are MySQL and
 * Postgres syntax, and a sigil inside a name (`a$b`) is part of the name.
 */
function sigilBindingEnd(text: string, at: number): number {
  if (at > 0 && isIdentifierChar(text.charCodeAt(at - 1))) return at;
  const first = text.charCodeAt(at + 1);
  const startsName = (first >= 97 && first <= 122) || (first >= 65 && first <= 90) || first === 95;
  if (!startsName) return at;
  let end = at + 2;
  while (end < text.length && isIdentifierChar(text.charCodeAt(end)) && text.charCodeAt(end) !== 36)
    end++;
  if (text.charCodeAt(end) === 36 /* $ */) return at; // `$body$` dollar quote
  return end;
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

/* ------------------------------------------------------------------------------------------------
 * Text templates in `.sql` files
 * --------------------------------------------------------------------------------------------- */

/** A `.sql` file with its text templates replaced, and each stand-in's template, normalised. */
export interface TemplatedSql extends PreparedSql {
  templates: ReadonlyMap<string, string>;
}

/** `{{`, `{%` or `{#`: the cheap test before any template work. */
const TEMPLATE_OPENING = /\{[{%#]/;

/** Go template actions that steer the template instead of printing a value. */
const GO_CONTROL = /^(?:if|else|end|range|with|define|template|block|break|continue)\b/;

/** Templates longer than this are taken for something else (a JSON default, say) and left alone. */
const MAX_TEMPLATE_CHARS = 2_000;

/** The offset after the `}}` closing the action opened at `start` (strings skipped), or -1. */
function actionEnd(text: string, start: number): number {
  const limit = Math.min(text.length, start + MAX_TEMPLATE_CHARS);
  for (let i = start + 2; i < limit; i++) {
    const char = text[i];
    if (char === '}' && text[i + 1] === '}') return i + 2;
    if (char === '"' || char === "'" || char === '`') {
      let close = i + 1;
      while (close < limit && text[close] !== char) close += text[close] === '\\' ? 2 : 1;
      if (close >= limit) return -1;
      i = close;
    } else if (char === '\n' && text[i + 1] === '\n') return -1;
  }
  return -1;
}

/**
 * A template comment spanning lines with statements in it: when the file is run without rendering
 * (its tags hidden in `--` comments), the statements run. They are read, not blanked.
 */
function hidesStatements(inner: string): boolean {
  return /[\r\n]/.test(inner) && STATEMENT_WORD.test(inner);
}

const STATEMENT_WORD =
  /\b(?:grant|revoke|create|alter|drop|insert|update|delete|copy|select|comment|policy|truncate)\b/i;

/** Blanks a comment's opening tag (`from`–`innerFrom`) and closing tag (`innerTo`–`to`), keeping the inside. */
function blankTagsOnly(
  text: string,
  builder: RewriteBuilder,
  copiedUpTo: number,
  from: number,
  innerFrom: number,
  innerTo: number,
  to: number,
): void {
  builder.copy(copiedUpTo, from);
  builder.overwrite(from, innerFrom, blankOf(text.slice(from, innerFrom)));
  builder.copy(innerFrom, innerTo);
  builder.overwrite(innerTo, to, blankOf(text.slice(innerTo, to)));
}

/**
 * Whether `index` lies inside a `"…"` identifier or `'…'` string of its line (a `--` comment ends
 * the search). Templates there are text to Postgres.
 */
function insideQuotes(text: string, index: number): boolean {
  let lineStart = Math.max(text.lastIndexOf('\n', index), text.lastIndexOf('\r', index)) + 1;
  let quote: string | undefined;
  for (; lineStart < index; lineStart++) {
    const char = text[lineStart];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '-' && text[lineStart + 1] === '-') return false;
  }
  return quote !== undefined;
}

/** `"{{ … }}"`: the whole quoted name is the template (the stand-in swallows the quotes). */
function wholeQuotedTemplate(text: string, index: number): boolean {
  if (text[index - 1] !== '"') return false;
  const end = actionEnd(text, index);
  return end >= 0 && text[end] === '"';
}

function blankOf(part: string): string {
  return part.replace(/[^\r\n]/g, ' ');
}

/**
 * Go (`{{ index .Options "Namespace" }}`) and Jinja/dbt (`{{ ref('users') }}`) templates are
 * rendered before Postgres sees the file. A value template becomes a stand-in identifier
 * (`__pt1__`), swallowing the double quotes written around it (`"{{ … }}".users`), since the
 * template's own quotes would otherwise break the quoted name. Control blocks (`{% … %}`,
 * `{{ if … }}`, `{{ end }}`) and template comments are blanked, keeping both branches of a
 * conditional. Undefined when the text has no template. Offsets map back to `text`.
 */
export function replaceTextTemplates(text: string): TemplatedSql | undefined {
  if (!TEMPLATE_OPENING.test(text)) return undefined;
  const builder = new RewriteBuilder(text);
  const templates = new Map<string, string>();
  let copiedUpTo = 0;
  let index = text.indexOf('{');
  while (index >= 0 && index < text.length - 1) {
    const kind = text[index + 1];
    let end = -1;
    let blank = false;
    if (kind !== '{' && insideQuotes(text, index)) {
      // `"patients{{x}}"`, `'{{ var }}'`: Postgres reads the text as written; so does piilint.
      index = text.indexOf('{', index + 1);
      continue;
    }
    if (kind === '%' || kind === '#') {
      const close = text.indexOf(`${kind}}`, index + 2);
      if (close >= 0 && close - index <= MAX_TEMPLATE_CHARS) {
        end = close + 2;
        blank = true;
        if (kind === '#' && hidesStatements(text.slice(index + 2, close))) {
          blankTagsOnly(text, builder, copiedUpTo, index, index + 2, close, end);
          copiedUpTo = end;
          index = text.indexOf('{', end);
          continue;
        }
      }
    } else if (kind === '{') {
      if (insideQuotes(text, index) && !wholeQuotedTemplate(text, index)) {
        index = text.indexOf('{', index + 2);
        continue;
      }
      end = actionEnd(text, index);
      const inner = text
        .slice(index + 2, Math.max(index + 2, end - 2))
        .replace(/^-?\s*/, '')
        .replace(/\s*-?$/, '');
      blank = inner.startsWith('/*') || GO_CONTROL.test(inner);
      if (end >= 0 && inner.startsWith('/*') && hidesStatements(inner)) {
        // `-- {{/*` … `-- */}}`: a database that runs the file as it is runs what lies between.
        const open = text.indexOf('/*', index) + 2;
        const close = text.lastIndexOf('*/', end);
        blankTagsOnly(text, builder, copiedUpTo, index, open, close, end);
        copiedUpTo = end;
        index = text.indexOf('{', end);
        continue;
      }
      if (end >= 0 && !blank) {
        const quoted = text[index - 1] === '"' && text[end] === '"' && index - 1 >= copiedUpTo;
        const from = quoted ? index - 1 : index;
        const to = quoted ? end + 1 : end;
        const name = `__pt${templates.size + 1}__`;
        templates.set(name, `{{ ${inner.replace(/\s+/g, ' ')} }}`);
        builder.copy(copiedUpTo, from);
        builder.replace(from, to, name);
        copiedUpTo = to;
        index = text.indexOf('{', to);
        continue;
      }
    }
    if (end < 0) {
      index = text.indexOf('{', index + 1);
      continue;
    }
    if (blank) {
      builder.copy(copiedUpTo, index);
      builder.overwrite(index, end, blankOf(text.slice(index, end)));
      copiedUpTo = end;
    }
    index = text.indexOf('{', end);
  }
  if (copiedUpTo === 0) return undefined;
  builder.copy(copiedUpTo, text.length);
  return { ...builder.build(), templates };
}
