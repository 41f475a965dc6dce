import type { Finding, Severity } from '../findings.js';
import { dataPlace } from '../findings.js';
import type { ScanSummary } from '../scan.js';
import { inertText } from '../util/inert-text.js';
import type { ReportContext } from './index.js';

/** Lines shown above and below the finding's line in a code frame. */
const CONTEXT_LINES = 2;
/** Longer source lines are cut to a window around the finding so the frame stays readable. */
const MAX_FRAME_WIDTH = 160;

type Style = (text: string) => string;

interface Palette {
  file: Style;
  error: Style;
  warning: Style;
  note: Style;
  dim: Style;
  caret: Style;
  success: Style;
}

const ansi =
  (open: number, close: number): Style =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const COLORS: Palette = {
  file: ansi(4, 24),
  error: ansi(31, 39),
  warning: ansi(33, 39),
  note: ansi(36, 39),
  dim: ansi(2, 22),
  caret: ansi(31, 39),
  success: ansi(32, 39),
};

const plain: Style = (text) => text;
const NO_COLORS: Palette = {
  file: plain,
  error: plain,
  warning: plain,
  note: plain,
  dim: plain,
  caret: plain,
  success: plain,
};

/**
 * Human report: findings grouped by file (files in path order, findings by line), each with a code
 * frame and the explanation a reviewer needs — what data, where it goes, the path, the fix — then one
 * summary line. Suppressed findings are counted, not shown.
 */
export function textReporter({ result, color, quiet }: ReportContext): string {
  const palette = color ? COLORS : NO_COLORS;
  const shown = result.findings.filter(
    (finding) => !finding.suppressed && (!quiet || finding.severity === 'error'),
  );
  const byFile = new Map<string, Finding[]>();
  for (const finding of shown) {
    const group = byFile.get(finding.file) ?? [];
    group.push(finding);
    byFile.set(finding.file, group);
  }

  const out: string[] = [];
  // Reviewers outside health care meet the abbreviation here first: spell it out once.
  let phiSpelledOut = false;
  const spellOutPhi = (finding: Finding): Finding => {
    if (phiSpelledOut || !/\bPHI\b/.test(finding.message)) return finding;
    phiSpelledOut = true;
    return {
      ...finding,
      message: finding.message.replace(/\bPHI\b/, 'PHI (protected health information)'),
    };
  };
  for (const file of [...byFile.keys()].sort()) {
    const findings = (byFile.get(file) ?? []).sort(
      (a, b) => a.line - b.line || a.column - b.column,
    );
    // A loop, not Math.max(...): a file may hold more findings than the stack has arguments.
    const positionWidth = findings.reduce(
      (width, finding) => Math.max(width, position(finding).length),
      0,
    );
    out.push(palette.file(inertText(file)));
    const sourceLines = result.sources.get(file)?.split(/\r\n|\r|\n/);
    for (const finding of findings) {
      out.push(...formatFinding(spellOutPhi(finding), positionWidth, sourceLines, palette), '');
    }
  }
  out.push(summaryLine(result.summary, { palette, shown, quiet }));
  return `${out.join('\n')}\n`;
}

function position(finding: Finding): string {
  return `${finding.line}:${finding.column}`;
}

function formatFinding(
  finding: Finding,
  positionWidth: number,
  sourceLines: string[] | undefined,
  palette: Palette,
): string[] {
  // One line per message: a line break in a table name must not start a line of its own.
  const headline = inertText(finding.message);
  const severity = palette[finding.severity](finding.severity.padEnd(7));
  const lines = [
    `  ${position(finding).padEnd(positionWidth)}  ${severity}  ${headline}  ${palette.dim(finding.ruleId)}`,
  ];
  if (sourceLines) lines.push(...codeFrame(finding, sourceLines, palette));
  lines.push(...explanation(finding));
  return lines;
}

/**
 * The finding's line with context above and below, and carets under its column range. Source
 * lines are shown inert (escapes for control characters), the carets counted on what is shown.
 */
export function codeFrame(
  finding: Finding,
  sourceLines: string[],
  palette: Palette = NO_COLORS,
): string[] {
  const target = finding.line;
  if (target < 1 || target > sourceLines.length) return [];
  const first = Math.max(1, target - CONTEXT_LINES);
  const last = Math.min(sourceLines.length, target + CONTEXT_LINES);
  const gutterWidth = String(last).length;
  const frame: string[] = [''];
  for (let lineNumber = first; lineNumber <= last; lineNumber++) {
    const raw = sourceLines[lineNumber - 1] ?? '';
    const marker = lineNumber === target ? '>' : ' ';
    const gutter = `${marker} ${String(lineNumber).padStart(gutterWidth)} |`;
    if (lineNumber !== target) {
      frame.push(palette.dim(`    ${gutter}`) + (raw ? ` ${clip(inertText(raw), 0).text}` : ''));
      continue;
    }
    const rawStart = Math.min(Math.max(finding.column - 1, 0), raw.length);
    const rawEnd =
      finding.endLine === finding.line ? Math.min(finding.endColumn - 1, raw.length) : raw.length;
    // Escapes are longer than the characters they stand for: count columns on the shown text.
    const text = inertText(raw);
    const caretStart = inertText(raw.slice(0, rawStart)).length;
    const caretEnd = caretStart + inertText(raw.slice(rawStart, Math.max(rawStart, rawEnd))).length;
    const clipped = clip(text, caretStart);
    const start = caretStart - clipped.shift;
    const width = Math.max(1, Math.min(caretEnd - caretStart, clipped.text.length - start));
    // Keep tabs in the padding so the carets line up with the text however tabs are rendered.
    const padding = clipped.text.slice(0, start).replace(/[^\t]/g, ' ');
    frame.push(`    ${gutter}` + (text ? ` ${clipped.text}` : ''));
    frame.push(
      palette.dim(`    ${' '.repeat(gutter.length - 1)}|`) +
        ` ${padding}${palette.caret('^'.repeat(width))}`,
    );
  }
  frame.push('');
  return frame;
}

/** Cuts a long line to a window that contains `focus`; `shift` is how many characters were cut from the start. */
function clip(text: string, focus: number): { text: string; shift: number } {
  if (text.length <= MAX_FRAME_WIDTH) return { text, shift: 0 };
  const start = Math.max(0, Math.min(focus - 40, text.length - MAX_FRAME_WIDTH));
  const head = start > 0 ? '…' : '';
  const tail = start + MAX_FRAME_WIDTH < text.length ? '…' : '';
  return {
    text: head + text.slice(start, start + MAX_FRAME_WIDTH) + tail,
    shift: start - head.length,
  };
}

function explanation(finding: Finding): string[] {
  const lines: string[] = [];
  const data = describeData(finding);
  if (data) lines.push(`    data:   ${inertText(data)}`);
  if (finding.target) {
    const { store, table, column, exposure } = finding.target;
    const place = [store, table, column].filter(Boolean).join('.');
    lines.push(`    target: ${inertText(place)}${exposure ? ` (${exposure})` : ''}`);
  }
  if (finding.path.length > 1) {
    lines.push('    path:');
    for (const step of finding.path) {
      lines.push(`      ${inertText(step.file)}:${step.line}  ${inertText(step.description)}`);
    }
  }
  if (finding.fix) lines.push(`    fix:    ${inertText(finding.fix)}`);
  return lines;
}

function describeData(finding: Finding): string {
  const parts: string[] = [];
  if (finding.categories.length > 0) parts.push(finding.categories.join(', '));
  if (finding.phi) parts.push('(PHI)');
  if (finding.source) {
    parts.push(`from ${dataPlace(finding.source)}`);
  }
  if (finding.evidence.length > 0) {
    parts.push(`${parts.length > 0 ? '— ' : ''}evidence: ${finding.evidence.join('; ')}`);
  }
  return parts.join(' ');
}

/**
 * `✖ 2 errors, 1 warning, 0 notes in 12 files scanned, 2 with findings`. With `quiet` it counts
 * only errors, since only errors are printed. `shown` (the findings printed) gives the files with
 * findings; without it they are not mentioned.
 */
export function summaryLine(
  summary: ScanSummary,
  options: { palette?: Palette; shown?: readonly Finding[]; quiet?: boolean } = {},
): string {
  const palette = options.palette ?? NO_COLORS;
  const withFindings = options.shown
    ? `, ${new Set(options.shown.map((finding) => finding.file)).size} with findings`
    : '';
  const files = `${plural(summary.files, 'file')} scanned`;
  const suppressed = summaryExtras(summary);
  if (options.quiet) {
    if (summary.errors === 0) return palette.success(`✔ no errors in ${files}`) + suppressed;
    return (
      palette.error(`✖ ${plural(summary.errors, 'error')} in ${files}${withFindings}`) + suppressed
    );
  }
  if (summary.errors + summary.warnings + summary.notes === 0) {
    return palette.success(`✔ no findings in ${files}`) + suppressed;
  }
  const counts = [
    plural(summary.errors, 'error'),
    plural(summary.warnings, 'warning'),
    plural(summary.notes, 'note'),
  ].join(', ');
  const worst: Severity = summary.errors > 0 ? 'error' : summary.warnings > 0 ? 'warning' : 'note';
  return palette[worst](`✖ ${counts} in ${files}${withFindings}`) + suppressed;
}

/** ` (2 suppressed, 5 in the baseline, 1 fixed since the baseline)`, or nothing. */
function summaryExtras(summary: ScanSummary): string {
  const extras: string[] = [];
  if (summary.suppressed > 0) extras.push(`${summary.suppressed} suppressed`);
  if (summary.baselined !== undefined) extras.push(`${summary.baselined} in the baseline`);
  if (summary.fixed !== undefined && summary.fixed > 0)
    extras.push(`${summary.fixed} fixed since the baseline`);
  return extras.length > 0 ? ` (${extras.join(', ')})` : '';
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
