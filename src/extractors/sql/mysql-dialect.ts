/**
 * MySQL data statements read by the Postgres parser. `INSERT … SELECT`, `INSERT … VALUES`,
 * `REPLACE`, `UPDATE … SET` written for MySQL differ from Postgres mostly in spelling: backticked
 * names, `\'` escapes, `REPLACE INTO`, `INSERT IGNORE`, `ON DUPLICATE KEY UPDATE`. Rewriting those
 * spellings in place, character for character, lets the one lineage reader (aliases, joins,
 * expressions, encryption calls) read MySQL copies column by column, with every offset unchanged.
 * Schema statements that stay MySQL-only (`ENGINE=InnoDB`, `AUTO_INCREMENT`) still go to the MySQL
 * parser (`mysql.ts`).
 */

import { blankKeepingLines, skipQuotedOrComment } from './statements.js';

/** Syntax only MySQL writes: the text is MySQL when it shows any of it. */
const MYSQL_SYNTAX =
  /`[^`\n]+`|\bENGINE\s*=|\bAUTO_INCREMENT\b|\bREPLACE\s+INTO\b|\bINSERT\s+IGNORE\b|\bON\s+DUPLICATE\s+KEY\s+UPDATE\b/i;

export function looksLikeMysql(text: string): boolean {
  // Comments and dollar-quoted bodies are not the file's syntax: a Postgres migration whose
  // comments quote shell commands in backticks stays Postgres, and its '\' strings stay whole.
  return MYSQL_SYNTAX.test(text) && MYSQL_SYNTAX.test(withoutCommentsOrBodies(text));
}

/** The text with comments and dollar-quoted bodies blanked; strings and names kept as written. */
function withoutCommentsOrBodies(text: string): string {
  let kept = '';
  let from = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    const opensComment = (code === 45 && next === 45) || (code === 47 && next === 42);
    const after = skipQuotedOrComment(text, index);
    if (after === index) continue;
    if (opensComment || code === 36 /* $ */) {
      kept += `${text.slice(from, index)} `;
      from = after;
    }
    index = after - 1;
  }
  return kept + text.slice(from);
}

/**
 * The same statements in Postgres spelling, of exactly the same length: backticks become double
 * quotes, `\'` inside strings becomes `''`, `REPLACE INTO` reads `INSERT  INTO`, `IGNORE` and an
 * `ON DUPLICATE KEY UPDATE …` tail become blanks (the copy they make is the INSERT's).
 */
export function asPostgresSpelling(text: string): string {
  return respell(text, true);
}

function respell(text: string, names: boolean): string {
  const out = text.split('');
  let quote: string | undefined;
  for (let index = 0; index < out.length; index++) {
    const character = out[index];
    if (quote) {
      if (character === '\\' && quote === "'") {
        if (out[index + 1] === "'") out[index] = "'";
        index++;
      } else if (character === quote) {
        if (quote === '`' && names) out[index] = '"';
        quote = undefined;
      }
      continue;
    }
    if (character === '-' && out[index + 1] === '-') {
      const end = text.indexOf('\n', index);
      index = end < 0 ? out.length : end;
    } else if (character === "'" || character === '"') {
      quote = character;
    } else if (character === '`') {
      if (names) out[index] = '"';
      quote = '`';
    } else if (character === '@' && names) {
      index = userVariableAsString(text, index, out);
    }
  }
  if (!names) return out.join('');
  return (
    out
      .join('')
      // SQLite's `INSERT OR REPLACE INTO` is left to sqlite-spelling.ts.
      .replace(/(?<!\bOR\s+)\bREPLACE(\s+INTO)\b/gi, (_match, into: string) => `INSERT ${into}`)
      .replace(/\b(INSERT\s+)IGNORE\b/gi, (_match, insert: string) => `${insert}      `)
      .replace(/\bON\s+DUPLICATE\s+KEY\s+UPDATE\b[^;]*/gi, (tail) => blankKeepingLines(tail))
  );
}

/**
 * A user variable (`@key` in `AES_ENCRYPT(ssn, @key)`) becomes a string of the same length
 * (`'ke'`): a value, where Postgres would read `@ key` as the absolute value of a column `key`.
 * `@@session` variables and `@>`-style operators are left as they are. Returns the last index read.
 */
function userVariableAsString(text: string, at: number, out: string[]): number {
  const previous = text[at - 1] ?? ' ';
  if (/[\w@$]/.test(previous) || !/[A-Za-z_]/.test(text[at + 1] ?? '')) return at;
  let end = at + 1;
  while (end < text.length && /[\w$]/.test(text[end] as string)) end++;
  out[at] = "'";
  for (let index = at + 1; index < end - 1; index++) if (out[index] === "'") out[index] = '_';
  out[end - 1] = "'";
  return end - 1;
}
