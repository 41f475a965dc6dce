// MySQL data statements in .sql migrations read into the same copy facts as Postgres ones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findingsIn } from '../scan-helpers.js';

const HERE = 'test/fixtures/sql/mysql-store';

test('UPDATE … JOIN … SET, REPLACE … SELECT, CREATE TABLE … SELECT; AES_ENCRYPT and AES_DECRYPT', async () => {
  const findings = await findingsIn(HERE);
  assert.equal(
    findings.filter((finding) => !finding.startsWith('unclassified-pii')),
    [
      `pii-public-exposure ${HERE}/migrations/20240101_init.sql:12:3`,
      // SET pp.`display_name` = p.`full_name` of UPDATE `public_profiles` pp INNER JOIN `patients` p
      `pii-public-exposure ${HERE}/migrations/20240102_backfill.sql:4:8`,
      // REPLACE INTO `public_profiles` (…, `contact`) SELECT p.`id`, p.`email`
      `pii-public-exposure ${HERE}/migrations/20240102_backfill.sql:8:16`,
      // CREATE TABLE `support_snapshot` SELECT … AES_DECRYPT(p.`ssn_enc`, @support_key) AS `ssn`
      `encryption-removed ${HERE}/migrations/20240102_backfill.sql:11:48`,
      `pii-unencrypted ${HERE}/migrations/20240102_backfill.sql:11:48`,
      // no pii-unencrypted for `national_id`: it is written with AES_ENCRYPT (line 15)
    ],
  );
  assert.ok(!findings.some((finding) => finding.startsWith('parse-error')));
});

test.run();
