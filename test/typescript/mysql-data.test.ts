// MySQL data statements in TypeORM strings read into the same copy facts as Postgres.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findingsIn } from '../scan-helpers.js';

const HERE = 'test/fixtures/typescript/mysql-data';

test('INSERT … SELECT, REPLACE, UPDATE … JOIN, CREATE TABLE … SELECT with backticks copy into public tables; AES_ENCRYPT is encryption', async () => {
  const findings = await findingsIn(HERE);
  assert.equal(
    findings.filter((finding) => !finding.startsWith('unclassified-pii')),
    [
      // p.`full_name` and p.`email` of INSERT INTO `public_profiles` … SELECT … FROM `patients` p
      `pii-public-exposure ${HERE}/src/migrations/1690000000001-Backfill.ts:6:79`,
      `pii-public-exposure ${HERE}/src/migrations/1690000000001-Backfill.ts:6:96`,
      // REPLACE INTO `public_profiles` … SELECT `full_name`, with a \' escape in a string
      `pii-public-exposure ${HERE}/src/migrations/1690000000001-Backfill.ts:9:63`,
      // no pii-unencrypted for `ssn`: UPDATE … SET `ssn` = AES_ENCRYPT(`ssn`, …) encrypts it
      // UPDATE `public_profiles` pp JOIN `patients` p ON … SET pp.`display_name` = p.`full_name`
      `pii-public-exposure ${HERE}/src/migrations/1690000000002-Profiles.ts:6:89`,
      // CREATE TABLE `profile_export` SELECT `full_name`, `email` FROM `patients` (a copy from the
      // public `public_profiles` would widen nothing)
      `pii-public-exposure ${HERE}/src/migrations/1690000000002-Profiles.ts:9:45`,
      `pii-public-exposure ${HERE}/src/migrations/1690000000002-Profiles.ts:9:58`,
    ],
  );
  assert.ok(!findings.some((finding) => finding.startsWith('parse-error')));
});

test.run();
