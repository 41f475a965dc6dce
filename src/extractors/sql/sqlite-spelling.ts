/**
 * SQLite schema statements read by the Postgres parser. SQLite's DDL differs from Postgres's in a
 * few words that carry nothing piilint reads: `INTEGER PRIMARY KEY AUTOINCREMENT`, the table
 * options after the closing parenthesis (`) STRICT`, `) WITHOUT ROWID`) and the conflict clause of
 * `INSERT OR REPLACE|IGNORE INTO`. Blanking those words, character for character, lets the one
 * reader take SQLite migrations (Drizzle's SQLite and Turso output, Tauri and Electron apps' local
 * schemas) with every offset unchanged. Used only for a statement Postgres rejected, so a Postgres
 * file is never read differently.
 */

import { blankKeepingLines, skipQuotedOrComment } from './statements.js';

const SQLITE_ONLY = /\bAUTOINCREMENT\b|\bSTRICT\b|\bWITHOUT\s+ROWID\b|\bINSERT\s+OR\s+\w+/i;

/** Words blanked wherever they stand (outside strings, names and comments). */
const BLANKED_WORDS = /\bAUTOINCREMENT\b/gi;
/** `INSERT OR REPLACE INTO`: the conflict clause goes, the INSERT stays. */
const CONFLICT_CLAUSE = /(\bINSERT\s+)(OR\s+(?:REPLACE|IGNORE|ABORT|FAIL|ROLLBACK))\b/gi;
/** The table options ending a CREATE TABLE: `) STRICT`, `) WITHOUT ROWID`, both, comma-separated. */
const TABLE_OPTIONS =
  /\)(\s*(?:STRICT|WITHOUT\s+ROWID)(?:\s*,\s*(?:STRICT|WITHOUT\s+ROWID))*)\s*;?\s*$/i;

/** The statement in Postgres spelling, of the same length; undefined when it shows no SQLite word. */
export function sqliteAsPostgres(sql: string): string | undefined {
  if (!SQLITE_ONLY.test(sql)) return undefined;
  const code = codeOnly(sql);
  const blanked: Array<{ start: number; end: number }> = [];
  for (const match of code.matchAll(BLANKED_WORDS)) {
    blanked.push({ start: match.index, end: match.index + match[0].length });
  }
  for (const match of code.matchAll(CONFLICT_CLAUSE)) {
    const start = match.index + (match[1] as string).length;
    blanked.push({ start, end: start + (match[2] as string).length });
  }
  const options = TABLE_OPTIONS.exec(code);
  if (options) {
    const start = options.index + 1;
    blanked.push({ start, end: start + (options[1] as string).length });
  }
  if (blanked.length === 0) return undefined;
  let spelled = sql;
  for (const { start, end } of blanked) {
    spelled =
      spelled.slice(0, start) + blankKeepingLines(spelled.slice(start, end)) + spelled.slice(end);
  }
  return spelled;
}

/** The text with strings, quoted names and comments blanked: words inside them are never SQLite's. */
function codeOnly(text: string): string {
  let code = '';
  let from = 0;
  for (let index = 0; index < text.length; index++) {
    const after = skipQuotedOrComment(text, index);
    if (after === index) continue;
    code += text.slice(from, index) + blankKeepingLines(text.slice(index, after));
    from = after;
    index = after - 1;
  }
  return code + text.slice(from);
}
