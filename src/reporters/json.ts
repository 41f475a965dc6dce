import type { Finding } from '../findings.js';
import type { ReportContext } from './index.js';

/**
 * spec/cli.md, "JSON output". Every key of a finding is always present so consumers need no
 * existence checks: `source`, `target` and `suppressed` are `null` when they do not apply.
 * Suppressed findings stay in the list, marked, so auditors can review them.
 */
export function jsonReporter({ result, tool }: ReportContext): string {
  const report = {
    version: 1,
    tool: { name: tool.name, version: tool.version },
    findings: result.findings.map(toJson),
    summary: result.summary,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function toJson(finding: Finding) {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    file: finding.file,
    line: finding.line,
    column: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    categories: finding.categories,
    source: finding.source ?? null,
    target: finding.target ?? null,
    path: finding.path,
    phi: finding.phi ?? false,
    evidence: finding.evidence,
    fix: finding.fix,
    fingerprint: finding.fingerprint,
    suppressed: finding.suppressed ?? null,
  };
}
