import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exampleText, extractScript, summarise } from './data-scripts-helpers.js';

test('PPS → Kroger example: the merge copies patient names and emails into public accounts and logs an email in the catch branch', async () => {
  const facts = await extractScript(
    exampleText('pps-kroger-script/scripts/merge-pps-members.ts'),
    'examples/pps-kroger-script/scripts/merge-pps-members.ts',
  );
  assert.equal(summarise(facts), [
    'copy 14:13-14:90 script → krogerDb[KROGER_DATABASE_URL]:accounts',
    '  display_name ← ppsDb[PPS_DATABASE_URL]:patients.full_name (copy) @14:43-14:68',
    '    8:26 read patients.full_name, patients.email through ppsDb → 12:14 each item of patients as p → 14:43 mapped to display_name → 14:13 inserted into accounts through krogerDb',
    '  username ← ppsDb[PPS_DATABASE_URL]:patients.email (copy) @14:70-14:87',
    '    8:26 read patients.full_name, patients.email through ppsDb → 12:14 each item of patients as p → 14:70 mapped to username → 14:13 inserted into accounts through krogerDb',
    'send 17:7-17:73 type=log logger=console',
    '  ppsDb[PPS_DATABASE_URL]:patients.email (copy)',
    '    8:26 read patients.full_name, patients.email through ppsDb → 12:14 each item of patients as p → 17:7 logged with console.error',
  ]);
});
test('Insulet example: pump usage and IP addresses sent to Segment and to the advertising partner', async () => {
  const facts = await extractScript(
    exampleText('insulet-marketing/src/telemetry/forward-pump-events.ts'),
    'examples/insulet-marketing/src/telemetry/forward-pump-events.ts',
  );
  assert.equal(summarise(facts), [
    'send 17:5-21:7 type=sdk sdk=@segment/analytics-node vendor=Segment host=api.segment.io',
    '  omnipod[OMNIPOD_DATABASE_URL]:pump_events.patient_id (copy)',
    '    11:26 read pump_events.patient_id, pump_events.ip_address, pump_events.bolus_units, pump_events.pdm_serial through omnipod → 16:14 each item of rows as e → 18:7 mapped to userId → 17:5 sent to Segment with analytics.track',
    '  omnipod[OMNIPOD_DATABASE_URL]:pump_events.ip_address (copy)',
    '    11:26 read pump_events.patient_id, pump_events.ip_address, pump_events.bolus_units, pump_events.pdm_serial through omnipod → 16:14 each item of rows as e → 20:21 mapped to ip → 17:5 sent to Segment with analytics.track',
    '  omnipod[OMNIPOD_DATABASE_URL]:pump_events.bolus_units (copy)',
    '    11:26 read pump_events.patient_id, pump_events.ip_address, pump_events.bolus_units, pump_events.pdm_serial through omnipod → 16:14 each item of rows as e → 20:39 mapped to units → 17:5 sent to Segment with analytics.track',
    'send 25:9-29:5 type=http client=fetch host=collect.adpartner.example url=https://collect.adpartner.example/v1/events',
    '  omnipod[OMNIPOD_DATABASE_URL]:pump_events.pdm_serial, omnipod[OMNIPOD_DATABASE_URL]:pump_events.ip_address (copy)',
    '    11:26 read pump_events.patient_id, pump_events.ip_address, pump_events.bolus_units, pump_events.pdm_serial through omnipod → 24:27 each item of rows as e → 24:36 mapped to device → 24:58 mapped to ip → 28:11 serialised with JSON.stringify → 25:9 sent to collect.adpartner.example with fetch',
  ]);
});
test.run();
