/**
 * `--format github` (the default inside GitHub Actions): one workflow command per finding, so
 * each shows as an annotation on the changed line of the pull request, and a Markdown job summary
 * with a diagram of the personal-data flows, appended to `$GITHUB_STEP_SUMMARY`.
 * GitHub shows only the first 10 annotations of each kind per step, so errors come first.
 */
import { appendFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import type { Finding, Severity } from '../findings.js';
import { inertText } from '../util/inert-text.js';
import type { ReportContext } from './index.js';
import { reportMarkdown, reportedFindings } from './markdown.js';
import { ruleHelpUri } from './sarif.js';
import { summaryLine } from './text.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'notice' };

export function githubReporter({ result }: ReportContext): string {
  const findings = reportedFindings(result.findings);
  const prefix = workspacePrefix();
  const lines = findings.map((finding) => annotation(finding, prefix));

  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) {
    try {
      appendFileSync(summaryFile, `${reportMarkdown(result.findings, result.summary)}\n`);
    } catch (error) {
      lines.push(
        `::warning title=piilint::${escapeData(`could not write the job summary to ${summaryFile}: ${(error as Error).message}`)}`,
      );
    }
  }
  lines.push(summaryLine(result.summary, { shown: findings }));
  return `${lines.join('\n')}\n`;
}

/** `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`. */
export function annotation(finding: Finding, prefix = ''): string {
  const properties: Array<[string, string | number]> = [
    ['file', `${prefix}${inertText(finding.file)}`],
    ['line', finding.line],
    ['col', finding.column],
    ['endLine', finding.endLine],
    ['endColumn', finding.endColumn],
    ['title', finding.ruleId],
  ];
  const written = properties
    .map(([name, value]) => `${name}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${COMMAND[finding.severity]} ${written}::${escapeData(annotationText(finding))}`;
}

/**
 * GitHub places annotations by paths from the repository root; finding paths are relative to the
 * working directory, which may be a subfolder (the action's `working-directory`).
 */
function workspacePrefix(): string {
  const workspace = process.env.GITHUB_WORKSPACE;
  if (!workspace) return '';
  const folder = relative(workspace, process.cwd()).split(sep).join('/');
  return folder === '' || folder.startsWith('..') ? '' : `${folder}/`;
}

/**
 * The annotation's lines. Each string from the scanned code is made inert first, so its own line
 * breaks and control characters show as escapes; only the lines written here break the text.
 */
function annotationText(finding: Finding): string {
  const lines = [inertText(finding.message)];
  if (finding.path.length > 1) {
    lines.push('Path:');
    for (const step of finding.path)
      lines.push(`  ${inertText(step.file)}:${step.line} ${inertText(step.description)}`);
  }
  if (finding.fix && !finding.message.includes(finding.fix))
    lines.push(`Fix: ${inertText(finding.fix)}`);
  lines.push(`Docs: ${ruleHelpUri(finding.ruleId)}`);
  return lines.join('\n');
}

/**
 * Workflow command data: `%`, CR and LF are escaped (GitHub's toolkit `escapeData`), so a message
 * stays one command and cannot start another.
 */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow command properties: also `:` and `,`, which separate them. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
