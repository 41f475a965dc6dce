import { createHash } from 'node:crypto';
import type { DataRef, Finding, FindingDraft } from './findings.js';

/** What identifies a finding across edits: never its line or column (rules.md, "Baseline"). */
export interface FingerprintInput {
  ruleId: string;
  file: string;
  categories: string[];
  source?: DataRef;
  target?: DataRef;
  fingerprintKey?: FindingDraft['fingerprintKey'];
}

/** sha256 of the rule, file, categories, source, target and the rule's own key; stable across line moves. */
export function fingerprintOf(input: FingerprintInput): string {
  const identity = JSON.stringify([
    input.ruleId,
    input.file,
    [...input.categories].sort(),
    refKey(input.source),
    refKey(input.target),
    input.fingerprintKey ?? '',
  ]);
  return createHash('sha256').update(identity).digest('hex');
}

/** Exposure is left out on purpose: re-declaring a store's exposure must not turn old findings into new ones. */
function refKey(ref: DataRef | undefined): string {
  return ref ? [ref.store, ref.table, ref.column ?? ''].join('.') : '';
}

/**
 * Sets `fingerprint` on every finding, in the order given (the pipeline passes them sorted by
 * location). Findings that would share a fingerprint get an occurrence suffix (`:2`, `:3`, …) so a
 * baseline can tell them apart while their order stays the same.
 */
export function assignFingerprints(
  findings: Finding[],
  keyOf: (finding: Finding) => string | undefined = () => undefined,
  /** The file as the fingerprint names it: relative to the repository root, not to where piilint runs. */
  fileOf: (file: string) => string = (file) => file,
): Finding[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const base = fingerprintOf({
      ...finding,
      file: fileOf(finding.file),
      fingerprintKey: keyOf(finding),
    });
    const occurrence = (seen.get(base) ?? 0) + 1;
    seen.set(base, occurrence);
    return { ...finding, fingerprint: occurrence === 1 ? base : `${base}:${occurrence}` };
  });
}
