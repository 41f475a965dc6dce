// Placeholders and operators that are not plain SQL keep parsing and exact columns.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findingsIn } from '../scan-helpers.js';

const HERE = 'test/fixtures/typescript/placeholders';
const PUBLISH = `${HERE}/migrations/20240102000000-publish.js`;

test('$bind, $1, :replacement, @name, the jsonb ?, ?|, ?& and @? operators, slonik and postgres.js interpolations', async () => {
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
      // SELECT email … WHERE meta ?& array[…] AND id > $1
      `pii-public-exposure ${HERE}/migrations/20240103000000-positional.js:8:15`,
      // slonik sql.unsafe`… WHERE id >= ${firstId} AND meta ? 'listed'`
      `pii-public-exposure ${HERE}/migrations/20240104000000-slonik.ts:8:12`,
      // postgres.js sql`UPDATE directory SET phone = p.phone … AND p.id > ${minimum}`
      `pii-public-exposure ${HERE}/migrations/20240105000000-postgres-js.js:5:26`,
    ],
  );
  assert.ok(!findings.some((finding) => finding.startsWith('parse-error')));
});

test.run();
