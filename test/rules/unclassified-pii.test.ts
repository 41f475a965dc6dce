import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unclassifiedPii } from '../../src/rules/unclassified-pii.js';
import { check, col, dataMap, facts as f, item, where } from './_helpers.js';

const map = dataMap({
  shop: {
    exposure: 'internal',
    migrations: ['db/**'],
    tables: {
      customers: { columns: { email: 'contact.email', nickname: {}, phone_hash: 'none' } },
    },
  },
});

const input = [
  f.table('db/1.sql', 1, 'customers'),
  f.column('db/1.sql', 2, 'customers', 'email'),
  f.column('db/1.sql', 3, 'customers', 'nickname'),
  f.column('db/1.sql', 4, 'customers', 'phone_hash'),
  f.column('db/2.sql', 1, 'customers', 'date_of_birth', 'date'),
  f.column('db/2.sql', 2, 'customers', 'loyalty_points', 'integer'),
];

test('a personal column the map does not declare, at its definition', () => {
  const findings = check(unclassifiedPii, input, { dataMap: map });
  assert.equal(findings.map(where), ['db/2.sql:1:3']);
  assert.is(
    findings[0]?.message,
    'shop.customers.date_of_birth reads as demographic.birth_date, but the data map does not declare it. Add it to datamap.yaml with its category.',
  );
  assert.is(findings[0]?.severity, undefined);
  assert.equal(findings[0]?.categories, ['demographic.birth_date']);
  assert.equal(findings[0]?.target, { store: 'shop', table: 'customers', column: 'date_of_birth' });
  assert.is(
    findings[0]?.fix,
    'Add it to datamap.yaml under stores.shop.tables.customers.columns with its category (`date_of_birth: demographic.birth_date`), or `date_of_birth: none` if it is not personal.',
  );
});

test('a table the map does not list at all: its personal columns are reported', () => {
  const more = [
    ...input,
    f.table('db/3.sql', 1, 'leads'),
    f.column('db/3.sql', 2, 'leads', 'email'),
    f.column('db/3.sql', 3, 'leads', 'source'),
  ];
  const findings = check(unclassifiedPii, more, { dataMap: map });
  assert.equal(findings.map(where), ['db/2.sql:1:3', 'db/3.sql:2:3']);
  assert.match(findings[1]?.message ?? '', /\(table leads is not in the data map at all\)/);
});

test('silent without a data map, and for stores the map does not declare', () => {
  assert.equal(check(unclassifiedPii, input), []);
  const other = [
    f.table('tools/legacy/1.sql', 1, 'people'),
    f.column('tools/legacy/1.sql', 2, 'people', 'email'),
  ];
  assert.equal(
    check(unclassifiedPii, other, {
      dataMap: dataMap({ shop: { exposure: 'internal', migrations: ['db/**'] } }),
    }),
    [],
  );
});

test('an INSERT, UPDATE or script write into a column the scan never saw defined is no finding; CREATE TABLE AS is', () => {
  const writes = [
    ...input,
    // The row values of an INSERT: `email_address` and `contacts` exist in the database already.
    f.copy('db/3.sql', 1, 'customers', [
      item('db/3.sql', 2, 'email_address', [col('customers', 'email')]),
    ]),
    f.copy(
      'db/3.sql',
      4,
      'contacts',
      [item('db/3.sql', 5, 'phone_number', [col('customers', 'email')])],
      'update',
    ),
    f.copy(
      'db/3.sql',
      7,
      'customer_phones',
      [item('db/3.sql', 8, 'phone_number', [col('customers', 'nickname')])],
      'create-table-as',
    ),
  ];
  const findings = check(unclassifiedPii, writes, { dataMap: map });
  assert.equal(findings.map(where), ['db/2.sql:1:3', 'db/3.sql:8:10']);
  assert.equal(findings[1]?.target, {
    store: 'shop',
    table: 'customer_phones',
    column: 'phone_number',
  });
});

test('a view column whose own name reads as personal is reported at its select item, whatever flows into it', () => {
  const view = [
    ...input,
    f.view('db/3.sql', 1, 'customer_contacts'),
    f.copy(
      'db/3.sql',
      1,
      'customer_contacts',
      [
        // `customers.email AS customer_email`: contact.email flows in and the name reads as it.
        item('db/3.sql', 2, 'customer_email', [col('customers', 'email')]),
        // The name reads as a phone; nothing personal flows in (`nickname` is declared `{}`).
        item('db/3.sql', 3, 'phone_number', [col('customers', 'nickname')]),
        // Personal only by what flows in: the map learns it from the flow, nothing to declare.
        item('db/3.sql', 4, 'label', [col('customers', 'email')]),
      ],
      'view',
    ),
  ];
  const findings = check(unclassifiedPii, view, { dataMap: map });
  assert.equal(findings.map(where), ['db/2.sql:1:3', 'db/3.sql:2:10', 'db/3.sql:3:10']);
  assert.is(
    findings[1]?.message,
    'shop.customer_contacts.customer_email reads as contact.email, but the data map does not declare it (table customer_contacts is not in the data map at all). Add it to datamap.yaml with its category.',
  );
  assert.equal(findings[1]?.categories, ['contact.email']);
  assert.equal(findings[1]?.evidence, [
    'classifier: name "customer_email" reads as contact.email (hint "email")',
  ]);
  // Declared in the map: silent, whatever flows in.
  const declared = dataMap({
    shop: {
      exposure: 'internal',
      migrations: ['db/**'],
      tables: {
        customers: { columns: { email: 'contact.email', nickname: {}, phone_hash: 'none' } },
        customer_contacts: { columns: { customer_email: {}, phone_number: 'none' } },
      },
    },
  });
  assert.equal(check(unclassifiedPii, view, { dataMap: declared }).map(where), ['db/2.sql:1:3']);
});

test.run();
