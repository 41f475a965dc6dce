/**
 * Helpers other files call (`lib/sms.js`, a mailer service): what they log or send is read by the
 * names of their parameters, since the callers that hand them a patient's phone are in other
 * files. A helper's keys and times, a private method, a function nobody can call, the answer of
 * an HTTP request, the verdict of a verification and the application's own API on this machine
 * are no findings.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../../src/scan.js';
import { findingsIn } from '../scan-helpers.js';

const folder = 'test/fixtures/typescript/helper-arguments';

test('exported helpers that log or send their personal arguments are reported where they do', async () => {
  assert.equal(await findingsIn(folder), [
    `pii-third-party ${folder}/src/lib/care-plan.ts:7:10`,
    `pii-third-party ${folder}/src/lib/crm.ts:3:9`,
    `pii-logged ${folder}/src/lib/reminders.ts:7:3`,
    `pii-third-party ${folder}/src/lib/reminders.ts:8:3`,
    `pii-logged ${folder}/src/lib/sms.js:4:3`,
    `pii-third-party ${folder}/src/lib/sms.js:5:26`,
    // The formatter's result is logged; the verification's status is not the birth date it checked.
    `pii-logged ${folder}/src/routes/sign-in.ts:9:3`,
    // The project's own logError; the e-mails joined into a string (the rows print as objects).
    `pii-logged ${folder}/src/routes/update-phone.ts:12:5`,
    `pii-logged ${folder}/src/routes/update-phone.ts:17:3`,
    `pii-logged ${folder}/src/services/patient-mailer.ts:8:5`,
    // The axios response logged whole keeps the request it answered, with the e-mail posted.
    `pii-logged ${folder}/src/services/patient-mailer.ts:13:5`,
  ]);
});

test('the finding names the argument and the function other files call', async () => {
  const { findings } = await scan({ cwd: process.cwd(), paths: [folder] });
  // A diagnosis handed to a helper is a patient's health data; the country beside it is no one's.
  const carePlan = findings.find((finding) => finding.file.endsWith('care-plan.ts'));
  assert.equal(carePlan?.categories, ['health.diagnosis']);
  assert.match(
    carePlan?.message ?? '',
    /^PHI \(health\.diagnosis from the function's argument finalDiagnosis\)/,
  );
  // The bearer token in the request's headers proves who calls: no credential is sent.
  const crm = findings.find((finding) => finding.file.endsWith('crm.ts'));
  assert.equal(crm?.categories, ['contact.email']);
  const sms = findings.find((finding) => finding.file.endsWith('sms.js') && finding.line === 5);
  assert.match(sms?.message ?? '', /contact\.phone from the function's argument phone/);
  assert.match(sms?.message ?? '', /sent to api\.twilio\.com by fetch/);
  assert.equal(
    sms?.path.map((step) => `${step.line}:${step.description}`),
    [
      '3:phone, as sendSms is called from other files',
      '7:mapped to To',
      '5:sent to Twilio (api.twilio.com) with fetch',
    ],
  );
  const reminder = findings.find(
    (finding) => finding.ruleId === 'pii-logged' && finding.line === 7,
  );
  // The slot id logged beside the phone is a key: it adds no step to the phone's path.
  assert.equal(
    reminder?.path.map((step) => step.description),
    ['phone, as sendReminder is called from other files', 'logged with console.log'],
  );
});

test.run();
