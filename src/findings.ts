import type { SourceLocation } from './facts.js';
import { FUNCTION_ARGUMENTS_TABLE, REQUEST_BODY_TABLE } from './facts.js';
import type { Exposure } from './datamap/types.js';

export type Severity = 'error' | 'warning' | 'note';

export const SEVERITY_RANK: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

/** A place personal data lives: `store.table.column`. */
export interface DataRef {
  store: string;
  table: string;
  column?: string;
}

/** `pps.patients.email`, or `the request body's email` for a field a handler was sent. */
export function dataPlace(ref: { store: string; table: string; column?: string }): string {
  if (ref.table === REQUEST_BODY_TABLE) return `the request body's ${ref.column ?? 'fields'}`;
  if (ref.table === FUNCTION_ARGUMENTS_TABLE) return `the function's argument ${ref.column ?? ''}`;
  return [ref.store, ref.table, ref.column].filter(Boolean).join('.');
}

export interface PathStep {
  file: string;
  line: number;
  column: number;
  description: string;
}

/** One finding, as the JSON reporter prints it (spec/cli.md, "JSON output"). */
export interface Finding {
  ruleId: string;
  severity: Severity;
  /** One sentence: what data, where it goes, and why that is a problem. */
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  categories: string[];
  /** Where the data came from. */
  source?: DataRef;
  /** Where the data goes, with that place's exposure. */
  target?: DataRef & { exposure?: Exposure };
  /** Every step of a multi-step flow, in order, ending at the finding's own location. */
  path: PathStep[];
  /** Protected health information: identifiers of people in a health context. */
  phi?: boolean;
  /** Which evidence decided the classification or encryption state ("data map", "name 'email'", "flow from pps.patients.email"). */
  evidence: string[];
  /** What to do about it. */
  fix: string;
  /** Stable across line moves: rule, file, data and target (rules.md, "Baseline"). */
  fingerprint: string;
  suppressed?: { reason: string };
}

/** What a rule returns; the pipeline adds the rule id, default severity, file/line from `at` and the fingerprint. */
export interface FindingDraft {
  at: SourceLocation;
  message: string;
  /** Overrides the rule's default severity (e.g. pseudonymous data reaching public is a warning). */
  severity?: Severity;
  categories?: string[];
  source?: DataRef;
  target?: DataRef & { exposure?: Exposure };
  path?: PathStep[];
  phi?: boolean;
  evidence?: string[];
  fix: string;
  /** Extra identity for the fingerprint when rule+file+source+target+categories are not unique enough. */
  fingerprintKey?: string;
}
