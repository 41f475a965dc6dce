/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other dashboards. Every rule is
 * described (with its documentation page as help), every result carries a stable partial
 * fingerprint so alerts follow code that moves, multi-step flows become code flows, and suppressed
 * findings stay in the log with an in-source suppression and its justification.
 *
 * Paths are relative to the repository root whatever folder the scan ran in, since code scanning
 * resolves them there; each scanned root gets its own `automationDetails.id`, so uploads for two
 * folders do not replace each other's alerts.
 */
import { dataPlace } from '../findings.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, posix, relative, resolve, sep } from 'node:path';
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

/** GitHub code scanning ranks security alerts by this score (0–10): High, Medium, Low. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', note: '2.0' };

/** GitHub code scanning reads at most this many results of a run; the rest would be dropped silently. */
export const MAX_SARIF_RESULTS = 25_000;

const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'note'];

export function ruleHelpUri(ruleId: string): string {
  return `${RULE_DOCS_BASE}${ruleId}.md`;
}

export function sarifReporter({ result, tool, paths }: ReportContext): string {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.meta.id, index]));
  const cwd = process.cwd();
  const root = repositoryRoot(cwd);
  const prefix = folderPrefix(root, cwd);
  const security = new Set(RULES.filter(isAboutPersonalData).map((rule) => rule.meta.id));
  // Over the limit, errors are kept first; the notification says how many were left out.
  const kept =
    result.findings.length > MAX_SARIF_RESULTS
      ? [...result.findings]
          .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity))
          .slice(0, MAX_SARIF_RESULTS)
      : result.findings;
  const leftOut = result.findings.length - kept.length;
  const invocation: Record<string, unknown> = { executionSuccessful: true };
  if (leftOut > 0) {
    invocation.toolExecutionNotifications = [
      {
        level: 'warning',
        descriptor: { id: 'results-left-out' },
        message: {
          text: `${leftOut} of ${result.findings.length} results were left out: code scanning reads at most ${MAX_SARIF_RESULTS} per run (errors were kept first). Run piilint with --format json for every finding.`,
        },
      },
    ];
  }
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
            rules: RULES.map((rule) => describeRule(rule.meta, security.has(rule.meta.id))),
          },
        },
        automationDetails: { id: automationId(prefix, paths ?? []) },
        originalUriBaseIds: {
          [SRCROOT]: {
            uri: directoryUri(root),
            description: {
              text: 'The root of the repository; result paths are relative to it.',
            },
          },
        },
        columnKind: 'utf16CodeUnits',
        results: kept.map((finding) =>
          toResult(finding, ruleIndex, prefix, security.has(finding.ruleId)),
        ),
        invocations: [invocation],
        properties: { summary: result.summary },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function isAboutPersonalData(rule: { meta: RuleMeta }): boolean {
  return (rule.meta.topic ?? 'personal-data') === 'personal-data';
}

/**
 * The folder code scanning resolves paths from: `GITHUB_WORKSPACE` in Actions, else the nearest
 * folder above with a `.git`, else the folder the scan ran in.
 */
export function repositoryRoot(cwd: string): string {
  const workspace = process.env.GITHUB_WORKSPACE;
  if (workspace && isWithin(resolve(workspace), cwd)) return resolve(workspace);
  for (let folder = cwd; ; folder = dirname(folder)) {
    if (existsSync(resolve(folder, '.git'))) return folder;
    if (dirname(folder) === folder) return cwd;
  }
}

function isWithin(folder: string, path: string): boolean {
  const fromFolder = relative(folder, path);
  return fromFolder === '' || (!fromFolder.startsWith('..') && !isAbsolute(fromFolder));
}

/** A finding's path (relative to the scan's folder) as a path from the repository root. */
function fromRoot(prefix: string, file: string): string {
  return posix.normalize(`${prefix}${file}`);
}

/** `examples/pps/` when the scan ran in that folder of the repository, '' at its root. */
function folderPrefix(root: string, cwd: string): string {
  const folder = relative(root, cwd).split(sep).join('/');
  return folder === '' ? '' : `${folder}/`;
}

/**
 * `piilint/<scanned roots>/`: the category code scanning keeps one analysis per, so the scans of
 * two folders of a repository do not close each other's alerts.
 */
function automationId(prefix: string, paths: readonly string[]): string {
  const roots = (paths.length > 0 ? paths : ['.']).map((path) => {
    const joined = `${prefix}${path.split(sep).join('/')}`
      .replace(/(^|\/)\.(?=\/|$)/g, '')
      .replace(/\/{2,}/g, '/')
      .replace(/^\/|\/$/g, '');
    return joined === '' ? '.' : joined;
  });
  return `piilint/${[...new Set(roots)].sort().join(',')}/`;
}

function describeRule(meta: RuleMeta, security: boolean) {
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
    properties: security
      ? {
          tags: [
            'security',
            'privacy',
            ...meta.cwe,
            ...meta.cwe.map((cwe) => `external/cwe/${cwe.toLowerCase()}`),
          ],
          precision: 'high',
          'security-severity': SECURITY_SEVERITY[meta.defaultSeverity],
        }
      : { tags: ['maintainability'], precision: 'high' },
  };
}

function toResult(
  finding: Finding,
  ruleIndex: Map<string, number>,
  prefix: string,
  security: boolean,
) {
  const related = finding.path.map((step, index) => ({
    id: index + 1,
    physicalLocation: physicalLocation(fromRoot(prefix, step.file), step.line, step.column),
    message: { text: `Step ${index + 1}: ${step.description}` },
  }));
  const result: Record<string, unknown> = {
    ruleId: finding.ruleId,
    level: finding.severity,
    message: { text: finding.message, markdown: messageMarkdown(finding) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: fileUri(fromRoot(prefix, finding.file)), uriBaseId: SRCROOT },
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
      ...(security ? { 'security-severity': SECURITY_SEVERITY[finding.severity] } : {}),
    },
  };
  const index = ruleIndex.get(finding.ruleId);
  if (index !== undefined) result.ruleIndex = index;
  if (related.length > 0) result.relatedLocations = related;
  if (finding.path.length >= 2) result.codeFlows = [codeFlow(finding.path, prefix)];
  if (finding.suppressed) {
    result.suppressions = [{ kind: 'inSource', justification: finding.suppressed.reason }];
  }
  return result;
}

function codeFlow(path: PathStep[], prefix: string) {
  return {
    message: { text: `Personal data takes ${path.length} steps to get here.` },
    threadFlows: [
      {
        locations: path.map((step, index) => ({
          location: {
            physicalLocation: physicalLocation(fromRoot(prefix, step.file), step.line, step.column),
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
  return dataPlace(ref).replace(/`/g, "'");
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
