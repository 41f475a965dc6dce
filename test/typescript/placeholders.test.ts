// Placeholders and operators that are not plain SQL keep parsing and exact columns.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findingsIn } from '../scan-helpers.js';

const HERE = 'test/fixtures/typescript/placeholders';
const PUBLISH = `${HERE}/migrations/20240102000000-publish.js`;

test('Sequelize $bind, :replacement, @name and the jsonb ?, ?| and @? operators', async () => {
  const findings = await findingsIn(HERE);
  assert.equal(
    findings.filter((finding) => !finding.startsWith('unclassified-pii')),
    [
      // SELECT full_name … WHERE meta ? 'listed' AND id > $minId
      `pii-public-exposure ${PUBLISH}:8:15`,
      // SET email = p.email … WHERE p.meta ?| array[…] AND p.meta @? '…' AND … = :id
      `pii-public-exposure ${PUBLISH}:13:29`,
      // SELECT phone … WHERE id = @patientId
      `pii-public-exposure ${PUBLISH}:20:45`,
    ],
  );
});

test.run();
