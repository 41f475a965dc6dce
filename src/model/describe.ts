/** Words shared by every rule's messages, so findings read the same way everywhere. */
import type { SourceLocation } from '../facts.js';
import type { DataRef, PathStep } from '../findings.js';
import { dataPlace } from '../findings.js';
import { flatString } from '../util/shared-strings.js';
import type { CategoryEvidence, ColumnRef } from './types.js';

export function formatRef(ref: ColumnRef): string {
  return dataPlace(ref);
}

export function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}`;
}

export function pathStep(at: SourceLocation, description: string): PathStep {
  return { file: at.file, line: at.line, column: at.column, description: flatString(description) };
}

/** `person.name from pps.patients.full_name, contact.email (hashed) from pps.patients.email`. */
export function describeCategories(categories: readonly CategoryEvidence[]): string {
  const parts = categories.map(
    (entry) =>
      `${entry.category}${entry.pseudonymous ? ' (pseudonymised)' : ''} from ${formatRef(entry.from)}`,
  );
  return [...new Set(parts)].join(', ');
}

/** Distinct category ids, in order of first appearance. */
export function categoryIds(categories: readonly CategoryEvidence[]): string[] {
  return [...new Set(categories.map((entry) => entry.category))];
}

/** Distinct evidence strings, in order of first appearance. */
export function evidenceOf(categories: readonly CategoryEvidence[]): string[] {
  return [...new Set(categories.map((entry) => entry.evidence))];
}

/** Joins several paths into one, keeping each step once, in order of first appearance. */
export function mergePaths(paths: readonly (readonly PathStep[])[]): PathStep[] {
  const seen = new Set<string>();
  const merged: PathStep[] = [];
  for (const path of paths) {
    for (const step of path) {
      const key = `${step.file}:${step.line}:${step.column}:${step.description}`;
      if (seen.has(key)) continue;
      seen.add(key);
      merged.push(step);
    }
  }
  return merged;
}

/**
 * The path of a write or send, as a reviewer reads it: steps from earlier files first (in replay
 * order), then this file's steps in source order, then the write or send itself. When a data
 * script's own steps already end with the call, that step is the final one and the model's generic
 * step is dropped, so the call is not listed twice.
 */
export function orderPath(
  paths: readonly (readonly PathStep[])[],
  scriptSteps: readonly PathStep[],
  modelStep: PathStep,
  callAt: { file: string; line: number; column: number },
): PathStep[] {
  const scriptFinal = scriptSteps.at(-1);
  const final =
    scriptFinal !== undefined &&
    scriptFinal.file === callAt.file &&
    scriptFinal.line === callAt.line &&
    scriptFinal.column === callAt.column
      ? scriptFinal
      : modelStep;
  const isFinalCall = (step: PathStep) =>
    step === final ||
    step === modelStep ||
    (step.file === callAt.file && step.line === callAt.line && step.column === callAt.column);
  const steps = mergePaths(paths).filter((step) => !isFinalCall(step));
  const earlier = steps.filter((step) => step.file !== callAt.file);
  const local = steps
    .filter((step) => step.file === callAt.file)
    .sort((left, right) => left.line - right.line || left.column - right.column);
  return [...earlier, ...local, final];
}

/** `PHI (person.name from pps.patients.full_name)` or `Personal data (contact.email from …)`. */
export function describeData(categories: readonly CategoryEvidence[]): string {
  const kind = categories.some((entry) => entry.phi) ? 'PHI' : 'Personal data';
  return `${kind} (${describeCategories(categories)})`;
}

/** Pseudonymous data (hashed, masked, generalised) is still personal, reported one level lower. */
export function lowerWhenPseudonymous(
  categories: readonly CategoryEvidence[],
  severity: 'error' | 'warning',
): 'error' | 'warning' | 'note' {
  if (!categories.every((entry) => entry.pseudonymous)) return severity;
  return severity === 'error' ? 'warning' : 'note';
}

/** Categories of keys: what a row of a person, a prescriber or an order is looked up by. */
const KEY_CATEGORIES = new Set([
  'identifier.person_id',
  'health.patient_id',
  'health.prescriber_id',
  'identifier.transaction_id',
]);

/**
 * A surrogate key (`patient_id`, `doctorId`, `id` read from a person's row): a random or serial
 * number that names nobody outside the database, unlike a name, an email or a medical record
 * number. The data map decides for itself: a key it declares personal stays personal.
 */
export function isSurrogateKey(entry: CategoryEvidence): boolean {
  if (entry.origin === 'map' || !KEY_CATEGORIES.has(entry.category)) return false;
  return /(?:^|_|[a-z])(?:id|Id|ID|uuid|Uuid|UUID)$/.test(entry.from.column);
}

/** The finding's `source`: the first column the data was read from. */
export function sourceRef(categories: readonly CategoryEvidence[]): DataRef | undefined {
  const from = categories[0]?.from;
  return from === undefined ? undefined : { ...from };
}

/** A column's own categories with who decided them: `PHI (contact.email per the data map)`. */
export function describeHeld(categories: readonly CategoryEvidence[]): string {
  const kind = categories.some((entry) => entry.phi) ? 'PHI' : 'Personal data';
  const parts = categories.map((entry) => `${entry.category} ${decidedBy(entry)}`);
  return `${kind} (${[...new Set(parts)].join(', ')})`;
}

function decidedBy(entry: CategoryEvidence): string {
  if (entry.origin === 'map') return 'per the data map';
  if (entry.origin === 'flow') return `from ${formatRef(entry.from)}`;
  return 'per the classifier';
}
