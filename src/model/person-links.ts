/**
 * taxonomy.md "Person-linked tables", followed through foreign keys (issue 9): a table of vital
 * signs keyed by an encounter, or a lab result keyed by a lab request, belongs to the patient the
 * encounter belongs to. The chain is bounded, and the evidence names every step of it.
 */
import { isAuditColumn } from '../taxonomy/classifier.js';
import type { ModelTable } from './types.js';

/** vitals → encounters → patients, lab results → lab requests → encounters → patients: four steps cover them. */
export const PERSON_LINK_DEPTH = 4;

/**
 * The shortest chain of declared foreign keys from `table` to a table that is person-linked by
 * itself, as words (`vitals.encounter_id → encounters.patient_id → patients`), or undefined.
 */
export function personLinkChain(
  table: ModelTable,
  tableNamed: (name: string) => ModelTable | undefined,
  linkedByItself: (table: ModelTable) => boolean,
): string | undefined {
  interface Step {
    table: ModelTable;
    path: string[];
  }
  const seen = new Set<ModelTable>([table]);
  let frontier: Step[] = [{ table, path: [] }];
  for (let depth = 0; depth < PERSON_LINK_DEPTH && frontier.length > 0; depth++) {
    const next: Step[] = [];
    for (const step of frontier) {
      for (const column of step.table.columns.values()) {
        // Who created or changed a row (`Survey.createdBy → User`) is not whom the row is about.
        if (column.references === undefined || isAuditColumn(column.name)) continue;
        const target = tableNamed(column.references.table);
        if (target === undefined || seen.has(target)) continue;
        seen.add(target);
        const path = [...step.path, `${step.table.name}.${column.name}`];
        if (linkedByItself(target)) return [...path, target.name].join(' → ');
        next.push({ table: target, path });
      }
    }
    frontier = next;
  }
  return undefined;
}
