/**
 * A column the application encrypts holds ciphertext: logging it as read shows nothing, while
 * logging what `createDecipheriv(…).update(…)` made of it shows the phone again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../../src/scan.js';
import { findingsIn } from '../scan-helpers.js';

const folder = 'test/fixtures/typescript/ciphers';

test('the deciphered phone is logged; the stored ciphertext is not', async () => {
  assert.equal(await findingsIn(folder), [`pii-logged ${folder}/scripts/send-reminders.js:17:5`]);
  const { findings } = await scan({ cwd: process.cwd(), paths: [folder] });
  assert.match(
    findings[0]?.message ?? '',
    /contact\.phone from [\w-]+\.reminders\.phone_encrypted/,
  );
  assert.equal(
    findings[0]?.path.map((step) => `${step.line}:${step.description}`),
    [
      '12:read reminders.id, reminders.phone_encrypted through knex',
      '13:each item of rows as row',
      '17:passed to decryptPhone',
      '17:logged with console.log',
    ],
  );
});

test.run();
