import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CATEGORIES } from '../src/taxonomy/categories.js';
import {
  classifyColumn,
  compileExtraPatterns,
  encryptionEvidenceFromName,
  hashEvidenceFromName,
  isBooleanType,
  isNumericType,
  isPersonLinked,
  isPersonTableName,
  siblingSignature,
} from '../src/taxonomy/classifier.js';
import type { ColumnContext } from '../src/taxonomy/types.js';

interface Where {
  table?: string;
  linked?: boolean;
  health?: boolean;
  type?: string;
  siblings?: string[];
  primaryKey?: boolean;
  references?: string;
  extra?: Array<{ pattern: RegExp; category: string }>;
}

/** A pharmacy's patients table unless told otherwise: the context where most is personal. */
const PATIENTS: Where = { table: 'patients', linked: true, health: true };
const CUSTOMERS: Where = { table: 'customers', linked: true, health: false };
const UNLINKED: Where = { table: 'records', linked: false, health: false };

function contextOf(column: string, where: Where): ColumnContext {
  const context: ColumnContext = {
    table: where.table ?? 'patients',
    column,
    siblingColumns: where.siblings ?? [],
    personLinked: where.linked ?? true,
    healthContext: where.health ?? false,
  };
  if (where.type !== undefined) context.dataType = where.type;
  if (where.primaryKey !== undefined) context.primaryKey = where.primaryKey;
  if (where.references !== undefined) context.referencesTable = where.references;
  if (where.extra !== undefined) context.extraPatterns = where.extra;
  return context;
}

function categoriesOf(column: string, where: Where = PATIENTS): string[] {
  return classifyColumn(contextOf(column, where)).map((found) => found.category);
}

const ADDRESS_SIBLINGS = ['street', 'city', 'state', 'zip'];

/** One positive per category, in the table's order: [category, column, context]. */
const POSITIVES: Array<[string, string, Where]> = [
  ['person.name', 'patient_name', PATIENTS],
  ['person.first_name', 'first_name', CUSTOMERS],
  ['person.last_name', 'surname', CUSTOMERS],
  ['person.username', 'username', { table: 'app_users' }],
  ['person.photo', 'profile_picture', CUSTOMERS],
  ['contact.email', 'email', CUSTOMERS],
  ['contact.phone', 'mobile_phone', CUSTOMERS],
  ['contact.fax', 'fax_number', PATIENTS],
  ['contact.address.street', 'address_line1', CUSTOMERS],
  ['contact.address.city', 'city', CUSTOMERS],
  ['contact.address.postal_code', 'postal_code', CUSTOMERS],
  ['contact.address.state', 'state', { ...CUSTOMERS, siblings: ADDRESS_SIBLINGS }],
  ['contact.address.country', 'country', CUSTOMERS],
  ['contact.url', 'website', CUSTOMERS],
  ['demographic.birth_date', 'date_of_birth', PATIENTS],
  ['demographic.birth_year', 'birth_year', { ...PATIENTS, type: 'integer' }],
  ['demographic.age', 'patient_age', { ...PATIENTS, type: 'smallint' }],
  ['demographic.gender', 'gender', CUSTOMERS],
  ['demographic.race_ethnicity', 'ethnicity', PATIENTS],
  ['demographic.language', 'preferred_language', PATIENTS],
  ['demographic.marital_status', 'marital_status', PATIENTS],
  ['demographic.sexual_orientation', 'sexual_orientation', PATIENTS],
  ['demographic.religion', 'religion', CUSTOMERS],
  ['government_id.ssn', 'social_security_number', PATIENTS],
  ['government_id.drivers_license', 'drivers_license_number', CUSTOMERS],
  ['government_id.birth_certificate', 'birth_certificate_no', CUSTOMERS],
  ['government_id.passport', 'passport_number', CUSTOMERS],
  ['government_id.vehicle', 'license_plate', CUSTOMERS],
  ['identifier.person_id', 'customer_id', { table: 'orders', linked: true }],
  ['identifier.account_number', 'account_number', CUSTOMERS],
  ['identifier.transaction_id', 'order_id', { table: 'order_items', linked: true }],
  ['device.ip_address', 'ip_address', { table: 'page_views', linked: false }],
  ['device.device_id', 'advertising_id', CUSTOMERS],
  ['device.mac_address', 'mac_address', CUSTOMERS],
  ['device.cookie_id', 'visitor_id', { table: 'page_views', linked: false }],
  ['online.browsing', 'page_url', { table: 'page_views', linked: true }],
  ['location.precise', 'latitude', { ...CUSTOMERS, type: 'double precision' }],
  ['location.coarse', 'region', CUSTOMERS],
  ['credential.secret', 'password_hash', { table: 'users' }],
  ['financial.card', 'card_number', CUSTOMERS],
  ['financial.bank_account', 'iban', CUSTOMERS],
  ['financial.purchase_history', 'purchase_history', CUSTOMERS],
  ['health.patient_id', 'patient_id', { table: 'fills', linked: true, type: 'integer' }],
  ['health.record_number', 'mrn', PATIENTS],
  ['health.plan_member_id', 'member_id', PATIENTS],
  ['health.plan', 'health_plan', PATIENTS],
  ['health.claim_id', 'claim_id', { table: 'claims', linked: true, health: true }],
  ['health.rx_number', 'rx_number', { table: 'fills', linked: true }],
  ['health.prescription', 'days_supply', { table: 'prescriptions', linked: true, type: 'int' }],
  ['health.medication', 'medication', { table: 'prescriptions', linked: true }],
  ['health.prescriber_name', 'prescriber_name', { table: 'prescriptions', linked: true }],
  ['health.prescriber_id', 'npi', { table: 'prescribers' }],
  ['health.diagnosis', 'icd10_code', PATIENTS],
  ['health.procedure', 'cpt_code', PATIENTS],
  ['health.lab_result', 'a1c', { ...PATIENTS, type: 'numeric(4,1)' }],
  ['health.vitals', 'blood_pressure', PATIENTS],
  ['health.allergy', 'allergies', PATIENTS],
  ['health.immunization', 'vaccination', PATIENTS],
  ['health.device_usage', 'bolus_units', { table: 'pump_events', linked: true, type: 'numeric' }],
  ['health.device_serial', 'pump_serial', PATIENTS],
  ['health.dates', 'discharge_date', { ...PATIENTS, type: 'date' }],
  ['health.genetic', 'genotype', PATIENTS],
  ['health.clinical_note', 'pharmacist_notes', PATIENTS],
  ['health.sensitive_condition', 'hiv_status', PATIENTS],
  ['biometric.template', 'fingerprint_template', { table: 'employees', type: 'bytea' }],
];

/** One look-alike per category that must not be read as it: [category, column, context]. */
const NEGATIVES: Array<[string, string, Where]> = [
  ['person.name', 'product_name', PATIENTS],
  ['person.first_name', 'first_visit', PATIENTS],
  ['person.last_name', 'last_login', CUSTOMERS],
  ['person.username', 'user_agent', CUSTOMERS],
  ['person.photo', 'logo', CUSTOMERS],
  ['contact.email', 'email_template', CUSTOMERS],
  ['contact.phone', 'phone_type', CUSTOMERS],
  ['contact.fax', 'fax_sent', PATIENTS],
  ['contact.address.street', 'ip_address', CUSTOMERS],
  ['contact.address.city', 'city', { table: 'stores', linked: false }],
  ['contact.address.postal_code', 'zip_file', CUSTOMERS],
  ['contact.address.state', 'state', { table: 'jobs', linked: true, siblings: ['id', 'state'] }],
  ['contact.address.country', 'country', { table: 'products', linked: false }],
  ['contact.url', 'webhook_url', CUSTOMERS],
  ['demographic.birth_date', 'created_at', PATIENTS],
  ['demographic.birth_year', 'year', PATIENTS],
  ['demographic.age', 'usage', PATIENTS],
  ['demographic.gender', 'gender', { table: 'products', linked: false }],
  ['demographic.race_ethnicity', 'trace', PATIENTS],
  ['demographic.language', 'ui_locale', CUSTOMERS],
  ['demographic.marital_status', 'status', PATIENTS],
  ['demographic.sexual_orientation', 'orientation', CUSTOMERS],
  ['demographic.religion', 'relation', CUSTOMERS],
  ['government_id.ssn', 'social', CUSTOMERS],
  ['government_id.drivers_license', 'license_key', CUSTOMERS],
  ['government_id.birth_certificate', 'certificate_fingerprint', CUSTOMERS],
  ['government_id.passport', 'password', CUSTOMERS],
  ['government_id.vehicle', 'vehicle_type', CUSTOMERS],
  ['identifier.person_id', 'created_by_user_id', CUSTOMERS],
  ['identifier.account_number', 'account_type', CUSTOMERS],
  ['identifier.transaction_id', 'order_id', { table: 'catalog_items', linked: false }],
  ['device.ip_address', 'zip', CUSTOMERS],
  ['device.device_id', 'device_type', CUSTOMERS],
  ['device.mac_address', 'machine', CUSTOMERS],
  ['device.cookie_id', 'cookie_policy', CUSTOMERS],
  ['online.browsing', 'page_count', CUSTOMERS],
  ['location.precise', 'latency', CUSTOMERS],
  ['location.coarse', 'regional', CUSTOMERS],
  ['credential.secret', 'password_changed_at', CUSTOMERS],
  ['financial.card', 'gift_card_number', CUSTOMERS],
  ['financial.bank_account', 'bank_name', CUSTOMERS],
  ['financial.purchase_history', 'order_status', CUSTOMERS],
  ['health.patient_id', 'patient_count', PATIENTS],
  ['health.record_number', 'chart_type', PATIENTS],
  ['health.plan_member_id', 'member_id', { table: 'orders', linked: true, health: false }],
  ['health.plan', 'plan', PATIENTS],
  ['health.claim_id', 'claim_status', PATIENTS],
  ['health.rx_number', 'rx_type', PATIENTS],
  ['health.prescription', 'script', PATIENTS],
  ['health.medication', 'drug_name', { table: 'drugs', linked: false }],
  ['health.prescriber_name', 'provider', PATIENTS],
  ['health.prescriber_id', 'npi', { table: 'pharmacies', linked: false }],
  ['health.diagnosis', 'condition', { table: 'orders', linked: true }],
  ['health.procedure', 'stored_procedure', PATIENTS],
  ['health.lab_result', 'test', PATIENTS],
  ['health.vitals', 'heart', PATIENTS],
  ['health.allergy', 'allergy_count', PATIENTS],
  ['health.immunization', 'injection', PATIENTS],
  ['health.device_usage', 'pump_id', PATIENTS],
  ['health.device_serial', 'serial_number', { table: 'users', health: false }],
  ['health.dates', 'updated_at', { ...PATIENTS, type: 'timestamptz' }],
  ['health.genetic', 'generic_name', PATIENTS],
  ['health.clinical_note', 'notes', { table: 'orders', linked: true, health: true }],
  ['health.sensitive_condition', 'hearing_aids', PATIENTS],
  ['biometric.template', 'browser_fingerprint', CUSTOMERS],
];

test('every category has a positive and a negative example', () => {
  const ids = CATEGORIES.map((info) => info.id);
  assert.equal(
    POSITIVES.map(([category]) => category),
    ids,
  );
  assert.equal(
    NEGATIVES.map(([category]) => category),
    ids,
  );
});

test('positives: each column reads as exactly its category', () => {
  for (const [category, column, where] of POSITIVES) {
    assert.equal(categoriesOf(column, where), [category], `${where.table}.${column}`);
  }
});

test('negatives: each look-alike is not classified at all', () => {
  for (const [category, column, where] of NEGATIVES) {
    const found = categoriesOf(column, where);
    assert.not.ok(found.includes(category), `${where.table}.${column} is not ${category}`);
    const personalElsewhere = ['ip_address', 'password', 'generic_name', 'zip', 'member_id'];
    if (!personalElsewhere.includes(column)) {
      assert.equal(found, [], `${where.table}.${column} is not personal`);
    }
  }
  assert.equal(categoriesOf('ip_address', CUSTOMERS), ['device.ip_address']);
  assert.equal(categoriesOf('password', CUSTOMERS), ['credential.secret']);
  assert.equal(categoriesOf('generic_name', { table: 'fills', linked: true }), [
    'health.medication',
  ]);
});

/** Traps that hold only in the context the spec gives them, with the contexts to test. */
const CONTEXTUAL_TRAPS: Record<string, Where[]> = {
  'health.plan_member_id|member id': [UNLINKED, CUSTOMERS],
  'health.prescription|sig': [UNLINKED, CUSTOMERS],
  'health.clinical_note|notes': [UNLINKED, CUSTOMERS, { table: 'orders', health: true }],
  'health.medication|drug name': [{ table: 'drugs', linked: false, health: true }],
  'health.medication|ndc': [{ table: 'drugs', linked: false, health: true }],
  'health.medication|dosage': [{ table: 'drugs', linked: false, health: true }],
  'health.medication|generic name': [{ table: 'drugs', linked: false, health: true }],
};

test('every trap of the table is never read as its category', () => {
  let checked = 0;
  for (const info of CATEGORIES) {
    for (const trap of info.traps) {
      const column = trap.replace(/ /g, '_');
      const contexts = CONTEXTUAL_TRAPS[`${info.id}|${trap}`] ?? [UNLINKED, CUSTOMERS, PATIENTS];
      for (const where of contexts) {
        const found = categoriesOf(column, where);
        assert.not.ok(found.includes(info.id), `${where.table}.${column} is not ${info.id}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 200, `checked ${checked}`);
});

test('acceptance traps are not classified at all', () => {
  const cases: Array<[string, Where]> = [
    ['product_name', PATIENTS],
    ['file_name', PATIENTS],
    ['page_count', PATIENTS],
    ['zip_file_url', CUSTOMERS],
    ['state', { table: 'orders', linked: true, siblings: ['id', 'state', 'customer_id'] }],
    ['state', { table: 'jobs', linked: false, siblings: ['id', 'state', 'attempts'] }],
    ['auth_provider', { table: 'users' }],
    ['email_template', CUSTOMERS],
    ['has_email', { ...CUSTOMERS, type: 'boolean' }],
    ['has_email', CUSTOMERS],
    ['email_verified', { ...CUSTOMERS, type: 'boolean' }],
    ['email_verified_at', { ...CUSTOMERS, type: 'timestamp' }],
    ['created_by_user_id', { ...CUSTOMERS, type: 'uuid', references: 'users' }],
    ['updated_by_user_id', CUSTOMERS],
    ['created_by', { ...CUSTOMERS, references: 'users' }],
    ['name', { table: 'drugs', linked: false, health: true }],
    ['ndc', { table: 'drugs', linked: false, health: true }],
    ['dosage', { table: 'drugs', linked: false, health: true }],
    ['generic_name', { table: 'drugs', linked: false, health: true }],
    ['drug_name', { table: 'drug_catalog', linked: false }],
    ['plan', CUSTOMERS],
    ['plan', PATIENTS],
    ['social', CUSTOMERS],
    ['sig', CUSTOMERS],
    ['signature', PATIENTS],
    ['stored_procedure', PATIENTS],
    ['sql_injection', UNLINKED],
    ['injection', PATIENTS],
    ['test', PATIENTS],
    ['browser_fingerprint', CUSTOMERS],
    ['ssh_fingerprint', { table: 'users' }],
    ['logo', CUSTOMERS],
    ['product_image', CUSTOMERS],
    ['webhook_url', CUSTOMERS],
    ['callback_url', CUSTOMERS],
    ['asset_url', CUSTOMERS],
    ['password_reset_at', { table: 'users' }],
    ['password_changed_at', { table: 'users' }],
    ['password_length', { table: 'users', type: 'integer' }],
    ['gift_card_number', CUSTOMERS],
    ['insurance_card', PATIENTS],
    ['phone_type', CUSTOMERS],
    ['phone_verified', CUSTOMERS],
    ['pharmacy_phone', PATIENTS],
    ['store_phone', CUSTOMERS],
    ['phone', { table: 'stores', linked: false }],
    ['web_address', CUSTOMERS],
    ['wallet_address', CUSTOMERS],
    ['hearing_aids', PATIENTS],
    ['script', { table: 'migrations', linked: false }],
    ['notes', { table: 'orders', linked: true }],
    ['notes', { table: 'jobs', linked: false, health: true }],
    ['provider', PATIENTS],
    ['email_provider', CUSTOMERS],
    ['cloud_provider', UNLINKED],
    ['created_at', { ...PATIENTS, type: 'timestamptz' }],
    ['updated_at', PATIENTS],
    ['email_count', CUSTOMERS],
    ['address_type', CUSTOMERS],
    ['client_id', { table: 'oauth_clients', linked: false }],
    ['ip_address', { table: 'servers', linked: false }],
    ['city', { table: 'store_locations', linked: false }],
  ];
  for (const [column, where] of cases) {
    assert.equal(categoriesOf(column, where), [], `${where.table ?? 'patients'}.${column}`);
  }
});

test('email, ip, mac and web addresses are not street addresses', () => {
  assert.equal(categoriesOf('email_address', CUSTOMERS), ['contact.email']);
  assert.equal(categoriesOf('ip_address', CUSTOMERS), ['device.ip_address']);
  assert.equal(categoriesOf('mac_address', CUSTOMERS), ['device.mac_address']);
  assert.equal(categoriesOf('remote_addr', CUSTOMERS), ['device.ip_address']);
  assert.equal(categoriesOf('web_address', CUSTOMERS), []);
  assert.equal(categoriesOf('home_address', CUSTOMERS), ['contact.address.street']);
  assert.equal(categoriesOf('billingAddress', CUSTOMERS), ['contact.address.street']);
});

test('words match whole, never as substrings', () => {
  const cases: Array<[string, string[]]> = [
    ['age', ['demographic.age']],
    ['page', []],
    ['usage', []],
    ['dosage_form', ['health.medication']],
    // Never an age; in a person table a user's image is their picture.
    ['image', ['person.photo']],
    ['product_image', []],
    ['average', []],
    ['ip', ['device.ip_address']],
    ['client_ip', ['device.ip_address']],
    ['zip', ['contact.address.postal_code']],
    ['recipient', []],
    ['ship_date', []],
    ['tip', []],
    ['race', ['demographic.race_ethnicity']],
    ['trace', []],
    ['pin', ['credential.secret']],
    ['pinned', []],
    ['dob', ['demographic.birth_date']],
    ['patient_dob', ['demographic.birth_date']],
    ['dob2', ['demographic.birth_date']],
    ['PatientDOB', ['demographic.birth_date']],
    ['latency', []],
    ['telemetry', []],
    ['hotel', []],
    ['cellar', []],
  ];
  for (const [column, expected] of cases) {
    assert.equal(categoriesOf(column, { table: 'users', linked: true }), expected, column);
  }
});

test('names in every casing and compact spellings read the same', () => {
  const cases: Array<[string, string]> = [
    ['firstName', 'person.first_name'],
    ['FirstName', 'person.first_name'],
    ['firstname', 'person.first_name'],
    ['FIRST_NAME', 'person.first_name'],
    ['dateofbirth', 'demographic.birth_date'],
    ['DateOfBirth', 'demographic.birth_date'],
    ['emailAddress', 'contact.email'],
    ['emailaddress', 'contact.email'],
    ['e_mail', 'contact.email'],
    ['IPAddress', 'device.ip_address'],
    ['ipv4', 'device.ip_address'],
    ['phone_no', 'contact.phone'],
    ['phonenumber', 'contact.phone'],
    ['zipCode', 'contact.address.postal_code'],
    ['userid', 'identifier.person_id'],
  ];
  for (const [column, category] of cases) {
    assert.equal(categoriesOf(column, { table: 'users' }), [category], column);
  }
});

test('a numeric column is never a non-numeric category', () => {
  const cases: Array<[string, string, string[]]> = [
    ['email', 'integer', []],
    ['name', 'bigint', []],
    ['first_name', 'int', []],
    ['diagnosis', 'integer', []],
    ['medication', 'int4', []],
    ['address', 'numeric', []],
    ['gender', 'smallint', []],
    ['age', 'integer', ['demographic.age']],
    ['birth_year', 'int2', ['demographic.birth_year']],
    ['latitude', 'float8', ['location.precise']],
    ['patient_id', 'bigint', ['health.patient_id']],
    ['account_number', 'bigint', ['identifier.account_number']],
    ['card_number', 'numeric(19,0)', ['financial.card']],
    ['phone', 'bigint', ['contact.phone']],
    ['zip', 'integer', ['contact.address.postal_code']],
    ['npi', 'bigint', ['health.prescriber_id']],
    ['ip_address', 'bigint', ['device.ip_address']],
    ['heart_rate', 'integer', ['health.vitals']],
    ['ssn', 'integer', ['government_id.ssn']],
  ];
  for (const [column, type, expected] of cases) {
    assert.equal(categoriesOf(column, { ...PATIENTS, type }), expected, `${column} ${type}`);
  }
});

test('counts and aggregates are not personal; numbers are', () => {
  const cases: Array<[string, string[]]> = [
    ['num_patients', []],
    ['patient_count', []],
    ['num_refills', []],
    ['refill_count', []],
    ['total_refills', []],
    ['avg_glucose', []],
    ['average_age', []],
    ['glucose_pct', []],
    ['email_count', []],
    ['payer_rate', []],
    ['diagnosis_ratio', []],
    ['heart_rate', ['health.vitals']],
    ['basal_rate', ['health.device_usage']],
    ['phone_number', ['contact.phone']],
    ['rx_number', ['health.rx_number']],
    ['rx_num', ['health.rx_number']],
    ['rx_no', ['health.rx_number']],
    ['account_number', ['identifier.account_number']],
    ['acct_num', ['identifier.account_number']],
    ['refills', ['health.prescription']],
  ];
  for (const [column, expected] of cases) {
    assert.equal(categoriesOf(column, PATIENTS), expected, column);
  }
});

test('a boolean is personal only when it states a sensitive condition', () => {
  const cases: Array<[string, string[]]> = [
    ['has_hiv', ['health.sensitive_condition']],
    ['is_pregnant', ['health.sensitive_condition']],
    ['hiv_positive', ['health.sensitive_condition']],
    ['has_diabetes', ['health.diagnosis']],
    ['is_diabetic', ['health.diagnosis']],
    ['has_email', []],
    ['email_verified', []],
    ['is_active', []],
    ['opted_in', []],
    ['has_phone', []],
    ['address_verified', []],
    ['has_insurance', []],
    ['has_health_plan', []],
    ['has_allergies', []],
    ['diagnosis', []],
  ];
  for (const type of ['boolean', 'bool', 'tinyint(1)']) {
    for (const [column, expected] of cases) {
      assert.equal(categoriesOf(column, { ...PATIENTS, type }), expected, `${column} ${type}`);
    }
  }
  assert.equal(categoriesOf('is_opioid', { table: 'drugs', linked: false, type: 'boolean' }), []);
});

test('bare name, city and condition need a person table; state needs address columns beside it', () => {
  assert.equal(categoriesOf('name', PATIENTS), ['person.name']);
  assert.equal(categoriesOf('name', { table: 'kroger_accounts', linked: true }), ['person.name']);
  assert.equal(categoriesOf('name', { table: 'products', linked: false }), []);
  assert.equal(categoriesOf('name', { table: 'prescriptions', linked: true }), []);
  assert.equal(categoriesOf('display_name', { table: 'users' }), ['person.name']);
  assert.equal(categoriesOf('display_name', { table: 'categories', linked: false }), []);
  assert.equal(categoriesOf('city', { table: 'addresses', linked: true }), [
    'contact.address.city',
  ]);
  assert.equal(categoriesOf('county', { table: 'addresses', linked: false }), []);
  assert.equal(categoriesOf('city', { table: 'pharmacies', linked: false }), []);
  assert.equal(categoriesOf('state', { ...CUSTOMERS, siblings: ['street', 'state'] }), [
    'contact.address.state',
  ]);
  assert.equal(categoriesOf('province', { ...CUSTOMERS, siblings: ['postal_code'] }), [
    'contact.address.state',
  ]);
  assert.equal(categoriesOf('state', { ...CUSTOMERS, siblings: ['email_address', 'state'] }), []);
  assert.equal(categoriesOf('state', { ...CUSTOMERS, siblings: ['status', 'state'] }), []);
  assert.equal(categoriesOf('condition', PATIENTS), ['health.diagnosis']);
  assert.equal(categoriesOf('condition', { table: 'products', linked: false }), []);
  assert.equal(categoriesOf('notes', PATIENTS), ['health.clinical_note']);
  assert.equal(categoriesOf('notes', { table: 'customers', linked: true }), []);
  assert.equal(categoriesOf('clinical_notes', { table: 'encounters', linked: true }), [
    'health.clinical_note',
  ]);
});

test('health content needs a person link; a drug catalogue is not personal', () => {
  const catalogue: Where = { table: 'drugs', linked: false, health: true };
  for (const column of ['name', 'ndc', 'dosage', 'generic_name', 'brand_name', 'rxcui']) {
    assert.equal(categoriesOf(column, catalogue), [], `drugs.${column}`);
  }
  const fills: Where = { table: 'fills', linked: true, health: true };
  assert.equal(categoriesOf('drug_name', fills), ['health.medication']);
  assert.equal(categoriesOf('ndc', fills), ['health.medication']);
  assert.equal(categoriesOf('dosage', fills), ['health.medication']);
  assert.equal(categoriesOf('icd_code', { table: 'icd_codes', linked: false }), []);
  assert.equal(categoriesOf('sig', fills), ['health.prescription']);
  assert.equal(categoriesOf('sig', { table: 'documents', linked: true }), []);
  assert.equal(categoriesOf('directions', { table: 'deliveries', linked: true }), []);
  assert.equal(categoriesOf('serial_number', { table: 'devices', linked: true, health: true }), [
    'health.device_serial',
  ]);
});

test('member ids: plan member id only in a health context, else a person id', () => {
  assert.equal(categoriesOf('member_id', PATIENTS), ['health.plan_member_id']);
  assert.equal(categoriesOf('member_id', { table: 'claims', linked: true, health: true }), [
    'health.plan_member_id',
  ]);
  assert.equal(categoriesOf('member_id', { table: 'orders', linked: true }), [
    'identifier.person_id',
  ]);
  assert.equal(categoriesOf('member_id', { table: 'loyalty_cards', linked: false }), [
    'identifier.person_id',
  ]);
  assert.equal(categoriesOf('subscriber_id', { table: 'newsletters', linked: false }), [
    'identifier.person_id',
  ]);
  assert.equal(categoriesOf('mbi', { table: 'loyalty_cards', linked: false }), [
    'health.plan_member_id',
  ]);
});

test('person ids: most specific, never audit columns, never a table key of its own person', () => {
  assert.equal(categoriesOf('patient_id', { table: 'fills', linked: true }), ['health.patient_id']);
  assert.equal(categoriesOf('customer_id', { table: 'orders' }), ['identifier.person_id']);
  assert.equal(categoriesOf('user_id', { table: 'user_roles' }), ['identifier.person_id']);
  assert.equal(categoriesOf('loyalty_id', { table: 'orders' }), ['identifier.person_id']);
  assert.equal(categoriesOf('claim_id', { table: 'claims', health: true }), ['health.claim_id']);
  assert.equal(categoriesOf('id', { table: 'patients', primaryKey: true }), []);
  assert.equal(categoriesOf('patient_id', { table: 'patients', primaryKey: true }), []);
  assert.equal(categoriesOf('customer_id', { table: 'customers', primaryKey: true }), []);
  assert.equal(
    categoriesOf('patient_id', {
      table: 'patient_profiles',
      primaryKey: true,
      references: 'patients',
    }),
    ['health.patient_id'],
  );
  assert.equal(categoriesOf('created_by', { table: 'orders', references: 'users' }), []);
  assert.equal(categoriesOf('updated_by_user_id', { table: 'orders' }), []);
  assert.equal(categoriesOf('deleted_by_user_id', { table: 'orders' }), []);
  assert.equal(categoriesOf('owner_id', { table: 'documents', references: 'users' }), [
    'identifier.person_id',
  ]);
  assert.equal(categoriesOf('subject', { table: 'charts', references: 'pps_patients' }), [
    'health.patient_id',
  ]);
  assert.equal(categoriesOf('client_id', { table: 'oauth_tokens', linked: true }), []);
});

test('the head of the name decides between readings unless it joins them', () => {
  assert.equal(categoriesOf('mobile_device_id', CUSTOMERS), ['device.device_id']);
  assert.equal(categoriesOf('insulin_pump_serial', PATIENTS), ['health.device_serial']);
  assert.equal(categoriesOf('email_or_phone', CUSTOMERS), ['contact.email', 'contact.phone']);
  assert.equal(categoriesOf('ga_client_id', UNLINKED), ['device.cookie_id']);
  assert.equal(categoriesOf('_ga', UNLINKED), ['device.cookie_id']);
  assert.equal(categoriesOf('ga_date', UNLINKED), []);
});

test('an encrypted-looking name keeps its category', () => {
  assert.equal(categoriesOf('ssn_encrypted', { ...PATIENTS, type: 'bytea' }), [
    'government_id.ssn',
  ]);
  assert.equal(categoriesOf('encrypted_ssn', PATIENTS), ['government_id.ssn']);
  assert.equal(categoriesOf('dob_ciphertext', PATIENTS), ['demographic.birth_date']);
  assert.equal(categoriesOf('enc_diagnosis', PATIENTS), ['health.diagnosis']);
});

test('reasons name the column, the hint and the deciding context', () => {
  const [bare] = classifyColumn(contextOf('name', PATIENTS));
  assert.is(
    bare?.reason,
    'name "name" reads as person.name (hint "name") in person table "patients"',
  );
  const [dob] = classifyColumn(contextOf('patient_dob', PATIENTS));
  assert.is(dob?.reason, 'name "patient_dob" reads as demographic.birth_date (hint "dob")');
  const [state] = classifyColumn(contextOf('state', { ...CUSTOMERS, siblings: ['street'] }));
  assert.is(
    state?.reason,
    'name "state" reads as contact.address.state (hint "state") beside address columns',
  );
  const [member] = classifyColumn(contextOf('member_id', PATIENTS));
  assert.is(
    member?.reason,
    'name "member_id" reads as health.plan_member_id (hint "member id") in a health context',
  );
  const [owner] = classifyColumn(contextOf('owner_id', { table: 'docs', references: 'users' }));
  assert.is(
    owner?.reason,
    'column "owner_id" references person table "users" (identifier.person_id)',
  );
});

test('config extraPatterns take precedence and add team-specific names', () => {
  const extra = compileExtraPatterns([
    { pattern: '^member_no$', category: 'health.plan_member_id' },
    { pattern: 'loyalty_tier', category: 'none' },
    { pattern: '^EMAIL$', category: 'contact.url' },
  ]);
  assert.equal(categoriesOf('member_no', { ...CUSTOMERS, extra }), ['health.plan_member_id']);
  assert.equal(categoriesOf('member_no', CUSTOMERS), []);
  assert.equal(categoriesOf('Member_No', { ...CUSTOMERS, extra }), ['health.plan_member_id']);
  assert.equal(categoriesOf('email', { ...CUSTOMERS, extra }), ['contact.url']);
  assert.equal(categoriesOf('loyalty_tier', { ...CUSTOMERS, extra }), []);
  assert.equal(categoriesOf('first_name', { ...CUSTOMERS, extra }), ['person.first_name']);
  const [reason] = classifyColumn(contextOf('member_no', { ...CUSTOMERS, extra }));
  assert.is(
    reason?.reason,
    'name "member_no" matches config pattern /^member_no$/i for health.plan_member_id',
  );
});

test('compileExtraPatterns is case-insensitive and skips invalid patterns', () => {
  const compiled = compileExtraPatterns([
    { pattern: '(unclosed', category: 'contact.email' },
    { pattern: '^rx_', category: 'health.rx_number' },
  ]);
  assert.is(compiled.length, 1);
  assert.is(compiled[0]?.pattern.flags, 'i');
  assert.ok(compiled[0]?.pattern.test('RX_KEY'));
  assert.is(compiled[0]?.category, 'health.rx_number');
  assert.equal(compileExtraPatterns([]), []);
});

test('isNumericType and isBooleanType', () => {
  const numeric = [
    'int', 'integer', 'INTEGER', 'bigint', 'smallint', 'serial', 'bigserial', 'numeric',
    'numeric(10,2)', 'decimal', 'real', 'double precision', 'float', 'float4', 'float8', 'int2',
    'int4', 'int8', 'money', 'tinyint', 'mediumint', 'int unsigned', 'Int', 'Decimal', 'int[]',
  ]; // prettier-ignore
  for (const type of numeric) assert.ok(isNumericType(type), type);
  const notNumeric = ['text', 'varchar(11)', 'char(9)', 'uuid', 'bytea', 'date', 'boolean',
    'tinyint(1)', 'interval', 'point', 'jsonb', undefined]; // prettier-ignore
  for (const type of notNumeric) assert.not.ok(isNumericType(type), String(type));
  for (const type of ['boolean', 'bool', 'BOOLEAN', 'bit', 'bit(1)', 'tinyint(1)', 'Boolean']) {
    assert.ok(isBooleanType(type), type);
  }
  for (const type of ['tinyint', 'int', 'text', 'bit(8)', 'varchar', undefined]) {
    assert.not.ok(isBooleanType(type), String(type));
  }
});

test('isPersonTableName: the last word names a person', () => {
  const cases: Array<[string, boolean]> = [
    ['patients', true],
    ['patient', true],
    ['clients', true],
    ['oauth_clients', false],
    ['pps_patients', true],
    ['kroger_accounts', true],
    ['app_users', true],
    ['AppUser', true],
    ['public.people', true],
    ['customers', true],
    ['members', true],
    ['cardholders', true],
    ['prescribers', true],
    ['doctors', true],
    ['employees', true],
    ['persons', true],
    ['contacts', true],
    ['profiles', true],
    ['subscribers', true],
    ['PatientProfile', true],
    ['user_settings', false],
    ['user_roles', false],
    ['products', false],
    ['drugs', false],
    ['orders', false],
    ['patient_notes', false],
    ['', false],
  ];
  for (const [table, expected] of cases) assert.is(isPersonTableName(table), expected, table);
});

test('isPersonLinked: person names, person columns, person keys; not audit columns', () => {
  const cases: Array<
    [string, Array<{ name: string; dataType?: string; referencesTable?: string }>, boolean]
  > = [
    ['patients', [{ name: 'id' }], true],
    ['fills', [{ name: 'id' }, { name: 'patient_id' }, { name: 'ndc' }], true],
    ['orders', [{ name: 'customerId', dataType: 'uuid' }], true],
    ['sessions', [{ name: 'user_id' }], true],
    ['claims', [{ name: 'member_id' }], true],
    ['documents', [{ name: 'owner', referencesTable: 'users' }], true],
    ['messages', [{ name: 'recipient_email' }], true],
    ['shipments', [{ name: 'shipping_address' }], true],
    // `last` starts audit columns (`last_modified_by`) but also `last_name`, which links.
    ['signups', [{ name: 'last_name' }, { name: 'plan' }], true],
    ['documents', [{ name: 'last_modified_by_user_id' }, { name: 'title' }], false],
    ['page_views', [{ name: 'visitor_id' }, { name: 'page_url' }], true],
    ['drugs', [{ name: 'id' }, { name: 'name' }, { name: 'ndc' }, { name: 'dosage' }, { name: 'generic_name' }], false],
    ['products', [{ name: 'name' }, { name: 'created_by', referencesTable: 'users' }], false],
    ['jobs', [{ name: 'updated_by_user_id' }, { name: 'created_by_user_id' }, { name: 'state' }], false],
    ['stores', [{ name: 'phone' }, { name: 'address' }, { name: 'city' }, { name: 'zip' }], false],
    ['servers', [{ name: 'ip_address' }, { name: 'hostname' }], false],
    ['oauth_clients', [{ name: 'client_id' }, { name: 'client_secret' }], false],
    ['email_templates', [{ name: 'email_subject' }, { name: 'email_body' }], false],
    ['settings', [], false],
  ]; // prettier-ignore
  for (const [table, columns, expected] of cases) {
    assert.is(isPersonLinked(table, columns), expected, table);
  }
});

test('encryptionEvidenceFromName reads ciphertext names on text and binary columns', () => {
  const evidence: Array<[string, string | undefined]> = [
    ['ssn_encrypted', undefined],
    ['encrypted_ssn', 'bytea'],
    ['dob_ciphertext', 'text'],
    ['enc_diagnosis', 'varchar(255)'],
    ['diagnosis_enc', 'blob'],
    ['ssn_cipher', 'varbinary(64)'],
    ['encryptedSsn', 'String'],
    ['ciphertext', 'bytea'],
  ];
  for (const [column, type] of evidence) {
    assert.is(encryptionEvidenceFromName(column, type), `name "${column}" says encrypted`, column);
  }
  const none: Array<[string, string | undefined]> = [
    ['ssn_encrypted', 'integer'],
    ['ssn_encrypted', 'boolean'],
    ['dob_encrypted', 'date'],
    ['is_encrypted', undefined],
    ['is_encrypted', 'boolean'],
    ['encryption_key_id', 'uuid'],
    ['encrypted_at', undefined],
    ['enc_key', 'bytea'],
    ['encrypted', 'text'],
    ['enc_id', 'text'],
    ['enc_date', undefined],
    ['ssn', 'text'],
    ['encounter_notes', 'text'],
  ];
  for (const [column, type] of none) {
    assert.is(encryptionEvidenceFromName(column, type), undefined, `${column} ${type}`);
  }
});

// ---------------------------------------------------------------------------------------------
// Trial on public migrations (documenso, trigger.dev, supabase auth, Outline, Unleash, atproto,
// formbricks): false positives and misses.

/** Classifies a column the way the model does: linked as `isPersonLinked` says for its table. */
function inTable(
  table: string,
  columns: Array<{ name: string; dataType?: string; referencesTable?: string }>,
  column: string,
  health = false,
): string[] {
  const context: ColumnContext = {
    table,
    column,
    siblingColumns: columns.map((entry) => entry.name),
    personLinked: isPersonLinked(table, columns),
    healthContext: health,
  };
  return classifyColumn(context).map((found) => found.category);
}

test('fingerprint is biometric only first, after a person noun or after finger/thumb', () => {
  const notBiometric: Array<[string, Where]> = [
    ['errorFingerprint', { table: 'error_groups', linked: true }],
    ['error_fingerprint', { table: 'task_runs_v2', linked: false }],
    ['error_fingerprint', CUSTOMERS],
    ['browser_fingerprint', { table: 'users' }],
    ['ssh_fingerprint', { table: 'users' }],
    ['certificate_fingerprint', { table: 'users' }],
    ['key_fingerprint', { table: 'users' }],
    ['device_fingerprint', { table: 'users' }],
    ['request_body_fingerprint', { table: 'users' }],
  ];
  for (const [column, where] of notBiometric) {
    assert.equal(categoriesOf(column, where), [], `${where.table}.${column}`);
  }
  // A hash of an email is still a matchable email (taxonomy.md, "Transforms"), never biometric.
  assert.equal(categoriesOf('emailFingerprint', { table: 'share_subscriptions', linked: true }), [
    'contact.email',
  ]);
  const biometric: Array<[string, Where]> = [
    ['fingerprint_template', { table: 'patients' }],
    ['fingerprint_template', { table: 'employees', linked: false }],
    ['fingerprint', { table: 'users' }],
    ['thumb_fingerprint', { table: 'employees' }],
    ['finger_fingerprint', { table: 'employees' }],
    ['employee_fingerprint', { table: 'badges', linked: true }],
  ];
  for (const [column, where] of biometric) {
    assert.equal(categoriesOf(column, where), ['biometric.template'], `${where.table}.${column}`);
  }
});

test('a false fingerprint no longer links task_runs_v2 to a person, so region stays coarse-free', () => {
  const taskRuns = [
    { name: 'id' },
    { name: 'error_fingerprint' },
    { name: 'region' },
    { name: 'project_id' },
  ];
  assert.is(isPersonLinked('task_runs_v2', taskRuns), false);
  assert.equal(inTable('task_runs_v2', taskRuns, 'region'), []);
  // A bare `fingerprint` is a finger's only in a table named after a person (issue 9: asset
  // and file fingerprints are hashes), so the example table is now `patient_scans`.
  const people = [{ name: 'id' }, { name: 'fingerprint' }, { name: 'region' }];
  assert.is(isPersonLinked('patient_scans', people), true);
  assert.equal(inTable('patient_scans', people, 'region'), ['location.coarse']);
  assert.is(isPersonLinked('asset_scans', people), false);
});

test('tokens, codes and nonces sent to a contact are not the contact', () => {
  const users = { table: 'users' };
  for (const column of [
    'email_change_token',
    'phone_change_token',
    'email_change_token_current',
    'email_change_token_new',
    'email_otp',
    'phone_nonce',
    'email_challenge',
    'phone_code',
    'emailVerificationTokens',
  ]) {
    assert.equal(categoriesOf(column, users), [], column);
  }
  assert.equal(categoriesOf('email', users), ['contact.email']);
  assert.equal(categoriesOf('new_email', users), ['contact.email']);
  assert.equal(categoriesOf('email_change', users), ['contact.email']);
  assert.equal(categoriesOf('phone_change', users), ['contact.phone']);
  // `code` blocks only contact channels: elsewhere it is the data itself.
  assert.equal(categoriesOf('pin_code', users), ['credential.secret']);
  assert.equal(categoriesOf('state_code', { ...CUSTOMERS, siblings: ADDRESS_SIBLINGS }), [
    'contact.address.state',
  ]);
  assert.equal(categoriesOf('icd_code', PATIENTS), ['health.diagnosis']);
});

test('claim id and claim number are health data only in a health context or table', () => {
  for (const [table, column] of [
    ['Organisation', 'organisationClaimId'],
    ['subscriptions', 'originalSubscriptionClaimId'],
    ['watches', 'delivery_claim_id'],
    ['rewards', 'claim_number'],
  ]) {
    assert.equal(
      categoriesOf(column as string, { table, linked: false }),
      [],
      `${table}.${column}`,
    );
    const linked = categoriesOf(column as string, { table, linked: true });
    assert.not.ok(linked.includes('health.claim_id'), `${table}.${column}`);
  }
  // Outside health, a claim id in a person-linked table is a transaction id (the spec's row).
  assert.equal(categoriesOf('delivery_claim_id', { table: 'watches', linked: true }), [
    'identifier.transaction_id',
  ]);
  // A table named `claims` alone is not health: subscription and work-queue claims are common.
  assert.equal(categoriesOf('claim_id', { table: 'claims', linked: true }), [
    'identifier.transaction_id',
  ]);
  assert.equal(categoriesOf('claim_number', { table: 'remittances', health: true }), [
    'health.claim_id',
  ]);
  assert.equal(categoriesOf('claim_id', { table: 'insurance_payments', linked: false }), [
    'health.claim_id',
  ]);
});

test('sender, recipient and server addresses and a mail transport address are not postal', () => {
  for (const column of [
    'from_address',
    'to_address',
    'reply_to_address',
    'sender_address',
    'smtp_address',
    'server_address',
    'bind_address',
  ]) {
    assert.equal(categoriesOf(column, CUSTOMERS), [], column);
  }
  for (const [table, column] of [
    ['EmailTransport', 'fromAddress'],
    ['EmailTransport', 'address'],
    ['smtp_settings', 'address'],
    ['mail_servers', 'address'],
  ]) {
    assert.equal(categoriesOf(column as string, { table, linked: true }), [], `${table}.${column}`);
  }
  assert.equal(categoriesOf('address', CUSTOMERS), ['contact.address.street']);
  assert.equal(categoriesOf('shipToAddress', { table: 'orders', linked: true }), [
    'contact.address.street',
  ]);
  assert.equal(categoriesOf('bill_to_address', { table: 'invoices', linked: true }), [
    'contact.address.street',
  ]);
  assert.equal(categoriesOf('street', { table: 'email_recipients', linked: true }), [
    'contact.address.street',
  ]);
  assert.equal(categoriesOf('mailing_address', { table: 'email_recipients', linked: true }), [
    'contact.address.street',
  ]);
});

test('a repository, team or app has a full name of its own', () => {
  const tables = [
    'GithubRepository',
    'repos',
    'projects',
    'packages',
    'Workspace',
    'teams',
    'GithubAppInstallation',
    'integrations',
    'Organisation',
    'organizations',
    'orgs',
    'companies',
    'apps',
    'applications',
    'templates',
    'buckets',
    'channels',
  ];
  for (const table of tables) {
    for (const column of ['fullName', 'full_name', 'display_name', 'displayName']) {
      assert.equal(categoriesOf(column, { table, linked: true }), [], `${table}.${column}`);
    }
  }
  assert.equal(categoriesOf('fullName', { table: 'users' }), ['person.name']);
  assert.equal(categoriesOf('display_name', { table: 'team_members' }), ['person.name']);
  assert.equal(categoriesOf('ownerFullName', { table: 'GithubRepository', linked: true }), [
    'person.name',
  ]);
  assert.equal(categoriesOf('full_name', CUSTOMERS), ['person.name']);
});

test('an installation id is a device id only in a person-linked table, never an app install', () => {
  assert.equal(
    categoriesOf('installationId', { table: 'GithubAppInstallation', linked: false }),
    [],
  );
  assert.equal(categoriesOf('appInstallationId', { table: 'GithubAppInstallation' }), []);
  assert.equal(categoriesOf('app_installation_id', { table: 'users' }), []);
  assert.equal(categoriesOf('github_installation_id', { table: 'users' }), []);
  assert.equal(categoriesOf('installation_id', { table: 'push_tokens', linked: true }), [
    'device.device_id',
  ]);
  assert.equal(categoriesOf('installation_id', { table: 'users' }), ['device.device_id']);
  assert.is(
    isPersonLinked('GithubAppInstallation', [{ name: 'id' }, { name: 'appInstallationId' }]),
    false,
  );
});

test('an api key is a credential only in a table named after a person', () => {
  assert.equal(categoriesOf('apiKey', { table: 'RuntimeEnvironment', linked: true }), []);
  assert.equal(categoriesOf('api_key', { table: 'projects', linked: true }), []);
  assert.equal(categoriesOf('api_key', { table: 'users' }), ['credential.secret']);
  assert.equal(categoriesOf('api_key', { table: 'user_api_keys', linked: true }), [
    'credential.secret',
  ]);
  // Passwords, passphrases and pins stay credentials in any person-linked table.
  assert.equal(categoriesOf('password', { table: 'RuntimeEnvironment', linked: true }), [
    'credential.secret',
  ]);
  assert.equal(categoriesOf('pin', { table: 'cards', linked: true }), ['credential.secret']);
});

test('client ids of machines and OAuth clients are not person ids', () => {
  assert.equal(categoriesOf('client_id', { table: 'edge_hmac_nonces', linked: true }), []);
  const authentications = [
    { name: 'id' },
    { name: 'clientId' },
    { name: 'clientSecret' },
    { name: 'scopes' },
  ];
  assert.equal(inTable('authentications', authentications, 'clientId'), []);
  assert.is(isPersonLinked('authentications', authentications), false);
  for (const table of ['m2m_tokens', 'machine_credentials', 'oauth_grants', 'integration_logs']) {
    assert.equal(categoriesOf('client_id', { table, linked: true }), [], table);
  }
  const sessions = { table: 'sessions', linked: true, siblings: ['client_id', 'client_secret'] };
  assert.equal(categoriesOf('client_id', sessions), []);
  assert.equal(categoriesOf('client_id', { table: 'invoices', linked: true }), [
    'identifier.person_id',
  ]);
  assert.is(isPersonLinked('invoices', [{ name: 'client_id' }, { name: 'amount' }]), true);
});

test('claim ids are health data only in a health context; elsewhere transaction ids', () => {
  const claims = { table: 'OrganisationClaim', linked: true, health: false };
  assert.equal(categoriesOf('originalSubscriptionClaimId', claims), ['identifier.transaction_id']);
  assert.equal(categoriesOf('claim_id', { table: 'claims', linked: true, health: true }), [
    'health.claim_id',
  ]);
});

test('OAuth authorization requests name apps, and a status about an age is not an age', () => {
  assert.equal(categoriesOf('clientId', { table: 'authorization_request', linked: true }), []);
  assert.equal(categoriesOf('ageAssuranceStatus', { table: 'actor', linked: true }), []);
  assert.equal(categoriesOf('email_status', CUSTOMERS), []);
  assert.equal(categoriesOf('age', PATIENTS), ['demographic.age']);
  assert.equal(categoriesOf('marital_status', CUSTOMERS), ['demographic.marital_status']);
});

test('revoked, suspended, ignored, archived and resolved by columns are audit columns', () => {
  for (const column of [
    'revokedById',
    'suspendedById',
    'ignoredByUserId',
    'archived_by_user_id',
    'resolvedByUserId',
    'assigned_by_user_id',
  ]) {
    assert.is(isPersonLinked('api_keys', [{ name: column }]), false, column);
    assert.equal(categoriesOf(column, { table: 'api_keys', references: 'users' }), [], column);
  }
  // The person a ticket is assigned to is a real link.
  assert.is(isPersonLinked('tickets', [{ name: 'assigned_to_user_id' }]), true);
  assert.is(isPersonLinked('tickets', [{ name: 'assigned_user_id' }]), true);
  assert.is(isPersonLinked('tickets', [{ name: 'user_id' }]), true);
});

test("a user's TOTP seed is a credential; other secrets are not", () => {
  const factors = [
    { name: 'id' },
    { name: 'user_id' },
    { name: 'secret' },
    { name: 'factor_type' },
  ];
  assert.equal(inTable('mfa_factors', factors, 'secret'), ['credential.secret']);
  for (const column of ['totp_secret', 'otp_secret', 'mfa_secret', 'twoFactorSecret']) {
    assert.equal(categoriesOf(column, { table: 'users' }), ['credential.secret'], column);
  }
  assert.equal(inTable('mfa_factors', factors, 'totp_secret'), ['credential.secret']);
  // A secret with no person key beside it, or of a webhook or OAuth client, is not a person's.
  assert.equal(inTable('settings', [{ name: 'secret' }, { name: 'value' }], 'secret'), []);
  const webhooks = [{ name: 'user_id' }, { name: 'url' }, { name: 'secret' }];
  assert.equal(inTable('webhooks', webhooks, 'secret'), []);
  assert.equal(inTable('oauth_clients', [{ name: 'user_id' }, { name: 'secret' }], 'secret'), []);
  for (const column of ['client_secret', 'webhook_secret', 'signing_secret', 'secret_name']) {
    assert.equal(inTable('mfa_factors', factors, column), [], column);
  }
  // A salt is metadata about a hash, not the secret.
  assert.equal(categoriesOf('password_salt', { table: 'users' }), []);
});

test('an atproto actor is a person: its handle is a username', () => {
  assert.is(isPersonTableName('actor'), true);
  assert.equal(inTable('actor', [{ name: 'did' }, { name: 'handle' }], 'handle'), [
    'person.username',
  ]);
  assert.equal(categoriesOf('handle', { table: 'widgets', linked: false }), []);
  assert.equal(categoriesOf('handle', { table: 'factors', linked: false }), []);
});

test('hashEvidenceFromName reads one-way hash names, not hash bookkeeping', () => {
  for (const column of [
    'password_hash',
    'passwordHash',
    'hashed_password',
    'passwordScrypt',
    'password_bcrypt',
    'password_digest',
    'pin_argon2',
    'password_pbkdf2',
    'api_key_hash',
    'crypted_password',
  ]) {
    assert.ok(hashEvidenceFromName(column, 'text'), column);
  }
  assert.match(hashEvidenceFromName('password_hash') ?? '', /^name "password_hash" says hashed/);
  for (const [column, type] of [
    ['password', 'text'],
    ['password_hash', 'integer'],
    ['is_hashed', 'boolean'],
    ['hash_algorithm', 'text'],
    ['password_hashed_at', undefined],
    ['hash', 'text'],
    ['password_salt', 'text'],
  ] as Array<[string, string | undefined]>) {
    assert.is(hashEvidenceFromName(column, type), undefined, `${column} ${type}`);
  }
});

test('session ids: a browser session in a person-linked or browsing table, never a machine session', () => {
  // trigger.dev: an environment's or an agent run's session is a process's, not a browser's.
  assert.equal(categoriesOf('currentSessionId', { table: 'RuntimeEnvironment', linked: true }), []);
  assert.equal(categoriesOf('sessionId', { table: 'SessionRun', linked: true }), []);
  for (const table of ['job_runs', 'worker_sessions', 'agent_sessions', 'deployments', 'tasks']) {
    assert.equal(categoriesOf('session_id', { table, linked: true }), [], table);
  }
  // No person link and nothing about browsing: a session of something unknown.
  assert.equal(categoriesOf('session_id', { table: 'events', linked: false }), []);
  assert.equal(categoriesOf('session_id', UNLINKED), []);
  // A person's events and tokens, and browsing tables even before anything links them.
  assert.equal(categoriesOf('session_id', { table: 'events', linked: true }), ['device.cookie_id']);
  assert.equal(categoriesOf('session_id', { table: 'refresh_tokens', linked: true }), [
    'device.cookie_id',
  ]);
  for (const table of ['page_views', 'PageView', 'pageviews', 'visits', 'sessions']) {
    assert.equal(categoriesOf('session_id', { table, linked: false }), ['device.cookie_id'], table);
  }
  const [found] = classifyColumn(contextOf('session_id', { table: 'page_views', linked: false }));
  assert.is(
    found?.reason,
    'name "session_id" reads as device.cookie_id (hint "session id") in browsing table "page_views"',
  );
  // Other cookie ids are not tied to browsing tables.
  assert.equal(categoriesOf('visitor_id', { table: 'RuntimeEnvironment', linked: false }), [
    'device.cookie_id',
  ]);
  // A machine session no longer links its table to a person.
  assert.is(isPersonLinked('SessionRun', [{ name: 'id' }, { name: 'sessionId' }]), false);
  assert.is(isPersonLinked('page_views', [{ name: 'id' }, { name: 'session_id' }]), true);
});

test('two-factor backup and recovery codes are credentials', () => {
  assert.equal(categoriesOf('twoFactorBackupCodes', { table: 'User' }), ['credential.secret']);
  assert.equal(categoriesOf('backup_codes', { table: 'mfa_factors', linked: true }), [
    'credential.secret',
  ]);
  assert.equal(categoriesOf('recovery_codes', { table: 'users' }), ['credential.secret']);
  assert.equal(categoriesOf('recovery_code', { table: 'users' }), ['credential.secret']);
  // About the codes, not the codes; and with no person, not a person's credential.
  assert.equal(categoriesOf('recovery_codes_count', { table: 'users', type: 'text' }), []);
  assert.equal(categoriesOf('backup_codes_generated_at', { table: 'users' }), []);
  assert.equal(categoriesOf('backup_codes', { table: 'db_snapshots', linked: false }), []);
});

test('profile pictures: image and picture columns of a person table are photos', () => {
  // Unleash `users.image_url`, NextAuth `User.image`.
  for (const column of [
    'image_url',
    'image',
    'imageUrl',
    'avatar_url',
    'profile_image_url',
    'photo_url',
    'picture',
    'user_image',
  ]) {
    assert.equal(categoriesOf(column, { table: 'users' }), ['person.photo'], column);
  }
  const [found] = classifyColumn(contextOf('image_url', { table: 'users' }));
  assert.is(
    found?.reason,
    'name "image_url" reads as person.photo (hint "image") in person table "users"',
  );
  // Products, posts and a person's other images are no one's face.
  assert.equal(categoriesOf('product_image_url', { table: 'products', linked: false }), []);
  assert.equal(categoriesOf('product_image_url', { table: 'users' }), []);
  assert.equal(categoriesOf('image_url', { table: 'products', linked: false }), []);
  assert.equal(categoriesOf('image_url', { table: 'posts', linked: true }), []);
  assert.equal(categoriesOf('image', { table: 'user_uploads', linked: true }), []);
  assert.equal(categoriesOf('cover_image', { table: 'users' }), []);
  assert.equal(categoriesOf('image_type', { table: 'users' }), []);
  assert.equal(categoriesOf('image_count', { table: 'users', type: 'text' }), []);
});

test('bad input never throws', () => {
  for (const column of ['', '___', '"', '[]', '💊', 'x'.repeat(5000)]) {
    assert.equal(categoriesOf(column, { table: '' }), [], JSON.stringify(column.slice(0, 10)));
  }
  assert.is(isPersonLinked('', []), false);
  assert.is(encryptionEvidenceFromName(''), undefined);
});

test('siblings matter only through their signature: same signature, same categories', () => {
  // The model caches a column's categories under its siblings' signature, so a migration adding
  // a plain column to a wide table does not reclassify the others. Any sibling the classifier
  // reads (address parts, person keys, a client secret) must change the signature.
  const columns = ['state', 'client_id', 'name', 'notes', 'region', 'user_id', 'status', 'city'];
  const siblingSets = [
    [],
    ['status'],
    ['status', 'created_at'],
    ['street'],
    ['street', 'zip_code'],
    ['street', 'zip_code', 'status'],
    ['email_address'],
    ['user_id'],
    ['user_id', 'owner_id'],
    ['client_secret'],
    ['client_secret', 'client_id'],
    ['created_by_user_id'],
  ];
  for (const table of ['patients', 'records', 'oauth_apps']) {
    for (const column of columns) {
      const seen = new Map<string, string>();
      for (const others of siblingSets) {
        const siblings = [...others, column];
        const signature = siblingSignature(table, siblings);
        const found = JSON.stringify(
          classifyColumn({
            table,
            column,
            siblingColumns: siblings,
            personLinked: table !== 'records',
            healthContext: false,
          }),
        );
        const before = seen.get(signature);
        if (before !== undefined) assert.is(found, before, `${table}.${column} beside ${others}`);
        seen.set(signature, found);
      }
    }
  }
  assert.is.not(
    siblingSignature('records', ['state']),
    siblingSignature('records', ['state', 'street']),
  );
  assert.is.not(
    siblingSignature('records', ['notes']),
    siblingSignature('records', ['notes', 'user_id']),
  );
  assert.is(
    siblingSignature('records', ['state', 'street', 'zip']),
    siblingSignature('records', ['state', 'street', 'zip', 'status', 'city']),
  );
  const stateBeside = (siblings: string[]) =>
    classifyColumn({
      table: 'records',
      column: 'state',
      siblingColumns: siblings,
      personLinked: true,
      healthContext: false,
    });
  assert.equal(stateBeside(['state', 'status']), []);
  assert.equal(
    stateBeside(['state', 'street']).map((entry) => entry.category),
    ['contact.address.state'],
  );
});

test('a PIN code beside address columns is the postal code (India); elsewhere a PIN is a secret', () => {
  // A property listing or a patient's address in an Indian app: `pin_code` next to city and state.
  const listing = { table: 'listings', linked: true, siblings: ['address', 'city', 'state'] };
  assert.equal(categoriesOf('pin_code', listing), ['contact.address.postal_code']);
  assert.equal(categoriesOf('pincode', { ...listing, siblings: ['address_line', 'city'] }), [
    'contact.address.postal_code',
  ]);
  assert.match(
    classifyColumn(contextOf('pin_code', listing))[0]?.reason ?? '',
    /hint "pin code"\) beside address columns/,
  );
  // Without address columns the longer reading gives way: the card's or account's PIN.
  assert.equal(categoriesOf('pin_code', { ...CUSTOMERS, siblings: ['user_id', 'card_number'] }), [
    'credential.secret',
  ]);
  assert.equal(categoriesOf('pin', CUSTOMERS), ['credential.secret']);
  assert.equal(categoriesOf('pincode', { ...CUSTOMERS, siblings: ['name'] }), []);
  // A bare `pin` beside `address`, `district` and `city` (a hospital app's patient details).
  const patientDetails = { table: 'patient_details', linked: true, siblings: ['address', 'city'] };
  assert.equal(categoriesOf('pin', patientDetails), ['contact.address.postal_code']);
  assert.equal(categoriesOf('pin', { ...patientDetails, siblings: ['patient_id'] }), [
    'credential.secret',
  ]);
});

test('ambiguous health words mean health in a table keyed to a patient, whatever it is called', () => {
  const assessment = { table: 'er_assessments', linked: true, siblings: ['id', 'patient_id'] };
  assert.equal(categoriesOf('procedure_done', assessment), ['health.procedure']);
  assert.equal(categoriesOf('bp', assessment), ['health.vitals']);
  assert.equal(categoriesOf('procedureName', { ...assessment, siblings: ['patientId'] }), [
    'health.procedure',
  ]);
  assert.match(
    classifyColumn(contextOf('procedure_done', assessment))[0]?.reason ?? '',
    /in table "er_assessments" keyed to a patient/,
  );
  // India's hospitals key patients by UHID (unique health id); a chart's key is the MRN.
  assert.equal(categoriesOf('bp', { ...assessment, siblings: ['uhId', 'name'] }), [
    'health.vitals',
  ]);
  assert.equal(categoriesOf('uh_id', UNLINKED), ['health.patient_id']);
  assert.equal(categoriesOf('procedure', { ...assessment, siblings: ['mrn'] }), [
    'health.procedure',
  ]);
  // Without a patient's key the words stay ambiguous: a stored procedure, a basis point.
  assert.equal(categoriesOf('procedure_name', { ...assessment, siblings: ['id', 'user_id'] }), []);
  assert.equal(categoriesOf('bp', { ...assessment, siblings: ['id', 'order_id'] }), []);
});

test("a clinician's history, complaints and surgeries are health data; family history and surgery need a health scope", () => {
  const notes = { table: 'history_notes', linked: true, siblings: ['id', 'uhId'] };
  assert.equal(categoriesOf('medicalHistory', notes), ['health.diagnosis']);
  assert.equal(categoriesOf('chief_complaints', CUSTOMERS), ['health.diagnosis']);
  assert.equal(categoriesOf('presentingComplaints', notes), ['health.diagnosis']);
  assert.equal(categoriesOf('familyHistory', notes), ['health.diagnosis']);
  assert.equal(categoriesOf('surgeryName', notes), ['health.procedure']);
  assert.equal(categoriesOf('surgery', notes), ['health.procedure']);
  assert.equal(categoriesOf('surgeryTime', notes), []);
  assert.equal(categoriesOf('proceduresDone', notes), ['health.procedure']);
  assert.equal(categoriesOf('procedures', CUSTOMERS), []);
  // A genealogy app's family history, a customer's complaints: not health.
  assert.equal(categoriesOf('family_history', CUSTOMERS), []);
  assert.equal(categoriesOf('complaints', CUSTOMERS), []);
  assert.equal(categoriesOf('surgery', { ...CUSTOMERS, siblings: ['id'] }), []);
});

test('a health or medical condition is a diagnosis, also typed as an enum; a bare condition is not', () => {
  // A blood bank's donors: `health_condition health_condition_type NOT NULL`.
  const donors = { table: 'donors', linked: true, siblings: ['id', 'full_name', 'blood_group'] };
  assert.equal(categoriesOf('health_condition', { ...donors, type: 'health_condition_type' }), [
    'health.diagnosis',
  ]);
  assert.equal(categoriesOf('medicalConditions', CUSTOMERS), ['health.diagnosis']);
  assert.equal(categoriesOf('condition', donors), []);
  assert.equal(categoriesOf('health_condition_updated_at', donors), []);
});

test("national identity numbers by their country's name are government ids", () => {
  // A Hong Kong clinic's `hkid`, a Brazilian clinic's `cpf`, an Argentine audit's `dni_paciente`.
  for (const column of ['hkid', 'cpf', 'dni_paciente', 'paciente_dni', 'rut', 'curp', 'nric']) {
    assert.equal(categoriesOf(column, CUSTOMERS), ['government_id.ssn'], column);
  }
  // Whole words only: `truncate` holds no RUT, a date of a DNI check is a date.
  assert.equal(categoriesOf('truncate', CUSTOMERS), []);
  assert.equal(categoriesOf('dni_verified_at', CUSTOMERS), []);
});

test('Spanish and Portuguese column names of a clinic read as their categories; a bare nombre does not', () => {
  const audits = { table: 'auditorias', linked: true, siblings: ['id', 'dni_paciente'] };
  assert.equal(categoriesOf('nombre_paciente', audits), ['person.name']);
  assert.equal(categoriesOf('apellidos', CUSTOMERS), ['person.last_name']);
  assert.equal(categoriesOf('fecha_nacimiento', CUSTOMERS), ['demographic.birth_date']);
  assert.equal(categoriesOf('telefone', CUSTOMERS), ['contact.phone']);
  assert.equal(categoriesOf('correo', CUSTOMERS), ['contact.email']);
  assert.equal(categoriesOf('nome_completo', CUSTOMERS), ['person.name']);
  assert.equal(categoriesOf('diagnostico', audits), ['health.diagnosis']);
  // A file's or a product's name.
  assert.equal(categoriesOf('nombre_archivo', audits), []);
  assert.equal(categoriesOf('nombre', { ...audits, table: 'productos' }), []);
});

test("a clinician's license number is a licence to practise; a therapy intake's concerns and history are health data", () => {
  for (const table of ['doctors', 'therapist_profiles', 'pharmacists']) {
    assert.equal(categoriesOf('license_number', { ...CUSTOMERS, table }), [], table);
  }
  assert.equal(categoriesOf('license_number', CUSTOMERS), ['government_id.drivers_license']);
  const intake = { table: 'client_profiles', linked: true, siblings: ['id', 'client_id'] };
  assert.equal(categoriesOf('presenting_concerns', intake), ['health.diagnosis']);
  assert.equal(categoriesOf('therapy_history', intake), ['health.sensitive_condition']);
  assert.equal(categoriesOf('psychiatric_history', intake), ['health.sensitive_condition']);
  assert.equal(categoriesOf('risk_level', intake), []);
});

test('an EHR charting schema: SOAP sections, problem lists, clinical-history conditions and typed observation values', () => {
  const soap = { table: 'soap_notes', linked: true, health: true, siblings: ['id', 'patient_id'] };
  for (const column of ['subjective', 'objective', 'assessment', 'plan']) {
    assert.equal(categoriesOf(column, soap), ['health.clinical_note'], column);
  }
  // A SOAP note is clinical by its name, whatever store it is in (a therapy app's, keyed to an appointment).
  assert.equal(
    categoriesOf('assessment', { ...soap, health: false, siblings: ['appointment_id'] }),
    ['health.clinical_note'],
  );
  // A subscription's plan and a course's assessment are not notes.
  assert.equal(categoriesOf('plan', { ...CUSTOMERS, table: 'subscriptions' }), []);
  assert.equal(categoriesOf('assessment', { ...soap, table: 'course_modules' }), []);
  const problems = { table: 'patient_problems', linked: true, health: true };
  assert.equal(categoriesOf('problem_code', problems), ['health.diagnosis']);
  assert.equal(categoriesOf('problem_label', problems), ['health.diagnosis']);
  // The name of the code system is the same in every row.
  assert.equal(categoriesOf('problem_code_system', problems), []);
  assert.equal(categoriesOf('allergen_code_system', problems), []);
  assert.equal(categoriesOf('allergen_label', problems), ['health.allergy']);
  const history = { table: 'medical_history', linked: true, health: true };
  assert.equal(categoriesOf('condition', history), ['health.diagnosis']);
  assert.equal(categoriesOf('condition', { ...history, table: 'family_history' }), [
    'health.diagnosis',
  ]);
  // A bare condition of an unlinked or non-health table stays a state.
  assert.equal(categoriesOf('condition', { ...history, linked: false }), []);
  assert.equal(categoriesOf('condition', { ...CUSTOMERS, table: 'vehicle_history' }), []);
  const observations = { table: 'patient_observations', linked: true, health: true };
  for (const column of ['value_string', 'value_numeric', 'value_code']) {
    assert.equal(categoriesOf(column, observations), ['health.lab_result'], column);
  }
  assert.equal(categoriesOf('value_set_url', observations), []);
  const progress = { table: 'progress_notes', linked: true, health: true };
  assert.equal(categoriesOf('visit_reason', progress), ['health.diagnosis']);
  assert.equal(categoriesOf('current_concerns', progress), ['health.diagnosis']);
  assert.equal(categoriesOf('provider_observations', progress), ['health.clinical_note']);
  assert.equal(categoriesOf('recreational_drugs', PATIENTS), ['health.sensitive_condition']);
  assert.equal(categoriesOf('diagnos', PATIENTS), ['health.diagnosis']);
  assert.equal(categoriesOf('quantity_prescribed', PATIENTS), ['health.prescription']);
});

test('vital signs with a unit after the name are vitals in health care; a product weight in kg is not', () => {
  const vitals = { table: 'patient_vitals', linked: true, health: true };
  for (const column of [
    'height_cm',
    'weight_kg',
    'temperature_celsius',
    'waist_circumference_cm',
  ]) {
    assert.equal(categoriesOf(column, vitals), ['health.vitals'], column);
  }
  assert.equal(categoriesOf('weight_kg', { table: 'products', linked: false, health: false }), []);
  // A unit must follow the sign, not lead it.
  assert.equal(categoriesOf('kg_weight_limit', vitals), []);
});

test('a government id is a national identity number; a date of birth kept as epoch seconds is a birth date', () => {
  assert.equal(categoriesOf('government_id', CUSTOMERS), ['government_id.ssn']);
  // SQLite keeps dates as integers (Drizzle `integer('date_of_birth', { mode: 'timestamp' })`).
  assert.equal(categoriesOf('date_of_birth', { ...CUSTOMERS, type: 'integer' }), [
    'demographic.birth_date',
  ]);
  assert.equal(categoriesOf('birth_date', { ...CUSTOMERS, type: 'bigint' }), [
    'demographic.birth_date',
  ]);
  // Money-like numbers are no dates.
  assert.equal(categoriesOf('date_of_birth', { ...CUSTOMERS, type: 'numeric(10,2)' }), []);
});

test('a staff member who recorded a row does not link a drug catalogue to a person', () => {
  const catalogue = [
    { name: 'id' },
    { name: 'generic_name' },
    { name: 'brand_name' },
    { name: 'recorded_by_user_id' },
    { name: 'entered_by' },
  ];
  assert.is(isPersonLinked('drug_catalogue', catalogue), false);
  assert.is(
    isPersonLinked('patient_vitals', [{ name: 'patient_id' }, { name: 'recorded_by_user_id' }]),
    true,
  );
  // Assigned to a person names the person responsible: a real link.
  assert.is(isPersonLinked('tasks', [{ name: 'assigned_to_user_id' }]), true);
});

test("a clinic's insurance number, treatment plan and prescriptions are health data; a clinic's staff licence is a licence to practise", () => {
  assert.equal(categoriesOf('insurance_number', PATIENTS), ['health.plan_member_id']);
  assert.equal(categoriesOf('insurance_provider', PATIENTS), ['health.plan']);
  // A key to an insurers table.
  assert.equal(categoriesOf('insurance_id', PATIENTS), []);
  const records = { table: 'MedicalRecords', linked: true, health: true, siblings: ['patient_id'] };
  assert.equal(categoriesOf('treatment_plan', records), ['health.clinical_note']);
  assert.equal(categoriesOf('prescriptions', records), ['health.prescription']);
  assert.equal(categoriesOf('license_number', { table: 'Staff', linked: true, health: true }), []);
  assert.equal(categoriesOf('license_number', { table: 'staff', linked: true, health: false }), [
    'government_id.drivers_license',
  ]);
});

test('sign-in tokens and codes of a person are credentials', () => {
  // A session's bearer token, a refresh token, a magic-link sign-in code (a medical API's
  // `UserToken` and `UserAuthCode`, an appointment app's `Users.refreshToken`).
  const userTokens = [{ name: 'userId', referencesTable: 'User' }, { name: 'token' }];
  assert.equal(inTable('UserToken', userTokens, 'token'), ['credential.secret']);
  // MySQL and Postgres fold an unquoted `UserToken` to `usertoken`.
  assert.equal(inTable('usertoken', userTokens, 'token'), ['credential.secret']);
  const authCodes = [{ name: 'email' }, { name: 'name' }, { name: 'code' }, { name: 'inviterId' }];
  assert.equal(inTable('UserAuthCode', authCodes, 'code'), ['credential.secret']);
  assert.equal(inTable('userauthcode', authCodes, 'code'), ['credential.secret']);
  const sessions = [{ name: 'id' }, { name: 'token' }, { name: 'user_id' }, { name: 'expires_at' }];
  assert.equal(inTable('sessions', sessions, 'token'), ['credential.secret']);
  assert.equal(inTable('refresh_tokens', sessions, 'token'), ['credential.secret']);
  for (const column of [
    'refreshToken',
    'refresh_token',
    'access_token',
    'session_token',
    'auth_token',
    'reset_token',
    'password_reset_token',
    'resetPasswordToken',
    'magic_link_code',
    'refreshtoken',
  ]) {
    assert.equal(categoriesOf(column, { table: 'Users' }), ['credential.secret'], column);
  }
  assert.equal(categoriesOf('session_token', { table: 'user_sessions', linked: true }), [
    'credential.secret',
  ]);
  assert.match(
    classifyColumn(contextOf('token', { table: 'sessions', siblings: ['user_id'] }))[0]?.reason ??
      '',
    /hint "token"\) in person-linked table "sessions"/,
  );
});

test('tokens about a token, already hashed, of a device, a machine or an invitation are no credentials', () => {
  const users = { table: 'users' };
  for (const column of [
    'csrf_token',
    'xsrf_token',
    'token_expires_at',
    'refresh_token_expires_at',
    'access_token_expires_in',
    'token_type',
    'refresh_token_id',
    'next_page_token',
    'page_token',
    'cursor_token',
    'push_token',
    'device_token',
    'fcm_token',
    'token_hash',
    'hashed_token',
    'refresh_token_hash',
    'hashed_refresh_token',
    'reset_token_sent_at',
    'code',
    'token',
  ]) {
    assert.equal(categoriesOf(column, users), [], column);
  }
  assert.equal(categoriesOf('access_token_count', { ...users, type: 'text' }), []);
  const keyed = ['user_id', 'token'];
  // A bare token only in a table of sessions or sign-in tokens.
  for (const table of [
    'push_tokens',
    'device_tokens',
    'pushtokens',
    'verification_tokens',
    'patient_invites',
    'invitations',
    'upload_sessions',
    'password_resets',
  ]) {
    assert.equal(categoriesOf('token', { table, siblings: keyed }), [], table);
  }
  // A bare code only in a table of sign-in codes: no door, promo or verification code.
  for (const table of ['access_codes', 'promo_codes', 'verification_codes', 'discount_codes']) {
    assert.equal(categoriesOf('code', { table, siblings: ['user_id', 'code'] }), [], table);
  }
  // A care session keyed to a patient (a therapy app's `sessions`) signs nobody in.
  const care = { table: 'sessions', siblings: ['patient_id', 'user_id', 'token'] };
  assert.equal(categoriesOf('token', care), []);
  assert.equal(categoriesOf('session_token', { ...care, table: 'appointments' }), []);
  // Nobody's: no person link, a machine's, an integration's or an OAuth client's.
  assert.equal(categoriesOf('token', { table: 'sessions', linked: false }), []);
  assert.equal(categoriesOf('access_token', { table: 'settings', linked: false }), []);
  for (const table of ['job_runs', 'integrations', 'webhooks', 'slack_installations']) {
    assert.equal(categoriesOf('access_token', { table, siblings: ['user_id'] }), [], table);
  }
  assert.equal(
    categoriesOf('access_token', { table: 'oauth_apps', siblings: ['user_id', 'client_secret'] }),
    [],
  );
  // A number of issued tokens, and spent tokens kept to refuse a replay.
  assert.equal(categoriesOf('refresh_token_counter', { table: 'sessions', type: 'bigint' }), []);
  assert.equal(categoriesOf('refreshToken', { table: 'used_refresh_token', siblings: keyed }), []);
  assert.equal(categoriesOf('token', { table: 'revoked_tokens', siblings: keyed }), []);
  assert.equal(categoriesOf('revoked_refresh_token', users), []);
  // The e-mail a change token is sent to stays silent as before.
  assert.equal(categoriesOf('email_change_token', users), []);
});

test("a Brazilian patient's RG is a government id; rgb, org and rg_issuer are not", () => {
  assert.equal(categoriesOf('rg', PATIENTS), ['government_id.ssn']);
  assert.equal(categoriesOf('rg', CUSTOMERS), ['government_id.ssn']);
  for (const column of ['rgb', 'org', 'rg_issuer', 'rg_uf', 'rgb_color']) {
    assert.equal(categoriesOf(column, PATIENTS), [], column);
  }
  // Only as a whole column name of a person table.
  assert.equal(categoriesOf('rg', { table: 'resources', linked: false }), []);
  assert.equal(categoriesOf('rg', UNLINKED), []);
});

test('a doctor’s examination record, care plan and prescription lines are health data in a clinical table', () => {
  const exam = {
    table: 'medical_examinations',
    linked: true,
    siblings: ['id', 'patient_id', 'examined_by'],
  };
  assert.equal(categoriesOf('past_surgical_history', exam), ['health.procedure']);
  assert.equal(categoriesOf('social_history', exam), ['health.sensitive_condition']);
  for (const column of [
    'triage_notes',
    'cardiovascular_examination',
    'heent_examination',
    'musculoskeletal_examination',
    'general_appearance',
    'plan_treatment',
    'referrals',
  ]) {
    assert.equal(categoriesOf(column, exam), ['health.clinical_note'], column);
  }
  // The date or the type of an examination is no finding of it.
  assert.equal(categoriesOf('examination_date', exam), []);
  assert.equal(categoriesOf('examination_type', exam), []);
  assert.equal(categoriesOf('last_examination', { ...exam, type: 'date' }), []);
  const carePlans = { table: 'care_plans', linked: true, siblings: ['id', 'patient_id'] };
  assert.equal(categoriesOf('care_goals', carePlans), ['health.clinical_note']);
  assert.equal(categoriesOf('nursing_interventions', carePlans), ['health.clinical_note']);
  const lines = { table: 'prescription_items', linked: true, siblings: ['prescription_id'] };
  assert.equal(categoriesOf('instructions', lines), ['health.prescription']);
  assert.equal(categoriesOf('special_instructions', lines), ['health.prescription']);
  // A therapy app's session anamnesis and a patient's clinical profile and insurance plan.
  const sessions = { table: 'sessions', linked: true, siblings: ['patient_id'], type: 'jsonb' };
  assert.equal(categoriesOf('anamnesis', sessions), ['health.diagnosis']);
  assert.equal(categoriesOf('clinical_profile', { ...PATIENTS, type: 'jsonb' }), [
    'health.clinical_note',
  ]);
  assert.equal(categoriesOf('origin_insurance_plan', PATIENTS), ['health.plan']);
});

test('look-alikes of clinical sections outside a clinical table stay silent', () => {
  // Instructions of a recipe or a lab order, a referral programme, a subscription's plan, a
  // school's examination, a triage of bug reports.
  assert.equal(categoriesOf('instructions', { table: 'recipes', siblings: ['user_id'] }), []);
  assert.equal(categoriesOf('instructions', { table: 'lab_orders', siblings: ['patient_id'] }), []);
  assert.equal(categoriesOf('referrals', { table: 'affiliates', siblings: ['user_id'] }), []);
  assert.equal(categoriesOf('referrals', { table: 'users' }), []);
  assert.equal(categoriesOf('referral_code', PATIENTS), []);
  assert.equal(categoriesOf('referrals', { ...PATIENTS, type: 'integer' }), []);
  assert.equal(categoriesOf('plan', { table: 'subscriptions', siblings: ['user_id'] }), []);
  assert.equal(categoriesOf('insurance_plan', { table: 'shipments', siblings: ['user_id'] }), []);
  assert.equal(
    categoriesOf('physical_examination', { table: 'students', siblings: ['student_id'] }),
    [],
  );
  assert.equal(categoriesOf('examination', { table: 'exams', linked: true }), []);
  assert.equal(categoriesOf('triage_notes', { table: 'issues', siblings: ['user_id'] }), []);
  assert.equal(categoriesOf('social_history', { table: 'users' }), []);
  assert.equal(categoriesOf('care_goals', { table: 'pets', siblings: ['owner_id'] }), []);
  // An anamnesis form's template is the clinic's, not a patient's history.
  assert.equal(categoriesOf('anamnesis_base_schema', { table: 'clinics', linked: true }), []);
  assert.equal(categoriesOf('anamnesis_template_id', { table: 'sessions', linked: true }), []);
});

test('a chart of accounts is a ledger, not a table of people', () => {
  for (const table of [
    'chart_of_accounts',
    'ledger_accounts',
    'gl_accounts',
    'public.chart_of_accounts',
  ]) {
    assert.is(isPersonTableName(table), false, table);
  }
  assert.is(isPersonTableName('accounts'), true);
  assert.is(isPersonTableName('customer_accounts'), true);
  const transactions = [
    { name: 'id' },
    { name: 'amount' },
    { name: 'account_code_id', referencesTable: 'chart_of_accounts' },
    { name: 'created_by' },
  ];
  assert.is(isPersonLinked('financial_transactions', transactions), false);
  assert.equal(inTable('financial_transactions', transactions, 'account_code_id'), []);
  // An `account_id` keyed to the ledger names a ledger account, too.
  const lines = [{ name: 'account_id', referencesTable: 'chart_of_accounts' }, { name: 'debit' }];
  assert.is(isPersonLinked('journal_lines', lines), false);
  assert.is(isPersonLinked('orders', [{ name: 'account_id', referencesTable: 'accounts' }]), true);
});

test('medicines and a shortened pwd; a two-factor backup code is a credential, an invite code is not', () => {
  const prescriptions: Where = { table: 'prescriptions', linked: true, health: true };
  assert.equal(categoriesOf('medicines', prescriptions), ['health.medication']);
  assert.equal(categoriesOf('medicine_name', prescriptions), ['health.medication']);
  // A pharmacy's catalogue names medicines of nobody in particular.
  assert.equal(categoriesOf('medicine_name', { table: 'medicine_catalog', linked: false }), []);
  assert.equal(categoriesOf('pwd', { table: 'doctors' }), ['credential.secret']);
  assert.equal(categoriesOf('code', { table: 'backup_codes', siblings: ['user_id', 'used'] }), [
    'credential.secret',
  ]);
  assert.equal(categoriesOf('code', { table: 'invite_codes', siblings: ['user_id'] }), []);
});

test('names Postgres folded from camelCase keep whose contact they hold; a folded word that is no qualifier and hint stays whole', () => {
  const logs: Where = { table: 'email_logs', linked: false, health: false };
  assert.equal(categoriesOf('recipientemail', logs), ['contact.email']);
  assert.equal(categoriesOf('emergencycontactphone', CUSTOMERS), ['contact.phone']);
  assert.equal(categoriesOf('patientphonenumber', PATIENTS), ['contact.phone']);
  for (const name of ['emailverified', 'userguide', 'workflow', 'homepageurl']) {
    assert.equal(categoriesOf(name, logs), [], name);
  }
});

test('a clinical history is a diagnosis; dated health events are dates; delivery instructions are no prescription', () => {
  const referrals: Where = { table: 'referral_forms', linked: true, health: true };
  assert.equal(categoriesOf('clinical_history', referrals), ['health.diagnosis']);
  assert.equal(categoriesOf('dateOfPrescription', PATIENTS), ['health.dates']);
  assert.equal(categoriesOf('date_of_admission', PATIENTS), ['health.dates']);
  const prescriptions: Where = { table: 'dme_prescriptions', linked: true, health: true };
  assert.equal(categoriesOf('delivery_instructions', prescriptions), []);
  assert.equal(categoriesOf('instructions', prescriptions), ['health.prescription']);
});

test("a profile with a specialty holds a licence to practise; a settings table's bank account is the business's", () => {
  const profiles: Where = { table: 'user_profiles', linked: true, health: true };
  const clinician = {
    ...profiles,
    siblings: ['full_name', 'license_number', 'license_state', 'specialty'],
  };
  assert.equal(categoriesOf('license_number', clinician), []);
  const driver = { ...profiles, siblings: ['full_name', 'license_number', 'license_state'] };
  assert.equal(categoriesOf('license_number', driver), ['government_id.drivers_license']);
  const settings: Where = { table: 'payment_config', linked: false, health: false };
  assert.equal(categoriesOf('iban', settings), []);
  assert.equal(categoriesOf('bank_account_holder', settings), []);
  // A person's payout settings are theirs.
  assert.equal(categoriesOf('iban', { table: 'payout_settings', linked: true }), [
    'financial.bank_account',
  ]);
});

test("a pet's age and photo are the animal's; a clinic's own contact details are no person's", () => {
  const pets: Where = { table: 'pets', linked: true, health: true };
  assert.equal(categoriesOf('age', { ...pets, type: 'integer' }), []);
  assert.equal(categoriesOf('avatar_url', pets), []);
  assert.equal(categoriesOf('diagnosis', pets), []);
  // The owner's phone kept on the pet's row is the owner's.
  assert.equal(categoriesOf('owner_phone', pets), ['contact.phone']);
  const center: Where = { table: 'center_info', linked: true, health: true };
  assert.equal(categoriesOf('phone', center), []);
  assert.equal(categoriesOf('address_ar', center), []);
});

test("national identity cards by their country's names: Bangladesh's NID, Pakistan's CNIC", () => {
  const doctors: Where = { table: 'doctors', linked: true, health: true };
  assert.equal(categoriesOf('nid_number', doctors), ['government_id.ssn']);
  assert.equal(categoriesOf('cnic', doctors), ['government_id.ssn']);
  // A clinic's owner's card on the clinic's row is the owner's.
  assert.equal(categoriesOf('owner_nid', { table: 'clinics', linked: true }), [
    'government_id.ssn',
  ]);
  assert.equal(categoriesOf('paid', doctors), []);
});

test.run();
