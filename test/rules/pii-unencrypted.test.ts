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
    'PHI (health.medication per the classifier) is stored in db.prescriptions.medication without column-level encryption. Encrypt the column.',
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

test.run();
