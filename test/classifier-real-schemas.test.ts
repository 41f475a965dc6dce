// Names from real health, identity and authentication schemas (issue 9): every new reading has a
// name it must find and a look-alike it must not, in the table context real schemas give them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyColumn } from '../src/taxonomy/classifier.js';

interface Where {
  table: string;
  linked?: boolean;
  health?: boolean;
  type?: string;
}

function categoriesOf(column: string, where: Where): string[] {
  const context = {
    table: where.table,
    column,
    siblingColumns: [],
    personLinked: where.linked ?? true,
    healthContext: where.health ?? false,
    ...(where.type !== undefined && { dataType: where.type }),
  };
  return classifyColumn(context).map((found) => found.category);
}

const PATIENTS: Where = { table: 'patients' };
const PATIENT_DETAILS: Where = { table: 'patient_additional_data' };
const VITALS: Where = { table: 'vitals', type: 'integer' };
const LAB_TESTS: Where = { table: 'lab_tests' };
const NOTES: Where = { table: 'notes', health: true };
const DIAGNOSES: Where = { table: 'encounter_diagnoses' };
const PRODUCTS: Where = { table: 'products', linked: false };
const ASSETS: Where = { table: 'assets', linked: false };
const BANK_DETAILS: Where = { table: 'employee_bank_details' };
const PAYOUTS: Where = { table: 'payout_methods' };

// [category, a name it must read, where]
const POSITIVES: Array<[string, string, Where]> = [
  ['government_id.drivers_license', 'driving_license', PATIENT_DETAILS],
  ['government_id.drivers_license', 'drivers_license', PATIENT_DETAILS],
  ['government_id.drivers_license', 'dl_number', PATIENT_DETAILS],
  ['government_id.birth_certificate', 'birth_certificate', PATIENT_DETAILS],
  ['government_id.ssn', 'pan_number', PATIENT_DETAILS],
  ['government_id.ssn', 'tin', PATIENT_DETAILS],
  ['government_id.ssn', 'tax_id', PATIENT_DETAILS],
  ['health.record_number', 'abha_number', PATIENTS],
  ['health.record_number', 'abhaAddress', PATIENTS],
  ['health.record_number', 'nhs_number', PATIENTS],
  ['health.plan_member_id', 'medicare_number', PATIENTS],
  ['health.record_number', 'health_card_number', PATIENTS],
  ['health.lab_result', 'blood_group', PATIENT_DETAILS],
  ['health.lab_result', 'blood_type', PATIENT_DETAILS],
  ['health.sensitive_condition', 'sexual_activity', PATIENT_DETAILS],
  ['demographic.sexual_orientation', 'sexual_orientation', PATIENT_DETAILS],
  ['health.sensitive_condition', 'substance_use', PATIENT_DETAILS],
  ['health.sensitive_condition', 'alcohol_use', PATIENT_DETAILS],
  ['health.sensitive_condition', 'tobacco_use', PATIENT_DETAILS],
  ['health.vitals', 'blood_pressure', VITALS],
  ['health.vitals', 'sbp', VITALS],
  ['health.vitals', 'dbp', VITALS],
  ['health.vitals', 'heart_rate', VITALS],
  ['health.vitals', 'pulse_rate', VITALS],
  ['health.lab_result', 'glucose', VITALS],
  ['health.vitals', 'spo2', VITALS],
  ['health.vitals', 'temperature', VITALS],
  ['health.vitals', 'bmi', VITALS],
  ['health.lab_result', 'result', LAB_TESTS],
  ['health.lab_result', 'value', { table: 'observations' }],
  ['health.lab_result', 'interpretation', LAB_TESTS],
  ['health.clinical_note', 'content', NOTES],
  ['health.clinical_note', 'body', { table: 'patient_notes' }],
  ['financial.bank_account', 'bank_account_number', BANK_DETAILS],
  ['financial.bank_account', 'iban', BANK_DETAILS],
  ['health.dates', 'diagnosis_date', DIAGNOSES],
  ['health.dates', 'prescription_date', { table: 'prescriptions' }],
];

// [a name it must not read as `category`, where, category]
const NEGATIVES: Array<[string, Where, string]> = [
  ['license_key', PATIENT_DETAILS, 'government_id.drivers_license'],
  ['certificate_fingerprint', PATIENT_DETAILS, 'government_id.birth_certificate'],
  ['pan', { table: 'cards' }, 'government_id.ssn'],
  ['tax_rate', PRODUCTS, 'government_id.ssn'],
  ['health_check_url', { table: 'services', linked: false }, 'health.record_number'],
  ['blood_bank_name', { table: 'facilities', linked: false }, 'health.lab_result'],
  ['sexual_health_clinic_id', { table: 'referrals', linked: false }, 'health.sensitive_condition'],
  ['alcohol_content', PRODUCTS, 'health.sensitive_condition'],
  ['temperature', { table: 'sensor_readings', linked: false }, 'health.vitals'],
  ['weight', PRODUCTS, 'health.vitals'],
  ['result', { table: 'job_runs', linked: false }, 'health.lab_result'],
  ['value', { table: 'settings' }, 'health.lab_result'],
  ['content', { table: 'blog_posts' }, 'health.clinical_note'],
  ['body', { table: 'email_templates' }, 'health.clinical_note'],
  // Traps: routing, sort and SWIFT codes identify a bank, not an account.
  ['routing_number', PAYOUTS, 'financial.bank_account'],
  ['sort_code', PAYOUTS, 'financial.bank_account'],
  ['swift_code', PAYOUTS, 'financial.bank_account'],
  // File and asset fingerprints and checksums are hashes of things.
  ['fingerprint', ASSETS, 'biometric.template'],
  ['asset_fingerprint', { table: 'uploads' }, 'biometric.template'],
  ['checksum', ASSETS, 'biometric.template'],
  // The date of a health event is a date (health.dates), never the event itself.
  ['diagnosis_date', DIAGNOSES, 'health.diagnosis'],
  ['prescription_date', { table: 'prescriptions' }, 'health.prescription'],
  ['vaccination_date', { table: 'patient_vaccines' }, 'health.immunization'],
  // Certainty, status, type and count columns beside a diagnosis describe it; they are not it.
  ['diagnosis_certainty', DIAGNOSES, 'health.diagnosis'],
  ['diagnosis_status', DIAGNOSES, 'health.diagnosis'],
  ['diagnosis_type', DIAGNOSES, 'health.diagnosis'],
  ['diagnosis_count', DIAGNOSES, 'health.diagnosis'],
  ['refills_allowed', { table: 'prescriptions' }, 'health.prescription'],
  // Look-alikes of the new identity and health readings.
  ['dl_url', PRODUCTS, 'government_id.drivers_license'],
  ['medicare_eligible', PATIENTS, 'health.plan_member_id'],
  ['nhs_trust_name', PATIENTS, 'health.record_number'],
  ['abha_enabled', PATIENTS, 'health.record_number'],
  ['tobacco_tax', PRODUCTS, 'health.sensitive_condition'],
  ['sbp_enabled', { table: 'settings', linked: false }, 'health.vitals'],
  // A due date is an invoice's or a task's, never a birth date.
  ['due_date', { table: 'invoices' }, 'demographic.birth_date'],
  ['days_till_due', { table: 'subscriptions' }, 'demographic.birth_date'],
  ['dueDate', { table: 'patient_tasks' }, 'demographic.birth_date'],
];

test('new categories and hints read real health and identity schemas', () => {
  for (const [category, column, where] of POSITIVES) {
    assert.ok(
      categoriesOf(column, where).includes(category),
      `${where.table}.${column}: expected ${category}, got ${JSON.stringify(categoriesOf(column, where))}`,
    );
  }
});

test('look-alikes and traps are not read as the category', () => {
  for (const [column, where, category] of NEGATIVES) {
    assert.not.ok(
      categoriesOf(column, where).includes(category),
      `${where.table}.${column}: must not be ${category}`,
    );
  }
});

test('the date of a health event reads as health.dates alone', () => {
  assert.equal(categoriesOf('diagnosis_date', { ...DIAGNOSES, type: 'date' }), ['health.dates']);
  assert.equal(categoriesOf('prescription_date', { table: 'prescriptions' }), ['health.dates']);
});

test.run();
