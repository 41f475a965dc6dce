import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encryptionRemoved } from '../../src/rules/encryption-removed.js';
import { piiUnencrypted } from '../../src/rules/pii-unencrypted.js';
import { check, col, facts as f, item, where } from './_helpers.js';

const vault = [
  f.table('db/1_init.sql', 1, 'patients'),
  f.column('db/1_init.sql', 2, 'patients', 'diagnosis', 'bytea'),
  f.copy(
    'db/1_init.sql',
    4,
    'patients',
    [item('db/1_init.sql', 5, 'diagnosis', [], 'encrypt', { via: 'pgp_sym_encrypt' })],
    'update',
  ),
];

test('ALTER COLUMN … TYPE text USING pgp_sym_decrypt(…) removes encryption', () => {
  const input = [
    ...vault,
    f.retype('db/2_plain.sql', 3, 'patients', 'diagnosis', 'text', {
      from: [col('patients', 'diagnosis')],
      transform: 'decrypt',
      via: 'pgp_sym_decrypt',
    }),
  ];
  const findings = check(encryptionRemoved, input);
  assert.equal(findings.map(where), ['db/2_plain.sql:3:1']);
  assert.is(
    findings[0]?.message,
    'db.patients.diagnosis (health.diagnosis) is decrypted into plain text by ALTER COLUMN … TYPE … USING pgp_sym_decrypt. Keep the values encrypted.',
  );
  assert.equal(findings[0]?.categories, ['health.diagnosis']);
  assert.equal(findings[0]?.target, { store: 'db', table: 'patients', column: 'diagnosis' });
  // Reported once, by this rule, not again as an unencrypted column.
  assert.equal(check(piiUnencrypted, input), []);
});

test('retyping an encrypted column to a plain type without encryption', () => {
  const typed = [
    f.table('db/1_init.sql', 1, 'patients'),
    f.column('db/1_init.sql', 2, 'patients', 'ssn', 'bytea', { encryption: 'pgcrypto column' }),
    f.retype('db/2.sql', 4, 'patients', 'ssn', 'text'),
  ];
  const findings = check(encryptionRemoved, typed);
  assert.equal(findings.map(where), ['db/2.sql:4:1']);
  assert.is(
    findings[0]?.message,
    'db.patients.ssn (government_id.ssn) was encrypted (encrypted type or transformer: pgcrypto column) and is retyped to plain text without encryption. Keep the values encrypted.',
  );
  // Re-encrypting on the way is fine; so is a retype of a column that was never encrypted.
  const reencrypted = [
    ...typed.slice(0, 2),
    f.retype('db/2.sql', 4, 'patients', 'ssn', 'bytea', {
      from: [col('patients', 'ssn')],
      transform: 'encrypt',
    }),
  ];
  assert.equal(check(encryptionRemoved, reencrypted), []);
  assert.equal(
    check(encryptionRemoved, [
      f.table('db/1.sql', 1, 't'),
      f.column('db/1.sql', 2, 't', 'notes', 'varchar(20)'),
      f.retype('db/2.sql', 1, 't', 'notes', 'text'),
    ]),
    [],
  );
});

test('copying decrypted values into a column that is not encrypted afterwards', () => {
  const input = [
    ...vault,
    f.table('db/1_init.sql', 8, 'exports'),
    f.column('db/1_init.sql', 9, 'exports', 'dx'),
    f.copy('db/3_export.sql', 1, 'exports', [
      item('db/3_export.sql', 2, 'dx', [col('patients', 'diagnosis')], 'decrypt', {
        via: 'pgp_sym_decrypt',
      }),
    ]),
  ];
  const findings = check(encryptionRemoved, input);
  assert.equal(findings.map(where), ['db/3_export.sql:2:10']);
  assert.is(
    findings[0]?.message,
    'Decrypted values of db.patients.diagnosis (health.diagnosis) are copied into db.exports.dx, which is not encrypted. Keep the values encrypted.',
  );
  assert.equal(findings[0]?.source, { store: 'db', table: 'patients', column: 'diagnosis' });
  // Encrypted again by a later migration: no finding.
  const later = [
    ...input,
    f.copy(
      'db/4_seal.sql',
      1,
      'exports',
      [
        item('db/4_seal.sql', 2, 'dx', [col('exports', 'dx')], 'encrypt', {
          via: 'pgp_sym_encrypt',
        }),
      ],
      'update',
    ),
  ];
  assert.equal(check(encryptionRemoved, later), []);
});

test.run();
