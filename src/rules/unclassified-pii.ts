import type { FindingDraft } from '../findings.js';
import { categoryIds, evidenceOf, formatRef } from '../model/describe.js';
import type { CategoryEvidence, ModelColumn, ModelTable } from '../model/types.js';
import { classifyColumn, compileExtraPatterns, isPersonLinked } from '../taxonomy/classifier.js';
import type { Rule } from './types.js';

export const unclassifiedPii: Rule = {
  meta: {
    id: 'unclassified-pii',
    name: 'UnclassifiedPii',
    defaultSeverity: 'warning',
    summary:
      'A migration creates a column the classifier reads as personal, and the data map does not declare it.',
    incident:
      'The PPS → Kroger merge went unchecked because nobody knew which columns held patient data; a map that falls behind the schema hides the next one.',
    cwe: [],
  },
  check({ model, config }) {
    if (!model.hasDataMap) return [];
    const findings: FindingDraft[] = [];
    let extraPatterns: ReturnType<typeof compileExtraPatterns> | undefined;
    for (const store of model.stores.values()) {
      if (!store.declared) continue;
      for (const table of store.tables.values()) {
        let personLinked: boolean | undefined;
        for (const column of table.columns.values()) {
          // A column declared `{}` or `none` counts as declared: the steward has looked at it.
          if (column.declared || !column.definedInCode) continue;
          let read = column.categories.filter((entry) => entry.origin === 'classifier');
          // The model keeps one entry per category, a flow before the classifier: a view column
          // (`users.email AS user_email`) whose category also flows in would hide the reading of
          // its own name. What flows in does not declare the column: read the name itself.
          if (column.categories.some((entry) => entry.origin === 'flow')) {
            extraPatterns ??= compileExtraPatterns(config.classifier.extraPatterns);
            personLinked ??= tableIsPersonLinked(table);
            read = mergeReadings(read, readName(table, column, personLinked, extraPatterns));
          }
          if (read.length === 0) continue;
          const ref = formatRef({ store: store.id, table: table.name, column: column.name });
          const where = table.declared
            ? ''
            : ` (table ${table.name} is not in the data map at all)`;
          findings.push({
            at: column.definedAt,
            message: `${ref} reads as ${categoryIds(read).join(', ')}, but the data map does not declare it${where}. Add it to datamap.yaml with its category.`,
            categories: categoryIds(read),
            target: { store: store.id, table: table.name, column: column.name },
            evidence: evidenceOf(read),
            fix: `Add it to datamap.yaml under stores.${store.id}.tables.${table.name}.columns with its category (\`${column.name}: ${read[0]?.category}\`), or \`${column.name}: none\` if it is not personal.`,
          });
        }
      }
    }
    return findings;
  },
};

/** The table's name without a schema (`auth.users` → `users`), as the model classifies it. */
function bareName(key: string): string {
  return key.slice(key.lastIndexOf('.') + 1);
}

function tableIsPersonLinked(table: ModelTable): boolean {
  try {
    return isPersonLinked(
      bareName(table.name),
      [...table.columns.values()].map((entry) => ({
        name: entry.name,
        dataType: entry.dataType,
        referencesTable: entry.references?.table,
      })),
    );
  } catch {
    return false;
  }
}

/** What the built-in classifier reads in the column's own name, in the model's context. */
function readName(
  table: ModelTable,
  column: ModelColumn,
  personLinked: boolean,
  extraPatterns: ReturnType<typeof compileExtraPatterns>,
): CategoryEvidence[] {
  let found: ReturnType<typeof classifyColumn>;
  try {
    found = classifyColumn({
      table: bareName(table.name),
      column: column.name,
      dataType: column.dataType,
      primaryKey: column.primaryKey,
      referencesTable: column.references?.table,
      siblingColumns: [...table.columns.keys()],
      personLinked,
      healthContext: table.healthContext,
      extraPatterns,
    });
  } catch {
    return [];
  }
  const self = { store: column.store, table: column.table, column: column.name };
  return found.map((entry) => ({
    category: entry.category,
    origin: 'classifier',
    evidence: `classifier: ${entry.reason}`,
    pseudonymous: false,
    phi: false,
    from: self,
    at: column.definedAt,
    path: [],
  }));
}

function mergeReadings(
  known: CategoryEvidence[],
  more: readonly CategoryEvidence[],
): CategoryEvidence[] {
  const merged = [...known];
  for (const entry of more) {
    if (!merged.some((existing) => existing.category === entry.category)) merged.push(entry);
  }
  return merged;
}
