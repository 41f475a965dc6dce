import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CATEGORIES,
  DEFAULT_ENCRYPTION_REQUIRED,
  SENSITIVITY_RANK,
  getCategory,
  isKnownCategory,
  isPhiCategory,
  selectorMatches,
  suggestCategory,
} from '../src/taxonomy/categories.js';
import { containsWords, findWords, nameWords } from '../src/taxonomy/words.js';

test('CATEGORIES holds every row of the taxonomy table, in order', () => {
  assert.is(CATEGORIES.length, 65);
  assert.is(CATEGORIES[0]?.id, 'person.name');
  assert.is(CATEGORIES.at(-1)?.id, 'biometric.template');
  const ids = CATEGORIES.map((info) => info.id);
  assert.is(new Set(ids).size, ids.length, 'ids are unique');
  for (const id of ids) assert.ok(/^[a-z_]+(\.[a-z_]+)+$/.test(id), id);
});

test('rows carry the sensitivity, enc, HIPAA letter and numeric flag of the table', () => {
  const rows: Array<[string, string, boolean, string | undefined, boolean]> = [
    ['person.name', 'M', false, 'A', false],
    ['person.username', 'L', false, 'R', false],
    ['person.photo', 'H', false, 'Q', false],
    ['contact.address.state', 'L', false, undefined, false],
    ['contact.address.postal_code', 'M', false, 'B', true],
    ['demographic.birth_date', 'H', true, 'C', false],
    ['demographic.birth_year', 'L', false, undefined, true],
    ['demographic.age', 'M', false, 'C', true],
    ['demographic.race_ethnicity', 'S', true, undefined, false],
    ['government_id.ssn', 'H', true, 'G', true],
    ['government_id.vehicle', 'M', false, 'L', false],
    ['identifier.account_number', 'H', false, 'J', true],
    ['device.ip_address', 'M', false, 'O', true],
    ['location.precise', 'H', false, 'B', true],
    ['credential.secret', 'H', true, undefined, true],
    ['health.patient_id', 'H', false, 'H', true],
    ['health.plan', 'S', true, 'I', false],
    ['health.medication', 'S', true, undefined, false],
    ['health.prescriber_id', 'L', false, undefined, true],
    ['health.vitals', 'S', true, undefined, true],
    ['health.clinical_note', 'S', true, 'R', false],
    ['biometric.template', 'S', true, 'P', false],
  ];
  for (const [id, sensitivity, encryptionRequired, hipaa, numericAllowed] of rows) {
    const info = getCategory(id);
    assert.ok(info, id);
    assert.equal(
      [info?.sensitivity, info?.encryptionRequired, info?.hipaa, info?.numericAllowed],
      [sensitivity, encryptionRequired, hipaa, numericAllowed],
      id,
    );
  }
});

test('every hint and trap is a normalised word sequence', () => {
  for (const info of CATEGORIES) {
    assert.ok(info.hints.length > 0, `${info.id} has hints`);
    for (const phrase of [...info.hints, ...info.traps]) {
      assert.is(nameWords(phrase).join(' '), phrase, `${info.id}: "${phrase}"`);
    }
  }
  assert.ok(getCategory('demographic.birth_date')?.hints.includes('date of birth'));
  assert.ok(getCategory('demographic.age')?.traps.includes('dosage'));
});

test('DEFAULT_ENCRYPTION_REQUIRED is the ✓ column: special categories, government ids, cards, bank accounts, credentials, birth dates', () => {
  assert.equal(
    [...DEFAULT_ENCRYPTION_REQUIRED],
    [
      'demographic.birth_date',
      'demographic.race_ethnicity',
      'demographic.sexual_orientation',
      'demographic.religion',
      'government_id.ssn',
      'government_id.drivers_license',
      'government_id.birth_certificate',
      'government_id.passport',
      'credential.secret',
      'financial.card',
      'financial.bank_account',
      'health.plan',
      'health.prescription',
      'health.medication',
      'health.diagnosis',
      'health.procedure',
      'health.lab_result',
      'health.vitals',
      'health.allergy',
      'health.immunization',
      'health.device_usage',
      'health.genetic',
      'health.clinical_note',
      'health.sensitive_condition',
      'biometric.template',
    ],
  );
  for (const info of CATEGORIES) {
    if (info.sensitivity === 'S') assert.ok(info.encryptionRequired, `${info.id} is special`);
  }
  assert.not.ok(DEFAULT_ENCRYPTION_REQUIRED.includes('health.patient_id'));
  assert.not.ok(DEFAULT_ENCRYPTION_REQUIRED.includes('health.rx_number'));
});

test('SENSITIVITY_RANK orders L < M < H < S', () => {
  assert.equal(SENSITIVITY_RANK, { L: 1, M: 2, H: 3, S: 4 });
});

test('getCategory finds ids and nothing else', () => {
  assert.is(getCategory('contact.email')?.hipaa, 'F');
  assert.is(getCategory('contact'), undefined);
  assert.is(getCategory('Contact.Email'), undefined);
  assert.is(getCategory(''), undefined);
});

test('isKnownCategory accepts ids and prefixes on dot boundaries only', () => {
  const cases: Array<[string, boolean]> = [
    ['health.medication', true],
    ['health', true],
    ['contact.address', true],
    ['contact.address.street', true],
    ['government_id', true],
    ['*', false],
    ['none', false],
    ['healthy', false],
    ['health.', false],
    ['health.medications', false],
    ['contact.addr', false],
    ['', false],
  ];
  for (const [name, expected] of cases) assert.is(isKnownCategory(name), expected, name);
});

test('selectorMatches: *, subtrees on dot boundaries, exact ids', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', 'health.medication', true],
    ['*', 'contact.email', true],
    ['health', 'health.medication', true],
    ['health', 'healthy.x', false],
    ['health', 'health', true],
    ['contact.address', 'contact.address.city', true],
    ['contact.address', 'contact.email', false],
    ['contact.email', 'contact.email', true],
    ['contact.email', 'contact.email_hash', false],
    ['health.medication', 'health', false],
    ['government_id', 'government_id.ssn', true],
    ['identifier', 'identifier.person_id', true],
    ['identifier', 'health.patient_id', false],
  ];
  for (const [selector, category, expected] of cases) {
    assert.is(selectorMatches(selector, category), expected, `${selector} / ${category}`);
  }
});

test('suggestCategory proposes the closest id or prefix', () => {
  const cases: Array<[string, string | undefined]> = [
    ['contact.emial', 'contact.email'],
    ['helth.medication', 'health.medication'],
    ['health.medications', 'health.medication'],
    ['helth', 'health'],
    ['contact.adress', 'contact.address'],
    ['medicaton', 'health.medication'],
    ['ssn', 'government_id.ssn'],
    ['birth.date', 'demographic.birth_date'],
    ['zzzzqqqq', undefined],
    ['', undefined],
  ];
  for (const [unknown, expected] of cases) assert.is(suggestCategory(unknown), expected, unknown);
});

test('isPhiCategory: every identifier of M and up or HIPAA-lettered in a health context', () => {
  const cases: Array<[string, boolean, boolean]> = [
    ['person.name', true, true],
    ['contact.email', true, true],
    ['person.username', true, true], // L but HIPAA (R)
    ['contact.address.state', true, false], // L, no letter: Safe Harbor allows the state
    ['contact.address.country', true, false],
    ['demographic.birth_year', true, false],
    ['health.prescriber_id', true, false],
    ['health.medication', true, true],
    ['person.name', false, false],
    ['contact.email', false, false],
    ['health.medication', false, true],
    ['health.patient_id', false, true],
    ['health.prescriber_name', false, false],
    ['not.a.category', true, false],
  ];
  for (const [id, healthContext, expected] of cases) {
    assert.is(isPhiCategory(id, healthContext), expected, `${id} health=${healthContext}`);
  }
});

test('nameWords normalises every casing convention into lowercase words', () => {
  const cases: Array<[string, string[]]> = [
    ['patientFirstName', ['patient', 'first', 'name']],
    ['patient_first_name', ['patient', 'first', 'name']],
    ['patient-first-name', ['patient', 'first', 'name']],
    ['PatientFirstName', ['patient', 'first', 'name']],
    ['"Patient First Name"', ['patient', 'first', 'name']],
    ['`patient_first_name`', ['patient', 'first', 'name']],
    ['[PatientFirstName]', ['patient', 'first', 'name']],
    ['IPAddress', ['ip', 'address']],
    ['userIPAddress', ['user', 'ip', 'address']],
    ['dob2', ['dob', '2']],
    ['address_line1', ['address', 'line', '1']],
    ['ICD10Code', ['icd', '10', 'code']],
    ['PATIENT_NAME', ['patient', 'name']],
    ['public.users', ['public', 'users']],
    ['_ga', ['ga']],
    ['  ', []],
    ['', []],
  ];
  for (const [name, expected] of cases) assert.equal(nameWords(name), expected, name);
});

test('containsWords matches whole-word sequences only', () => {
  const cases: Array<[string, string, boolean]> = [
    ['patient_age', 'age', true],
    ['page_count', 'age', false],
    ['dosage', 'age', false],
    ['zip_code', 'ip', false],
    ['recipient', 'ip', false],
    ['client_ip', 'ip', true],
    ['date_of_birth', 'date of birth', true],
    ['date_birth_of', 'date of birth', false],
    ['trace_id', 'race', false],
    ['pinned', 'pin', false],
    ['patient_dob', 'dob', true],
    ['anything', '', false],
  ];
  for (const [name, phrase, expected] of cases) {
    assert.is(containsWords(nameWords(name), nameWords(phrase)), expected, `${name} / ${phrase}`);
  }
  assert.is(findWords(['a', 'b', 'a', 'b'], ['a', 'b'], 1), 2);
});

test.run();
