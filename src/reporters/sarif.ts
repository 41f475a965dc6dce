/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other dashboards. Every rule is
 * described (with its documentation page as help), every result carries a stable partial
 * fingerprint so alerts follow code that moves, multi-step flows become code flows, and suppressed
 * findings stay in the log with an in-source suppression and its justification.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Finding, PathStep, Severity } from '../findings.js';
import { RULES } from '../rules/index.js';
import type { RuleMeta } from '../rules/types.js';
import { packageFile } from '../util/package-files.js';
import type { ReportContext } from './index.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const REPOSITORY_URL = 'https://github.com/piilint/piilint';
const RULE_DOCS_BASE = `${REPOSITORY_URL}/blob/main/docs/rules/`;
/** Key of the partial fingerprint; bump the version if fingerprints ever change meaning. */
export const FINGERPRINT_KEY = 'piilint/v1';
const SRCROOT = '%SRCROOT%';

/** docs/ ships in the package beside dist/ (and beside src/ when run from source). */
const DOCS_DIRECTORY = packageFile('docs/rules/');

/** GitHub code scanning ranks security alerts by this score (0–10). */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', note: '2.0' };

export function ruleHelpUri(ruleId: string): string {
  return `${RULE_DOCS_BASE}${ruleId}.md`;
}

export function sarifReporter({ result, tool }: ReportContext): string {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.meta.id, index]));
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: REPOSITORY_URL,
            rules: RULES.map((rule) => describeRule(rule.meta)),
          },
        },
        originalUriBaseIds: {
          [SRCROOT]: {
            uri: directoryUri(process.cwd()),
            description: {
              text: 'The folder piilint scanned from; result paths are relative to it.',
            },
          },
        },
        columnKind: 'utf16CodeUnits',
        results: result.findings.map((finding) => toResult(finding, ruleIndex)),
        invocations: [{ executionSuccessful: true }],
        properties: { summary: result.summary },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function describeRule(meta: RuleMeta) {
  const documentation = readDocumentation(meta.id);
  const fullDescription = `${meta.summary} ${meta.incident}`;
  return {
    id: meta.id,
    name: meta.name,
    shortDescription: { text: meta.summary },
    fullDescription: { text: fullDescription },
    helpUri: ruleHelpUri(meta.id),
    help: {
      text: documentation
        ? plainText(documentation)
        : `${fullDescription} See ${ruleHelpUri(meta.id)}`,
      markdown:
        documentation ?? `${fullDescription}\n\nSee [the documentation](${ruleHelpUri(meta.id)}).`,
    },
    defaultConfiguration: { level: meta.defaultSeverity },
    properties: {
      tags: [
        'security',
        'privacy',
        ...meta.cwe,
        ...meta.cwe.map((cwe) => `external/cwe/${cwe.toLowerCase()}`),
      ],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[meta.defaultSeverity],
    },
  };
}

function toResult(finding: Finding, ruleIndex: Map<string, number>) {
  const related = finding.path.map((step, index) => ({
    id: index + 1,
    physicalLocation: physicalLocation(step.file, step.line, step.column),
    message: { text: `Step ${index + 1}: ${step.description}` },
  }));
  const result: Record<string, unknown> = {
    ruleId: finding.ruleId,
    level: finding.severity,
    message: { text: finding.message, markdown: messageMarkdown(finding) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: fileUri(finding.file), uriBaseId: SRCROOT },
          region: {
            startLine: finding.line,
            startColumn: finding.column,
            endLine: Math.max(finding.endLine, finding.line),
            endColumn: Math.max(
              finding.endColumn,
              finding.endLine > finding.line ? 1 : finding.column,
            ),
          },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
    properties: {
      categories: finding.categories,
      phi: finding.phi ?? false,
      ...(finding.source ? { source: finding.source } : {}),
      ...(finding.target ? { target: finding.target } : {}),
      evidence: finding.evidence,
      fix: finding.fix,
      'security-severity': SECURITY_SEVERITY[finding.severity],
    },
  };
  const index = ruleIndex.get(finding.ruleId);
  if (index !== undefined) result.ruleIndex = index;
  if (related.length > 0) result.relatedLocations = related;
  if (finding.path.length >= 2) result.codeFlows = [codeFlow(finding.path)];
  if (finding.suppressed) {
    result.suppressions = [{ kind: 'inSource', justification: finding.suppressed.reason }];
  }
  return result;
}

function codeFlow(path: PathStep[]) {
  return {
    message: { text: `Personal data takes ${path.length} steps to get here.` },
    threadFlows: [
      {
        locations: path.map((step, index) => ({
          location: {
            physicalLocation: physicalLocation(step.file, step.line, step.column),
            message: { text: step.description },
          },
          executionOrder: index + 1,
        })),
      },
    ],
  };
}

function physicalLocation(file: string, line: number, column: number) {
  return {
    artifactLocation: { uri: fileUri(file), uriBaseId: SRCROOT },
    region: { startLine: Math.max(1, line), startColumn: Math.max(1, column) },
  };
}

/** The message with what a reviewer needs around it; `[n](n)` links point at related locations. */
function messageMarkdown(finding: Finding): string {
  const lines = [escapeMarkdown(finding.message)];
  if (finding.categories.length > 0) {
    const from = finding.source ? ` from \`${place(finding.source)}\`` : '';
    lines.push('', `**Data:** ${finding.categories.map((c) => `\`${c}\``).join(', ')}${from}`);
  }
  if (finding.target) {
    const exposure = finding.target.exposure ? ` (${finding.target.exposure})` : '';
    lines.push('', `**Goes to:** \`${place(finding.target)}\`${exposure}`);
  }
  if (finding.path.length > 1) {
    lines.push('', '**Path:**');
    finding.path.forEach((step, index) =>
      lines.push(`${index + 1}. [${escapeMarkdown(step.description)}](${index + 1})`),
    );
  }
  lines.push('', `**Fix:** ${escapeMarkdown(finding.fix)}`);
  return lines.join('\n');
}

function place(ref: { store: string; table: string; column?: string }): string {
  return [ref.store, ref.table, ref.column].filter(Boolean).join('.').replace(/`/g, "'");
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\[\]<>*_])/g, '\\$1');
}

/** A relative path as a URI reference: each segment percent-encoded, slashes kept. */
function fileUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function directoryUri(directory: string): string {
  const uri = pathToFileURL(directory).href;
  return uri.endsWith('/') ? uri : `${uri}/`;
}

const documentationCache = new Map<string, string | undefined>();

function readDocumentation(ruleId: string): string | undefined {
  if (!documentationCache.has(ruleId)) {
    let text: string | undefined;
    try {
      text = readFileSync(new URL(`${ruleId}.md`, DOCS_DIRECTORY), 'utf8').trim();
    } catch {
      text = undefined; // an installation without docs still gets a valid log
    }
    documentationCache.set(ruleId, text);
  }
  return documentationCache.get(ruleId);
}

/** The documentation as plain text for tools that do not render Markdown. */
function plainText(markdown: string): string {
  return markdown
    .replace(/^```\w*\n?/gm, '')
    .replace(/^#+\s*/gm, '')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
}
