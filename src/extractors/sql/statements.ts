/**
 * Lexical helpers for SQL text: skipping quotes, dollar quotes and comments, splitting a file into
 * statements, finding where a list item ends, blanking the Down part of a migration and replacing
 * placeholders of SQL held in code. None of these parse SQL; they only need to know what is quoted.
 */

/** A range of string offsets [start, end). */
export interface TextSpan {
  start: number;
  end: number;
}

const CHAR_NEWLINE = 10;
const CHAR_SPACE = 32;

// Module level so no regex is compiled per statement.
const DOLLAR_TAG = /\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const NOT_LINE_BREAK = /[^\r\n]/g;
const MIGRATION_MARKER =
  /^[ \t]*--[ \t]*(?:\+(?:migrate|goose)[ \t]+(up|down)|migrate:(up|down)|(up|down)[ \t]+migration)\b/gim;

export function isIdentifierChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    (code >= 48 && code <= 57) || // 0-9
    code === 95 || // _
    code === 36 || // $
    code >= 0x80
  );
}

function isWhitespace(code: number): boolean {
  return code === CHAR_SPACE || (code >= 9 && code <= 13);
}

/**
 * If a string literal, quoted identifier, dollar-quoted body or comment starts at `index`, returns
 * the offset just after it (the end of the text when it is unterminated); otherwise returns `index`.
 */
export function skipQuotedOrComment(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const next = text.charCodeAt(index + 1);
  if (code === 39 /* ' */) {
    const previous = text.charCodeAt(index - 1);
    const backslashEscapes =
      (previous === 69 || previous === 101) /* E e */ &&
      !isIdentifierChar(text.charCodeAt(index - 2));
    return skipQuoted(text, index, 39, backslashEscapes);
  }
  if (code === 34 /* " */) return skipQuoted(text, index, 34, false);
  if (code === 96 /* ` (MySQL) */) return skipQuoted(text, index, 96, false);
  if (code === 45 /* - */ && next === 45) return lineEnd(text, index);
  if (code === 35 /* # MySQL comment */ && !isIdentifierChar(text.charCodeAt(index - 1))) {
    // `#` is also a Postgres operator (bitwise xor); only a `#` that starts a line's content is a comment.
    if (isLineStartContent(text, index)) return lineEnd(text, index);
    return index;
  }
  if (code === 47 /* / */ && next === 42 /* * */) return skipBlockComment(text, index);
  if (code === 36 /* $ */ && !isIdentifierChar(text.charCodeAt(index - 1))) {
    DOLLAR_TAG.lastIndex = index;
    const match = DOLLAR_TAG.exec(text);
    if (match) {
      const tag = match[0];
      const close = text.indexOf(tag, index + tag.length);
      return close < 0 ? text.length : close + tag.length;
    }
  }
  return index;
}

function isLineStartContent(text: string, index: number): boolean {
  for (let i = index - 1; i >= 0; i--) {
    const code = text.charCodeAt(i);
    if (code === CHAR_NEWLINE) return true;
    if (!isWhitespace(code)) return false;
  }
  return true;
}

function skipQuoted(text: string, index: number, quote: number, backslashEscapes: boolean): number {
  for (let i = index + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (backslashEscapes && code === 92 /* \ */) {
      i++;
      continue;
    }
    if (code === quote) {
      if (text.charCodeAt(i + 1) === quote) {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return text.length;
}

/** A `--` comment ends at LF or a lone CR, as Postgres reads it (a CR-only file has no LF). */
function lineEnd(text: string, index: number): number {
  for (let i = index; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || code === 13) return i;
  }
  return text.length;
}

function skipBlockComment(text: string, index: number): number {
  // Postgres block comments nest.
  let depth = 0;
  for (let i = index; i < text.length - 1; i++) {
    const code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (code === 47 && next === 42) {
      depth++;
      i++;
    } else if (code === 42 && next === 47) {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

/** The first offset at or after `index` that is neither whitespace nor inside a comment. */
export function skipTrivia(text: string, index: number, limit = text.length): number {
  let i = index;
  while (i < limit) {
    const code = text.charCodeAt(i);
    if (isWhitespace(code)) {
      i++;
      continue;
    }
    const next = text.charCodeAt(i + 1);
    if ((code === 45 && next === 45) || (code === 47 && next === 42) || code === 35) {
      const after = skipQuotedOrComment(text, i);
      if (after === i) return i;
      i = after;
      continue;
    }
    return i;
  }
  return Math.min(i, limit);
}

/** `end` moved back over trailing whitespace (not below `start`). */
export function trimEnd(text: string, start: number, end: number): number {
  let i = end;
  while (i > start && isWhitespace(text.charCodeAt(i - 1))) i--;
  return i;
}

/**
 * Splits SQL text at top-level semicolons. Each span starts at the statement's first token and ends
 * before its semicolon with trailing whitespace removed; spans holding only comments are dropped.
 */
export function splitStatements(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  let statementStart = 0;
  const push = (end: number) => {
    const start = skipTrivia(text, statementStart, end);
    const trimmed = trimEnd(text, start, end);
    if (trimmed > start) spans.push({ start, end: trimmed });
  };
  for (let i = 0; i < text.length; i++) {
    const after = skipQuotedOrComment(text, i);
    if (after !== i) {
      i = after - 1;
      continue;
    }
    if (text.charCodeAt(i) === 59 /* ; */) {
      push(i);
      statementStart = i + 1;
    }
  }
  push(text.length);
  return spans;
}

/** Clause keywords that end a select-list or SET item at nesting depth 0. */
export const SELECT_ITEM_STOP_WORDS: ReadonlySet<string> = new Set([
  'from',
  'into',
  'where',
  'group',
  'having',
  'window',
  'union',
  'intersect',
  'except',
  'order',
  'limit',
  'offset',
  'fetch',
  'for',
  'returning',
  'on',
]);

const NO_STOP_WORDS: ReadonlySet<string> = new Set();

/**
 * Where the list item starting at `start` ends: before the next comma, semicolon or unbalanced
 * closing parenthesis at nesting depth 0, or before one of `stopWords` at depth 0, whichever comes
 * first before `limit`. Trailing whitespace and comments are not part of the item.
 */
export function findItemEnd(
  text: string,
  start: number,
  limit: number,
  stopWords: ReadonlySet<string> = NO_STOP_WORDS,
): number {
  let depth = 0;
  let lastTokenEnd = start;
  let i = start;
  while (i < limit) {
    const code = text.charCodeAt(i);
    if (isWhitespace(code)) {
      i++;
      continue;
    }
    const after = skipQuotedOrComment(text, i);
    if (after !== i) {
      const isComment = code === 45 || code === 47 || code === 35;
      i = Math.min(after, limit);
      if (!isComment) lastTokenEnd = i;
      continue;
    }
    if (code === 40 /* ( */ || code === 91 /* [ */) depth++;
    else if (code === 41 /* ) */ || code === 93 /* ] */) {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (code === 44 /* , */ || code === 59) /* ; */) break;
    else if (isIdentifierChar(code) && !(code >= 48 && code <= 57)) {
      let wordEnd = i + 1;
      while (wordEnd < limit && isIdentifierChar(text.charCodeAt(wordEnd))) wordEnd++;
      if (depth === 0 && i > start && stopWords.size > 0) {
        if (stopWords.has(text.slice(i, wordEnd).toLowerCase())) break;
      }
      i = wordEnd;
      lastTokenEnd = i;
      continue;
    }
    i++;
    lastTokenEnd = i;
  }
  return lastTokenEnd;
}

/** The offset after an identifier (plain or "quoted") at `index`, or `index` when there is none. */
function skipIdentifier(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code === 34 || code === 96) return skipQuotedOrComment(text, index);
  let i = index;
  while (i < text.length && isIdentifierChar(text.charCodeAt(i))) i++;
  return i;
}

/** The offset after a possibly qualified name (`schema."Table"`) starting at `index`. */
export function skipQualifiedName(text: string, index: number): number {
  let i = skipIdentifier(text, index);
  while (text.charCodeAt(i) === 46 /* . */) {
    const after = skipIdentifier(text, i + 1);
    if (after === i + 1) break;
    i = after;
  }
  return i;
}

/** Spans of the top-level comma-separated items in [start, end), each trimmed of trivia. */
export function splitTopLevelCommas(text: string, start: number, end: number): TextSpan[] {
  const spans: TextSpan[] = [];
  let itemStart = skipTrivia(text, start, end);
  while (itemStart < end) {
    const itemEnd = findItemEnd(text, itemStart, end);
    spans.push({ start: itemStart, end: itemEnd });
    // findItemEnd stops before a comma (or at `end`); move past it.
    let next = skipTrivia(text, itemEnd, end);
    if (text.charCodeAt(next) !== 44) break;
    next++;
    itemStart = skipTrivia(text, next, end);
  }
  return spans;
}

/**
 * Finds `keyword` at nesting depth 0 in [start, end) and returns the span inside the parentheses
 * that follow it (`USING ( … )`), trimmed; undefined when absent.
 */
export function findParenthesisedClause(
  text: string,
  start: number,
  end: number,
  keyword: string,
): TextSpan | undefined {
  let depth = 0;
  let i = start;
  while (i < end) {
    const code = text.charCodeAt(i);
    const after = skipQuotedOrComment(text, i);
    if (after !== i) {
      i = after;
      continue;
    }
    if (code === 40) depth++;
    else if (code === 41) depth--;
    else if (isIdentifierChar(code)) {
      let wordEnd = i + 1;
      while (wordEnd < end && isIdentifierChar(text.charCodeAt(wordEnd))) wordEnd++;
      if (
        depth === 0 &&
        wordEnd - i === keyword.length &&
        text.slice(i, wordEnd).toLowerCase() === keyword
      ) {
        const open = skipTrivia(text, wordEnd, end);
        if (text.charCodeAt(open) !== 40) return undefined;
        const close = findItemEnd(text, open + 1, end);
        const innerStart = skipTrivia(text, open + 1, close);
        return { start: innerStart, end: trimEnd(text, innerStart, close) };
      }
      i = wordEnd;
      continue;
    }
    i++;
  }
  return undefined;
}

/**
 * Blanks the Down part of a migration that marks its parts (`-- Up Migration` / `-- Down Migration`,
 * `-- +migrate Up|Down`, `-- +goose Up|Down`, `-- migrate:up|down`) with spaces, keeping every
 * offset and line break, so only the forward direction is read. Text before the first marker is read.
 */
export function blankDownSections(text: string): string {
  if (!text.includes('--')) return text;
  MIGRATION_MARKER.lastIndex = 0;
  let result = '';
  let copiedUpTo = 0;
  let downStart = -1;
  for (let match = MIGRATION_MARKER.exec(text); match; match = MIGRATION_MARKER.exec(text)) {
    const direction = (match[1] ?? match[2] ?? match[3] ?? '').toLowerCase();
    if (direction === 'down' && downStart < 0) {
      downStart = match.index;
    } else if (direction === 'up' && downStart >= 0) {
      result +=
        text.slice(copiedUpTo, downStart) + blankKeepingLines(text.slice(downStart, match.index));
      copiedUpTo = match.index;
      downStart = -1;
    }
  }
  if (downStart >= 0) {
    result += text.slice(copiedUpTo, downStart) + blankKeepingLines(text.slice(downStart));
    return result;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/** The MySQL client's `DELIMITER $$` line, which no server parses. */
const CLIENT_DELIMITER = /^[ \t]*DELIMITER[ \t]+(\S+)[ \t]*$/gim;

/**
 * A MySQL client script's routines (`DELIMITER $$ … CREATE TRIGGER … END$$ … DELIMITER ;`) blanked
 * with spaces, lines and offsets kept: the block between a custom delimiter and the return to `;`
 * holds trigger and procedure bodies, which are not read (a procedure's body is MySQL's own
 * language), and the directive itself is the client's, not SQL. Statements outside stay.
 */
export function blankClientDelimiterBlocks(text: string): string {
  if (!/DELIMITER/i.test(text)) return text;
  CLIENT_DELIMITER.lastIndex = 0;
  let result = '';
  let copiedUpTo = 0;
  let blockStart = -1;
  for (let match = CLIENT_DELIMITER.exec(text); match; match = CLIENT_DELIMITER.exec(text)) {
    const delimiter = match[1] ?? ';';
    if (delimiter !== ';' && blockStart < 0) blockStart = match.index;
    else if (delimiter === ';' && blockStart >= 0) {
      const end = match.index + match[0].length;
      result += text.slice(copiedUpTo, blockStart) + blankKeepingLines(text.slice(blockStart, end));
      copiedUpTo = end;
      blockStart = -1;
    }
  }
  if (blockStart >= 0) {
    result += text.slice(copiedUpTo, blockStart) + blankKeepingLines(text.slice(blockStart));
    return result;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/**
 * The text with its comments blanked (lines and offsets kept); strings, quoted names and
 * dollar-quoted bodies stay as written, so a `--` inside a literal is no comment.
 */
export function blankComments(text: string): string {
  if (!text.includes('--') && !text.includes('/*') && !text.includes('#')) return text;
  let result = '';
  let from = 0;
  for (let index = 0; index < text.length; index++) {
    const after = skipQuotedOrComment(text, index);
    if (after === index) continue;
    const code = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    if ((code === 45 && next === 45) || (code === 47 && next === 42) || code === 35) {
      result += text.slice(from, index) + blankKeepingLines(text.slice(index, after));
      from = after;
    }
    index = after - 1;
  }
  return result + text.slice(from);
}

/** Spaces in place of text, keeping line breaks so lines and columns stay where they were. */
export function blankKeepingLines(part: string): string {
  return part.replace(NOT_LINE_BREAK, ' ');
}
