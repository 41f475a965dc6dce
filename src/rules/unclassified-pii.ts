import type { FindingDraft } from '../findings.js';
import { categoryIds, evidenceOf, formatRef } from '../model/describe.js';
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
  check({ model }) {
    if (!model.hasDataMap) return [];
    const findings: FindingDraft[] = [];
    for (const store of model.stores.values()) {
      if (!store.declared) continue;
      for (const table of store.tables.values()) {
        for (const column of table.columns.values()) {
          // A column declared `{}` or `none` counts as declared: the steward has looked at it.
          if (column.declared || !column.definedInCode) continue;
          const read = column.categories.filter((entry) => entry.origin === 'classifier');
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
