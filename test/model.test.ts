import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareNaturally, orderFacts } from '../src/model/order.js';
import type { ModelColumn, ModelTable } from '../src/model/types.js';
import type { Model } from '../src/model/types.js';
import { buildModel } from '../src/model/build.js';
import { col, config, dataMap, facts as f, item, mapping, model } from './rules/_helpers.js';

function table(built: Model, store: string, name: string): ModelTable {
  const found = built.stores.get(store)?.tables.get(name);
  if (found === undefined) throw new Error(`no table ${store}.${name}`);
  return found;
}

function column(built: Model, store: string, name: string, columnName: string): ModelColumn {
  const found = table(built, store, name).columns.get(columnName);
  if (found === undefined) throw new Error(`no column ${store}.${name}.${columnName}`);
  return found;
}

function categories(entry: ModelColumn): string[] {
  return entry.categories.map((category) => category.category);
}

test('files replay in natural order: numeric runs compare as numbers', () => {
  assert.ok(compareNaturally('db/2_add.sql', 'db/10_drop.sql') < 0);
  assert.ok(compareNaturally('db/10_drop.sql', 'db/2_add.sql') > 0);
  assert.ok(compareNaturally('db/20230102_x.sql', 'db/20230110_x.sql') < 0);
  // Timestamps sort as strings, as the migration tools apply them.
  assert.ok(compareNaturally('db/202401011200_b.sql', 'db/20231231235959_a.sql') > 0);
  assert.ok(compareNaturally('db/001_a.sql', 'db/002_b.sql') < 0);
  assert.is(compareNaturally('db/a.sql', 'db/a.sql'), 0);
  const ordered = orderFacts([
    f.table('db/10_later.sql', 1, 'b'),
    f.table('db/2_first.sql', 1, 'a'),
    f.column('db/2_first.sql', 2, 'a', 'x'),
    f.table('prisma/schema.prisma', 1, 'c', { declared: true }),
  ]);
  assert.equal(
    ordered.map((group) => group.file),
    ['prisma/schema.prisma', 'db/2_first.sql', 'db/10_later.sql'],
  );
  assert.equal(
    ordered[1]?.facts.map((fact) => fact.kind),
    ['table-created', 'column-defined'],
  );
});

test('application code replays after the migrations; a data migration keeps its place', () => {
  const script = (file: string) =>
    f.copy(file, 3, 'users', [item(file, 3, 'email', [col('invitations', 'email')])], 'script');
  const ordered = orderFacts([
    script('src/app/controllers/users.js'),
    script('src/database/migrations/003_backfill.js'),
    f.table('src/database/migrations/001_users.js', 1, 'users'),
    f.table('src/database/migrations/005_drop.js', 1, 'drops'),
    // Code outside a migration place that changes the schema is a migration too.
    f.table('src/bootstrap.js', 1, 'settings'),
  ]);
  assert.equal(
    ordered.map((group) => group.file),
    [
      'src/bootstrap.js',
      'src/database/migrations/001_users.js',
      'src/database/migrations/003_backfill.js',
      'src/database/migrations/005_drop.js',
      'src/app/controllers/users.js',
    ],
  );
});

test('a drop in a later-numbered file wins over an earlier create (2_ before 10_)', () => {
  const built = model([
    f.dropColumn('db/10_drop.sql', 1, 'patients', 'ssn'),
    f.table('db/2_create.sql', 1, 'patients'),
    f.column('db/2_create.sql', 2, 'patients', 'ssn'),
  ]);
  assert.equal(built.fileOrder, ['db/2_create.sql', 'db/10_drop.sql']);
  const patients = table(built, 'db', 'patients');
  assert.not.ok(patients.columns.has('ssn'));
  assert.is(patients.droppedColumns[0]?.droppedAt?.file, 'db/10_drop.sql');
});

test('a model built with releaseFacts empties the facts it was handed and is the same model', () => {
  const history = () => [
    f.table('db/1_init.sql', 1, 'patients'),
    f.column('db/1_init.sql', 2, 'patients', 'full_name'),
    f.table('db/1_init.sql', 5, 'exports'),
    f.column('db/1_init.sql', 6, 'exports', 'title'),
    f.copy('db/2_copy.sql', 3, 'exports', [
      item('db/2_copy.sql', 4, 'title', [col('patients', 'full_name')]),
    ]),
    f.grant('db/3_grant.sql', 1, 'exports', ['anon']),
  ];
  const kept = history();
  const handedOver = history();
  const plain = buildModel({ facts: kept, config: config(), cwd: '/repo' });
  const released = buildModel({
    facts: handedOver,
    config: config(),
    cwd: '/repo',
    releaseFacts: true,
  });
  assert.is(handedOver.length, 0);
  assert.is(kept.length, 6);
  assert.equal(released, plain);
  assert.equal(categories(column(released, 'db', 'exports', 'title')), ['person.name']);
  assert.is(table(released, 'db', 'exports').exposure, 'public');
});

test('implicit store is named after the migration folder, exposure internal', () => {
  const built = model([f.table('db/pharmacy/migrations/1_init.sql', 1, 'patients')]);
  const store = built.stores.get('pharmacy');
  assert.ok(store);
  assert.is(store?.declared, false);
  assert.is(store?.exposure, 'internal');
  assert.is(table(built, 'pharmacy', 'patients').exposure, 'internal');
});

test('the classifier decides undeclared columns, with person-linked table context', () => {
  const built = model([
    f.table('db/1_init.sql', 1, 'patients'),
    f.column('db/1_init.sql', 2, 'patients', 'email'),
    f.column('db/1_init.sql', 3, 'patients', 'name'),
  ]);
  const email = column(built, 'db', 'patients', 'email');
  assert.equal(categories(email), ['contact.email']);
  assert.is(email.categories[0]?.origin, 'classifier');
  assert.match(email.categories[0]?.evidence ?? '', /^classifier: name "email"/);
  assert.equal(categories(column(built, 'db', 'patients', 'name')), ['person.name']);
});

test('a renamed column keeps its categories; a renamed table moves', () => {
  const built = model([
    f.table('db/1_init.sql', 1, 'patients'),
    f.column('db/1_init.sql', 2, 'patients', 'email'),
    f.renameColumn('db/2_rename.sql', 1, 'patients', 'email', 'contact'),
    f.renameTable('db/3_rename.sql', 1, 'patients', 'people'),
  ]);
  assert.not.ok(built.stores.get('db')?.tables.has('patients'));
  const contact = column(built, 'db', 'people', 'contact');
  assert.equal(categories(contact), ['contact.email']);
  assert.match(contact.categories[0]?.evidence ?? '', /as email, renamed at db\/2_rename\.sql:1/);
  assert.is(contact.table, 'people');
  assert.is(contact.lastChangedAt.file, 'db/2_rename.sql');
});

test('flows propagate over two steps with the full path', () => {
  const built = model([
    f.table('db/1_init.sql', 1, 'patients'),
    f.column('db/1_init.sql', 2, 'patients', 'full_name'),
    f.table('db/1_init.sql', 5, 'staging'),
    f.column('db/1_init.sql', 6, 'staging', 'label'),
    f.table('db/1_init.sql', 8, 'exports'),
    f.column('db/1_init.sql', 9, 'exports', 'title'),
    f.copy('db/2_copy.sql', 3, 'staging', [
      item('db/2_copy.sql', 4, 'label', [col('patients', 'full_name')]),
    ]),
    f.copy('db/3_copy.sql', 7, 'exports', [
      item('db/3_copy.sql', 8, 'title', [col('staging', 'label')]),
    ]),
  ]);
  const title = column(built, 'db', 'exports', 'title');
  assert.equal(categories(title), ['person.name']);
  assert.is(title.categories[0]?.origin, 'flow');
  assert.equal(title.categories[0]?.from, { store: 'db', table: 'patients', column: 'full_name' });
  // Every hop is named by the column it came through, then what made the data personal.
  assert.is(
    title.categories[0]?.evidence,
    'flow from db.staging.label (db/3_copy.sql:8); flow from db.patients.full_name (db/2_copy.sql:4); ' +
      'db.patients.full_name: classifier: name "full_name" reads as person.name (hint "full name")',
  );
  const second = built.copies[1];
  assert.equal(
    second?.columns[0]?.path.map((step) => `${step.file}:${step.line} ${step.description}`),
    [
      'db/2_copy.sql:4 db.patients.full_name copied into db.staging.label (INSERT … SELECT)',
      'db/3_copy.sql:8 db.staging.label copied into db.exports.title (INSERT … SELECT)',
    ],
  );
});

test('a later copy from a filled table carries what it received, not more (order matters)', () => {
  const built = model([
    f.table('db/1_init.sql', 1, 'patients'),
    f.column('db/1_init.sql', 2, 'patients', 'email'),
    f.table('db/1_init.sql', 3, 'a'),
    f.column('db/1_init.sql', 4, 'a', 'v'),
    f.table('db/1_init.sql', 5, 'b'),
    f.column('db/1_init.sql', 6, 'b', 'w'),
    // b.w is copied from a.v before a.v receives anything.
    f.copy('db/2_x.sql', 1, 'b', [item('db/2_x.sql', 1, 'w', [col('a', 'v')])]),
    f.copy('db/3_x.sql', 1, 'a', [item('db/3_x.sql', 1, 'v', [col('patients', 'email')])]),
  ]);
  assert.equal(categories(column(built, 'db', 'a', 'v')), ['contact.email']);
  assert.equal(categories(column(built, 'db', 'b', 'w')), []);
});

test('transforms: encrypt/tokenize/drop stop, hash/mask keep as pseudonymous, generalize birth date gives birth year', () => {
  const built = model([
    f.table('db/1_init.sql', 1, 'patients'),
    f.column('db/1_init.sql', 2, 'patients', 'email'),
    f.column('db/1_init.sql', 3, 'patients', 'date_of_birth', 'date'),
    f.copy(
      'db/2_x.sql',
      1,
      'out',
      [
        item('db/2_x.sql', 2, 'e_enc', [col('patients', 'email')], 'encrypt'),
        item('db/2_x.sql', 3, 'e_tok', [col('patients', 'email')], 'tokenize'),
        item('db/2_x.sql', 4, 'e_drop', [col('patients', 'email')], 'drop'),
        item('db/2_x.sql', 5, 'e_hash', [col('patients', 'email')], 'hash'),
        item('db/2_x.sql', 6, 'e_mask', [col('patients', 'email')], 'mask'),
        item('db/2_x.sql', 7, 'year', [col('patients', 'date_of_birth')], 'generalize'),
        item('db/2_x.sql', 8, 'e_plain', [col('patients', 'email')], 'decrypt'),
      ],
      'create-table-as',
    ),
  ]);
  const out = table(built, 'db', 'out');
  const received = (name: string) =>
    out.columns
      .get(name)
      ?.categories.map((entry) => `${entry.category}${entry.pseudonymous ? '~' : ''}`);
  assert.equal(received('e_enc'), []);
  assert.equal(received('e_tok'), []);
  assert.equal(received('e_drop'), []);
  assert.equal(received('e_hash'), ['contact.email~']);
  assert.equal(received('e_mask'), ['contact.email~']);
  assert.equal(received('year'), ['demographic.birth_year~']);
  assert.equal(received('e_plain'), ['contact.email']);
  assert.is(out.columns.get('e_enc')?.encryption.kind, 'function');
  assert.is(out.columns.get('e_hash')?.definedAt.line, 5);
});

test('SELECT * copies every source column under its own name (CREATE TABLE AS)', () => {
  const built = model([
    f.table('db/1_init.sql', 1, 'patients'),
    f.column('db/1_init.sql', 2, 'patients', 'email'),
    f.column('db/1_init.sql', 3, 'patients', 'medication'),
    f.copy(
      'db/2_x.sql',
      1,
      'backup',
      [item('db/2_x.sql', 1, '*', [col('patients', '*')])],
      'create-table-as',
    ),
  ]);
  const backup = table(built, 'db', 'backup');
  assert.equal([...backup.columns.keys()], ['email', 'medication']);
  assert.equal(categories(column(built, 'db', 'backup', 'medication')), ['health.medication']);
});

test('the data map beats the classifier; {} learns only from flows; none is not personal but flows win', () => {
  const map = dataMap({
    pps: {
      exposure: 'internal',
      migrations: ['db/pps/**'],
      tables: { patients: { columns: { full_name: 'person.name', nickname: 'none' } } },
    },
    kroger: {
      exposure: 'internal',
      migrations: ['db/kroger/**'],
      tables: {
        accounts: { columns: { email: 'person.username', display_name: {}, tier: 'none' } },
      },
    },
  });
  const built = model(
    [
      f.table('db/pps/1.sql', 1, 'patients'),
      f.column('db/pps/1.sql', 2, 'patients', 'full_name'),
      f.column('db/pps/1.sql', 3, 'patients', 'nickname'),
      f.table('db/kroger/1.sql', 1, 'accounts'),
      f.column('db/kroger/1.sql', 2, 'accounts', 'email'),
      f.column('db/kroger/1.sql', 3, 'accounts', 'display_name'),
      f.column('db/kroger/1.sql', 4, 'accounts', 'tier'),
      f.copy('db/kroger/2.sql', 1, 'accounts', [
        item('db/kroger/2.sql', 2, 'tier', [col('pps.patients', 'full_name')]),
      ]),
    ],
    { dataMap: map },
  );
  const email = column(built, 'kroger', 'accounts', 'email');
  assert.equal(categories(email), ['person.username']);
  assert.is(email.categories[0]?.evidence, 'declared in the data map (datamap.yaml:7)');
  // `{}`: declared unknown: the classifier would read person.name in `display_name`, but is not applied.
  assert.equal(categories(column(built, 'kroger', 'accounts', 'display_name')), []);
  assert.equal(categories(column(built, 'pps', 'patients', 'nickname')), []);
  const tier = column(built, 'kroger', 'accounts', 'tier');
  assert.equal(categories(tier), ['person.name']);
  assert.is(
    tier.categories[0]?.evidence,
    'flow from pps.patients.full_name (db/kroger/2.sql:2); pps.patients.full_name: declared in the data map (datamap.yaml:3)',
  );
});

test('a declared mapping is a copy after every migration, at each target field', () => {
  const map = dataMap(
    {
      pps: {
        exposure: 'internal',
        context: 'health',
        tables: { patients: { columns: { full_name: 'person.name', email: 'contact.email' } } },
      },
      kroger: {
        exposure: 'internal',
        tables: { accounts: { exposure: 'public', columns: { display_name: {}, username: {} } } },
      },
    },
    {
      mappings: [
        mapping('pps-accounts', 'pps.patients', 'kroger.accounts', [
          ['display_name', 'full_name', 'copy', 51],
          ['username', 'email', 'copy', 52],
        ]),
      ],
    },
  );
  const built = model([], { dataMap: map });
  const copy = built.copies[0];
  assert.is(copy?.description, 'mapping pps-accounts');
  assert.is(copy?.target.exposure, 'public');
  assert.equal(
    copy?.columns.map((entry) => `${entry.column}@${entry.at.line}`),
    ['display_name@51', 'username@52'],
  );
  const username = column(built, 'kroger', 'accounts', 'username');
  assert.equal(categories(username), ['contact.email']);
  assert.is(username.phi, true);
});

test('PHI: identifiers of a health store are PHI, the same names elsewhere are not', () => {
  const map = dataMap({
    pharmacy: { exposure: 'internal', context: 'health', migrations: ['db/pharmacy/**'] },
    shop: { exposure: 'internal', migrations: ['db/shop/**'] },
  });
  const built = model(
    [
      f.table('db/pharmacy/1.sql', 1, 'customers'),
      f.column('db/pharmacy/1.sql', 2, 'customers', 'email'),
      f.table('db/shop/1.sql', 1, 'customers'),
      f.column('db/shop/1.sql', 2, 'customers', 'email'),
    ],
    { dataMap: map },
  );
  assert.is(column(built, 'pharmacy', 'customers', 'email').phi, true);
  assert.is(column(built, 'shop', 'customers', 'email').phi, false);
});

test('exposure: a grant to anon makes a table public; a grant to an authenticated role does not', () => {
  const built = model([
    f.table('db/1.sql', 1, 'accounts'),
    f.column('db/1.sql', 2, 'accounts', 'email'),
    f.table('db/1.sql', 4, 'orders'),
    f.column('db/1.sql', 5, 'orders', 'email'),
    f.grant('db/2.sql', 1, 'accounts', ['anon']),
    f.grant('db/2.sql', 2, 'orders', ['authenticated']),
  ]);
  const accounts = table(built, 'db', 'accounts');
  assert.is(accounts.exposure, 'public');
  assert.is(accounts.declaredExposure, 'internal');
  assert.is(accounts.publicCause?.description, 'GRANT SELECT ON accounts TO anon');
  assert.is(accounts.publicCause?.at.line, 1);
  assert.is(table(built, 'db', 'orders').exposure, 'internal');
  assert.is(built.publicAccessEvents.length, 1);
  assert.is(built.publicAccessEvents[0]?.file, 'db/2.sql');
});

test('exposure: Supabase default grant makes a public-schema table public until RLS is enabled', () => {
  const open = model([
    f.table('supabase/migrations/1.sql', 1, 'profiles'),
    f.column('supabase/migrations/1.sql', 2, 'profiles', 'email'),
  ]);
  const profiles = table(open, 'supabase', 'profiles');
  assert.is(profiles.onSupabase, true);
  assert.is(profiles.exposure, 'public');
  assert.is(profiles.publicCause?.at.line, 1);

  const guarded = model([
    f.table('supabase/migrations/1.sql', 1, 'profiles'),
    f.column('supabase/migrations/1.sql', 2, 'profiles', 'email'),
    f.rls('supabase/migrations/1.sql', 4, 'profiles', true),
  ]);
  assert.is(table(guarded, 'supabase', 'profiles').exposure, 'internal');
  assert.is(guarded.publicAccessEvents.length, 0);

  // Plain Postgres: no grant, no exposure, RLS or not.
  const plain = model([
    f.table('db/1.sql', 1, 'profiles'),
    f.column('db/1.sql', 2, 'profiles', 'email'),
  ]);
  assert.is(table(plain, 'db', 'profiles').exposure, 'internal');
});

test('exposure: on Supabase a USING (true) policy for every role or anon opens the table; an owner policy does not', () => {
  const base = [
    f.supabase('db/0.sql', 1),
    f.table('db/1.sql', 1, 'profiles'),
    f.column('db/1.sql', 2, 'profiles', 'email'),
    f.rls('db/1.sql', 3, 'profiles', true),
  ];
  const everyone = model([...base, f.policy('db/2.sql', 5, 'profiles', [], true)]);
  assert.is(table(everyone, 'db', 'profiles').exposure, 'public');
  assert.is(everyone.publicAccessEvents[0]?.at.line, 5);
  assert.match(everyone.publicAccessEvents[0]?.description ?? '', /every role/);
  const anon = model([...base, f.policy('db/2.sql', 5, 'profiles', ['anon'], true)]);
  assert.is(table(anon, 'db', 'profiles').exposure, 'public');
  const authenticated = model([
    ...base,
    f.policy('db/2.sql', 5, 'profiles', ['authenticated'], true),
  ]);
  assert.is(table(authenticated, 'db', 'profiles').exposure, 'internal');
  const owner = model([...base, f.policy('db/2.sql', 5, 'profiles', [], false)]);
  assert.is(table(owner, 'db', 'profiles').exposure, 'internal');
});

test('exposure: disabling RLS on a table anon can reach; revoking removes the grant', () => {
  const built = model([
    f.table('db/1.sql', 1, 'accounts'),
    f.column('db/1.sql', 2, 'accounts', 'email'),
    f.rls('db/1.sql', 3, 'accounts', true),
    f.grant('db/1.sql', 4, 'accounts', ['anon']),
    f.rls('db/2.sql', 7, 'accounts', false),
  ]);
  assert.is(built.publicAccessEvents[0]?.at.file, 'db/2.sql');
  assert.is(
    built.publicAccessEvents[0]?.description,
    'ALTER TABLE accounts DISABLE ROW LEVEL SECURITY while anon can reach it (GRANT SELECT ON accounts TO anon, db/1.sql:4)',
  );
  const revoked = model([
    f.table('db/1.sql', 1, 'accounts'),
    f.grant('db/1.sql', 4, 'accounts', ['anon']),
    f.grant('db/2.sql', 1, 'accounts', ['anon'], { revoke: true }),
  ]);
  assert.is(table(revoked, 'db', 'accounts').exposure, 'internal');
});

test('encryption evidence: type, function, name (weaker), map; a decrypting retype removes it', () => {
  const map = dataMap({
    vault: {
      exposure: 'restricted',
      migrations: ['db/vault/**'],
      tables: { people: { columns: { ssn: { category: 'government_id.ssn', encrypted: true } } } },
    },
  });
  const built = model(
    [
      f.table('db/vault/1.sql', 1, 'people'),
      f.column('db/vault/1.sql', 2, 'people', 'ssn'),
      f.column('db/vault/1.sql', 3, 'people', 'diagnosis', 'bytea', {
        encryption: 'EncryptedColumn transformer',
      }),
      f.column('db/vault/1.sql', 4, 'people', 'ssn_encrypted', 'bytea'),
      f.column('db/vault/1.sql', 5, 'people', 'medication', 'bytea'),
      f.copy('db/vault/2.sql', 1, 'people', [
        item('db/vault/2.sql', 2, 'medication', [], 'encrypt', { via: 'pgp_sym_encrypt' }),
      ]),
      f.retype('db/vault/3.sql', 1, 'people', 'diagnosis', 'text', {
        from: [col('people', 'diagnosis')],
        transform: 'decrypt',
        via: 'pgp_sym_decrypt',
      }),
    ],
    { dataMap: map },
  );
  assert.equal(column(built, 'vault', 'people', 'ssn').encryption, {
    encrypted: true,
    kind: 'map',
    evidence: 'data map: encrypted: true',
  });
  assert.is(column(built, 'vault', 'people', 'ssn_encrypted').encryption.kind, 'name');
  assert.is(column(built, 'vault', 'people', 'medication').encryption.kind, 'function');
  assert.match(
    column(built, 'vault', 'people', 'medication').encryption.evidence ?? '',
    /db\/vault\/2\.sql:2/,
  );
  const diagnosis = column(built, 'vault', 'people', 'diagnosis');
  assert.is(diagnosis.encryption.encrypted, false);
  assert.is(diagnosis.encryptionRemovedAt?.file, 'db/vault/3.sql');
  assert.is(built.decryptions.length, 1);
  assert.is(built.decryptions[0]?.explicitDecrypt, true);
});

test('sends: categories from the columns read, host matched to a store by hosts', () => {
  const map = dataMap({
    app: { exposure: 'internal', migrations: ['db/**'], hosts: ['api.internal.example'] },
    ads: { kind: 'partner', exposure: 'partner', hosts: ['collect.adpartner.example'] },
  });
  const built = model(
    [
      f.table('db/1.sql', 1, 'sessions'),
      f.column('db/1.sql', 2, 'sessions', 'user_id', 'integer'),
      f.column('db/1.sql', 3, 'sessions', 'ip_address'),
      f.send(
        'scripts/sync.ts',
        9,
        { type: 'http', host: 'collect.adpartner.example', client: 'fetch' },
        [{ from: [col('sessions', 'ip_address')], transform: 'copy' }],
      ),
      f.send(
        'scripts/sync.ts',
        12,
        { type: 'http', host: 'api.internal.example', client: 'fetch' },
        [{ from: [col('sessions', 'ip_address')], transform: 'copy' }],
      ),
    ],
    { dataMap: map },
  );
  const [toPartner, toInternal] = built.sends;
  assert.is(toPartner?.store?.id, 'ads');
  assert.is(toPartner?.thirdParty, true);
  assert.equal(
    toPartner?.categories.map((entry) => entry.category),
    ['device.ip_address'],
  );
  assert.is(toInternal?.thirdParty, false);
});

test('a copy by INSERT, UPDATE, ORM, script or mapping fills columns defined elsewhere; only CREATE TABLE AS and views define theirs', () => {
  const source = [
    f.table('db/1.sql', 1, 'patients'),
    f.column('db/1.sql', 2, 'patients', 'full_name'),
    f.table('db/1.sql', 4, 'accounts'),
    f.column('db/1.sql', 5, 'accounts', 'id', 'integer'),
  ];
  const built = model([
    ...source,
    f.copy('db/2.sql', 1, 'accounts', [
      item('db/2.sql', 2, 'display_name', [col('patients', 'full_name')]),
    ]),
    f.copy(
      'db/2.sql',
      4,
      'mailing',
      [item('db/2.sql', 5, 'name', [col('patients', 'full_name')])],
      'update',
    ),
    f.copy(
      'scripts/sync.ts',
      7,
      'contacts',
      [item('scripts/sync.ts', 7, 'name', [col('patients', 'full_name')])],
      'script',
    ),
    f.copy(
      'db/3.sql',
      1,
      'patient_names',
      [item('db/3.sql', 2, 'name', [col('patients', 'full_name')])],
      'create-table-as',
    ),
    f.copy(
      'db/3.sql',
      4,
      'names_view',
      [item('db/3.sql', 5, 'name', [col('patients', 'full_name')])],
      'view',
    ),
  ]);
  const filled = column(built, 'db', 'accounts', 'display_name');
  assert.is(filled.definedInCode, false);
  assert.equal(categories(filled), ['person.name']);
  assert.is(table(built, 'db', 'accounts').definedInCode, true);
  for (const name of ['mailing', 'contacts']) {
    const seen =
      built.stores.get('db')?.tables.get(name) ?? built.stores.get('scripts')?.tables.get(name);
    assert.is(seen?.definedInCode, false, `${name} is first seen in a write`);
    assert.is(seen?.columns.get('name')?.definedInCode, false);
  }
  assert.is(table(built, 'db', 'patient_names').definedInCode, true);
  assert.is(column(built, 'db', 'patient_names', 'name').definedInCode, true);
  assert.is(column(built, 'db', 'names_view', 'name').definedInCode, true);
  // A migration that later adds the column defines it there.
  const added = model([
    ...source,
    f.copy('db/2.sql', 1, 'accounts', [
      item('db/2.sql', 2, 'display_name', [col('patients', 'full_name')]),
    ]),
    f.column('db/3.sql', 1, 'accounts', 'display_name'),
  ]);
  const defined = column(added, 'db', 'accounts', 'display_name');
  assert.is(defined.definedInCode, true);
  assert.equal([defined.definedAt.file, defined.definedAt.line], ['db/3.sql', 1]);
});

test('a send path is in execution order and ends at the send: a later write to the column read is not in it', () => {
  const step = (line: number, column: number, description: string) => ({
    at: { file: 'scripts/fix.ts', line, column, endLine: line, endColumn: column + 10 },
    description,
  });
  const read = step(4, 23, 'read users.id, users.password through prisma');
  const each = step(5, 14, 'each item of users as user');
  const built = model([
    f.table('db/1.sql', 1, 'users'),
    f.column('db/1.sql', 2, 'users', 'password'),
    f.copy(
      'scripts/fix.ts',
      6,
      'users',
      [
        item('scripts/fix.ts', 6, 'password', [col('users', 'password')], 'copy', {
          path: [read, each, step(6, 1, 'updated users through prisma')],
        }),
      ],
      'script',
    ),
    f.send('scripts/fix.ts', 7, { type: 'log', logger: 'logger' }, [
      {
        from: [col('users', 'password')],
        transform: 'copy',
        path: [read, each, step(7, 5, 'logged with logger.info')],
      },
    ]),
  ]);
  const [send] = built.sends;
  assert.equal(
    send?.path.map((entry) => `${entry.line}:${entry.column} ${entry.description}`),
    [
      '4:23 read users.id, users.password through prisma',
      '5:14 each item of users as user',
      '7:5 logged with logger.info',
    ],
  );
  assert.equal(
    send?.categories.map((entry) => entry.path.map((entry) => entry.line)),
    [[4, 5, 7]],
  );
});

test.run();
