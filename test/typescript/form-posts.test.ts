/**
 * Forms built step by step (`new URLSearchParams()` or `new FormData()` filled with `append`/`set`)
 * carry what was appended, so an SMS provider's form-encoded API call is a send of the phone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../../src/scan.js';
import { findingsIn } from '../scan-helpers.js';

const folder = 'test/fixtures/typescript/form-posts';

test('a phone appended to a posted form is sent; a count appended to another is not', async () => {
  assert.equal(await findingsIn(folder), [`pii-third-party ${folder}/scripts/remind.ts:9:10`]);
  const { findings } = await scan({ cwd: process.cwd(), paths: [folder] });
  assert.match(findings[0]?.message ?? '', /contact\.phone from [\w-]+\.patients\.phone/);
  assert.match(findings[0]?.message ?? '', /sent to api\.sms-gateway\.example by fetch/);
});

test.run();
