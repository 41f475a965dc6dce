import type { FindingDraft } from '../findings.js';
import {
  categoryIds,
  describeData,
  describeHeld,
  evidenceOf,
  formatRef,
  lowerWhenPseudonymous,
  mergePaths,
  pathStep,
  sourceRef,
} from '../model/describe.js';
import type { CategoryEvidence, ColumnRef, CopiedColumnResult } from '../model/types.js';
import { isDeniedPublic } from '../model/policy.js';
import type { Rule } from './types.js';

const FIX =
  'Drop the column from the copy, tokenize or encrypt it, or make the target non-public. ' +
  'If the category is meant to be public, add it to policy.public.allow in the data map.';

/** The same target column filled from the same sources: one flow, whoever declares it. */
function flowKey(
  store: string,
  table: string,
  column: string,
  sources: readonly ColumnRef[],
): string {
  const from = sources.map((source) => formatRef(source)).sort();
  return `${store}.${table}.${column}<-${from.join('+')}`;
}

export const piiPublicExposure: Rule = {
  meta: {
    id: 'pii-public-exposure',
    name: 'PiiPublicExposure',
    defaultSeverity: 'error',
    summary: 'Personal data is copied into a public store, table, view, bucket object or index.',
    incident:
      'The PPS → Kroger merge copied 82,000 pharmacy patients’ names and emails into public Kroger accounts, exposed for eight years.',
    cwe: ['CWE-359'],
  },
  check({ model }) {
    const findings: FindingDraft[] = [];
    const denied = (category: string) => isDeniedPublic(model.policy, category);
    const isPublic = (source: ColumnRef) =>
      model.stores.get(source.store)?.tables.get(source.table)?.exposure === 'public';
    // A mapping and the SQL that implements it are one flow: report it at the SQL, naming the mapping.
    const implemented = new Map<string, string[]>();
    for (const copy of model.copies) {
      if (copy.fact.via !== 'mapping') continue;
      for (const column of copy.columns) {
        const key = flowKey(copy.target.store, copy.target.table, column.column, column.sources);
        implemented.set(key, [...(implemented.get(key) ?? []), copy.description]);
      }
    }
    const coded = new Set<string>();
    for (const copy of model.copies) {
      if (copy.fact.via === 'mapping') continue;
      for (const column of copy.columns) {
        coded.add(flowKey(copy.target.store, copy.target.table, column.column, column.sources));
      }
    }
    for (const copy of model.copies) {
      // Made public by the copy's own file: public-access-grant reports the table there, once.
      if (copy.target.exposure !== 'public' || copy.target.exposureReportedAt) continue;
      // One finding per statement item: `SELECT p.*` into a public view is one finding listing
      // every personal column it brings, not one per column.
      const byItem = new Map<
        string,
        Array<{ column: CopiedColumnResult; leaked: CategoryEvidence[] }>
      >();
      for (const column of copy.columns) {
        // Read from tables that are public themselves: the copy widens nothing, and
        // public-access-grant reports each of those tables where it was made public.
        if (column.sources.length > 0 && column.sources.every(isPublic)) continue;
        const leaked = column.categories.filter((entry) => denied(entry.category));
        if (leaked.length === 0) continue;
        const key = flowKey(copy.target.store, copy.target.table, column.column, column.sources);
        if (copy.fact.via === 'mapping' && coded.has(key)) continue;
        const item = `${column.at.line}:${column.at.column}:${column.at.endLine}:${column.at.endColumn}`;
        byItem.set(item, [...(byItem.get(item) ?? []), { column, leaked }]);
      }
      for (const group of byItem.values()) {
        const first = group[0];
        if (first === undefined) continue;
        const leaked = group.flatMap((entry) => entry.leaked);
        const columns = group.map((entry) => entry.column.column);
        const target = {
          ...copy.target,
          column: columns.length === 1 ? first.column.column : undefined,
          exposure: 'public' as const,
        };
        const into =
          columns.length === 1
            ? formatRef({ ...target, column: first.column.column })
            : `${columns.length} columns of ${copy.target.store}.${copy.target.table} (${columns.join(', ')})`;
        const mappings = [
          ...new Set(
            group.flatMap(
              (entry) =>
                implemented.get(
                  flowKey(
                    copy.target.store,
                    copy.target.table,
                    entry.column.column,
                    entry.column.sources,
                  ),
                ) ?? [],
            ),
          ),
        ];
        findings.push({
          at: first.column.at,
          message: `${describeData(leaked)} copied into ${into} (public) by ${copy.description}.`,
          severity: lowerWhenPseudonymous(leaked, 'error'),
          categories: categoryIds(leaked),
          source: sourceRef(leaked),
          target: {
            store: target.store,
            table: target.table,
            ...(target.column !== undefined && { column: target.column }),
            exposure: 'public',
          },
          path: mergePaths(group.map((entry) => entry.column.path)),
          phi: leaked.some((entry) => entry.phi),
          evidence: [
            ...evidenceOf(leaked),
            ...mappings.map((mapping) => `the same flow is declared by the data map's ${mapping}`),
          ],
          fix: FIX,
          fingerprintKey: `copy:${columns.join(',')}`,
        });
      }
    }
    for (const send of model.sends) {
      if (send.sink.type !== 'object-store' || !send.sink.publicAcl) continue;
      const leaked = send.categories.filter((entry) => denied(entry.category));
      if (leaked.length === 0) continue;
      const bucket = send.sink.bucket ?? '(unknown bucket)';
      findings.push({
        at: send.at,
        message: `${describeData(leaked)} uploaded to ${send.sink.service} bucket ${bucket} with a public ACL: anyone with the link can read it. Upload it private.`,
        severity: lowerWhenPseudonymous(leaked, 'error'),
        categories: categoryIds(leaked),
        source: sourceRef(leaked),
        target: { store: send.sink.service, table: bucket, exposure: 'public' },
        path: send.path,
        phi: leaked.some((entry) => entry.phi),
        evidence: evidenceOf(leaked),
        fix: 'Upload the object private (no public-read ACL) and serve it through signed URLs, or leave the personal values out of it.',
      });
    }
    for (const store of model.stores.values()) {
      for (const table of store.tables.values()) {
        if (table.declaredExposure !== 'public') continue;
        for (const column of table.columns.values()) {
          // Flows are reported at the copy that brings them; here: what the column holds by itself.
          const held = column.categories.filter(
            (entry) => entry.origin !== 'flow' && denied(entry.category),
          );
          if (held.length === 0) continue;
          const ref = formatRef({ store: store.id, table: table.name, column: column.name });
          findings.push({
            at: column.definedAt,
            message: `${describeHeld(held)} held by ${ref}, a column of a table the data map declares public. Remove or tokenize the column, or make the table non-public.`,
            categories: categoryIds(held),
            target: { store: store.id, table: table.name, column: column.name, exposure: 'public' },
            path: [pathStep(column.definedAt, `${ref} defined in a public table`)],
            phi: held.some((entry) => entry.phi),
            evidence: evidenceOf(held),
            fix: 'Remove the column or keep only a tokenized or encrypted form of it, make the table non-public in the data map, or add the category to policy.public.allow if it is meant to be public.',
            fingerprintKey: `column:${column.name}`,
          });
        }
      }
    }
    return findings;
  },
};
