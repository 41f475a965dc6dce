import type { Finding } from '../findings.js';
import type { ScanResult, ScanSummary } from '../scan.js';
import { githubReporter } from './github.js';
import { jsonReporter } from './json.js';
import { markdownReporter } from './markdown.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';

/** Every format `--format` accepts (spec/cli.md); a format without a reporter yet is refused with exit 2. */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'github', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ToolInfo {
  name: string;
  version: string;
}

export interface ReportContext {
  result: ScanResult;
  tool: ToolInfo;
  /** ANSI colour: only for a terminal, never with --no-color or NO_COLOR. */
  color: boolean;
  /** `--quiet`: errors only. */
  quiet: boolean;
  /** The paths scanned, as given (SARIF names its analysis after them); default `.`. */
  paths?: readonly string[];
}

/** Turns a scan result into the text of the report; the CLI writes it to stdout or `--output`. */
export type Reporter = (context: ReportContext) => string;

/** One line per format: a new reporter plugs in here. */
export const REPORTERS: Partial<Record<ReportFormat, Reporter>> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  github: githubReporter,
  markdown: markdownReporter,
};

export function isReportFormat(name: string): name is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(name);
}

/** Counts for the summary line and the JSON `summary`: suppressed findings count only as suppressed. */
export function summarize(findings: Finding[], files: number): ScanSummary {
  const summary: ScanSummary = { errors: 0, warnings: 0, notes: 0, suppressed: 0, files };
  for (const finding of findings) {
    if (finding.suppressed) summary.suppressed++;
    else if (finding.severity === 'error') summary.errors++;
    else if (finding.severity === 'warning') summary.warnings++;
    else summary.notes++;
  }
  return summary;
}
