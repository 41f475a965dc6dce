#!/usr/bin/env node
// Writes the taxonomy into schemas/datamap.schema.json (run by `npm run build`, after tsc): every
// category and prefix as an enumerated value with its description, sensitivity and HIPAA letter,
// so editors running yaml-language-server complete `contact.email` and flag `contact.emial`.
// Only the parts marked with EDITOR_COMMENT are generated; the rest of the schema is written by
// hand. piilint itself checks category names in src/datamap/checks.ts (with prefixes and
// suggestions), so its own validator leaves the marked enumerations out (src/util/schema.ts).
//
//   node scripts/datamap-schema.mjs           rewrite the schema
//   node scripts/datamap-schema.mjs --check   exit 1 when the committed schema is out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCHEMA_FILE = `${ROOT}schemas/datamap.schema.json`;

export const EDITOR_COMMENT =
  'Generated from the taxonomy by scripts/datamap-schema.mjs, for editors: enumerated names complete and typos show. piilint checks category names itself.';

const SENSITIVITY = { L: 'low', M: 'moderate', H: 'high', S: 'special category' };
const HIPAA = {
  A: 'names',
  B: 'geography smaller than a state',
  C: 'dates except year',
  D: 'phone numbers',
  E: 'fax numbers',
  F: 'email addresses',
  G: 'social security numbers',
  H: 'medical record numbers',
  I: 'health plan beneficiary numbers',
  J: 'account numbers',
  K: 'certificate and licence numbers',
  L: 'vehicle identifiers',
  M: 'device identifiers and serials',
  N: 'URLs',
  O: 'IP addresses',
  P: 'biometric identifiers',
  Q: 'full-face photographs',
  R: 'other unique identifying numbers',
};

function describeCategory(category) {
  const parts = [`${SENSITIVITY[category.sensitivity]} sensitivity`];
  if (category.hipaa) parts.push(`HIPAA identifier (${category.hipaa}) ${HIPAA[category.hipaa]}`);
  if (category.encryptionRequired) parts.push('encryption required by the default policy');
  const names = category.hints.slice(0, 6).join(', ');
  return `${parts.join(' · ')}. Column names such as: ${names}.`;
}

/** Every category id, then every prefix (`contact`, `contact.address`), each with its text. */
function categoryValues(categories) {
  const values = categories.map((category) => [category.id, describeCategory(category)]);
  const prefixes = new Map();
  for (const { id } of categories) {
    const segments = id.split('.');
    for (let length = 1; length < segments.length; length++) {
      const prefix = segments.slice(0, length).join('.');
      prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1);
    }
  }
  for (const [prefix, count] of [...prefixes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    values.push([prefix, `Every ${prefix}.* category (${count}).`]);
  }
  return values;
}

function enumeration(values) {
  return {
    $comment: EDITOR_COMMENT,
    enum: values.map(([value]) => value),
    markdownEnumDescriptions: values.map(([, text]) => text),
  };
}

/** Examples an editor offers as a value: only strings where the value may be a string. */
function stringExamples(node) {
  if (Array.isArray(node.examples))
    node.examples = node.examples.filter((e) => typeof e === 'string');
}

export async function generateSchema() {
  const { CATEGORIES } = await import(
    new URL('../dist/taxonomy/categories.js', import.meta.url).href
  );
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  const defs = schema.$defs;
  const categories = categoryValues(CATEGORIES);
  const none = ['none', 'Not personal data.'];

  // A category, a selector (also `*`), and the string form of a column or its `category`.
  defs.category = { ...strip(defs.category), ...enumeration(categories) };
  defs.selector = {
    ...strip(defs.selector),
    ...enumeration([['*', 'Every personal category.'], ...categories]),
  };
  defs.categoryOrNone = {
    title: 'Category',
    description: 'A category of the taxonomy, or `none` for a column that is not personal data.',
    type: 'string',
    ...enumeration([...categories, none]),
  };
  for (const name of ['columnCategories', 'column']) {
    const node = strip(defs[name]);
    stringExamples(node);
    const forms = [{ $ref: '#/$defs/categoryOrNone' }, { type: 'array' }];
    if (name === 'column') forms.push({ type: 'object' });
    defs[name] = { ...node, $comment: EDITOR_COMMENT, anyOf: forms };
  }
  stringExamples(defs.column.properties.category);
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  const options = (await resolveConfig(SCHEMA_FILE)) ?? {};
  return format(text, { ...options, filepath: SCHEMA_FILE });
}

/** A node without its generated parts, so generating again gives the same file. */
function strip(node) {
  const copy = { ...node };
  if (copy.$comment === EDITOR_COMMENT) {
    delete copy.$comment;
    delete copy.enum;
    delete copy.markdownEnumDescriptions;
    delete copy.anyOf;
  }
  return copy;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const generated = await generateSchema();
  if (process.argv.includes('--check')) {
    if (generated !== readFileSync(SCHEMA_FILE, 'utf8')) {
      process.stderr.write('schemas/datamap.schema.json is out of date — run `npm run build`\n');
      process.exitCode = 1;
    }
  } else {
    writeFileSync(SCHEMA_FILE, generated);
  }
}
