import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartnerAllow } from '../../src/datamap/types.js';
import { piiThirdParty } from '../../src/rules/pii-third-party.js';
import { at, check, col, dataMap, facts as f, item, where } from './_helpers.js';

const SCRIPT = 'scripts/sync-partner.ts';

function insuletMap(allow: PartnerAllow[] = []) {
  return dataMap(
    {
      omnipod: {
        exposure: 'internal',
        context: 'health',
        migrations: ['db/**'],
        hosts: ['api.omnipod.example'],
      },
      adpartner: { kind: 'partner', exposure: 'partner', hosts: ['collect.adpartner.example'] },
    },
    { partnerAllow: allow },
  );
}

const schema = [
  f.table('db/1_init.sql', 1, 'pump_sessions'),
  f.column('db/1_init.sql', 2, 'pump_sessions', 'patient_id', 'integer'),
  f.column('db/1_init.sql', 3, 'pump_sessions', 'ip_address'),
  f.column('db/1_init.sql', 4, 'pump_sessions', 'bolus_events', 'jsonb'),
  f.column('db/1_init.sql', 5, 'pump_sessions', 'session_count', 'integer'),
];

const toPartner = (host: string, columns: string[], line = 20) =>
  f.send(SCRIPT, line, { type: 'http', host, client: 'fetch' }, [
    {
      from: columns.map((name) => col('pump_sessions', name)),
      transform: 'copy',
      path: [{ at: at(SCRIPT, 11, 3), description: 'read from pump_sessions' }],
    },
  ]);

test('Insulet: IP addresses and pump use sent to a marketing partner, with the path', () => {
  const findings = check(
    piiThirdParty,
    [...schema, toPartner('collect.adpartner.example', ['ip_address', 'bolus_events'])],
    { dataMap: insuletMap() },
  );
  assert.equal(findings.map(where), [`${SCRIPT}:20:5`]);
  const [finding] = findings;
  assert.is(
    finding?.message,
    'PHI (device.ip_address from omnipod.pump_sessions.ip_address, health.device_usage from omnipod.pump_sessions.bolus_events) sent to collect.adpartner.example (partner store adpartner) by fetch, with no policy.partner.allow entry for it. Leave it out, tokenize it, or add an allow entry with a purpose.',
  );
  assert.is(finding?.severity, 'error');
  assert.is(finding?.phi, true);
  assert.equal(finding?.categories, ['device.ip_address', 'health.device_usage']);
  assert.equal(finding?.target, {
    store: 'adpartner',
    table: 'collect.adpartner.example',
    exposure: 'partner',
  });
  assert.equal(
    finding?.path?.map((step) => `${step.file}:${step.line}`),
    [`${SCRIPT}:11`, `${SCRIPT}:20`],
  );
  assert.match(finding?.fix ?? '', /policy\.partner\.allow entry naming store `adpartner`/);
});

test('an allow entry naming the store, covering the categories, with a purpose: no finding', () => {
  const allow = [
    {
      store: 'adpartner',
      categories: ['device', 'health.device_usage'],
      purpose: 'device support',
      at: at('datamap.yaml', 60),
    },
  ];
  assert.equal(
    check(
      piiThirdParty,
      [...schema, toPartner('collect.adpartner.example', ['ip_address', 'bolus_events'])],
      { dataMap: insuletMap(allow) },
    ),
    [],
  );
  // Covering only one of the categories leaves the other reported.
  const partial = [
    {
      store: 'adpartner',
      categories: ['device.ip_address'],
      purpose: 'fraud checks',
      at: at('datamap.yaml', 60),
    },
  ];
  const findings = check(
    piiThirdParty,
    [...schema, toPartner('collect.adpartner.example', ['ip_address', 'bolus_events'])],
    { dataMap: insuletMap(partial) },
  );
  assert.equal(findings[0]?.categories, ['health.device_usage']);
  // An entry without a purpose does not count.
  const noPurpose = [
    { store: 'adpartner', categories: ['*'], purpose: ' ', at: at('datamap.yaml', 60) },
  ];
  assert.equal(
    check(piiThirdParty, [...schema, toPartner('collect.adpartner.example', ['ip_address'])], {
      dataMap: insuletMap(noPurpose),
    }).length,
    1,
  );
});

test('a host an internal store lists is not a third party; non-personal values are no finding', () => {
  assert.equal(
    check(piiThirdParty, [...schema, toPartner('api.omnipod.example', ['ip_address'])], {
      dataMap: insuletMap(),
    }),
    [],
  );
  assert.equal(
    check(piiThirdParty, [...schema, toPartner('collect.adpartner.example', ['session_count'])], {
      dataMap: insuletMap(),
    }),
    [],
  );
});

test('an unknown outside host and an analytics SDK are third parties', () => {
  const input = [
    ...schema,
    toPartner('hooks.optimizer.example', ['ip_address'], 30),
    f.send(SCRIPT, 40, { type: 'sdk', sdk: 'analytics.track', vendor: 'segment' }, [
      { from: [col('pump_sessions', 'ip_address')], transform: 'hash' },
    ]),
  ];
  const findings = check(piiThirdParty, input, { dataMap: insuletMap() });
  assert.equal(findings.map(where), [`${SCRIPT}:30:5`, `${SCRIPT}:40:5`]);
  assert.match(findings[0]?.message ?? '', /sent to hooks\.optimizer\.example by fetch,/);
  assert.match(findings[0]?.fix ?? '', /declare the host as a partner store/);
  // Hashed before sending: still personal, one severity lower.
  assert.is(findings[1]?.severity, 'warning');
  assert.match(findings[1]?.message ?? '', /sent to segment by analytics\.track/);
});

test('a copy into a partner store, at the copied column', () => {
  const map = dataMap({
    shop: { exposure: 'internal', migrations: ['db/shop/**'] },
    warehouse: { kind: 'analytics', exposure: 'internal', migrations: ['db/warehouse/**'] },
  });
  const input = [
    f.table('db/shop/1.sql', 1, 'customers'),
    f.column('db/shop/1.sql', 2, 'customers', 'email'),
    f.column('db/shop/1.sql', 3, 'customers', 'country'),
    f.copy(
      'db/warehouse/2.sql',
      1,
      'events',
      [
        item('db/warehouse/2.sql', 2, 'email', [col('shop.customers', 'email')]),
        item('db/warehouse/2.sql', 3, 'region', [col('shop.customers', 'email')], 'tokenize'),
      ],
      'create-table-as',
    ),
  ];
  const findings = check(piiThirdParty, input, { dataMap: map });
  assert.equal(findings.map(where), ['db/warehouse/2.sql:2:10']);
  assert.is(
    findings[0]?.message,
    'Personal data (contact.email from shop.customers.email) copied into warehouse.events.email (partner store warehouse) by CREATE TABLE … AS, with no policy.partner.allow entry for it. Leave it out, tokenize it, or add an allow entry with a purpose.',
  );
  assert.is(findings[0]?.phi, false);
  assert.equal(check(piiThirdParty, input.slice(0, 3)), []);
});

test.run();
