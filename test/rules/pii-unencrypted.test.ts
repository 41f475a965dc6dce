import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { piiUnencrypted } from '../../src/rules/pii-unencrypted.js';
import { check, col, dataMap, facts as f, item, where } from './_helpers.js';

const prescriptions = [
  f.table('db/1_init.sql', 1, 'patients'),
  f.column('db/1_init.sql', 2, 'patients', 'id', 'integer', { primaryKey: true }),
  f.column('db/1_init.sql', 3, 'patients', 'full_name'),
  f.table('db/1_init.sql', 5, 'prescriptions'),
  f.column('db/1_init.sql', 6, 'prescriptions', 'patient_id', 'integer', {
    references: col('patients', 'id'),
  }),
  f.column('db/1_init.sql', 7, 'prescriptions', 'medication'),
];

test('Truepill: a medication column with no column-level encryption, at its definition', () => {
  const findings = check(piiUnencrypted, prescriptions);
  assert.equal(findings.map(where), ['db/1_init.sql:7:3']);
  assert.is(
    findings[0]?.message,
    'PHI (health.medication per the classifier) is stored in db.prescriptions.medication without column-level encryption.',
  );
  assert.equal(findings[0]?.categories, ['health.medication']);
  assert.equal(findings[0]?.target, {
    store: 'db',
    table: 'prescriptions',
    column: 'medication',
    exposure: 'internal',
  });
  assert.is(findings[0]?.phi, true);
  assert.match(findings[0]?.evidence?.[0] ?? '', /^classifier: name "medication"/);
});

test('encrypted by a later migration, dropped later, or written by an encryption function: no finding', () => {
  const encryptedLater = [
    ...prescriptions,
    f.copy(
      'db/2_encrypt.sql',
      1,
      'prescriptions',
      [
        item('db/2_encrypt.sql', 2, 'medication', [col('prescriptions', 'medication')], 'encrypt', {
          via: 'pgp_sym_encrypt',
        }),
      ],
      'update',
    ),
  ];
  assert.equal(check(piiUnencrypted, encryptedLater), []);
  assert.equal(
    check(piiUnencrypted, [
      ...prescriptions,
      f.dropColumn('db/2_drop.sql', 1, 'prescriptions', 'medication'),
    ]),
    [],
  );
  const typed = [
    ...prescriptions.slice(0, -1),
    f.column('db/1_init.sql', 7, 'prescriptions', 'medication', 'bytea', {
      encryption: 'EncryptedText transformer',
    }),
  ];
  assert.equal(check(piiUnencrypted, typed), []);
});

test('a bytea type alone is no evidence; a name that says encrypted is (weaker)', () => {
  const bytea = [
    ...prescriptions.slice(0, -1),
    f.column('db/1_init.sql', 7, 'prescriptions', 'medication', 'bytea'),
  ];
  assert.equal(check(piiUnencrypted, bytea).map(where), ['db/1_init.sql:7:3']);
  const named = [
    ...prescriptions.slice(0, -1),
    f.column('db/1_init.sql', 7, 'prescriptions', 'medication_encrypted', 'bytea'),
  ];
  assert.equal(check(piiUnencrypted, named), []);
});

test('a foreign key column is never a finding on its own, and only required categories count', () => {
  const findings = check(piiUnencrypted, prescriptions);
  assert.not.ok(findings.some((finding) => finding.target?.column === 'patient_id'));
  assert.not.ok(findings.some((finding) => finding.target?.column === 'full_name'));
});

test('encrypted_at_rest does not satisfy the policy, and the message says so', () => {
  const map = dataMap({
    pharmacy: { exposure: 'internal', encryptedAtRest: true, migrations: ['db/**'] },
  });
  const [finding] = check(piiUnencrypted, prescriptions, { dataMap: map });
  assert.is(where(finding), 'db/1_init.sql:7:3');
  assert.match(
    finding?.message ?? '',
    /The store is encrypted at rest, which covers disk theft only: the policy asks for column-level encryption\./,
  );
});

test('the data map: encrypted: true is fine; policy.encryption.require decides what is needed', () => {
  const encrypted = dataMap({
    pharmacy: {
      exposure: 'internal',
      migrations: ['db/**'],
      tables: {
        prescriptions: {
          columns: { medication: { category: 'health.medication', encrypted: true } },
        },
      },
    },
  });
  assert.equal(check(piiUnencrypted, prescriptions, { dataMap: encrypted }), []);
  const requireNames = dataMap(
    { pharmacy: { exposure: 'internal', migrations: ['db/**'] } },
    { policy: { encryption: { require: ['person.name'] } } },
  );
  const findings = check(piiUnencrypted, prescriptions, { dataMap: requireNames });
  assert.equal(findings.map(where), ['db/1_init.sql:3:3']);
  assert.equal(findings[0]?.categories, ['person.name']);
});

test('a column filled with a required category by a copy is reported at the copy', () => {
  const input = [
    ...prescriptions,
    f.table('db/1_init.sql', 9, 'exports'),
    f.column('db/1_init.sql', 10, 'exports', 'notes_blob'),
    f.copy('db/2_export.sql', 1, 'exports', [
      item('db/2_export.sql', 3, 'notes_blob', [col('prescriptions', 'medication')]),
    ]),
  ];
  const findings = check(piiUnencrypted, input);
  assert.equal(findings.map(where), ['db/1_init.sql:7:3', 'db/2_export.sql:3:10']);
  assert.match(
    findings[1]?.message ?? '',
    /^PHI \(health\.medication from db\.prescriptions\.medication\) is stored in db\.exports\.notes_blob without column-level encryption/,
  );
});

const users = (password: string, dataType = 'text') => [
  f.table('db/1_users.sql', 1, 'users'),
  f.column('db/1_users.sql', 2, 'users', 'id', 'uuid', { primaryKey: true }),
  f.column('db/1_users.sql', 3, 'users', 'email'),
  f.column('db/1_users.sql', 4, 'users', password, dataType),
];

test('a plain password fails; the message says what is missing and the fix says hash it, never encrypt it', () => {
  const findings = check(piiUnencrypted, users('password'));
  assert.equal(findings.map(where), ['db/1_users.sql:4:3']);
  assert.equal(findings[0]?.categories, ['credential.secret']);
  assert.is(
    findings[0]?.message,
    'Personal data (credential.secret per the classifier) is stored in db.users.password without a password hash.',
  );
  assert.match(
    findings[0]?.fix ?? '',
    /^Hash passwords with a password hash \(bcrypt, scrypt, argon2\)/,
  );
  assert.match(findings[0]?.fix ?? '', /never encrypt them/);
});

test('a credential whose name says hashed satisfies the rule (credentials may be hashed)', () => {
  for (const column of [
    'password_hash',
    'passwordHash',
    'hashed_password',
    'passwordScrypt',
    'password_bcrypt',
    'password_digest',
    'pin_argon2',
    'encrypted_password',
  ]) {
    assert.equal(check(piiUnencrypted, users(column)), [], column);
  }
  // A credential with no hash in its name still fails.
  assert.equal(check(piiUnencrypted, users('passwd')).map(where), ['db/1_users.sql:4:3']);
});

test('a hash function writing a credential satisfies the rule; it does not for other categories', () => {
  const hashedWrite = [
    ...users('password'),
    f.copy('db/2_seed.sql', 1, 'users', [
      item('db/2_seed.sql', 2, 'password', [], 'hash', { via: 'crypt' }),
    ]),
  ];
  assert.equal(check(piiUnencrypted, hashedWrite), []);
  const ssnHashed = [
    f.table('db/1_users.sql', 1, 'users'),
    f.column('db/1_users.sql', 2, 'users', 'ssn_hash'),
    f.column('db/1_users.sql', 3, 'users', 'ssn'),
    f.copy('db/2_seed.sql', 1, 'users', [
      item('db/2_seed.sql', 2, 'ssn', [], 'hash', { via: 'sha256' }),
    ]),
  ];
  const findings = check(piiUnencrypted, ssnHashed);
  assert.equal(findings.map(where), ['db/1_users.sql:2:3', 'db/1_users.sql:3:3']);
  for (const finding of findings) {
    assert.match(finding.message, /without column-level encryption\.$/);
    assert.match(finding.fix ?? '', /^Encrypt the column/);
  }
});

test('a copy into a column the scan never saw defined: a required category flowing in is reported at the copy; the name alone is not', () => {
  const input = [
    ...prescriptions,
    f.column('db/1_init.sql', 8, 'prescriptions', 'refill_count', 'integer'),
    // `archive` is built outside the scan; these INSERTs fill columns it already has.
    f.copy('db/2_archive.sql', 1, 'archive', [
      item('db/2_archive.sql', 3, 'med_copy', [col('prescriptions', 'medication')]),
    ]),
    f.copy('db/2_archive.sql', 5, 'archive', [
      item('db/2_archive.sql', 6, 'diagnosis', [col('prescriptions', 'refill_count')]),
    ]),
  ];
  const findings = check(piiUnencrypted, input);
  assert.equal(findings.map(where), ['db/1_init.sql:7:3', 'db/2_archive.sql:3:10']);
  assert.equal(findings[1]?.target?.column, 'med_copy');
  assert.match(
    findings[1]?.message ?? '',
    /^PHI \(health\.medication from db\.prescriptions\.medication\) is stored in db\.archive\.med_copy without column-level encryption/,
  );
});

test.run();
