/**
 * `piilint-ignore <rule>[, <rule>…] -- <reason>` comments (rules.md, "Suppression").
 *
 * A comment at the end of a line covers findings that start on that line. A comment on a line of
 * its own covers what starts on the next code line (not blank, not a comment):
 * - SQL, at the start of a statement: the whole statement, up to its `;`;
 * - SQL inside a statement, TypeScript/JavaScript: the element that starts there, up to the `,` or
 *   `;` that ends it, or the bracket that closes its list (a column definition, an object property,
 *   a call spread over several lines);
 * - YAML: the field that starts there with everything indented under it.
 * A finding is covered when its start line lies in that range and its rule is named. A comment
 * with no reason or an unknown rule is an `invalid-suppression` finding and silences nothing.
 */
import type { ScannedFile } from './extractors/types.js';
import type { Finding, Severity } from './findings.js';
import type { RuleSetting } from './config/types.js';
import { fingerprintOf } from './fingerprint.js';
import { RULES } from './rules/index.js';
import { closest } from './util/suggest.js';

export interface Suppression {
  file: string;
  ruleIds: string[];
  reason: string;
  /** First and last line (1-based, inclusive) of the findings it covers. */
  fromLine: number;
  toLine: number;
}

export interface SuppressionScan {
  suppressions: Suppression[];
  /** Comments that silence nothing, as `invalid-suppression` findings (fingerprints set). */
  invalid: Finding[];
}

type Language = 'sql' | 'script' | 'yaml';

const MARKER = 'piilint-ignore';

/** False when the text cannot hold a suppression comment: the scan need not keep it for them. */
export function mayHoldSuppressions(text: string): boolean {
  return text.includes(MARKER);
}

const INVALID_RULE_ID = 'invalid-suppression';
const KNOWN_RULE_IDS = RULES.map((rule) => rule.meta.id);

/**
 * Marks the findings a valid suppression covers (`suppressed: { reason }`) and adds one
 * `invalid-suppression` finding per broken comment, unless that rule is `off`. Texts come from the
 * scan; nothing is read again.
 */
export function applySuppressions(
  findings: Finding[],
  files: ReadonlyArray<Pick<ScannedFile, 'path' | 'text'>>,
  settings: Record<string, RuleSetting> = {},
): Finding[] {
  const suppressions: Suppression[] = [];
  const invalid: Finding[] = [];
  for (const file of files) {
    if (!mayHoldSuppressions(file.text)) continue;
    const found = findSuppressions(file.path, file.text);
    suppressions.push(...found.suppressions);
    invalid.push(...found.invalid);
  }
  const marked = findings.map((finding) => {
    if (finding.suppressed) return finding;
    const covering = suppressions.find(
      (suppression) =>
        suppression.file === finding.file &&
        suppression.ruleIds.includes(finding.ruleId) &&
        finding.line >= suppression.fromLine &&
        finding.line <= suppression.toLine,
    );
    return covering ? { ...finding, suppressed: { reason: covering.reason } } : finding;
  });
  const setting = settings[INVALID_RULE_ID];
  if (setting === 'off') return marked;
  const reported = setting
    ? invalid.map((finding) => ({ ...finding, severity: setting }))
    : invalid;
  return [...marked, ...reported].sort(byLocation);
}

/** Every `piilint-ignore` comment of one file, valid or not. Never throws. */
export function findSuppressions(file: string, text: string): SuppressionScan {
  const language = languageOf(file);
  // LF, CRLF or a lone CR, as findings count lines.
  const lines = text.split(/\r\n|\r|\n/);
  const masked = language === 'yaml' ? undefined : maskCode(text, language);
  const maskedLines = masked?.split(/\r\n|\r|\n/);
  const suppressions: Suppression[] = [];
  const invalid: Finding[] = [];

  lines.forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    const comment = findComment(line, language, maskedLines?.[index]);
    if (!comment) return;
    const lineNumber = index + 1;
    const parsed = parseComment(comment.body);
    const problem = describeProblem(parsed);
    if (problem) {
      invalid.push(
        invalidFinding(file, lineNumber, comment.column, line.length + 1, problem, comment.body),
      );
      return;
    }
    if (comment.trailing) {
      suppressions.push({ file, ...parsed, fromLine: lineNumber, toLine: lineNumber });
      return;
    }
    const target = nextCodeLine(lines, index + 1, language);
    if (target === undefined) return;
    const toLine =
      language === 'yaml'
        ? yamlFieldEnd(lines, target)
        : (maskedLines?.[target] ?? '').trim() === ''
          ? target // SQL inside a template literal (blanked by the mask): that line only
          : elementEnd(maskedLines ?? lines, target, language);
    suppressions.push({ file, ...parsed, fromLine: target + 1, toLine: toLine + 1 });
  });
  return { suppressions, invalid };
}

function languageOf(file: string): Language {
  if (/\.sql$/i.test(file)) return 'sql';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  return 'script';
}

interface CommentHit {
  /** Text after `piilint-ignore`. */
  body: string;
  /** 1-based column of the comment marker. */
  column: number;
  /** Code precedes the comment on its line. */
  trailing: boolean;
}

/**
 * The suppression comment of a line, if any. In SQL and scripts the masked line (strings blanked,
 * comments kept) tells a real comment from `--` or `//` inside a string; scripts also accept `--`
 * for SQL embedded in template literals.
 */
function findComment(
  line: string,
  language: Language,
  maskedLine: string | undefined,
): CommentHit | undefined {
  const markerAt = line.indexOf(MARKER);
  if (markerAt < 0) return undefined;
  const openers =
    language === 'yaml' ? ['#'] : language === 'sql' ? ['--', '/*'] : ['//', '/*', '--'];
  const before = line.slice(0, markerAt);
  let best: { at: number; opener: string } | undefined;
  for (const opener of openers) {
    const at = before.lastIndexOf(opener);
    if (at < 0 || (best && best.at >= at)) continue;
    // Only blanks (or more comment characters) between the opener and the marker.
    if (!/^[\s*/#-]*$/.test(before.slice(at + opener.length))) continue;
    best = { at, opener };
  }
  if (!best) return undefined;
  // A marker inside a string literal is not a comment (in YAML a `#` needs a blank before it).
  if (language === 'yaml' && best.at > 0 && !/\s/.test(line[best.at - 1] ?? '')) return undefined;
  if (language === 'yaml' && insideYamlQuotes(line, best.at)) return undefined;
  // `--` in a script is SQL inside a template literal, which the mask blanks: trust the raw line.
  const embeddedSql = language === 'script' && best.opener === '--';
  if (
    !embeddedSql &&
    maskedLine !== undefined &&
    maskedLine.slice(best.at, best.at + best.opener.length) !== best.opener
  )
    return undefined;
  let body = line.slice(markerAt + MARKER.length);
  if (best.opener === '/*') body = body.replace(/\*\/.*$/, '');
  const codeBefore = line.slice(0, best.at).trim();
  return {
    body,
    column: best.at + 1,
    trailing: codeBefore !== '' && !/^(\*|\/\*)/.test(codeBefore),
  };
}

/** Whether `position` of a YAML line lies inside a quoted scalar. */
function insideYamlQuotes(line: string, position: number): boolean {
  let quote: string | undefined;
  for (let index = 0; index < position; index++) {
    const char = line[index];
    if (quote === undefined) {
      // Only a quote that starts a scalar opens one: `Kroger's` is plain text.
      const before = index === 0 ? ' ' : (line[index - 1] ?? ' ');
      if ((char === "'" || char === '"') && /[\s:[{,-]/.test(before)) quote = char;
    } else if (quote === '"' && char === '\\') index++;
    else if (char === quote) {
      if (quote === "'" && line[index + 1] === "'") index++;
      else quote = undefined;
    }
  }
  return quote !== undefined;
}

interface ParsedComment {
  ruleIds: string[];
  reason: string;
}

/** ` pii-logged, pii-third-party -- reason` → rule ids and reason. */
function parseComment(body: string): ParsedComment {
  const separator = body.indexOf('--');
  const rulePart = separator < 0 ? body : body.slice(0, separator);
  const reason = separator < 0 ? '' : body.slice(separator + 2).trim();
  const ruleIds = rulePart
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter((id) => id !== '');
  return { ruleIds, reason };
}

function describeProblem({ ruleIds, reason }: ParsedComment): string | undefined {
  if (ruleIds.length === 0) {
    return 'piilint-ignore names no rule; it silences nothing — write `piilint-ignore <rule> -- <reason>`';
  }
  const unknown = ruleIds.filter((id) => !KNOWN_RULE_IDS.includes(id));
  if (unknown.length > 0) {
    const hints = unknown.map((id) => {
      const suggestion = closest(id, KNOWN_RULE_IDS);
      return suggestion ? `\`${id}\` (did you mean \`${suggestion}\`?)` : `\`${id}\``;
    });
    return `piilint-ignore names unknown rule ${hints.join(', ')}; it silences nothing — use one of ${KNOWN_RULE_IDS.join(', ')}`;
  }
  if (reason === '') {
    return `piilint-ignore ${ruleIds.join(', ')} has no reason; it silences nothing — say why after \`--\`: \`piilint-ignore ${ruleIds.join(', ')} -- <why this is safe>\``;
  }
  return undefined;
}

function invalidFinding(
  file: string,
  line: number,
  column: number,
  endColumn: number,
  message: string,
  body: string,
): Finding {
  const finding: Finding = {
    ruleId: INVALID_RULE_ID,
    severity: 'warning' satisfies Severity,
    message,
    file,
    line,
    column,
    endLine: line,
    endColumn: Math.max(endColumn, column + 1),
    categories: [],
    path: [],
    evidence: [],
    fix: 'Name known rule ids and give the reason after `--`, or remove the comment.',
    fingerprint: '',
  };
  // The comment's own text identifies it: moving it keeps its fingerprint.
  finding.fingerprint = fingerprintOf({
    ruleId: INVALID_RULE_ID,
    file,
    categories: [],
    fingerprintKey: body.trim(),
  });
  return finding;
}

/** Index of the next line that is neither blank nor only a comment. */
function nextCodeLine(lines: string[], from: number, language: Language): number | undefined {
  for (let index = from; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '') continue;
    if (language === 'yaml' ? line.startsWith('#') : isCommentOnly(line)) continue;
    return index;
  }
  return undefined;
}

function isCommentOnly(line: string): boolean {
  return /^(--|\/\/|\/\*|\*)/.test(line);
}

/**
 * Last line (0-based) of the statement or element that starts on `start`, read from the masked
 * text (strings and comments blanked). Brackets opened there must close; a `;` ends a statement,
 * a `,` at depth 0 an element; a closing bracket of an enclosing list ends it before that bracket.
 */
function elementEnd(maskedLines: string[], start: number, language: Language): number {
  const wholeStatement = language === 'sql' && startsStatement(maskedLines, start);
  let depth = 0;
  let sawCode = false;
  for (let index = start; index < maskedLines.length; index++) {
    const line = stripLineComments(maskedLines[index] ?? '', language);
    for (const char of line) {
      if (char === '(' || char === '[' || char === '{') depth++;
      else if (char === ')' || char === ']' || char === '}') {
        depth--;
        if (depth < 0) return sawCode ? index : Math.max(start, index - 1);
      } else if (depth === 0 && char === ';') return index;
      else if (depth === 0 && char === ',' && !wholeStatement) return index;
      if (!/\s/.test(char)) sawCode = true;
    }
    if (depth > 0 || wholeStatement) continue;
    // Scripts: a statement without `;` ends with its line unless the next line continues it.
    if (language === 'script' && !continuesOnNextLine(maskedLines, index)) return index;
  }
  return maskedLines.length - 1;
}

function continuesOnNextLine(maskedLines: string[], index: number): boolean {
  const current = (maskedLines[index] ?? '').trim();
  if (/[=+\-*/&|?:.(,[{]$/.test(current)) return true;
  for (let next = index + 1; next < maskedLines.length; next++) {
    const line = (maskedLines[next] ?? '').trim();
    if (line === '' || isCommentOnly(line)) continue;
    return /^(\.|\?\.|\?|:|\+|-|\*|\/[^/*]|&&|\|\||\?\?)/.test(line);
  }
  return false;
}

/** True when the code before `start` ends with `;` (or there is none): a new SQL statement. */
function startsStatement(maskedLines: string[], start: number): boolean {
  for (let index = start - 1; index >= 0; index--) {
    const line = stripLineComments(maskedLines[index] ?? '', 'sql').trim();
    if (line === '') continue;
    return line.endsWith(';');
  }
  return true;
}

function stripLineComments(line: string, language: Language): string {
  const opener = language === 'sql' ? '--' : '//';
  const at = line.indexOf(opener);
  return (at < 0 ? line : line.slice(0, at)).replace(/\/\*.*?\*\//g, '');
}

/** Last line (0-based) of a YAML field: the lines after it indented deeper belong to it. */
function yamlFieldEnd(lines: string[], start: number): number {
  const indentOf = (line: string) => line.length - line.trimStart().length;
  const first = lines[start] ?? '';
  // `- id: x` opens an item whose fields are indented under the dash.
  const baseIndent = indentOf(first);
  let end = start;
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (indentOf(line) <= baseIndent) break;
    end = index;
  }
  return end;
}

/**
 * The text with string literals blanked (quotes kept) so brackets, `;` and comment markers inside
 * strings are not read as code. Block comments are blanked too; line comments are kept because the
 * suppression reader looks for them. Newlines are kept, so lines and columns stay where they were.
 */
export function maskCode(text: string, language: Language): string {
  const out: string[] = [];
  let index = 0;
  const blank = (char: string) => (char === '\n' || char === '\r' ? char : ' ');
  while (index < text.length) {
    const char = text[index] as string;
    const next = text[index + 1];
    const lineComment =
      (language === 'sql' && char === '-' && next === '-') ||
      (language === 'script' && char === '/' && next === '/');
    if (lineComment) {
      let stop = index;
      while (stop < text.length && text[stop] !== '\n' && text[stop] !== '\r') stop++;
      out.push(text.slice(index, stop));
      index = stop;
      continue;
    }
    if (char === '/' && next === '*') {
      const end = text.indexOf('*/', index + 2);
      const stop = end < 0 ? text.length : end + 2;
      // Keep the opener so a `/* piilint-ignore … */` comment is still found.
      const body = text.slice(index, stop);
      out.push(body.includes(MARKER) ? body : body.replace(/[^\n\r]/g, ' '));
      index = stop;
      continue;
    }
    const isQuote = char === "'" || char === '"' || (language === 'script' && char === '`');
    if (isQuote) {
      out.push(char);
      index++;
      while (index < text.length) {
        const inner = text[index] as string;
        if (language === 'script' && inner === '\\') {
          out.push(' ', blank(text[index + 1] ?? ' '));
          index += 2;
          continue;
        }
        if (inner === char) {
          // SQL doubles a quote to escape it.
          if (language === 'sql' && text[index + 1] === char) {
            out.push('  ');
            index += 2;
            continue;
          }
          break;
        }
        // An unterminated one-line string ends with its line.
        if (inner === '\n' && char !== '`' && language === 'script') break;
        out.push(blank(inner));
        index++;
      }
      if (index < text.length && text[index] === char) {
        out.push(char);
        index++;
      }
      continue;
    }
    out.push(char);
    index++;
  }
  return out.join('');
}

function byLocation(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}
