/**
 * Baselines (rules.md, "Baseline"): `--write-baseline FILE` records today's findings by fingerprint;
 * `--baseline FILE` reports only findings whose fingerprint it does not hold. Fingerprints carry no
 * line numbers, so moving code keeps a recorded finding recorded.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './errors.js';
import type { Finding } from './findings.js';
import { packageFile } from './util/package-files.js';
import { writeFileSafely } from './util/safe-write.js';

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  file: string;
  /** For the reviewer reading the file; matching uses the fingerprint only. */
  message: string;
}

export interface BaselineFile {
  version: 1;
  tool: { name: string; version: string };
  findings: BaselineEntry[];
}

export interface BaselineCounts {
  /** Findings left out because the baseline holds them. */
  baselined: number;
  /** Baseline entries no current finding matches: fixed (or moved to another file) since. */
  fixed: number;
}

export interface BaselineOutcome {
  /** Findings the baseline does not hold: the ones to report. */
  findings: Finding[];
  /** Findings left out because the baseline holds them. */
  baselined: number;
  /** Baseline entries no current finding matches: fixed (or moved to another file) since. */
  fixed: number;
}

/**
 * The baseline of these findings. Suppressed findings are left out: their comment already
 * silences them, and if it is removed they should be reported again.
 */
export function createBaseline(
  findings: readonly Finding[],
  tool: { name: string; version: string },
): BaselineFile {
  const entries = findings
    .filter((finding) => !finding.suppressed)
    .map(({ fingerprint, ruleId, file, message }) => ({ fingerprint, ruleId, file, message }))
    .sort(
      (a, b) =>
        compareText(a.file, b.file) ||
        compareText(a.ruleId, b.ruleId) ||
        compareText(a.fingerprint, b.fingerprint),
    );
  return { version: 1, tool: { name: tool.name, version: tool.version }, findings: entries };
}

export function writeBaseline(
  file: string,
  cwd: string,
  findings: readonly Finding[],
  tool: { name: string; version: string },
  readFiles?: readonly string[],
): BaselineFile {
  const baseline = createBaseline(findings, tool);
  try {
    writeFileSafely(file, `${JSON.stringify(baseline, null, 2)}\n`, { cwd, readFiles });
  } catch (error) {
    throw new UsageError(
      `cannot write the baseline to ${file} (${(error as Error).message}) — choose another --write-baseline file`,
    );
  }
  return baseline;
}

/** Reads a baseline written by `--write-baseline`; an unusable file stops the scan (exit 2). */
export function readBaseline(file: string, cwd: string): BaselineFile {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch {
    throw new UsageError(
      `baseline ${file} not found — create it with \`piilint scan --write-baseline ${file}\``,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `baseline ${file} is not JSON (${(error as Error).message}) — write it again with --write-baseline`,
    );
  }
  if (!isBaselineFile(parsed)) {
    throw new UsageError(
      `baseline ${file} is not a piilint baseline (expected { "version": 1, "findings": [{ "fingerprint", … }] }) — write it again with --write-baseline`,
    );
  }
  return parsed;
}

function isBaselineFile(value: unknown): value is BaselineFile {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { version?: unknown; findings?: unknown };
  return (
    candidate.version === 1 &&
    Array.isArray(candidate.findings) &&
    candidate.findings.every(
      (entry: unknown) =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof (entry as { fingerprint?: unknown }).fingerprint === 'string',
    )
  );
}

/** Keeps the findings the baseline does not hold and counts what it held and what is gone. */
export function applyBaseline(findings: Finding[], baseline: BaselineFile): BaselineOutcome {
  const recorded = new Set(baseline.findings.map((entry) => entry.fingerprint));
  const current = new Set(findings.map((finding) => finding.fingerprint));
  // Suppressed findings are silenced already; they stay in the results for auditors.
  const kept = findings.filter(
    (finding) => finding.suppressed || !recorded.has(finding.fingerprint),
  );
  const fixed = [...recorded].filter((fingerprint) => !current.has(fingerprint)).length;
  return { findings: kept, baselined: findings.length - kept.length, fixed };
}

/**
 * The scan's baseline step. `--write-baseline` records the findings and then reports against what
 * it wrote, so adopting piilint on an old repository passes at once; `--baseline` leaves out what
 * the given baseline holds (when both are given the new file is written and the old one applied).
 * Without either option the findings pass through and there are no counts.
 */
export function baselineStep(
  findings: Finding[],
  options: { cwd: string; baseline?: string; writeBaseline?: string },
  readFiles?: readonly string[],
): { findings: Finding[]; counts?: BaselineCounts } {
  if (!options.baseline && !options.writeBaseline) return { findings };
  const written = options.writeBaseline
    ? writeBaseline(options.writeBaseline, options.cwd, findings, packageInfo(), readFiles)
    : undefined;
  const baseline = options.baseline ? readBaseline(options.baseline, options.cwd) : written;
  if (!baseline) return { findings };
  const outcome = applyBaseline(findings, baseline);
  return {
    findings: outcome.findings,
    counts: { baselined: outcome.baselined, fixed: outcome.fixed },
  };
}

/** Name and version from package.json, one folder above src/ and dist/. */
function packageInfo(): { name: string; version: string } {
  try {
    const manifest = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {
      name?: string;
      version?: string;
    };
    return { name: manifest.name ?? 'piilint', version: manifest.version ?? '0.0.0' };
  } catch {
    return { name: 'piilint', version: '0.0.0' };
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
