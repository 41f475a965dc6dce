// DO blocks and function bodies read like top-level SQL; RAISE with personal values is a log write.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../../src/scan.js';
import { findingsIn } from '../scan-helpers.js';

const HERE = 'test/fixtures/sql/plpgsql';

test('DDL under IF NOT EXISTS, RAISE of a loop record, EXECUTE of a literal, SELECT INTO, triggers', async () => {
  assert.equal(await findingsIn(HERE), [
    // SELECT phone INTO v_phone … RAISE LOG '%', v_phone
    `pii-logged ${HERE}/0006_patients.sql:12:3`,
    // a body that does not parse is a note at the body, never silence
    `parse-error ${HERE}/0006_patients.sql:17:61`,
    // RAISE INFO of NEW.full_name in a trigger function on patients
    `pii-logged ${HERE}/0006_patients.sql:25:3`,
    // ALTER TABLE … ADD COLUMN aadhaar_number inside DO $$ … IF NOT EXISTS … THEN
    `pii-unencrypted ${HERE}/0007_aadhaar.sql:8:37`,
    // FOR p IN SELECT * FROM patients … RAISE NOTICE '%', p.full_name, p.phone
    `pii-logged ${HERE}/0007_aadhaar.sql:19:5`,
    // EXECUTE 'GRANT SELECT ON patients TO PUBLIC'
    `public-access-grant ${HERE}/0007_aadhaar.sql:21:12`,
  ]);
});

test("a function parameter in an UPDATE is the caller's value, never a column of the table", async () => {
  const folder = 'test/fixtures/sql/plpgsql-parameters';
  const { findings } = await scan({ cwd: process.cwd(), paths: [folder] });
  assert.equal(
    findings.map(
      (finding) => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`,
    ),
    [`pii-unencrypted ${folder}/0002_edit_diagnosis.sql:14:7`],
  );
  // SET icd10_code = COALESCE(p_icd10_code, icd10_code) keeps the column's own value or the caller's.
  const [finding] = findings;
  assert.match(finding?.message ?? '', /from [\w.-]*clinical\.diagnoses\.icd10_code\)/);
  assert.not.match(finding?.message ?? '', /p_icd10_code/);
});

test.run();
