/**
 * `--format markdown`: the report as a pull-request comment. The first line is a fixed marker so
 * the GitHub Action finds its own comment and updates it instead of adding one per push. The body
 * is the job summary (counts, Mermaid diagram of the flows, table) plus one collapsed section per
 * finding with its evidence, path and fix.
 */
import { dataPlace } from '../findings.js';
import type { Finding, Severity } from '../findings.js';
import type { ScanSummary } from '../scan.js';
import { inertLine } from '../util/inert-text.js';
import { flowDiagram } from './flow-diagram.js';
import type { ReportContext } from './index.js';
import { ruleHelpUri } from './sarif.js';

export const COMMENT_MARKER = '<!-- piilint-report -->';

/**
 * GitHub refuses comments over 65,536 characters. Reports stay under this, with room for the link
 * that says where the rest is.
 */
export const MAX_COMMENT_CHARS = 60_000;
const MAX_TABLE_ROWS = 50;
const MAX_DETAILS = 30;

const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'note'];
const SEVERITY_ICON: Record<Severity, string> = { error: '🔴', warning: '🟡', note: '🔵' };

export function markdownReporter({ result }: ReportContext): string {
  return commentMarkdown(result.findings, result.summary);
}

export interface CommentOptions {
  /** Default {@link MAX_COMMENT_CHARS}. */
  maxLength?: number;
  /** Where every finding can be read (the job summary); named when the comment leaves some out. */
  fullReportUrl?: string;
}

/** Sizes tried in turn until the comment fits: fewer details, then fewer rows, then no diagram. */
const LAYOUTS: Array<{ details: number; rows: number; diagram: boolean }> = [
  { details: MAX_DETAILS, rows: MAX_TABLE_ROWS, diagram: true },
  { details: 10, rows: MAX_TABLE_ROWS, diagram: true },
  { details: 0, rows: MAX_TABLE_ROWS, diagram: true },
  { details: 0, rows: 20, diagram: true },
  { details: 0, rows: 20, diagram: false },
  { details: 0, rows: 0, diagram: false },
];

/**
 * The pull-request comment: marker, the report (counts, diagram, table) and a collapsed section per
 * finding, cut down until it fits `maxLength`, saying how many findings it leaves out and where
 * they are.
 */
export function commentMarkdown(
  allFindings: readonly Finding[],
  summary: ScanSummary,
  options: CommentOptions = {},
): string {
  const maxLength = options.maxLength ?? MAX_COMMENT_CHARS;
  const findings = reportedFindings(allFindings);
  let body = '';
  for (const layout of LAYOUTS) {
    const sections = [COMMENT_MARKER, reportMarkdown(allFindings, summary, layout)];
    if (findings.length > 0 && layout.details > 0)
      sections.push(findingDetails(findings, layout.details));
    const shown = Math.max(
      Math.min(findings.length, layout.details),
      Math.min(findings.length, layout.rows),
    );
    if (shown < findings.length || !layout.diagram)
      sections.push(whereTheRestIs(options.fullReportUrl));
    body = `${sections.join('\n\n')}\n`;
    if (body.length <= maxLength) return body;
  }
  // Even the headline and counts are too long (thousands of rules cannot happen; a tiny limit can).
  const note = `\n\n…cut to fit. ${whereTheRestIs(options.fullReportUrl)}\n`;
  return body.slice(0, Math.max(0, maxLength - note.length)) + note;
}

function whereTheRestIs(url: string | undefined): string {
  return url
    ? `Every finding is in [the job summary](${url}) and the SARIF report.`
    : 'Every finding is in the job summary and the SARIF report.';
}

/** Heading, counts by rule, the flow diagram and the findings table: the job summary's content. */
export function reportMarkdown(
  allFindings: readonly Finding[],
  summary: ScanSummary,
  layout: { rows: number; diagram: boolean } = { rows: MAX_TABLE_ROWS, diagram: true },
): string {
  const findings = reportedFindings(allFindings);
  const parts = [`## piilint: ${headline(summary, findings)}`];
  if (findings.length === 0) {
    parts.push('No personal data leaks through the migrations, data maps or scripts scanned.');
    return parts.join('\n\n');
  }
  parts.push(countsByRule(findings));
  const diagram = layout.diagram ? flowDiagram(findings) : undefined;
  if (diagram) parts.push('### Personal-data flows', `\`\`\`mermaid\n${diagram}\n\`\`\``);
  if (layout.rows > 0) parts.push('### Findings', findingsTable(findings, layout.rows));
  return parts.join('\n\n');
}

/** Unsuppressed findings, errors first, then by location (GitHub shows only the first annotations). */
export function reportedFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .filter((finding) => !finding.suppressed)
    .sort(
      (a, b) =>
        SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
        (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
        a.line - b.line ||
        a.column - b.column,
    );
}

function headline(summary: ScanSummary, findings: readonly Finding[]): string {
  const files = new Set(findings.map((finding) => finding.file)).size;
  const withFindings = files > 0 ? `, ${files} with findings` : '';
  const counts = `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${plural(summary.notes, 'note')} in ${plural(summary.files, 'file')} scanned${withFindings}`;
  const extras: string[] = [];
  if (summary.suppressed > 0) extras.push(`${summary.suppressed} suppressed`);
  if (summary.baselined !== undefined) extras.push(`${summary.baselined} in the baseline`);
  if (summary.fixed) extras.push(`${summary.fixed} fixed since the baseline`);
  const icon = summary.errors > 0 ? '❌' : summary.warnings + summary.notes > 0 ? '⚠️' : '✅';
  return `${icon} ${counts}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

function countsByRule(findings: readonly Finding[]): string {
  const counts = new Map<string, Record<Severity, number>>();
  for (const finding of findings) {
    const row = counts.get(finding.ruleId) ?? { error: 0, warning: 0, note: 0 };
    row[finding.severity]++;
    counts.set(finding.ruleId, row);
  }
  const rows = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(
      ([ruleId, row]) =>
        `| [\`${ruleId}\`](${ruleHelpUri(ruleId)}) | ${row.error} | ${row.warning} | ${row.note} |`,
    );
  return ['| rule | errors | warnings | notes |', '| --- | ---: | ---: | ---: |', ...rows].join(
    '\n',
  );
}

function findingsTable(findings: readonly Finding[], maxRows: number): string {
  const rows = findings
    .slice(0, maxRows)
    .map(
      (finding) =>
        `| ${SEVERITY_ICON[finding.severity]} ${finding.severity} | \`${finding.ruleId}\` | \`${code(finding.file)}:${finding.line}\` | ${cell(finding.message)} |`,
    );
  const more =
    findings.length > maxRows
      ? [`\n…and ${findings.length - maxRows} more: see the SARIF report or the job log.`]
      : [];
  return [
    '| severity | rule | location | message |',
    '| --- | --- | --- | --- |',
    ...rows,
    ...more,
  ].join('\n');
}

function findingDetails(findings: readonly Finding[], maxDetails: number): string {
  const sections = findings.slice(0, maxDetails).map((finding) => {
    const lines = [
      `<details><summary>${SEVERITY_ICON[finding.severity]} <code>${html(finding.ruleId)}</code> ${html(finding.file)}:${finding.line} — ${html(firstSentence(finding.message))}</summary>`,
      '',
      text(finding.message),
      '',
    ];
    const data = describeData(finding);
    if (data) lines.push(`- **Data:** ${data}`);
    if (finding.target) {
      const { exposure } = finding.target;
      lines.push(
        `- **Goes to:** \`${code(dataPlace(finding.target))}\`${exposure ? ` (${exposure})` : ''}`,
      );
    }
    if (finding.evidence.length > 0)
      lines.push(`- **Evidence:** ${finding.evidence.map(text).join('; ')}`);
    if (finding.path.length > 1) {
      lines.push('- **Path:**');
      finding.path.forEach((step, index) =>
        lines.push(`  ${index + 1}. \`${code(step.file)}:${step.line}\` ${text(step.description)}`),
      );
    }
    lines.push(`- **Fix:** ${text(finding.fix)}`);
    lines.push(`- **Rule:** [${finding.ruleId}](${ruleHelpUri(finding.ruleId)})`, '', '</details>');
    return lines.join('\n');
  });
  if (findings.length > maxDetails) {
    sections.push(`…and ${findings.length - maxDetails} more findings.`);
  }
  return ['### Details', ...sections].join('\n\n');
}

function describeData(finding: Finding): string {
  const parts: string[] = [];
  if (finding.categories.length > 0)
    parts.push(finding.categories.map((category) => `\`${code(category)}\``).join(', '));
  if (finding.phi) parts.push('(PHI)');
  if (finding.source) parts.push(`from \`${code(dataPlace(finding.source))}\``);
  return parts.join(' ');
}

/** The headline of a message: its first sentence on its first line. */
function firstSentence(message: string): string {
  const line = message.split('\n')[0] ?? '';
  const end = line.indexOf('. ');
  return end < 0 ? line : line.slice(0, end + 1);
}

/**
 * Text from scanned code inside an HTML element (the `<summary>` line): no markup survives, and
 * no line break, which would end the HTML block and let the rest render as Markdown.
 */
function html(value: string): string {
  return noAutolink(
    inertLine(value)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\`[\]()!*_#~|]/g, (char) => `&#${char.charCodeAt(0)};`),
  );
}

/**
 * Markdown text from scanned code: one line (CR and LF shown as escapes, so no new table row,
 * heading or code fence), every character that starts Markdown backslash-escaped, no HTML, no
 * bare link GitHub would make live, no mention.
 */
function text(value: string): string {
  return noAutolink(
    inertLine(value)
      .replace(/[\\`[\]()!*_#~|]/g, '\\$&')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;'),
  ).replace(/@/g, '@\u200b');
}

/** GitHub makes `https://…` and `www.…` live links by themselves: a zero-width space stops it. */
function noAutolink(value: string): string {
  return value
    .replace(/:\/\//g, ':\u200b//')
    .replace(/\bwww\./gi, (match) => `${match.slice(0, 3)}\u200b.`);
}

/**
 * Inside a code span Markdown is not read, so only what ends the span or the table row changes:
 * backticks, pipes and line breaks (shown as escapes).
 */
function code(value: string): string {
  return inertLine(value).replace(/`/g, "'").replace(/\|/g, '\\|');
}

/** One table cell: {@link text} already keeps it on one line with its pipes escaped. */
function cell(value: string): string {
  return text(value);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
