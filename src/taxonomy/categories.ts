import { closest, editDistance } from '../util/suggest.js';
import type { CategoryInfo, Sensitivity } from './types.js';

type Row = [
  id: string,
  sensitivity: Sensitivity,
  encryptionRequired: boolean,
  hipaa: string | undefined,
  numericAllowed: boolean,
  hints: string[],
  traps: string[],
];

const ENC = true;
const NUMERIC = true;

/**
 * The table of spec/taxonomy.md, row for row. Traps are literal column names that must never be
 * read as the category; most hold in any table, a few only in the context the spec gives them
 * (`member id` outside a health store, `drug name`/`ndc` in a catalogue with no person link,
 * plain `notes` outside a person table, `sig` outside a health store, `state` with no address
 * columns beside it). Hints are normalised word sequences (see
 * `nameWords`); the classifier adds the context conditions the table states in words (bare
 * `name` only in a person table, `state` only beside address columns, …).
 *
 * `numericAllowed` is true where the value is commonly stored as a number: ages, years,
 * coordinates, every kind of id or account/card/phone/postal number, IP addresses stored as
 * integers, PINs, and the measured health values (vitals, lab results, pump doses, days supply).
 */
// prettier-ignore
const ROWS: Row[] = [
  ['person.name', 'M', false, 'A', false, ['full name', 'legal name', 'display name', 'patient name', 'customer name', 'member name', 'cardholder name', 'recipient name', 'name'], ['product name', 'drug name', 'plan name', 'store name', 'file name', 'table name', 'company name', 'user name', 'screen name']],
  ['person.first_name', 'M', false, 'A', false, ['first name', 'given name', 'middle name', 'fname', 'firstname'], []],
  ['person.last_name', 'M', false, 'A', false, ['last name', 'family name', 'maiden name', 'surname', 'lname', 'lastname'], []],
  ['person.username', 'L', false, 'R', false, ['user name', 'username', 'login name', 'screen name', 'handle'], []],
  ['person.photo', 'H', false, 'Q', false, ['photo', 'selfie', 'headshot', 'avatar', 'profile picture', 'profile image', 'profile photo'], ['logo', 'product image']],
  ['contact.email', 'M', false, 'F', false, ['email', 'e mail', 'email address'], ['email template', 'email subject', 'email body', 'email sent', 'email verified', 'email opt in', 'email settings', 'email type', 'email count', 'has email', 'email provider']],
  ['contact.phone', 'M', false, 'D', NUMERIC, ['phone', 'mobile', 'cell', 'telephone', 'tel', 'sms number', 'phone number'], ['phone type', 'phone verified', 'phone extension', 'pharmacy phone', 'store phone']],
  ['contact.fax', 'M', false, 'E', NUMERIC, ['fax', 'fax number'], []],
  ['contact.address.street', 'M', false, 'B', false, ['street', 'address', 'address line 1', 'address line 2', 'home address', 'mailing address', 'billing address', 'shipping address'], ['email address', 'ip address', 'mac address', 'wallet address', 'web address']],
  ['contact.address.city', 'M', false, 'B', false, ['city', 'town', 'county'], ['store city', 'pharmacy city']],
  ['contact.address.postal_code', 'M', false, 'B', NUMERIC, ['zip', 'zip code', 'zipcode', 'postal code', 'postcode', 'pin code', 'pincode', 'pin'], ['zip file', 'zip file url', 'zip path', 'zip url', 'zip buffer', 'zip archive', 'zip name']],
  ['contact.address.state', 'L', false, undefined, false, ['state', 'province'], ['state', 'order state', 'job state']],
  ['contact.address.country', 'L', false, undefined, false, ['country', 'country code'], []],
  ['contact.url', 'L', false, 'N', false, ['website', 'homepage', 'profile url', 'social handle'], ['asset url', 'callback url', 'webhook url']],
  ['demographic.birth_date', 'H', ENC, 'C', false, ['dob', 'birth date', 'date of birth', 'birthday', 'birthdate'], []],
  ['demographic.birth_year', 'L', false, undefined, NUMERIC, ['birth year', 'year of birth'], []],
  ['demographic.age', 'M', false, 'C', NUMERIC, ['age', 'patient age'], ['page', 'usage', 'dosage', 'image', 'average', 'page count']],
  ['demographic.gender', 'M', false, undefined, false, ['gender', 'sex', 'gender identity'], []],
  ['demographic.race_ethnicity', 'S', ENC, undefined, false, ['race', 'ethnicity'], ['trace']],
  ['demographic.language', 'L', false, undefined, false, ['preferred language', 'spoken language', 'primary language'], ['ui locale', 'locale']],
  ['demographic.marital_status', 'M', false, undefined, false, ['marital status'], []],
  ['demographic.sexual_orientation', 'S', ENC, undefined, false, ['sexual orientation'], []],
  ['demographic.religion', 'S', ENC, undefined, false, ['religion', 'religious'], []],
  ['government_id.ssn', 'H', ENC, 'G', NUMERIC, ['ssn', 'social security number', 'itin', 'tax id', 'national id', 'national identification number', 'aadhaar'], ['social', 'social media']],
  ['government_id.drivers_license', 'H', ENC, 'K', NUMERIC, ['drivers license', 'driver license', 'drivers licence', 'driver licence', 'dl number'], []],
  ['government_id.birth_certificate', 'H', ENC, 'K', NUMERIC, ['birth certificate', 'birth certificate number'], []],
  ['government_id.passport', 'H', ENC, 'R', NUMERIC, ['passport', 'passport number'], []],
  ['government_id.vehicle', 'M', false, 'L', false, ['license plate', 'licence plate', 'vin', 'vehicle registration'], []],
  ['identifier.person_id', 'M', false, 'R', NUMERIC, ['patient id', 'customer id', 'member id', 'user id', 'loyalty id', 'client id'], ['created by', 'created by user id', 'updated by user id']],
  ['identifier.account_number', 'H', false, 'J', NUMERIC, ['account number', 'acct number', 'loyalty card number'], []],
  ['identifier.transaction_id', 'M', false, 'R', NUMERIC, ['transaction id', 'order id', 'claim id', 'fill id', 'order number'], []],
  ['device.ip_address', 'M', false, 'O', NUMERIC, ['ip', 'ip address', 'ipv 4', 'ipv 6', 'remote addr', 'client ip'], ['zip', 'ship', 'tip', 'recipient', 'ship to', 'zip code']],
  ['device.device_id', 'M', false, 'M', NUMERIC, ['device id', 'advertising id', 'hardware id', 'installation id', 'idfa', 'gaid', 'udid', 'imei'], []],
  ['device.mac_address', 'M', false, 'M', false, ['mac address'], []],
  ['device.cookie_id', 'M', false, 'R', false, ['cookie id', 'visitor id', 'anonymous id', 'session id', 'ga', 'fbp'], []],
  ['online.browsing', 'M', false, 'N', false, ['page url', 'page view', 'referrer', 'search query', 'search term', 'clickstream'], []],
  ['location.precise', 'H', false, 'B', NUMERIC, ['lat', 'latitude', 'lng', 'lon', 'longitude', 'geo point', 'coordinates', 'gps'], []],
  ['location.coarse', 'L', false, undefined, false, ['region', 'metro area'], []],
  ['credential.secret', 'H', ENC, undefined, NUMERIC, ['password', 'passwd', 'passphrase', 'pin', 'security answer', 'api key', 'pwd'], ['password reset at', 'password changed at', 'password length', 'password policy', 'pinned']],
  ['financial.card', 'H', ENC, 'J', NUMERIC, ['card number', 'pan', 'ccn', 'cvv', 'cvc'], ['gift card', 'gift card number', 'insurance card', 'insurance card number', 'member card', 'member card number']],
  ['financial.bank_account', 'H', ENC, 'J', NUMERIC, ['bank account', 'iban', 'bank account number'], ['routing number', 'sort code', 'swift code', 'bic']],
  ['financial.purchase_history', 'M', false, undefined, false, ['purchase history', 'order history', 'order items'], []],
  ['health.patient_id', 'H', false, 'H', NUMERIC, ['patient id', 'pt id', 'patient number', 'uhid', 'uh id'], []],
  ['health.record_number', 'H', false, 'H', NUMERIC, ['mrn', 'medical record number', 'chart number', 'ehr id'], []],
  ['health.plan_member_id', 'H', false, 'I', NUMERIC, ['member id', 'subscriber id', 'beneficiary id', 'insured id', 'policy holder id', 'mbi', 'hicn', 'medicare number', 'medicaid number'], ['member id']],
  ['health.plan', 'S', ENC, 'I', false, ['health plan', 'insurance carrier', 'insurance company', 'payer', 'pbm', 'rx bin', 'rx pcn', 'rx group', 'group number', 'plan name'], ['plan', 'plan id', 'plan rate']],
  ['health.claim_id', 'H', false, 'I', NUMERIC, ['claim id', 'claim number', 'hic number'], []],
  ['health.rx_number', 'H', false, 'R', NUMERIC, ['rx number', 'prescription number', 'prescription id'], []],
  ['health.prescription', 'S', ENC, 'C', NUMERIC, ['prescription', 'e prescription', 'erx', 'sig', 'directions', 'days supply', 'refills', 'quantity dispensed'], ['script', 'migration script', 'signature', 'sig']],
  ['health.medication', 'S', ENC, undefined, false, ['medication', 'medications', 'meds', 'drug name', 'ndc', 'rxnorm', 'rxcui', 'dosage', 'dose', 'generic name', 'brand name', 'medicine', 'medicines', 'medicine name'], ['drug name', 'ndc', 'dosage', 'generic name']],
  ['health.prescriber_name', 'M', false, undefined, false, ['prescriber name', 'prescribing physician', 'doctor name', 'practitioner name', 'clinician name', 'physician name'], ['provider', 'auth provider', 'cloud provider', 'email provider']],
  ['health.prescriber_id', 'L', false, undefined, NUMERIC, ['npi', 'national provider id', 'dea number'], []],
  ['health.diagnosis', 'S', ENC, undefined, false, ['diagnosis', 'diagnoses', 'icd', 'icd 10 code', 'problem list', 'disease', 'illness', 'symptoms', 'condition'], []],
  ['health.procedure', 'S', ENC, undefined, false, ['procedure', 'cpt', 'hcpcs'], ['stored procedure']],
  ['health.lab_result', 'S', ENC, undefined, NUMERIC, ['lab result', 'test result', 'loinc', 'a 1 c', 'glucose', 'cholesterol'], ['test']],
  ['health.vitals', 'S', ENC, undefined, NUMERIC, ['vital signs', 'blood pressure', 'systolic', 'diastolic', 'heart rate', 'bmi'], []],
  ['health.allergy', 'S', ENC, undefined, false, ['allergy', 'allergies', 'adverse reaction'], []],
  ['health.immunization', 'S', ENC, undefined, false, ['vaccine', 'vaccination', 'immunization'], ['injection', 'sql injection']],
  ['health.device_usage', 'S', ENC, undefined, NUMERIC, ['insulin', 'bolus', 'basal', 'cgm', 'pump', 'pdm', 'glucose monitor', 'device usage', 'device events', 'device readings'], []],
  ['health.device_serial', 'H', false, 'M', NUMERIC, ['udi', 'device serial', 'pump serial', 'meter serial', 'sensor serial', 'serial number'], []],
  ['health.dates', 'H', false, 'C', false, ['admission date', 'admit date', 'discharge date', 'service date', 'encounter date', 'visit date', 'appointment date', 'fill date', 'dispense date', 'date of death'], ['created at', 'updated at']],
  ['health.genetic', 'S', ENC, undefined, false, ['genetic', 'genome', 'genotype', 'dna', 'snp'], []],
  ['health.clinical_note', 'S', ENC, 'R', false, ['clinical notes', 'pharmacist notes', 'counselling notes', 'counseling notes', 'progress notes'], ['notes']],
  ['health.sensitive_condition', 'S', ENC, undefined, false, ['hiv', 'mental health', 'psychiatric', 'substance use', 'opioid', 'pregnancy', 'contraception'], ['hearing aids', 'visual aids']],
  ['biometric.template', 'S', ENC, 'P', false, ['fingerprint', 'voiceprint', 'faceprint', 'retina', 'face embedding'], ['browser fingerprint', 'certificate fingerprint', 'ssh fingerprint']],
];

export const CATEGORIES: readonly CategoryInfo[] = ROWS.map(
  ([id, sensitivity, encryptionRequired, hipaa, numericAllowed, hints, traps]) => {
    const info: CategoryInfo = {
      id,
      sensitivity,
      encryptionRequired,
      numericAllowed,
      hints,
      traps,
    };
    if (hipaa !== undefined) info.hipaa = hipaa;
    return info;
  },
);

const BY_ID = new Map<string, CategoryInfo>(CATEGORIES.map((info) => [info.id, info]));

/** Every exact id and every dotted prefix of one (`health`, `contact.address`). */
const KNOWN_NAMES: ReadonlySet<string> = (() => {
  const names = new Set<string>();
  for (const { id } of CATEGORIES) {
    const parts = id.split('.');
    for (let i = 1; i <= parts.length; i++) names.add(parts.slice(0, i).join('.'));
  }
  return names;
})();

export const SENSITIVITY_RANK: Record<Sensitivity, number> = { L: 1, M: 2, H: 3, S: 4 };

export const DEFAULT_ENCRYPTION_REQUIRED: readonly string[] = CATEGORIES.filter(
  (info) => info.encryptionRequired,
).map((info) => info.id);

export function getCategory(id: string): CategoryInfo | undefined {
  return BY_ID.get(id);
}

/** Exact ids and prefixes of the tree. `*` and `none` are not categories: callers handle them. */
export function isKnownCategory(idOrPrefix: string): boolean {
  return KNOWN_NAMES.has(idOrPrefix);
}

/** `*` selects every category; a prefix selects its subtree on dot boundaries; an id itself. */
export function selectorMatches(selector: string, category: string): boolean {
  if (selector === '*' || selector === category) return true;
  return category.startsWith(selector + '.');
}

function lastSegment(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? name : name.slice(dot + 1);
}

function splitWords(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/**
 * The known id or prefix a mistyped category most likely meant: the whole name by edit
 * distance first (`helth.medication`), then a name holding every word of it
 * (`birth.date` → `demographic.birth_date`), then its last segment by edit distance
 * (`medicaton` → `health.medication`), then the name sharing most words.
 */
export function suggestCategory(unknown: string): string | undefined {
  const wanted = unknown.trim().toLowerCase();
  if (wanted.length === 0) return undefined;
  const whole = closest(wanted, KNOWN_NAMES);
  if (whole !== undefined) return whole;

  const wantedWords = new Set(splitWords(wanted));
  let byWords: string | undefined;
  let bestShared = 0;
  for (const name of KNOWN_NAMES) {
    const shared = splitWords(name).filter((word) => wantedWords.has(word)).length;
    if (
      shared > bestShared ||
      (shared === bestShared && byWords !== undefined && name.length < byWords.length)
    ) {
      byWords = name;
      bestShared = shared;
    }
  }
  if (bestShared > 0 && bestShared === wantedWords.size) return byWords;

  const wantedLast = lastSegment(wanted);
  let bySegment: string | undefined;
  let bestDistance = Math.max(1, Math.floor(wantedLast.length / 3)) + 1;
  for (const name of KNOWN_NAMES) {
    const distance = editDistance(wantedLast, lastSegment(name));
    if (
      distance < bestDistance ||
      (distance === bestDistance && bySegment !== undefined && name.length < bySegment.length)
    ) {
      bySegment = name;
      bestDistance = distance;
    }
  }
  if (bySegment !== undefined) return bySegment;
  return bestShared > 0 ? byWords : undefined;
}

/** Categories about the prescriber, not the patient: health data yet not the patient's PHI. */
const PRESCRIBER_CATEGORIES = new Set(['health.prescriber_name', 'health.prescriber_id']);

/**
 * Protected health information. In a health context (taxonomy.md "Health context") every
 * identifier is PHI: sensitivity M and up, or any HIPAA-lettered category. Outside one, a
 * column of a `health.*` category about the patient still is: it is health information by
 * what it holds, whatever the store declares.
 */
export function isPhiCategory(id: string, healthContext: boolean): boolean {
  const info = BY_ID.get(id);
  if (info === undefined) return false;
  if (healthContext) {
    return SENSITIVITY_RANK[info.sensitivity] >= SENSITIVITY_RANK.M || info.hipaa !== undefined;
  }
  return id.startsWith('health.') && !PRESCRIBER_CATEGORIES.has(id);
}
