/**
 * An ORM write that hands a whole related row to a relation property (`{ patient, doctor }`)
 * stores that row's key, not its columns; a name written into a text column is still a copy.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findingsIn } from '../scan-helpers.js';

const folder = 'test/fixtures/typescript/relation-writes';

test('related rows given to relation properties copy nothing; a copied name is reported at its value', async () => {
  assert.equal(await findingsIn(folder), [
    `pii-unencrypted ${folder}/migrations/001_init.sql:1:72`,
    `public-access-grant ${folder}/migrations/001_init.sql:10:1`,
    `pii-public-exposure ${folder}/scripts/seed-feedback.ts:12:39`,
  ]);
});

test.run();
