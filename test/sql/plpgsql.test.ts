// DO blocks and function bodies read like top-level SQL; RAISE with personal values is a log write.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../../src/scan.js';
import { findingsIn } from '../scan-helpers.js';
import { extract, fixture } from './_helpers.js';

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

test("PL/pgSQL names: a parameter is the caller's value, a loop record's field is its source column", async () => {
  const folder = 'test/fixtures/sql/plpgsql-parameters';
  const { findings } = await scan({ cwd: process.cwd(), paths: [folder] });
  assert.equal(
    findings.map(
      (finding) => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`,
    ),
    [
      `pii-unencrypted ${folder}/0001_diagnoses.sql:6:3`,
      `pii-unencrypted ${folder}/0003_contact_archive.sql:3:3`,
      `pii-unencrypted ${folder}/0003_contact_archive.sql:18:19`,
    ],
  );
  const [diagnosis, , archive] = findings.map((finding) => finding.message);
  // SET icd10_code = COALESCE(p_icd10_code, icd10_code): the column's own value or the caller's,
  // which copies nothing; the column is reported where it is defined.
  assert.match(
    diagnosis ?? '',
    /per the classifier\) is stored in [\w.-]*clinical\.diagnoses\.icd10_code/,
  );
  assert.not.match(diagnosis ?? '', /p_icd10_code/);
  // FOR p IN SELECT … FROM clinical.patients … VALUES (p.id, p.national_id_number)
  assert.match(archive ?? '', /from [\w.-]*clinical\.patients\.national_id_number\)/);
});

test('a variable of an enum type among INTO targets: the body is read, not a parse error', async () => {
  // libpg-query's PL/pgSQL parser has no catalog and takes `granted_role public.team_role` for a row.
  const folder = 'test/fixtures/sql/plpgsql-enum-into';
  assert.equal(await findingsIn(folder), [`pii-logged ${folder}/0001_invitations.sql:18:3`]);
});

test('a variable of an enum type first in a multiple-item INTO list: the body is read', async () => {
  // The parser's message names no variable ("record variable cannot be part of multiple-item INTO
  // list"): `current_shift public.shift_kind`, first after INTO, is the one it took for a row.
  const folder = 'test/fixtures/sql/plpgsql-enum-first-into';
  assert.equal(await findingsIn(folder), [`pii-logged ${folder}/0001_caregivers.sql:20:3`]);
});

test('a field of a %ROWTYPE variable assigned in the body: the body is read', async () => {
  // `referral.status := 'lapsed'` ("is not a known variable" to a parser that takes the row for a
  // scalar): read as a record, the row selected into it keeps its table for the RAISE.
  const folder = 'test/fixtures/sql/plpgsql-rowtype-field';
  const file = `${folder}/0001_referrals.sql`;
  assert.equal(await findingsIn(folder), [
    `public-access-grant ${file}:9:1`,
    `pii-logged ${file}:18:3`,
  ]);
});

test('bodies Postgres rejects stay parse errors, however their declarations are respelled', () => {
  const notes = extract(fixture('plpgsql-malformed.sql')).flatMap((fact) =>
    fact.kind === 'parse-error' ? [`${fact.at.line}: ${fact.message}`] : [],
  );
  assert.equal(notes, [
    '7: PL/pgSQL body not read: loop variable of loop over rows must be a record variable or list of scalar variables',
    '15: PL/pgSQL body not read: record variable cannot be part of multiple-item INTO list',
    '24: PL/pgSQL body not read: "visit" is not a scalar variable',
    '33: PL/pgSQL body not read: "visit.notes" is not a known variable',
  ]);
});

test('EXECUTE of a dollar-quoted literal is read as SQL, located inside the quotes', async () => {
  // A therapy practice enables row-level security through EXECUTE $sql$…$sql$ in a DO block.
  const folder = 'test/fixtures/sql/plpgsql-dollar-execute';
  const file = `${folder}/supabase/migrations/20250927000000_sessions.sql`;
  assert.equal(await findingsIn(folder), [`public-access-grant ${file}:15:16`]);
});

test("a function's arguments printed by RAISE are logged as what their names say; a key is not", async () => {
  // `p_first_name` is the caller's first name; `p_clinic_id_param` a clinic's key.
  const folder = 'test/fixtures/sql/plpgsql-argument-raise';
  const file = `${folder}/0001_register.sql`;
  assert.equal(await findingsIn(folder), [
    `pii-unencrypted ${file}:4:3`,
    `pii-logged ${file}:13:3`,
  ]);
  const { findings } = await scan({ cwd: process.cwd(), paths: [folder] });
  const logged = findings.find((finding) => finding.ruleId === 'pii-logged');
  assert.match(
    logged?.message ?? '',
    /person\.first_name from the function's argument first_name, demographic\.birth_date from the function's argument date_of_birth\) written to the log by RAISE WARNING/,
  );
});

test.run();
