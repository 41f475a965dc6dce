/**
 * Language-model, payment, SMS, e-mail and support-desk SDKs are partners: a diagnosis in a prompt
 * or a patient's e-mail handed to a payment provider leaves for the vendor's host, and without a
 * `policy.partner.allow` entry naming it that is a finding at the call.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../../src/scan.js';
import { findingsIn } from '../scan-helpers.js';

const folder = 'test/fixtures/typescript/vendor-sdks';
const script = `${folder}/scripts/follow-up.ts`;

test('each vendor call that carries a personal value is reported at the call; a key alone is not', async () => {
  assert.equal(await findingsIn(folder), [
    `pii-unencrypted ${folder}/migrations/001_patients.sql:6:3`,
    `pii-third-party ${script}:21:11`,
    `pii-third-party ${script}:25:11`,
    `pii-third-party ${script}:30:11`,
    `pii-third-party ${script}:31:11`,
    `pii-third-party ${script}:32:11`,
    `pii-third-party ${script}:33:11`,
    `pii-third-party ${script}:34:11`,
  ]);
});

test('the finding names the data and the vendor host', async () => {
  const { findings } = await scan({ cwd: process.cwd(), paths: [folder] });
  const hosts = findings
    .filter((finding) => finding.ruleId === 'pii-third-party')
    .map((finding) => /sent to (\S+)/.exec(finding.message)?.[1]);
  assert.equal(hosts, [
    'api.openai.com',
    'api.anthropic.com',
    'api.stripe.com',
    'api.twilio.com',
    'api.resend.com',
    'api.sendgrid.com',
    'api.crisp.chat',
  ]);
  assert.match(findings[1]?.message ?? '', /health\.diagnosis from [\w-]+\.patients\.diagnosis/);
});

test.run();
