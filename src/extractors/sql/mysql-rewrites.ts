/**
 * MySQL data statements whose clauses Postgres writes in another order, rewritten into Postgres
 * form with an offset map back to the text as written, so the one lineage reader reads their copies:
 *
 * - `UPDATE a JOIN b ON … SET a.x = b.y WHERE …` → `UPDATE a SET x = b.y FROM a JOIN b ON … WHERE …`
 *   (the target is the table the first `SET` column names; its qualifier is blanked, as Postgres
 *   takes `a.x` in a SET list for a field of a column `a`).
 * - `CREATE TABLE t SELECT …` (MySQL's form without `AS`) → `CREATE TABLE t AS SELECT …`.
 *
 * The input is already in Postgres spelling (`asPostgresSpelling`): double-quoted names.
 */
import type { PreparedSql } from './placeholders.js';
import { RewriteBuilder } from './placeholders.js';
import {
  isIdentifierChar,
  skipQualifiedName,
  skipQuotedOrComment,
  skipTrivia,
} from './statements.js';

/** The statement in Postgres form, or undefined when it is neither shape. */
export function rewriteMysqlStatement(sql: string): PreparedSql | undefined {
  return rewriteCreateTableSelect(sql) ?? rewriteUpdateJoin(sql);
}

const CREATE_TABLE_HEAD = /^\s*CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?/i;

function rewriteCreateTableSelect(sql: string): PreparedSql | undefined {
  const head = CREATE_TABLE_HEAD.exec(sql);
  if (!head) return undefined;
  const nameEnd = skipQualifiedName(sql, head[0].length);
  if (nameEnd === head[0].length) return undefined;
  const selectStart = skipTrivia(sql, nameEnd);
  if (!/^select\b/i.test(sql.slice(selectStart, selectStart + 7))) return undefined;
  const builder = new RewriteBuilder(sql);
  builder.copy(0, nameEnd);
  builder.replace(nameEnd, nameEnd, ' AS');
  builder.copy(nameEnd, sql.length);
  return builder.build();
}

const UPDATE_HEAD = /^\s*UPDATE\s+(?:LOW_PRIORITY\s+)?(?:IGNORE\s+)?/i;

function rewriteUpdateJoin(sql: string): PreparedSql | undefined {
  const head = UPDATE_HEAD.exec(sql);
  if (!head) return undefined;
  const tablesStart = head[0].length;
  const set = topLevelWord(sql, 'set', tablesStart);
  if (set < 0) return undefined;
  const tables = sql.slice(tablesStart, set);
  if (!/\bjoin\b|,/i.test(tables)) return undefined;
  const where = topLevelWord(sql, 'where', set);
  const assignmentsEnd = where < 0 ? trailingEnd(sql) : where;
  const qualifier = /^\s*("(?:[^"]|"")+"|\w+)\s*\.\s*("(?:[^"]|"")+"|\w+)\s*=/.exec(
    sql.slice(set + 3, assignmentsEnd),
  );
  if (!qualifier) return undefined;
  const target = tableReferenceOf(sql, tablesStart, set, unquote(qualifier[1] as string));
  if (!target) return undefined;
  const builder = new RewriteBuilder(sql);
  builder.copy(0, tablesStart);
  builder.copy(target.start, target.end);
  builder.replace(set, set, ' ');
  builder.copy(set, set + 3);
  copyWithoutQualifiers(sql, set + 3, assignmentsEnd, builder);
  builder.replace(assignmentsEnd, assignmentsEnd, ' FROM ');
  builder.copy(tablesStart, set);
  builder.copy(assignmentsEnd, sql.length);
  return builder.build();
}

/** `SET a.x = …, a.y = …`: each `a.` before an `=` blanked, keeping every offset. */
function copyWithoutQualifiers(sql: string, start: number, end: number, builder: RewriteBuilder) {
  const assignment = /(^|,)(\s*)("(?:[^"]|"")+"|\w+)(\s*\.\s*)(?=("(?:[^"]|"")+"|\w+)\s*=)/g;
  const text = sql.slice(start, end);
  let copied = start;
  let depth = 0;
  let checked = 0;
  for (let match = assignment.exec(text); match; match = assignment.exec(text)) {
    // Only commas at the top level separate assignments (`CONCAT(a.x, b.y)` does not).
    for (; checked < match.index; checked++) {
      const code = text.charCodeAt(checked);
      if (code === 40) depth++;
      else if (code === 41) depth--;
    }
    if (depth !== 0) continue;
    const qualifierStart =
      start + match.index + (match[1] as string).length + (match[2] as string).length;
    const qualifierEnd = qualifierStart + (match[3] as string).length + (match[4] as string).length;
    builder.copy(copied, qualifierStart);
    builder.overwrite(qualifierStart, qualifierEnd, ' '.repeat(qualifierEnd - qualifierStart));
    copied = qualifierEnd;
  }
  builder.copy(copied, end);
}

/** The span of `name [AS] alias` in the table list whose alias (or name) is `qualifier`. */
function tableReferenceOf(
  sql: string,
  start: number,
  end: number,
  qualifier: string,
): { start: number; end: number } | undefined {
  let index = start;
  while (index < end) {
    index = skipTrivia(sql, index, end);
    const nameEnd = skipQualifiedName(sql, index);
    if (nameEnd === index) {
      index = Math.max(index + 1, skipQuotedOrComment(sql, index));
      continue;
    }
    const name = sql.slice(index, nameEnd);
    if (NOT_A_TABLE.has(name.toLowerCase())) {
      index = nameEnd;
      continue;
    }
    let referenceEnd = nameEnd;
    let alias = unquote(name.slice(name.lastIndexOf('.') + 1));
    let next = skipTrivia(sql, nameEnd, end);
    if (/^as\b/i.test(sql.slice(next, next + 3))) next = skipTrivia(sql, next + 2, end);
    const aliasEnd = skipQualifiedName(sql, next);
    const word = sql.slice(next, aliasEnd);
    if (aliasEnd > next && !NOT_A_TABLE.has(word.toLowerCase())) {
      alias = unquote(word);
      referenceEnd = aliasEnd;
    }
    if (alias.toLowerCase() === qualifier.toLowerCase()) return { start: index, end: referenceEnd };
    // Skip the rest of this reference: its ON condition up to the next JOIN or comma.
    index = nextReference(sql, referenceEnd, end);
  }
  return undefined;
}

/** Words of a join list that are not table names or aliases. */
const NOT_A_TABLE: ReadonlySet<string> = new Set([
  'join',
  'inner',
  'left',
  'right',
  'outer',
  'cross',
  'straight_join',
  'natural',
  'on',
  'using',
]);

function nextReference(sql: string, from: number, end: number): number {
  const next = atTopLevel(sql, from, end, (index) => {
    if (sql.charCodeAt(index) === 44) return index + 1;
    const join = /^join\b/i.test(sql.slice(index, index + 5));
    return join && !isIdentifierChar(sql.charCodeAt(index - 1)) ? index + 4 : undefined;
  });
  return next ?? end;
}

/** The offset of `word` at the top level (outside quotes and parentheses) from `from`, or -1. */
function topLevelWord(sql: string, word: string, from: number): number {
  const found = atTopLevel(sql, from, sql.length, (index) =>
    !isIdentifierChar(sql.charCodeAt(index - 1)) &&
    sql.slice(index, index + word.length).toLowerCase() === word &&
    !isIdentifierChar(sql.charCodeAt(index + word.length))
      ? index
      : undefined,
  );
  return found ?? -1;
}

/**
 * Walks `sql` from `from` to `end`, skipping quotes, comments and parenthesised parts, and returns
 * the first answer `probe` gives at a top-level character.
 */
function atTopLevel(
  sql: string,
  from: number,
  end: number,
  probe: (index: number) => number | undefined,
): number | undefined {
  let depth = 0;
  for (let index = from; index < end; index++) {
    const after = skipQuotedOrComment(sql, index);
    if (after !== index) {
      index = after - 1;
      continue;
    }
    const code = sql.charCodeAt(index);
    if (code === 40) depth++;
    else if (code === 41) depth--;
    else if (depth === 0) {
      const answer = probe(index);
      if (answer !== undefined) return answer;
    }
  }
  return undefined;
}

/** The end of the statement before a trailing `;` and whitespace. */
function trailingEnd(sql: string): number {
  let end = sql.length;
  while (end > 0 && /[\s;]/.test(sql[end - 1] as string)) end--;
  return end;
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name;
}
