import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadDataMaps, validateDataMapFile } from '../src/datamap/load.js';
import type { DataMapSource } from '../src/datamap/load.js';
import {
  globMatches,
  implicitStoreId,
  isTemplateSchema,
  resolveTable,
} from '../src/datamap/resolve.js';
import type { DataMap } from '../src/datamap/types.js';
import { DEFAULT_ENCRYPTION_REQUIRED } from '../src/taxonomy/categories.js';
import { onlyProblem, usageErrorOf } from './map-problems.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'datamap');

function fixture(name: string): DataMapSource {
  const absolutePath = join(FIXTURES, name);
  return { path: name, absolutePath, text: readFileSync(absolutePath, 'utf8') };
}

function inline(lines: string[], path = 'datamap.yaml'): DataMapSource {
  return { path, absolutePath: join(FIXTURES, path), text: lines.join('\n') + '\n' };
}

function load(lines: string[]) {
  return loadDataMaps([inline(lines)]);
}

/** The one problem of a load, with its location flattened for exact comparison. */
const PPS_STORE = [
  'version: 1',
  'stores:',
  '  pps:',
  '    exposure: internal',
  '    tables:',
  '      patients:',
  '        columns:',
  '          full_name: person.name',
  '          email: contact.email',
  '  kroger:',
  '    exposure: internal',
  '    tables:',
  '      accounts:',
  '        exposure: public',
  '        columns:',
  '          display_name: {}',
  '          username: {}',
];

test('the full example map loads with no problems and keeps every declaration', () => {
  const { dataMap, problems } = loadDataMaps([fixture('full.datamap.yaml')]);
  assert.equal(problems, []);
  const map = dataMap as DataMap;
  assert.equal(map.files, ['full.datamap.yaml']);
  assert.equal([...map.stores.keys()], ['pps', 'kroger', 'marketing_partner']);

  const pps = map.stores.get('pps');
  assert.is(pps?.title, 'Postal Prescription Services pharmacy database');
  assert.is(pps?.kind, 'database');
  assert.is(pps?.engine, 'postgres');
  assert.is(pps?.exposure, 'internal');
  assert.is(pps?.encryptedAtRest, true);
  assert.is(pps?.context, 'health');
  assert.equal(pps?.migrations, ['db/pps/migrations/**']);
  assert.equal(pps?.connections, ['ppsDb', 'PPS_DATABASE_URL']);
  assert.is(pps?.baseDir, FIXTURES);
  assert.equal(pps?.at, {
    file: 'full.datamap.yaml',
    line: 5,
    column: 3,
    endLine: 5,
    endColumn: 6,
  });

  const patients = pps?.tables.get('patients');
  assert.is(patients?.subject, 'patient');
  assert.is(patients?.exposure, 'internal');
  const column = (name: string) => {
    const decl = patients?.columns.get(name);
    return decl && [decl.status, decl.categories, decl.encrypted, decl.at.line, decl.at.column];
  };
  assert.equal(column('email'), ['classified', ['contact.email'], false, 23, 11]);
  assert.equal(column('ssn'), ['classified', ['government_id.ssn'], true, 27, 11]);
  assert.equal(column('internal_note'), [
    'classified',
    ['health.diagnosis', 'person.name'],
    false,
    30,
    11,
  ]);
  assert.equal(column('loyalty_tier'), ['none', [], false, 32, 11]);

  const accounts = map.stores.get('kroger')?.tables.get('accounts');
  assert.is(accounts?.exposure, 'public');
  assert.is(accounts?.columns.get('display_name')?.status, 'unknown');

  const partner = map.stores.get('marketing_partner');
  assert.is(partner?.kind, 'partner');
  assert.equal(partner?.hosts, ['collect.adpartner.example']);

  assert.is(map.mappings.length, 1);
  const mapping = map.mappings[0];
  assert.is(mapping?.id, 'pps-member-accounts');
  assert.is(mapping?.description, 'Create a Kroger account for every PPS member');
  assert.equal(mapping?.from, { store: 'pps', table: 'patients' });
  assert.equal(mapping?.to, { store: 'kroger', table: 'accounts' });
  assert.equal(
    mapping?.fields.map((field) => [field.target, field.source, field.transform, field.at.line]),
    [
      ['display_name', 'full_name', 'copy', 57],
      ['username', 'email', 'copy', 58],
      ['email_hash', 'email', 'hash', 59],
    ],
  );

  assert.equal(map.policy.public, { deny: ['*'], allow: [] });
  assert.equal(map.policy.partner.deny, ['*']);
  assert.equal(
    map.policy.partner.allow.map(({ store, categories, purpose, at }) => [
      store,
      categories,
      purpose,
      at.line,
    ]),
    [['marketing_partner', ['contact.email'], 'order receipts', 70]],
  );
  assert.equal(map.policy.encryption.require, [
    'health.medication',
    'health.diagnosis',
    'government_id',
    'financial.card',
  ]);
});

test('the spec example as printed maps into `email_hash`, a column its target table does not list', () => {
  const { dataMap, problems } = loadDataMaps([fixture('spec-example.datamap.yaml')]);
  assert.equal(onlyProblem(problems), {
    where: 'spec-example.datamap.yaml:61:7-61:17',
    message: 'table `kroger.accounts` has no column `email_hash`',
    suggestion: 'declare it under `stores.kroger.tables.accounts.columns`',
  });
  // The field is still analysed: the copy is real even if the map forgot the column.
  assert.is(dataMap?.mappings[0]?.fields.length, 3);
});

test('policy defaults fill every list the map leaves out', () => {
  const withoutPolicy = load(PPS_STORE).dataMap as DataMap;
  assert.equal(withoutPolicy.policy, {
    public: { deny: ['*'], allow: [] },
    partner: { deny: ['*'], allow: [] },
    encryption: { require: [...DEFAULT_ENCRYPTION_REQUIRED] },
  });
  assert.ok(DEFAULT_ENCRYPTION_REQUIRED.includes('health.medication'));

  const partial = load([...PPS_STORE, 'policy:', '  public:', '    allow: [person.username]']);
  assert.equal(partial.problems, []);
  assert.equal(partial.dataMap?.policy.public, { deny: ['*'], allow: ['person.username'] });
  assert.equal(partial.dataMap?.policy.encryption.require, [...DEFAULT_ENCRYPTION_REQUIRED]);
});

test('column shorthands: category, list, `{}`, `none`, and the object form', () => {
  const { dataMap, problems } = load([
    'version: 1',
    'stores:',
    '  pps:',
    '    exposure: internal',
    '    tables:',
    '      patients:',
    '        columns:',
    '          email: contact.email',
    '          note: [health.diagnosis, person.name]',
    '          nickname: {}',
    '          tier: none',
    '          ssn: {category: government_id.ssn, encrypted: true}',
    '          blob: {encrypted: true}',
    '          flag: {category: none}',
    '          empty: []',
  ]);
  assert.equal(problems, []);
  const columns = dataMap?.stores.get('pps')?.tables.get('patients')?.columns;
  const summary = [...(columns?.values() ?? [])].map((c) => [
    c.name,
    c.status,
    c.categories,
    c.encrypted,
  ]);
  assert.equal(summary, [
    ['email', 'classified', ['contact.email'], false],
    ['note', 'classified', ['health.diagnosis', 'person.name'], false],
    ['nickname', 'unknown', [], false],
    ['tier', 'none', [], false],
    ['ssn', 'classified', ['government_id.ssn'], true],
    ['blob', 'unknown', [], true],
    ['flag', 'none', [], false],
    ['empty', 'unknown', [], false],
  ]);
});

test('unknown key: points at the key and suggests the closest one', () => {
  const { dataMap, problems } = load([
    'version: 1',
    'stores:',
    '  kroger:',
    '    exposure: internal',
    '    exposre: public',
  ]);
  assert.equal(onlyProblem(problems), {
    where: 'datamap.yaml:5:5-5:12',
    message: 'unknown key `exposre` in store `kroger`; did you mean `exposure`?',
    suggestion: 'rename `exposre` to `exposure`',
  });
  // An unknown key spoils nothing else: the store is still used.
  assert.is(dataMap?.stores.get('kroger')?.exposure, 'internal');
});

test('wrong type: points at the value and says what is expected', () => {
  const { problems } = load([
    'version: 1',
    'stores:',
    '  kroger:',
    '    exposure: internal',
    '    migrations: db/kroger/**',
    '    tables:',
    '      accounts:',
    '        columns:',
    '          age: 42',
  ]);
  assert.equal(problems.length, 2);
  assert.equal(onlyProblem(problems.slice(0, 1)), {
    where: 'datamap.yaml:5:17-5:29',
    message: '`migrations` of store `kroger` must be a list; got `db/kroger/**`',
    suggestion: 'write a list',
  });
  assert.equal(onlyProblem(problems.slice(1)), {
    where: 'datamap.yaml:9:16-9:18',
    message:
      'column `age` of table `kroger.accounts` must be text, a list or a map (e.g. `contact.email`); got the number 42',
    suggestion: 'write text, a list or a map (e.g. `contact.email`)',
  });
});

test('bad enum: lists the choices and suggests the closest', () => {
  const { dataMap, problems } = load([
    'version: 1',
    'stores:',
    '  kroger:',
    '    exposure: publik',
    '  pps:',
    '    exposure: internal',
  ]);
  assert.equal(onlyProblem(problems), {
    where: 'datamap.yaml:4:15-4:21',
    message:
      '`exposure` must be one of public, partner, internal, restricted, undecided; got `publik` — did you mean `public`?',
    suggestion: 'write `public`',
  });
  // The invalid store is left out, the valid one kept.
  assert.equal([...(dataMap?.stores.keys() ?? [])], ['pps']);
});

test('missing exposure: points at the store and says what to add', () => {
  const { dataMap, problems } = load([
    'version: 1',
    'stores:',
    '  pps:',
    '    exposure: internal',
    '  kroger:',
    '    kind: database',
  ]);
  assert.equal(onlyProblem(problems), {
    where: 'datamap.yaml:5:3-5:9',
    message:
      'store `kroger` has no `exposure`; add `exposure: internal` (or public, partner, restricted, undecided)',
    suggestion: 'add `exposure: internal`',
  });
  assert.equal([...(dataMap?.stores.keys() ?? [])], ['pps']);
});

test('unknown category in a column: suggests the closest known category', () => {
  const { dataMap, problems } = load([
    'version: 1',
    'stores:',
    '  pps:',
    '    exposure: internal',
    '    tables:',
    '      patients:',
    '        columns:',
    '          email: contact.emial',
    '          note: [health.diagnosis, helth.medication]',
  ]);
  assert.equal(problems.length, 2);
  assert.equal(onlyProblem(problems.slice(0, 1)), {
    where: 'datamap.yaml:8:18-8:31',
    message:
      'unknown category `contact.emial` in column `email` of table `pps.patients`; did you mean `contact.email`?',
    suggestion: 'write `contact.email`',
  });
  assert.equal(onlyProblem(problems.slice(1)), {
    where: 'datamap.yaml:9:36-9:52',
    message:
      'unknown category `helth.medication` in column `note` of table `pps.patients`; did you mean `health.medication`?',
    suggestion: 'write `health.medication`',
  });
  const columns = dataMap?.stores.get('pps')?.tables.get('patients')?.columns;
  assert.equal(columns?.get('note')?.categories, ['health.diagnosis']);
  assert.is(columns?.get('email')?.status, 'unknown');
});

test('a text that is not a category name is one schema problem, not two', () => {
  const { problems } = load([
    'version: 1',
    'stores:',
    '  pps:',
    '    exposure: internal',
    '    tables:',
    '      patients:',
    '        columns:',
    '          email: Contact.Email',
  ]);
  assert.equal(onlyProblem(problems), {
    where: 'datamap.yaml:8:18-8:31',
    message:
      '`Contact.Email` in column `email` of table `pps.patients` is not a category: categories are dotted lowercase names such as `contact.email`; did you mean `contact.email`?',
    suggestion: 'write `contact.email`',
  });
});

test('unknown category in the policy, and `*` accepted there', () => {
  const { dataMap, problems } = load([
    ...PPS_STORE,
    'policy:',
    '  public:',
    '    deny: ["*", helth]',
    '  encryption:',
    '    require: [health.medication, goverment_id]',
  ]);
  assert.equal(problems.length, 2);
  assert.equal(onlyProblem(problems.slice(0, 1)), {
    where: 'datamap.yaml:20:17-20:22',
    message: 'unknown category `helth` in `policy.public.deny`; did you mean `health`?',
    suggestion: 'write `health`',
  });
  assert.equal(onlyProblem(problems.slice(1)), {
    where: 'datamap.yaml:22:34-22:46',
    message:
      'unknown category `goverment_id` in `policy.encryption.require`; did you mean `government_id`?',
    suggestion: 'write `government_id`',
  });
  assert.equal(dataMap?.policy.public.deny, ['*']);
  assert.equal(dataMap?.policy.encryption.require, ['health.medication']);
});

test('partner allow: purpose is required and the store must be declared', () => {
  const { dataMap, problems } = load([
    ...PPS_STORE,
    'policy:',
    '  partner:',
    '    allow:',
    '      - store: kroger',
    '        categories: [contact.email]',
    '      - store: krogr',
    '        categories: [contact.email]',
    '        purpose: receipts',
  ]);
  assert.equal(problems.length, 2);
  assert.equal(onlyProblem(problems.slice(0, 1)), {
    where: 'datamap.yaml:21:9-21:14',
    message: 'allow entry 1 of `policy.partner` has no `purpose`; add `purpose: order receipts`',
    suggestion: 'add `purpose: order receipts`',
  });
  assert.equal(onlyProblem(problems.slice(1)), {
    where: 'datamap.yaml:23:16-23:21',
    message: 'unknown store `krogr` in `policy.partner.allow`; did you mean `kroger`?',
    suggestion: 'write `kroger`',
  });
  assert.equal(dataMap?.policy.partner.allow, []);
});

const MAPPING = (from: string, to: string, fields: string[]) => [
  ...PPS_STORE,
  'mappings:',
  '  - id: accounts',
  `    from: ${from}`,
  `    to: ${to}`,
  '    fields:',
  ...fields.map((field) => `      ${field}`),
];

test('mapping to an unknown store: suggests the closest store', () => {
  const { dataMap, problems } = load(MAPPING('pps.patients', 'krogr.accounts', ['x: email']));
  assert.equal(onlyProblem(problems), {
    where: 'datamap.yaml:21:9-21:23',
    message: 'unknown store `krogr` in mapping `accounts`; did you mean `kroger`?',
    suggestion: 'write `kroger`',
  });
  assert.equal(dataMap?.mappings, []);
});

test('mapping to an unknown table: says the store has no such table and suggests one', () => {
  const { problems } = load(MAPPING('pps.patients', 'kroger.acounts', ['display_name: email']));
  assert.equal(onlyProblem(problems), {
    where: 'datamap.yaml:21:9-21:23',
    message: 'store `kroger` has no table `acounts`; did you mean `accounts`?',
    suggestion: 'write `kroger.accounts`',
  });
});

test('mapping `from` that is not `store.table` suggests the store declaring that table', () => {
  const { problems } = load(MAPPING('patients', 'kroger.accounts', ['display_name: email']));
  assert.equal(onlyProblem(problems), {
    where: 'datamap.yaml:20:11-20:19',
    message:
      '`from` of mapping `accounts` must name a table as `store.table`; got `patients` — did you mean `pps.patients`?',
    suggestion: 'write `pps.patients`',
  });
});

test('mapping fields naming unknown columns: target and source, with suggestions', () => {
  const { dataMap, problems } = load(
    MAPPING('pps.patients', 'kroger.accounts', [
      'display_nam: full_name',
      'username: {from: emial, transform: hash}',
    ]),
  );
  assert.equal(problems.length, 2);
  assert.equal(onlyProblem(problems.slice(0, 1)), {
    where: 'datamap.yaml:23:7-23:18',
    message: 'table `kroger.accounts` has no column `display_nam`; did you mean `display_name`?',
    suggestion: 'write `display_name`',
  });
  assert.equal(onlyProblem(problems.slice(1)), {
    where: 'datamap.yaml:24:24-24:29',
    message: 'table `pps.patients` has no column `emial`; did you mean `email`?',
    suggestion: 'write `email`',
  });
  assert.equal(
    dataMap?.mappings[0]?.fields.map((field) => [field.target, field.source, field.transform]),
    [
      ['display_nam', 'full_name', 'copy'],
      ['username', 'emial', 'hash'],
    ],
  );
});

test('a store id defined in two files is a problem naming both places', () => {
  const { dataMap, problems } = loadDataMaps([
    fixture('a.datamap.yaml'),
    fixture('b.datamap.yaml'),
  ]);
  assert.equal(problems.length, 2);
  assert.equal(onlyProblem(problems.slice(0, 1)), {
    where: 'b.datamap.yaml:10:3-10:6',
    message: 'store `pps` is defined twice: first at a.datamap.yaml:3',
    suggestion: 'rename one of them, or merge the two definitions of store `pps`',
  });
  // The first definition wins; the mapping in a.datamap.yaml resolves against b's kroger store.
  assert.is(dataMap?.stores.get('pps')?.exposure, 'internal');
  assert.equal(dataMap?.files, ['a.datamap.yaml', 'b.datamap.yaml']);
  assert.equal(onlyProblem(problems.slice(1)), {
    where: 'b.datamap.yaml:13:9-13:22',
    message: 'mapping `copy-patients` is defined twice: first at a.datamap.yaml:10',
    suggestion: 'rename one of them, or merge the two definitions of mapping `copy-patients`',
  });
  assert.equal(
    dataMap?.mappings.map((mapping) => [mapping.id, mapping.at.file]),
    [['copy-patients', 'a.datamap.yaml']],
  );
});

test('a mapping id used twice in one file names the first', () => {
  const { dataMap, problems } = load([
    ...MAPPING('pps.patients', 'kroger.accounts', ['display_name: full_name']),
    '  - id: accounts',
    '    from: pps.patients',
    '    to: kroger.accounts',
    '    fields: {username: email}',
  ]);
  assert.equal(onlyProblem(problems), {
    where: 'datamap.yaml:24:9-24:17',
    message: 'mapping `accounts` is defined twice: first at datamap.yaml:19',
    suggestion: 'rename one of them, or merge the two definitions of mapping `accounts`',
  });
  assert.is(dataMap?.mappings.length, 1);
});

test('a YAML key written twice is a problem at the second one', () => {
  const { dataMap, problems } = load([
    'version: 1',
    'stores:',
    '  pps:',
    '    exposure: internal',
    '    exposure: public',
  ]);
  assert.equal(onlyProblem(problems), {
    where: 'datamap.yaml:5:5-5:13',
    message:
      'key `exposure` appears twice in store `pps` (first at line 4); only the last one is used',
    suggestion: 'remove one of the two `exposure` entries',
  });
  assert.is(dataMap?.stores.get('pps')?.exposure, 'public');
});

test('a store id breaking the id pattern is reported at its key', () => {
  const { dataMap, problems } = load([
    'version: 1',
    'stores:',
    '  Kroger DB:',
    '    exposure: public',
  ]);
  assert.equal(onlyProblem(problems), {
    where: 'datamap.yaml:3:3-3:12',
    message: '`Kroger DB` is not a valid store id: use lowercase letters, digits, `_` and `-`',
    suggestion: 'rename it to `kroger_db`',
  });
  assert.is(dataMap?.stores.size, 0);
});

test('a file that is not YAML stops the load with file:line:col', () => {
  const message = usageErrorOf(() => loadDataMaps([fixture('not-yaml.datamap.yaml')]));
  assert.is(
    message,
    'not-yaml.datamap.yaml:4:1: not valid YAML: Flow map in block collection must be sufficiently indented and end with a } — fix the YAML syntax (indentation with spaces, closed brackets and quotes)',
  );
});

test('a file without `version` or `stores` is unusable', () => {
  assert.is(
    usageErrorOf(() => load(['stores:', '  pps:', '    exposure: internal'])),
    'datamap.yaml:1:1: not a data map: no `version` — add `version: 1` at the top of the file',
  );
  assert.is(
    usageErrorOf(() => load(['version: 1', 'mappings: []'])),
    'datamap.yaml:1:1: not a data map: no `stores` — add a `stores:` map naming each store and its `exposure`',
  );
  assert.is(
    usageErrorOf(() => load(['- a', '- b'])),
    'datamap.yaml:1:1: not a data map: the file must be a YAML map with `version` and `stores` — start the file with `version: 1` and a `stores:` map',
  );
});

test('aliases that expand without bound make the file unusable, not the process run out of memory', () => {
  const laughs = ['version: 1', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (const [from, to] of [
    ['a', 'b'],
    ['b', 'c'],
    ['c', 'd'],
    ['d', 'e'],
  ] as const) {
    laughs.push(
      `${to}: &${to} [*${from}, *${from}, *${from}, *${from}, *${from}, *${from}, *${from}, *${from}, *${from}, *${from}]`,
    );
  }
  laughs.push('stores: {}');
  assert.is(
    usageErrorOf(() => load(laughs)),
    'datamap.yaml:1:1: not usable YAML: its aliases expand to more than 1000 copies — write the repeated parts out instead of nesting aliases',
  );
});

test('validateDataMapFile reports an unusable file as a problem instead of throwing', () => {
  assert.equal(onlyProblem(validateDataMapFile(inline(['version: 1']))), {
    where: 'datamap.yaml:1:1-1:1',
    message: 'not a data map: no `stores`',
    suggestion: 'add a `stores:` map naming each store and its `exposure`',
  });
  assert.equal(validateDataMapFile(fixture('full.datamap.yaml')), []);
});

// Resolution, in the order of datamap.md "Resolving names in code".

const resolveMap = loadDataMaps([fixture('resolve/datamap.yaml')]).dataMap as DataMap;
const cwd = join(FIXTURES, 'resolve');
const resolveIn = (table: Parameters<typeof resolveTable>[0], file: string) => {
  const {
    store,
    table: name,
    declared,
    storeDecl,
    implicit,
  } = resolveTable(table, file, {
    dataMap: resolveMap,
    cwd,
  });
  return [store, name, declared?.name, storeDecl?.id, implicit];
};

test('resolve 1: a qualifier that is a store id, or a connection of a store', () => {
  assert.equal(resolveIn({ schema: 'pps', name: 'patients' }, 'db/kroger/001.sql'), [
    'pps',
    'patients',
    'patients',
    'pps',
    false,
  ]);
  assert.equal(resolveIn({ name: 'patients', connection: 'ppsDb' }, 'db/kroger/001.sql'), [
    'pps',
    'patients',
    'patients',
    'pps',
    false,
  ]);
  // A client built from an environment variable answers to that name too.
  assert.equal(
    resolveIn(
      { name: 'patients', connection: 'sourceDb', connectionAliases: ['PPS_DATABASE_URL'] },
      'db/kroger/001.sql',
    ),
    ['pps', 'patients', 'patients', 'pps', false],
  );
});

test('resolve 2: a schema-qualified table key equal to the name in code', () => {
  assert.equal(resolveIn({ schema: 'analytics', name: 'events' }, 'db/kroger/002.sql'), [
    'warehouse',
    'analytics.events',
    'analytics.events',
    'warehouse',
    false,
  ]);
});

test('resolve 3: the store whose migration globs contain the file', () => {
  // `patients` is declared by pps, but the file is a kroger migration: the globs decide first.
  assert.equal(resolveIn({ name: 'patients' }, 'db/kroger/003.sql'), [
    'kroger',
    'patients',
    undefined,
    'kroger',
    false,
  ]);
  assert.equal(resolveIn({ name: 'visits' }, 'db/pps/2024/004.sql'), [
    'pps',
    'visits',
    undefined,
    'pps',
    false,
  ]);
});

test('resolve 4: the one store declaring a table of that name', () => {
  assert.equal(resolveIn({ name: 'accounts' }, 'scripts/merge.ts'), [
    'kroger',
    'accounts',
    'accounts',
    'kroger',
    false,
  ]);
  // The last part of a schema-qualified key counts too.
  assert.equal(resolveIn({ name: 'events' }, 'scripts/merge.ts'), [
    'warehouse',
    'analytics.events',
    'analytics.events',
    'warehouse',
    false,
  ]);
});

test('resolve 5: otherwise an implicit store named after the migration folder', () => {
  assert.equal(resolveIn({ name: 'orders' }, 'supabase/migrations/20240101000000_orders.sql'), [
    'supabase',
    'orders',
    undefined,
    undefined,
    true,
  ]);
  const noMap = resolveTable({ name: 'orders', schema: 'sales' }, 'orders.sql', { cwd });
  assert.equal(noMap, { store: 'default', table: 'sales.orders', implicit: true });
});

test('the `public` schema is the default schema, not a store or an exposure', () => {
  assert.equal(resolveIn({ schema: 'public', name: 'accounts' }, 'scripts/merge.ts'), [
    'kroger',
    'accounts',
    'accounts',
    'kroger',
    false,
  ]);
  assert.equal(resolveIn({ schema: 'public', name: 'orders' }, 'db/misc/1.sql'), [
    'misc',
    'orders',
    undefined,
    undefined,
    true,
  ]);
  // Unless a store is literally named `public`.
  const withPublicStore = load([
    'version: 1',
    'stores:',
    '  public:',
    '    exposure: public',
    '    tables: {directory: {}}',
    '  kroger:',
    '    exposure: internal',
    '    tables: {directory: {}}',
  ]).dataMap;
  const resolved = resolveTable({ schema: 'public', name: 'directory' }, 'x.sql', {
    dataMap: withPublicStore,
    cwd,
  });
  assert.equal([resolved.store, resolved.table, resolved.implicit], ['public', 'directory', false]);
});

test('a template schema ({{ … }}) is an unknown schema: resolved by the bare name, never as a key', () => {
  const templated = { schema: '{{ index .Options "Namespace" }}', name: 'mfa_factors' };
  const file = 'migrations/20221003041349_add_mfa_schema.up.sql';
  const resolveWith = (lines: string[]) => {
    const resolved = resolveTable(templated, file, { dataMap: load(lines).dataMap, cwd });
    return [resolved.store, resolved.table, resolved.declared?.name, resolved.implicit];
  };
  const header = ['version: 1', 'stores:', '  auth:', '    exposure: internal'];
  // Step 4: the one store declaring `mfa_factors`, bare or as the one key ending `.mfa_factors`.
  assert.equal(resolveWith([...header, '    tables: {mfa_factors: {}}']), [
    'auth',
    'mfa_factors',
    'mfa_factors',
    false,
  ]);
  assert.equal(resolveWith([...header, '    tables: {auth.mfa_factors: {}, auth.users: {}}']), [
    'auth',
    'auth.mfa_factors',
    'auth.mfa_factors',
    false,
  ]);
  // Two keys end in `.mfa_factors`: the store is known, the declaration is not guessed.
  assert.equal(
    resolveWith([...header, '    tables: {auth.mfa_factors: {}, audit.mfa_factors: {}}']),
    ['auth', 'mfa_factors', undefined, false],
  );
  // Step 3: the store whose globs hold the file, keyed the same way.
  assert.equal(
    resolveWith([
      ...header,
      '    migrations: [resolve/migrations/**]',
      '    tables: {auth.mfa_factors: {}}',
      '  other:',
      '    exposure: internal',
      '    tables: {mfa_factors: {}}',
    ]),
    ['auth', 'auth.mfa_factors', 'auth.mfa_factors', false],
  );
  // No map: the implicit store keys the table by its name, not by the raw template.
  assert.equal(resolveTable(templated, file, { cwd }), {
    store: 'migrations',
    table: 'mfa_factors',
    implicit: true,
  });
  assert.is(isTemplateSchema('{{ .Schema }}'), true);
  assert.is(isTemplateSchema('auth'), false);
  assert.is(isTemplateSchema(undefined), false);
});

test('implicit store ids: the migration folder, one level up for per-migration folders', () => {
  assert.is(implicitStoreId('db/pps/migrations/001_init.sql'), 'pps');
  assert.is(implicitStoreId('examples/truepill-fills/migrations/001_fills.sql'), 'truepill-fills');
  assert.is(implicitStoreId('supabase/migrations/20240101000000_patients.sql'), 'supabase');
  assert.is(implicitStoreId('prisma/migrations/20230101000000_init/migration.sql'), 'prisma');
  assert.is(implicitStoreId('drizzle/0001_users/up.sql'), 'drizzle');
  assert.is(implicitStoreId('db/V2__accounts/migration.sql'), 'db');
  assert.is(implicitStoreId('migrations/001_init.sql'), 'migrations');
  assert.is(implicitStoreId('src/database/migrations/1715028537217-CreateUser.ts'), 'database');
  assert.is(
    implicitStoreId('packages/database/migration/20260416110000_backfill/migration.ts'),
    'database',
  );
  // A multi-file Prisma schema beside its migrations: one store, named by the database folder.
  assert.is(implicitStoreId('packages/database/schema/main.prisma'), 'database');
  assert.is(implicitStoreId('packages/db/src/schema/users.ts'), 'db');
  assert.is(implicitStoreId('src/schema/users.ts'), 'schema');
  assert.is(implicitStoreId('services/billing/src/migrations/001.sql'), 'billing');
  assert.is(implicitStoreId('init.sql'), 'default');
  // A Supabase project's edge functions use the database its migrations build.
  assert.is(implicitStoreId('supabase/functions/get_patients/index.ts'), 'supabase');
  assert.is(implicitStoreId('supabase/functions/_shared/db.ts'), 'supabase');
  assert.is(implicitStoreId('mobile/supabase/functions/send-sms/index.ts'), 'supabase');
  // A `functions` folder elsewhere still names its own store.
  assert.is(implicitStoreId('firebase/functions/src/migrations/001.sql'), 'functions');
  // An ORM's entities and its migrations build one database.
  assert.is(implicitStoreId('src/modules/patient/infra/typeorm/entities/Patient.ts'), 'typeorm');
  assert.is(
    implicitStoreId('src/shared/infra/typeorm/migrations/1752339567152-Patient.ts'),
    'typeorm',
  );
  assert.is(implicitStoreId('src/patients/entities/patient.entity.ts'), 'entities');
});

test('migration globs: **, *, ?, {a,b} and plain folders', () => {
  assert.ok(globMatches('db/pps/**', 'db/pps/a/b/001.sql'));
  assert.not.ok(globMatches('db/pps/**', 'db/ppsx/001.sql'));
  assert.ok(globMatches('db/*/migrations/*.{sql,ts}', 'db/pps/migrations/001.ts'));
  assert.not.ok(globMatches('db/*/migrations/*.{sql,ts}', 'db/pps/migrations/001.js'));
  assert.not.ok(globMatches('db/*.sql', 'db/pps/001.sql'));
  assert.ok(globMatches('**/00?.sql', 'a/b/003.sql'));
  assert.ok(globMatches('**/00?.sql', '003.sql'));
  assert.ok(globMatches('./db/pps', 'db/pps/001.sql'));
  assert.not.ok(globMatches('db/pps', 'db/pps2/001.sql'));
});

test.run();
