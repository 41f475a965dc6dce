import type { SourceLocation } from '../facts.js';

/** Maps string offsets of a text to 1-based line/column, in O(log lines) per lookup. */
export interface LineIndex {
  position(offset: number): { line: number; column: number };
  /** Location of the range [start, end) of the text in `file`. */
  range(file: string, start: number, end: number): SourceLocation;
}

/**
 * Lines end at LF, CRLF or a lone CR (old Mac files, and what editors and Postgres both count as a
 * line break), so a CR-only file is not one long line with every finding on line 1.
 */
export function createLineIndex(text: string): LineIndex {
  const lineStarts = lineStartsOf(text);
  const position = (offset: number) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] as number) + 1 };
  };
  return {
    position,
    range(file, start, end) {
      const from = position(start);
      const to = position(Math.max(start, end));
      return { file, line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
    },
  };
}

/** Offsets where lines start: after each LF, CRLF or lone CR. */
function lineStartsOf(text: string): number[] {
  const lineStarts = [0];
  if (!text.includes('\r')) {
    // Most files break lines with LF alone: indexOf finds them far faster than a character loop.
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
      lineStarts.push(at + 1);
    }
    return lineStarts;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) lineStarts.push(i + 1);
  }
  return lineStarts;
}

/**
 * libpg-query reports UTF-8 byte offsets; JS strings index UTF-16 code units.
 * Returns a function mapping a byte offset of `text` to its string index.
 * Pure ASCII text (the common case) maps to itself without allocation.
 */
export function byteToCharOffsets(text: string): (byteOffset: number) => number {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return (byteOffset) => byteOffset;
  const byteToChar: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) as number;
    const bytes = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let b = 0; b < bytes; b++) byteToChar.push(i);
    if (code >= 0x10000) i++; // surrogate pair: two UTF-16 units, one code point
  }
  const total = text.length;
  return (byteOffset) =>
    byteOffset >= byteToChar.length ? total : (byteToChar[byteOffset] as number);
}
