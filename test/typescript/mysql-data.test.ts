// MySQL data statements in TypeORM strings read into the same copy facts as Postgres.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findingsIn } from '../scan-helpers.js';

const HERE = 'test/fixtures/typescript/mysql-data';

test('INSERT … SELECT and REPLACE with backticks copy into a public table; AES_ENCRYPT is encryption', async () => {
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
    ],
  );
  assert.ok(!findings.some((finding) => finding.startsWith('parse-error')));
});

test.run();
