import { CATEGORIES, getCategory } from './categories.js';
import type { Classification, ColumnContext } from './types.js';
import { containsWords, nameWords } from './words.js';
import { sharedString } from '../util/shared-strings.js';

/*
 * The built-in classifier reads a column's name as whole words (never substrings), matches the
 * hints of spec/taxonomy.md, then applies what the spec says in words: context (person tables,
 * address siblings, health stores), types (numeric, boolean) and traps. Matching runs in stages:
 *
 *   1. every hint occurrence in the name's words (hints are compiled once, indexed by first word);
 *   2. a match strictly inside a longer match of another category is dropped (`address` inside
 *      `email address`, `name` inside `drug name`), before context is applied, so a longer
 *      reading that context rejects still keeps the shorter one from firing;
 *   3. traps, blockers (aggregates, field metadata such as `_type` or `_verified`), context and
 *      type conditions;
 *   4. among survivors on the same words, the most specific category (`health.patient_id` over
 *      `identifier.person_id`); then the head of the name wins (`mobile_device_id` is a device
 *      id, not a phone) unless the name joins readings with `and`/`or`.
 */

// ---------------------------------------------------------------------------------------------
// Vocabulary

/** Singular nouns naming a person; a table whose last word is one of these is a person table. */
// prettier-ignore
const PERSON_NOUNS = new Set([
  'patient', 'customer', 'member', 'user', 'account', 'cardholder', 'prescriber', 'doctor',
  'physician', 'employee', 'person', 'contact', 'profile', 'subscriber', 'client', 'shopper',
  'guest', 'beneficiary', 'enrollee', 'resident', 'student', 'applicant', 'candidate',
  'participant', 'caregiver', 'dependent', 'consumer', 'individual', 'pharmacist', 'nurse',
  'clinician', 'practitioner', 'recipient', 'buyer', 'borrower', 'donor', 'staff', 'personnel',
  'passenger', 'traveler', 'traveller', 'visitor', 'admin', 'people', 'actor',
]);

/**
 * Words that make a table of accounts a ledger's (`chart_of_accounts`, `ledger_accounts`,
 * `gl_accounts`): its rows are bookkeeping accounts (assets, revenue), not people's.
 */
// prettier-ignore
const LEDGER_WORDS = new Set([
  'chart', 'ledger', 'gl', 'coa', 'accounting', 'bookkeeping', 'journal', 'nominal',
]);

/** Nouns of people that may appear in a column name inside an organisation's table. */
const COLUMN_PERSON_NOUNS = new Set([...PERSON_NOUNS, 'manager', 'owner', 'contact', 'emergency']);

/** Organisations and places: their contact and address columns are not a person's. */
// prettier-ignore
const ORGANISATION_NOUNS = new Set([
  'store', 'shop', 'pharmacy', 'company', 'business', 'vendor', 'supplier', 'merchant',
  'warehouse', 'branch', 'facility', 'office', 'organization', 'organisation', 'org', 'clinic',
  'hospital', 'practice', 'venue', 'carrier', 'payer', 'manufacturer', 'distributor', 'tenant',
  'center', 'centre', 'institution', 'agency',
]);

/** Column prefixes naming who a contact belongs to when it is not a person (`support_email`). */
const ORGANISATION_COLUMN_PREFIXES = new Set([
  ...ORGANISATION_NOUNS,
  'support',
  'sender',
  'noreply',
  'location',
  'site',
  'partner',
]);

/** Machines: their addresses are not a person's device. */
// prettier-ignore
const INFRASTRUCTURE_NOUNS = new Set([
  'server', 'host', 'node', 'instance', 'cluster', 'network', 'subnet', 'router', 'gateway',
  'machine', 'vm', 'container', 'pod', 'proxy', 'firewall', 'endpoint', 'bind', 'listen', 'dns',
  'smtp', 'nat', 'vpc', 'load', 'balancer',
]);

/** Table words that place a table in health care even when the store does not say so. */
// prettier-ignore
const HEALTH_TABLE_WORDS = new Set([
  // Not `claim`: subscription and work-queue claims are common; an insurer's store says `context: health`.
  'patient', 'pt', 'prescription', 'rx', 'pharmacy', 'insurance', 'coverage',
  'eligibility', 'medication', 'medical', 'clinical', 'encounter', 'diagnosis', 'health',
  'hospital', 'clinic', 'lab', 'vital', 'immunization', 'vaccination', 'allergy', 'pump',
  'insulin', 'glucose', 'cgm', 'pdm', 'dispense', 'dispensing', 'refill', 'ehr', 'emr', 'chart',
  'therapy', 'treatment', 'prescriber', 'formulary', 'admission', 'discharge', 'appointment',
  'observation', 'laboratory', 'specimen', 'pathology', 'triage', 'nursing', 'consultation',
  'soap', 'telehealth', 'telemedicine', 'psychotherapy',
]);

/** Words that make a name an aggregate rather than a person's value. */
// prettier-ignore
const AGGREGATE_WORDS = new Set([
  'count', 'counts', 'cnt', 'total', 'totals', 'sum', 'avg', 'average', 'mean', 'median', 'rate',
  'rates', 'pct', 'percent', 'percentage', 'ratio', 'stddev',
]);

/** Words after a hint that make the column metadata about the field, not the field itself. */
// prettier-ignore
const FIELD_METADATA_WORDS = new Set([
  'template', 'templates', 'subject', 'body', 'sent', 'verified', 'verification', 'confirmed',
  'confirmation', 'opt', 'opted', 'optin', 'optout', 'settings', 'setting', 'preference',
  'preferences', 'type', 'types', 'kind', 'provider', 'enabled', 'disabled', 'format', 'policy',
  'length', 'reset', 'changed', 'attempts', 'required', 'field', 'label', 'placeholder',
  'validation', 'regex', 'pattern', 'app', 'platform', 'version', 'os', 'extension', 'ext',
  'domain', 'at', 'id', 'ids', 'uuid', 'fk', 'ref', 'key', 'expires', 'expiry', 'expiration',
  'token', 'tokens', 'otp', 'nonce', 'nonces', 'challenge', 'challenges', 'salt', 'status',
  'assurance', 'certainty', 'confidence', 'allowed',
]);

/**
 * Words after a contact hint that name a one-time value sent to the contact, not the contact
 * (`email_code`, `phone_code`). Only for contact channels: elsewhere `code` is the data itself
 * (`icd_code`, `state_code`, `pin_code`).
 */
const CONTACT_FIELD_WORDS = new Set(['code', 'codes']);
const CONTACT_CHANNEL_CATEGORIES = new Set(['contact.email', 'contact.phone', 'contact.fax']);

/** Verbs of audit columns (`created_by`, `updated_by_user_id`): they never link or identify. */
// prettier-ignore
const AUDIT_VERBS = new Set([
  'created', 'updated', 'modified', 'deleted', 'approved', 'reviewed', 'changed', 'inserted',
  'edited', 'archived', 'submitted', 'processed', 'verified', 'imported', 'revoked',
  'suspended', 'ignored', 'resolved',
]);

/**
 * Verbs that make an audit column only as `<verb> by` (`assigned_by`, `recorded_by_user_id`):
 * `assigned_to_user_id` and `assigned_user_id` name the person responsible, a real person link.
 * The staff member who entered a drug catalogue's row does not make the catalogue personal.
 */
const BY_ONLY_AUDIT_VERBS = new Set(['assigned', 'recorded', 'entered', 'added', 'uploaded']);

/** Words that say a column stores ciphertext (`ssn_encrypted`, `enc_diagnosis`). */
const ENCRYPTION_WORDS = new Set([
  'encrypted',
  'enc',
  'encr',
  'cipher',
  'ciphertext',
  'ciphered',
  'crypt',
  'crypted',
  'sealed',
]);

/** Words that say a column stores a one-way hash (`password_hash`, `passwordScrypt`). */
// prettier-ignore
const HASH_WORDS = new Set([
  'hash', 'hashed', 'digest', 'bcrypt', 'scrypt', 'argon', 'argon2', 'pbkdf', 'pbkdf2', 'crypt',
  'crypted', 'sha', 'sha256', 'sha512',
]);

/** Names about hashing, not hashes (`is_hashed`, `hash_algorithm`, `hashed_at`). */
// prettier-ignore
const HASH_METADATA_WORDS = new Set([
  'is', 'has', 'salt', 'algorithm', 'algo', 'version', 'method', 'type', 'at', 'on', 'enabled',
  'flag', 'status', 'scheme', 'cost', 'rounds', 'iterations', 'params',
]);

/** Names about encryption, not encrypted data (`is_encrypted`, `encryption_key_id`). */
// prettier-ignore
const ENCRYPTION_METADATA_WORDS = new Set([
  'is', 'has', 'key', 'keys', 'iv', 'nonce', 'salt', 'algorithm', 'algo', 'version', 'method',
  'type', 'at', 'on', 'enabled', 'flag', 'status', 'scheme', 'kid', 'tag', 'mode',
]);

/** `enc` also abbreviates "encounter": `enc_id`, `enc_date`. */
const ENCOUNTER_WORDS = new Set(['id', 'date', 'type', 'number', 'code', 'dt', 'time']);

/** Words that tie an OAuth or API client, not a person, to a `client_id`. */
// prettier-ignore
const SOFTWARE_CLIENT_WORDS = new Set([
  'oauth', 'auth', 'api', 'app', 'application', 'token', 'integration', 'sso', 'saml', 'oidc',
  'credential', 'webhook', 'service', 'grant', 'hmac', 'edge', 'machine', 'm2m',
  'authentication', 'authorization',
]);

/** A sibling column that makes `client_id` an OAuth client's (`client_secret`, `clientSecret`). */
const SOFTWARE_CLIENT_SIBLINGS = [['client', 'secret']];

/**
 * Tables of things that carry a name of their own: their `full_name` or `display_name`
 * (`GithubRepository.fullName`, `teams.display_name`) is not a person's.
 */
// prettier-ignore
const NAMED_THING_TABLE_WORDS = new Set([
  'repository', 'repo', 'project', 'package', 'workspace', 'team', 'installation', 'integration',
  'organisation', 'organization', 'org', 'company', 'app', 'application', 'template', 'bucket',
  'channel',
]);

/**
 * Tables of machines and automation (`RuntimeEnvironment`, `SessionRun`, `worker_sessions`): a
 * session there is a process's or an agent's, not a browser's, so its `session_id` is no cookie id.
 */
// prettier-ignore
const MACHINE_TABLE_WORDS = new Set([
  'machine', 'runtime', 'worker', 'job', 'agent', 'run', 'runner', 'environment', 'env',
  'deployment', 'deploy', 'task', 'build', 'pipeline', 'workflow', 'queue', 'daemon', 'bot',
  'container', 'pod', 'server', 'instance', 'cluster', 'execution', 'attempt', 'sandbox',
  'process', 'scheduler', 'cron', 'crawler',
]);

/** Tables of web browsing (`sessions`, `page_views`, `visits`): a `session_id` there is a browser's. */
// prettier-ignore
const BROWSING_TABLE_WORDS = new Set([
  'session', 'visit', 'visitor', 'pageview', 'click', 'clickstream', 'impression', 'browsing',
]);
/** Two-word browsing table names (`page_views`). */
const BROWSING_TABLE_PHRASES = [['page', 'view']];

/** Tables of mail transport: their `address` is an email address, not a postal one. */
// prettier-ignore
const MAIL_TABLE_WORDS = new Set([
  'email', 'mail', 'smtp', 'transport', 'mailer', 'mailbox', 'inbox', 'newsletter',
]);

/**
 * Hints that mean the category only as the name's first word or after one of these words or a
 * person noun: `fingerprint` is biometric as `fingerprint_template`, `user_fingerprint`,
 * `thumb_fingerprint`, never as `error_fingerprint` or `email_fingerprint` (hashes of things).
 */
const PRECEDING_WORDS = new Map<string, ReadonlySet<string>>([
  ['biometric.template|fingerprint', new Set(['finger', 'thumb'])],
]);

/** Hints that mean the category only in a table whose own name names a person (`users.api_key`). */
const PERSON_TABLE_NAME_HINTS = new Set(['credential.secret|api key']);

/**
 * Hints that need a person's key beside them (`mfa_factors.secret` with `user_id`), or a table
 * named after a person; never in an OAuth, webhook or API client's table.
 */
const PERSON_KEY_HINTS = new Set(['credential.secret|secret']);

/**
 * Hints of a person's picture that products and posts also have (`image`, `picture`): a photo only
 * in a table whose name is a person, alone or after a person noun (`users.image_url`,
 * `members.user_picture`), and followed only by words that point at the file (`url`, `path`).
 * `products.image_url`, `users.cover_image` and `users.product_image_url` are no one's face.
 */
const PERSON_TABLE_PHOTO_HINTS = new Set(['person.photo|image', 'person.photo|picture']);
// prettier-ignore
const PHOTO_REFERENCE_WORDS = new Set([
  'url', 'uri', 'link', 'path', 'src', 'file', 'filename', 'location',
]);

/**
 * Tokens and codes that sign a person in (`users.refresh_token`, `UserToken.token`,
 * `sessions.token` beside `user_id`, `UserAuthCode.code`): whoever holds one is the person until
 * it expires, a person's credential like an API key of a person. In a person-linked table; never
 * a machine's, an integration's or an OAuth client's, never one already hashed
 * (`refresh_token_hash`) or spent (`used_refresh_token`), never a number (`refresh_token_counter`),
 * never a care session's. A bare `token` only in a table of sessions or sign-in tokens (not
 * `push_tokens` or `invitations`), a bare `code` only in a table of sign-in codes. A CSRF,
 * pagination or push token is none of these names.
 */
// prettier-ignore
const SIGN_IN_TOKEN_HINTS = new Set([
  'credential.secret|refresh token', 'credential.secret|access token',
  'credential.secret|session token', 'credential.secret|auth token',
  'credential.secret|authentication token', 'credential.secret|bearer token',
  'credential.secret|reset token', 'credential.secret|password reset token',
  'credential.secret|reset password token', 'credential.secret|magic link token',
  'credential.secret|magic link code', 'credential.secret|token', 'credential.secret|code',
]);

/** The words a table of sign-in tokens, sessions or codes is named with, besides person nouns. */
// prettier-ignore
const SIGN_IN_TABLE_WORDS = new Set([
  'token', 'session', 'code', 'auth', 'authentication', 'access', 'refresh', 'login', 'signin',
  'sign', 'in', 'bearer', 'remember', 'magic', 'link', 'jwt', 'backup', 'recovery', 'mfa',
]);

/**
 * Words of a table of codes that sign in (`UserAuthCode`, `login_codes`, two-factor
 * `backup_codes`), not door or invite codes.
 */
const SIGN_IN_CODE_WORDS = new Set([
  'auth',
  'authentication',
  'login',
  'signin',
  'magic',
  'backup',
  'recovery',
  'mfa',
]);

/**
 * Words of tokens that sign nobody in any more (`used_refresh_token`, `revoked_tokens`): kept to
 * refuse a replay, not to sign in.
 */
// prettier-ignore
const SPENT_TOKEN_WORDS = new Set([
  'used', 'revoked', 'expired', 'consumed', 'invalidated', 'blacklist', 'blacklisted', 'blocklist',
  'blocklisted', 'denylist', 'denylisted',
]);

/** Tables of what an application connects to, not of people: their tokens are the service's. */
// prettier-ignore
const SERVICE_TOKEN_TABLE_WORDS = new Set([
  'integration', 'webhook', 'service', 'bot', 'm2m', 'installation', 'connector',
]);

/** `session id` is a cookie id only where a browser's session is meant (see `contextAllows`). */
const SESSION_ID_HINT = 'device.cookie_id|session id';

/** Tables of people licensed to practise: their `license_number` is no driving licence. */
// prettier-ignore
const CLINICIAN_WORDS = new Set([
  'doctor', 'physician', 'therapist', 'practitioner', 'provider', 'clinician', 'nurse',
  'pharmacist', 'prescriber', 'dentist', 'psychologist', 'counselor', 'counsellor', 'surgeon',
]);

/** The last word of a table of animals (`pets`, `clinic_animals`): a vet's patients are no people. */
// prettier-ignore
const ANIMAL_WORDS = new Set([
  'pet', 'animal', 'dog', 'cat', 'horse', 'puppy', 'kitten', 'livestock', 'cattle', 'bird',
]);

/** The last word of a table of the application's own settings (`payment_config`). */
const SETTINGS_TABLE_WORDS = new Set([
  'config',
  'configs',
  'configuration',
  'configurations',
  'setting',
  'settings',
]);

/** Columns only a clinician's profile has: their `license_number` is a licence to practise. */
const PRACTICE_SIBLING =
  /^(?:specialty|speciality|specialties|specialization|specialisation|npi|npi_?number|medical_?specialty|board_?certification|practice_?name)$/i;

/** A staff table: in health care, its licence numbers are licences to practise. */
const STAFF_WORDS = new Set(['staff', 'employee', 'worker', 'personnel']);

/** Hints that mean a postal address unless the table moves mail (`EmailTransport.fromAddress`). */
const POSTAL_ADDRESS_HINTS = new Set(['contact.address.street|address']);

// ---------------------------------------------------------------------------------------------
// Hints beyond the spec table: inflections and compact spellings the table implies.

/**
 * Clinics of Spain, Latin America, Portugal and Brazil name their columns in their language
 * (`nombre_paciente`, `fecha_nacimiento`, `telefone`). Only unambiguous names: a bare `nombre` or
 * `nome` is also a file's or a product's (`nombre_archivo`), so it needs a person beside it.
 */
// prettier-ignore
const SPANISH_AND_PORTUGUESE: Record<string, string[]> = {
  'person.name': [
    'nombre completo', 'nombre paciente', 'paciente nombre', 'nombre del paciente',
    'nome completo', 'nome paciente', 'nome do paciente',
  ],
  'person.first_name': ['nombres', 'primer nombre', 'primeiro nome'],
  'person.last_name': ['apellido', 'apellidos', 'sobrenome'],
  'contact.phone': ['telefono', 'celular', 'telefone'],
  'contact.email': ['correo', 'correo electronico'],
  'contact.address.street': ['direccion', 'domicilio', 'endereco'],
  'demographic.birth_date': [
    'fecha nacimiento', 'fecha de nacimiento', 'data nascimento', 'data de nascimento',
  ],
  'health.diagnosis': ['diagnostico', 'diagnosticos'],
  'health.record_number': ['historia clinica', 'prontuario'],
};

// prettier-ignore
const SUPPLEMENTARY_HINTS: Record<string, string[]> = {
  'person.name': ['fullname', 'physician name'],
  'person.username': ['login id', 'user handle'],
  'person.photo': ['image', 'picture'],
  'contact.phone': ['cell phone', 'mobile number', 'mobile phone', 'phonenumber'],
  'contact.address.street': [
    'street address', 'address1', 'address2', 'ship to address', 'bill to address',
    'sold to address', 'deliver to address', 'mail to address', 'remit to address',
  ],
  'credential.secret': [
    'secret', 'totp secret', 'otp secret', 'mfa secret', 'two factor secret', 'totp seed',
    // Two-factor recovery codes log in as the person (`twoFactorBackupCodes`, `recovery_codes`).
    'backup code', 'backup codes', 'recovery code', 'recovery codes', 'two factor backup codes',
    'two factor recovery codes', 'mfa backup codes', 'mfa recovery codes',
    // Tokens and codes that sign a person in: whoever holds one is the person until it expires
    // (see SIGN_IN_TOKEN_HINTS).
    'refresh token', 'access token', 'session token', 'auth token', 'authentication token',
    'bearer token', 'reset token', 'password reset token', 'reset password token',
    'magic link token', 'magic link code', 'token', 'code',
  ],
  'identifier.person_id': [
    'person id', 'employee id', 'cardholder id', 'shopper id', 'guest id', 'subscriber id',
    'contact id',
  ],
  'device.ip_address': ['ip addr'],
  'device.cookie_id': ['ga client id', 'cookie'],
  'government_id.ssn': [
    'social security', 'social insurance number', 'ssn last 4',
    // India's PAN and other taxpayer numbers: `pan_number`, `pan_card`, `tin`, `taxpayer_id`.
    'pan number', 'pan card', 'pan card number', 'pan no', 'tin', 'tin number', 'taxpayer id',
    'tax identification number', 'tax number',
    // A clinic's record of the identity document number it was shown (`patients.government_id`).
    'government id', 'government id number', 'gov id', 'govt id',
    // National identity numbers by their own country's name: Brazil's CPF, Hong Kong's HKID,
    // Chile's RUT, Mexico's CURP, Spain's and Argentina's DNI, Singapore's NRIC, Poland's PESEL,
    // the Netherlands' BSN, Portugal's and Spain's NIF (seen as `dni_paciente`, `hkid`, `cpf`).
    'cpf', 'hkid', 'hk id', 'rut', 'curp', 'dni', 'nric', 'pesel', 'bsn', 'nif',
    // Bangladesh's and Pakistan's national identity cards (`owner_nid`, `cnic_number`).
    'nid', 'nid number', 'nid no', 'cnic', 'cnic number',
    // Brazil's identity card number (Registro Geral) beside the CPF: `patients.rg`. Only as the
    // whole name of a person table's column (see EXACT_ONLY_HINTS and LINKED_HINTS).
    'rg',
  ],
  'government_id.drivers_license': [
    'driving license', 'driving licence', 'driving license number', 'driving licence number',
    'drivers license number', 'driver license number', 'dl no', 'license number',
  ],
  'government_id.birth_certificate': ['birth cert', 'birth certificate no', 'birth registration number'],
  'health.record_number': [
    // National health ids: India's ABHA, the NHS number, provincial health cards.
    'abha', 'abha number', 'abha id', 'abha address', 'health id', 'health id number',
    'nhs number', 'nhs no', 'health card', 'health card number', 'health insurance number',
  ],
  'health.plan_member_id': [
    'medicare id', 'medicare card number',
    // A clinic's record of the patient's health insurance (`Patient.insurance_number`).
    // Not `insurance_id`: that is as often a key to an insurers table.
    'insurance number', 'insurance member id', 'insurance policy number',
  ],
  'health.plan': ['insurance provider', 'insurance name', 'insurance plan'],
  'health.vitals': [
    'sbp', 'dbp', 'systolic bp', 'diastolic bp', 'bp', 'pulse', 'pulse rate', 'respiratory rate',
    'respiration rate', 'spo 2', 'sp o 2', 'oxygen saturation', 'temperature', 'body temperature',
    'blood glucose', 'blood sugar', 'weight', 'height', 'body mass index',
    'waist circumference', 'head circumference', 'hip circumference',
  ],
  'financial.bank_account': ['bank acct', 'bank account no', 'account holder number'],
  'financial.card': ['credit card number', 'cc number', 'credit card', 'debit card number'],
  'health.diagnosis': [
    'conditions', 'medical condition', 'medical conditions', 'health condition',
    'health conditions', 'diabetes', 'diabetic', 'cancer', 'asthma', 'hypertension',
    'hepatitis', 'epilepsy', 'dementia', 'copd', 'icd code', 'diagnosis code',
    // A clinician's history and the complaint a visit starts from (a hospital app's assessments).
    'medical history', 'past medical history', 'past history', 'family history',
    'clinical history',
    'chief complaint', 'chief complaints', 'presenting complaint', 'presenting complaints',
    'presenting concern', 'presenting concerns', 'presenting problem', 'presenting problems',
    'current concern', 'current concerns', 'visit reason', 'reason for visit',
    // A problem list's entries (`patient_problems.problem_code`), and a diagnosis cut short.
    'problem code', 'problem label', 'problem name', 'problem description', 'diagnos',
    // The history a clinician takes from the patient (a therapy app's `sessions.anamnesis`), only
    // as the end of the name: a clinic's `anamnesis_base_schema` is a form's template.
    'anamnesis', 'anamnese',
  ],
  'health.sensitive_condition': [
    'sexual activity', 'sexually active', 'sexual history', 'sexual behaviour', 'sexual behavior',
    'substance use', 'alcohol use', 'alcohol consumption', 'alcohol intake', 'tobacco use',
    'smoking status', 'smoker', 'drug use', 'recreational drug use', 'recreational drugs',
    'illicit drugs', 'illicit drug use',
    'pregnant', 'hiv status', 'mental illness', 'substance abuse', 'addiction', 'abortion',
    'depression', 'bipolar', 'schizophrenia', 'psychiatry', 'opioids', 'opioid use',
    // A therapy practice's intake: what brought the client, and earlier treatment.
    'therapy history', 'psychiatric history', 'mental health history', 'suicide risk',
    'self harm', 'suicidal ideation',
    // A clinical history's section on tobacco, alcohol and drug use, sexual and living habits.
    'social history',
  ],
  'health.clinical_note': [
    'notes', 'note', 'clinical note', 'progress note', 'soap notes',
    // What a clinician saw, and a recorded session's words (a telehealth or therapy app).
    'provider observations', 'clinical observations', 'clinician observations',
    'treatment plan', 'treatment plans', 'care plan', 'treatment notes',
    'session transcript', 'transcript', 'transcript text',
    // The four parts of a SOAP note, as columns of a note table (see SOAP_SECTION_HINTS).
    'subjective', 'objective', 'assessment', 'plan',
    // The body of a note table's row (see NOTE_TABLE_HINTS).
    'content', 'body', 'text', 'note text', 'note content',
    // A doctor's examination record: triage and nursing notes, the findings of each body system
    // (`cardiovascular_examination`), the plan and the referrals; a care plan's goals and
    // interventions; a patient's clinical profile.
    'triage notes', 'triage note', 'nursing notes', 'nursing note', 'examination',
    'physical examination', 'general appearance', 'plan treatment', 'referrals', 'care goals',
    'care goal', 'nursing interventions', 'nursing intervention', 'clinical profile',
  ],
  'health.medication': ['drug', 'medication name', 'drug code'],
  'health.procedure': ['procedures', 'surgery', 'surgery name', 'surgeries', 'surgical history'],
  'health.prescriber_name': ['prescribing doctor', 'physician name', 'prescriber'],
  'health.prescriber_id': ['prescriber id', 'doctor id', 'physician id', 'practitioner id'],
  'health.dates': [
    // The date of a health event is a date, not the event: `diagnosis_date` holds no diagnosis.
    'diagnosis date', 'diagnosed at', 'diagnosed on', 'prescription date', 'prescribed at',
    'prescribed date', 'procedure date', 'vaccination date', 'immunization date', 'vaccine date',
    'test date', 'lab date', 'result date', 'onset date', 'surgery date', 'allergy date',
    'dispensed date', 'dispense at',
    'admitted at', 'discharged at', 'dispensed at', 'filled at', 'date of service', 'death date',
    'date of prescription', 'date of diagnosis', 'date of admission', 'date of discharge',
    'date of visit', 'date of appointment', 'date of procedure', 'date of surgery',
  ],
  'health.immunization': ['vaccinations', 'immunizations', 'vaccines'],
  'health.allergy': ['allergen', 'allergens', 'allergen label', 'allergen name'],
  'health.prescription': [
    'quantity prescribed', 'prescribed quantity', 'prescriptions',
    // A prescription line's directions for use (see PRESCRIPTION_TABLE_HINTS).
    'instructions',
  ],
  'health.lab_result': [
    'lab results', 'test results', 'hba 1 c', 'blood group', 'blood type', 'rh factor',
    // The value columns of a lab or observation table (see LAB_TABLE_HINTS).
    'result', 'results', 'value', 'result value', 'interpretation', 'observation value',
  ],
  'health.device_usage': ['insulin dose', 'bolus dose', 'basal rate', 'glucose readings'],
};

/** Traps beyond the spec table; a trap applies when it strictly contains the hint's words. */
// prettier-ignore
const SUPPLEMENTARY_TRAPS: Record<string, string[]> = {
  'identifier.person_id': [
    'deleted by user id', 'modified by user id', 'approved by user id', 'reviewed by user id',
    'oauth client id', 'api client id', 'ga client id',
  ],
  'contact.address.street': [
    'mac addr', 'email addr', 'wallet address', 'contract address', 'from address', 'to address',
    'reply to address', 'sender address', 'smtp address', 'server address', 'bind address',
  ],
  'device.device_id': ['app installation id', 'github installation id'],
  'biometric.template': [
    'device fingerprint', 'key fingerprint', 'file fingerprint', 'tls fingerprint',
    'cert fingerprint', 'gpg fingerprint', 'pgp fingerprint', 'content fingerprint',
    'document fingerprint', 'request fingerprint', 'error fingerprint', 'email fingerprint',
    'asset fingerprint', 'image fingerprint', 'upload fingerprint', 'build fingerprint',
  ],
  'health.sensitive_condition': ['hearing aids', 'visual aids', 'opioid free'],
  'health.prescription': [
    'refills allowed', 'refills remaining count',
    // A delivery's or a pickup's instructions say where to leave a parcel, not how to take a drug.
    'delivery instructions', 'shipping instructions', 'pickup instructions', 'access instructions',
  ],
  'health.diagnosis': [
    'diagnosis certainty', 'diagnosis confidence', 'diagnosis status', 'diagnosis type',
    'diagnosis count', 'condition status', 'condition type',
  ],
  'health.procedure': ['stored procedure name'],
  'contact.phone': ['cell type', 'cell count'],
  'financial.card': ['report card', 'scorecard', 'business card', 'library card number'],
};

/** A hint reaches its category only when the column's whole name is the hint (`name`, `_ga`). */
const EXACT_ONLY_HINTS = new Set([
  'person.name|name',
  'device.cookie_id|ga',
  'device.cookie_id|fbp',
  'device.cookie_id|cookie',
  'person.username|handle',
  'health.prescriber_name|prescriber',
  'health.medication|drug',
  'credential.secret|secret',
  'government_id.ssn|rg',
  // A table of sign-in tokens or codes decides (see SIGN_IN_TOKEN_HINTS).
  'credential.secret|token',
  'credential.secret|code',
  // A patient's referrals to other clinicians; `referral_code` and `referrals_count` are no notes.
  'health.clinical_note|referrals',
  // `surgery` names the procedure; `surgery_time` or `surgery_package` does not.
  'health.procedure|surgery',
  'health.procedure|surgeries',
]);

/** Hints that are a lab result only as a whole column name of a lab or observation table (`lab_results.value`). */
// prettier-ignore
const LAB_TABLE_HINTS = new Set([
  'health.lab_result|result', 'health.lab_result|results', 'health.lab_result|value',
  'health.lab_result|result value', 'health.lab_result|interpretation',
  'health.lab_result|observation value',
]);
const LAB_TABLE_WORDS = new Set([
  'lab',
  'labs',
  'laboratory',
  'observation',
  'test',
  'result',
  'panel',
  'specimen',
  'pathology',
  'vital',
  'measurement',
]);

/** Hints that are a clinical note only as a whole column name of a note table in health care (`patient_notes.content`). */
// prettier-ignore
const NOTE_TABLE_HINTS = new Set([
  'health.clinical_note|content', 'health.clinical_note|body', 'health.clinical_note|text',
  'health.clinical_note|note text', 'health.clinical_note|note content',
]);
const NOTE_TABLE_WORDS = new Set(['note', 'notes', 'comment', 'comments', 'narrative', 'soap']);

/**
 * The sections of a SOAP note (`soap_notes.subjective` … `plan`): clinical notes only as a whole
 * column name of a clinical note's table in health care; elsewhere `plan` and `assessment` are a
 * subscription's or a course's.
 */
// prettier-ignore
const SOAP_SECTION_HINTS = new Set([
  'health.clinical_note|subjective', 'health.clinical_note|objective',
  'health.clinical_note|assessment', 'health.clinical_note|plan',
]);
const SOAP_TABLE_WORDS = new Set(['soap', 'progress', 'encounter', 'consultation', 'clinical']);

/** Tables of a clinical history, where a bare `condition` is a diagnosis (`medical_history.condition`). */
const CONDITION_TABLE_WORDS = new Set(['history', 'problem', 'condition', 'diagnosis', 'medical']);

/** Last words naming a code system rather than a code (`problem_code_system`). */
const TERMINOLOGY_WORDS = new Set(['system', 'terminology', 'vocabulary']);

/** Units written after a vital sign's name (`height_cm`, `weight_kg`, `temperature_celsius`). */
// prettier-ignore
const VITAL_UNIT_WORDS = new Set([
  'cm', 'mm', 'm', 'in', 'inch', 'inches', 'ft', 'kg', 'kgs', 'g', 'lb', 'lbs', 'pounds', 'oz',
  'c', 'f', 'celsius', 'fahrenheit', 'bpm', 'mmhg', 'percent',
]);

/** FHIR-style typed value columns of an observation (`value_string`, `value_quantity`). */
// prettier-ignore
const OBSERVATION_VALUE_TYPES = new Set([
  'string', 'numeric', 'number', 'code', 'text', 'quantity', 'integer', 'decimal', 'boolean',
]);

/** Vital signs that are other things elsewhere (`products.weight`, `rooms.temperature`): only in a health table or store. */
// prettier-ignore
const HEALTH_SCOPE_VITALS = new Set([
  'health.vitals|sbp', 'health.vitals|dbp', 'health.vitals|bp', 'health.vitals|pulse',
  'health.vitals|temperature', 'health.vitals|weight', 'health.vitals|height',
  'health.vitals|body temperature', 'health.vitals|respiratory rate',
  'health.vitals|respiration rate', 'health.vitals|spo 2', 'health.vitals|sp o 2',
  'health.vitals|waist circumference', 'health.vitals|head circumference',
  'health.vitals|hip circumference',
]);

/** Hints that the spec ties to a person table (by name, or by a person link). */
const LINKED_HINTS = new Set([
  'person.name|display name',
  'government_id.ssn|rg',
  'person.username|handle',
  'device.device_id|installation id',
]);

/** Ambiguous hints that mean health data only in a health store or a health table. */
const HEALTH_SCOPE_HINTS = new Set([
  'health.clinical_note|provider observations',
  'health.clinical_note|clinical observations',
  'health.clinical_note|clinician observations',
  'health.clinical_note|session transcript',
  'health.clinical_note|transcript',
  'health.clinical_note|transcript text',
  'health.diagnosis|current concern',
  'health.diagnosis|current concerns',
  'health.diagnosis|visit reason',
  'health.diagnosis|reason for visit',
  'health.diagnosis|problem code',
  'health.diagnosis|problem label',
  'health.diagnosis|problem name',
  'health.diagnosis|problem description',
  'health.prescription|sig',
  'health.prescription|directions',
  'health.lab_result|test result',
  'health.lab_result|test results',
  'health.procedure|procedure',
  'health.procedure|procedures',
  'health.procedure|surgery',
  'health.procedure|surgery name',
  'health.procedure|surgeries',
  'health.diagnosis|past history',
  'health.diagnosis|family history',
  'health.sensitive_condition|social history',
  'health.clinical_note|triage notes',
  'health.clinical_note|triage note',
  'health.clinical_note|nursing notes',
  'health.clinical_note|nursing note',
  'health.clinical_note|examination',
  'health.clinical_note|physical examination',
  'health.clinical_note|general appearance',
  'health.clinical_note|plan treatment',
  'health.clinical_note|referrals',
  'health.clinical_note|care goals',
  'health.clinical_note|care goal',
  'health.clinical_note|nursing interventions',
  'health.clinical_note|nursing intervention',
  'health.plan|insurance plan',
  'health.plan|payer',
  'health.plan|group number',
  'health.plan|plan name',
  'health.plan_member_id|member id',
  'health.plan_member_id|subscriber id',
  'health.plan_member_id|insured id',
  'health.plan_member_id|policy holder id',
  'health.device_usage|pump',
  'health.device_usage|pdm',
  'health.device_serial|serial number',
  'health.dates|service date',
  'health.dates|visit date',
  'health.dates|appointment date',
  'health.dates|fill date',
  'health.dates|filled at',
  'health.claim_id|claim id',
  'health.claim_id|claim number',
]);

/**
 * Hints that mean the category only at the end of the name: `cardiovascular_examination` and
 * `initial_anamnesis` hold the findings, `examination_date` and `anamnesis_template_id` do not.
 */
// prettier-ignore
const NAME_END_HINTS = new Set([
  'health.diagnosis|anamnesis', 'health.diagnosis|anamnese', 'health.clinical_note|examination',
  'health.clinical_note|physical examination', 'health.prescription|instructions',
]);

/** Hints that are a prescription only in a prescription's table (`prescription_items.instructions`). */
const PRESCRIPTION_TABLE_HINTS = new Set(['health.prescription|instructions']);
const PRESCRIPTION_TABLE_WORDS = new Set(['prescription', 'rx', 'eprescription', 'medication']);

/** Hints of a person's name that a repository, team or app also has (`GithubRepository.fullName`). */
const THING_NAME_HINTS = new Set([
  'person.name|full name',
  'person.name|fullname',
  'person.name|display name',
]);

const HEALTH_IDENTIFIERS = new Set([
  'health.patient_id',
  'health.record_number',
  'health.plan_member_id',
  'health.claim_id',
  'health.rx_number',
]);

const LINK_REQUIRED_PREFIXES = [
  'demographic.',
  'contact.address.country',
  'contact.url',
  'person.photo',
  'identifier.account_number',
  'identifier.transaction_id',
  'location.',
  'online.',
  'credential.',
  'financial.purchase_history',
  'government_id.vehicle',
];

/** Categories whose plain-word hints are personal only in a person-linked table. */
function needsPersonLink(category: string): boolean {
  if (category === 'demographic.birth_date' || category === 'demographic.birth_year') return false;
  if (category.startsWith('health.')) return !HEALTH_IDENTIFIERS.has(category);
  return LINK_REQUIRED_PREFIXES.some((prefix) => category.startsWith(prefix));
}

/** Categories an organisation's or a place's table holds about itself, not about a person. */
const ORGANISATION_CATEGORY_PREFIXES = [
  'contact.',
  'location.',
  'financial.bank_account',
  'identifier.account_number',
  'government_id.ssn',
];

/** The more specific category wins when both read the same words. */
const SUPERSEDES: Record<string, string[]> = {
  'health.patient_id': ['identifier.person_id'],
  'health.plan_member_id': ['identifier.person_id'],
  'health.claim_id': ['identifier.transaction_id'],
  'health.rx_number': ['identifier.transaction_id'],
  // `pin` beside `city` and `address` (India's PIN code): the postal reading, not a secret.
  'contact.address.postal_code': ['credential.secret'],
};

/** Categories a boolean may hold: a flag stating a condition (`has_hiv`, `is_pregnant`). */
const BOOLEAN_CATEGORIES = new Set(['health.sensitive_condition', 'health.diagnosis']);
// prettier-ignore
const BOOLEAN_DIAGNOSIS_HINTS = new Set([
  'diabetes', 'diabetic', 'cancer', 'asthma', 'hypertension', 'hepatitis', 'epilepsy', 'dementia',
  'copd',
]);

/** Categories whose presence ties a table to a person (taxonomy.md, "Person-linked tables"). */
const LINKING_CATEGORY_PREFIXES = [
  'person.',
  'contact.email',
  'contact.phone',
  'contact.fax',
  'contact.address.street',
  'contact.address.postal_code',
  'identifier.person_id',
  'health.patient_id',
  'health.record_number',
  'health.plan_member_id',
  'government_id.',
  'device.',
  'financial.card',
  'biometric.',
  'demographic.birth_date',
];

// ---------------------------------------------------------------------------------------------
// Compiled hints

interface CompiledHint {
  category: string;
  /** The hint as written in the table (or its supplement), for reasons and conditions. */
  hint: string;
  words: string[];
  key: string;
}

interface CompiledCategory {
  traps: string[][];
}

const HINTS_BY_FIRST_WORD = new Map<string, CompiledHint[]>();
const COMPILED_CATEGORIES = new Map<string, CompiledCategory>();

function addHint(category: string, hint: string, words: string[]): void {
  const first = words[0];
  if (first === undefined) return;
  const entry: CompiledHint = { category, hint, words, key: `${category}|${hint}` };
  const list = HINTS_BY_FIRST_WORD.get(first);
  if (list === undefined) HINTS_BY_FIRST_WORD.set(first, [entry]);
  else if (!list.some((other) => other.category === category && sameWords(other.words, words))) {
    list.push(entry);
  }
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, index) => word === b[index]);
}

for (const info of CATEGORIES) {
  const hints = [
    ...info.hints,
    ...(SUPPLEMENTARY_HINTS[info.id] ?? []),
    ...(SPANISH_AND_PORTUGUESE[info.id] ?? []),
  ];
  for (const hint of hints) {
    const words = [...nameWords(hint)];
    addHint(info.id, hint, words);
    // Postgres folds unquoted camelCase to `firstname`, `dateofbirth`: match the joined form too.
    if (words.length > 1 && words.every((word) => /^[a-z]+$/.test(word))) {
      addHint(info.id, hint, [words.join('')]);
    }
  }
  const traps = [...info.traps, ...(SUPPLEMENTARY_TRAPS[info.id] ?? [])].map((trap) => [
    ...nameWords(trap),
  ]);
  COMPILED_CATEGORIES.set(info.id, { traps });
}

// ---------------------------------------------------------------------------------------------
// Types

function baseType(dataType: string): string {
  return dataType
    .trim()
    .toLowerCase()
    .replace(/\[\]$/, '')
    .replace(/\bunsigned\b|\bzerofill\b|\bsigned\b/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

// prettier-ignore
const NUMERIC_TYPES = new Set([
  'int', 'integer', 'bigint', 'biginteger', 'smallint', 'tinyint', 'mediumint', 'serial',
  'bigserial', 'smallserial', 'serial2', 'serial4', 'serial8', 'increments', 'bigincrements',
  'numeric', 'decimal', 'dec', 'real', 'double', 'double precision', 'float', 'float4', 'float8',
  'int2', 'int4', 'int8', 'money', 'smallmoney', 'number', 'long', 'short', 'byte',
]);

/** Integer types a timestamp is kept in as epoch seconds or milliseconds. */
const EPOCH_TYPES = new Set(['int', 'integer', 'bigint', 'biginteger', 'int8', 'long']);

const BOOLEAN_TYPES = new Set(['boolean', 'bool', 'bit', 'bit(1)', 'tinyint(1)']);

const TEMPORAL_TYPE = /^(date|time|timestamp|timestamptz|datetime|datetime2|interval|year)\b/;

/**
 * Numeric SQL and ORM types (`integer`, `bigint`, `numeric(10,2)`, `double precision`,
 * `float8`, `money`, Prisma `Int`/`Decimal`). `tinyint(1)` is MySQL's boolean, not a number.
 */
export function isNumericType(dataType: string | undefined): boolean {
  if (dataType === undefined) return false;
  const base = baseType(dataType);
  if (BOOLEAN_TYPES.has(base.replace(/\s/g, ''))) return false;
  return NUMERIC_TYPES.has(base.replace(/\s*\(.*$/, ''));
}

/** Boolean types: `boolean`, `bool`, `bit`/`bit(1)`, and MySQL's `tinyint(1)`. */
export function isBooleanType(dataType: string | undefined): boolean {
  if (dataType === undefined) return false;
  return BOOLEAN_TYPES.has(baseType(dataType).replace(/\s/g, ''));
}

function isTemporalType(dataType: string): boolean {
  return TEMPORAL_TYPE.test(baseType(dataType));
}

// ---------------------------------------------------------------------------------------------
// Tables

function singular(word: string): string {
  if (word === 'people') return 'person';
  if (word === 'staff' || word === 'personnel') return word;
  if (word.endsWith('ies') && word.length > 4) return word.slice(0, -3) + 'y';
  if (/(ss|sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 3) return word.slice(0, -1);
  return word;
}

function singularWordList(words: readonly string[]): string[] {
  return words.map(singular);
}

function isPersonNoun(word: string): boolean {
  return PERSON_NOUNS.has(word) || PERSON_NOUNS.has(singular(word));
}

/**
 * A table whose last word names a person, singular or plural, any casing: `patients`,
 * `pps_patients`, `kroger_accounts`, `AppUser`, `public.people`. `user_settings` and `user_roles`
 * are not: they hold a person's settings or roles, and they are person-linked by their `user_id`
 * instead. Nor are `oauth_clients` or `api_clients`, nor a ledger's `chart_of_accounts`.
 */
export function isPersonTableName(table: string): boolean {
  const words = nameWords(table);
  const last = words.at(-1);
  if (last === undefined || !isPersonNoun(last)) return false;
  if (isLedgerAccountsName(words)) return false;
  // `oauth_clients`, `api_clients` hold software, not people.
  return singular(last) !== 'client' || !words.some((word) => SOFTWARE_CLIENT_WORDS.has(word));
}

/** `chart_of_accounts`, `ledger_accounts`, `gl_accounts`: a bookkeeping ledger's accounts. */
function isLedgerAccountsName(words: readonly string[]): boolean {
  const last = words.at(-1);
  return (
    last !== undefined &&
    singular(last) === 'account' &&
    words.some((word) => LEDGER_WORDS.has(word))
  );
}

interface TableFacts {
  words: string[];
  singularWords: Set<string>;
  personTable: boolean;
  healthTable: boolean;
  organisationTable: boolean;
  infrastructureTable: boolean;
  softwareClientTable: boolean;
  /** A repository, team, app…: its `full_name` is its own. */
  namedThingTable: boolean;
  /** A mail transport's table: its `address` is an email address. */
  mailTable: boolean;
  /** Some word of the table's own name is a person (`users`, `user_api_keys`, `member_tokens`). */
  namesPerson: boolean;
  /** A table of machines or automation (`RuntimeEnvironment`, `SessionRun`, `job_runs`). */
  machineTable: boolean;
  /** A table of web browsing (`sessions`, `page_views`, `visits`). */
  browsingTable: boolean;
}

const TABLE_FACTS_CACHE = new Map<string, TableFacts>();
const TABLE_FACTS_CACHE_LIMIT = 2000;

function tableFacts(table: string): TableFacts {
  const cached = TABLE_FACTS_CACHE.get(table);
  if (cached !== undefined) return cached;
  const words = [...nameWords(table)];
  // Each word's singular once: every vocabulary below is looked up with both forms.
  const singulars = singularWordList(words);
  const singularWords = new Set(singulars);
  const hasAny = (vocabulary: ReadonlySet<string>) =>
    words.some((word, index) => vocabulary.has(word) || vocabulary.has(singulars[index] as string));
  const personTable = isPersonTableName(table);
  const hasPersonNoun = hasAny(PERSON_NOUNS);
  const facts: TableFacts = {
    words,
    singularWords,
    personTable,
    healthTable: hasAny(HEALTH_TABLE_WORDS),
    organisationTable: hasAny(ORGANISATION_NOUNS) && !hasPersonNoun,
    infrastructureTable: hasAny(INFRASTRUCTURE_NOUNS),
    softwareClientTable: hasAny(SOFTWARE_CLIENT_WORDS),
    namedThingTable: hasAny(NAMED_THING_TABLE_WORDS),
    mailTable: hasAny(MAIL_TABLE_WORDS),
    namesPerson: personTable || hasPersonNoun,
    machineTable: hasAny(MACHINE_TABLE_WORDS),
    browsingTable:
      hasAny(BROWSING_TABLE_WORDS) ||
      BROWSING_TABLE_PHRASES.some((phrase) => containsWords(singulars, phrase)),
  };
  if (TABLE_FACTS_CACHE.size >= TABLE_FACTS_CACHE_LIMIT) TABLE_FACTS_CACHE.clear();
  TABLE_FACTS_CACHE.set(table, facts);
  return facts;
}

/** Words of a name with a trailing `no`/`num`/`nbr` read as `number` (`rx_no`, `acct_num`). */
function columnWords(column: string): string[] {
  // A copy: nameWords shares its cached arrays.
  const words = nameWords(column).flatMap(unfoldQualifier);
  const last = words.length - 1;
  if (last >= 1 && (words[last] === 'no' || words[last] === 'num' || words[last] === 'nbr')) {
    words[last] = 'number';
  }
  return words;
}

/**
 * Whose contact a folded name holds, when Postgres has lowercased an unquoted camelCase name
 * (`recipientEmail` → `recipientemail`, `emergencyContactPhone` → `emergencycontactphone`).
 */
// prettier-ignore
const FOLDED_QUALIFIERS = [
  'emergencycontact', 'recipient', 'patient', 'user', 'contact', 'primary', 'secondary',
  'emergency', 'home', 'work', 'mobile', 'billing', 'shipping', 'customer', 'client', 'guardian',
  'parent', 'owner', 'sender', 'personal', 'alternate', 'alt', 'backup', 'doctor', 'member',
  'employee', 'student', 'guest', 'caller', 'mother', 'father', 'spouse',
];

/**
 * `recipientemail` → `recipient`, `email`: a folded word that is a qualifier and then a word a hint
 * is made of on its own (`email`, `phone`, `phonenumber`, `firstname`). Anything else stays whole,
 * so `emailverified` or `userguide` never split.
 */
function unfoldQualifier(word: string): string[] {
  if (word.length < 7 || HINTS_BY_FIRST_WORD.has(word)) return [word];
  for (const qualifier of FOLDED_QUALIFIERS) {
    if (!word.startsWith(qualifier)) continue;
    const rest = word.slice(qualifier.length);
    const hints = HINTS_BY_FIRST_WORD.get(rest);
    if (hints?.some((hint) => hint.words.length === 1)) return [qualifier, rest];
  }
  return [word];
}

function isAuditName(words: readonly string[]): boolean {
  const first = words[0];
  if (first !== undefined && AUDIT_VERBS.has(first) && words.length > 1) return true;
  for (let index = 1; index < words.length; index++) {
    if (words[index] !== 'by') continue;
    const verb = words[index - 1] as string;
    if (AUDIT_VERBS.has(verb) || BY_ONLY_AUDIT_VERBS.has(verb)) return true;
  }
  return false;
}

/**
 * A column named `<person>_id` (`user_id`, `customerId`, `account_id`) that is not an audit
 * column nor a software client's `client_id`.
 */
function isPersonKeyName(
  words: readonly string[],
  table: TableFacts,
  siblings: readonly string[],
): boolean {
  const last = words.at(-1);
  const beforeLast = words.at(-2);
  if (last !== 'id' || beforeLast === undefined || !isPersonNoun(beforeLast)) return false;
  if (isAuditName(words)) return false;
  return singular(beforeLast) !== 'client' || !isSoftwareClient(table, siblings);
}

/** The table holds OAuth or API clients: by its name, or a `client_secret` column beside. */
function isSoftwareClient(table: TableFacts, siblings: readonly string[]): boolean {
  if (table.softwareClientTable) return true;
  return siblings.some((sibling) => siblingTraits(sibling).softwareClient);
}

function hasPersonKeySibling(scope: Scope): boolean {
  const { context, table } = scope;
  return context.siblingColumns.some(
    (sibling) =>
      sibling !== context.column && isPersonKeySibling(sibling, table, context.siblingColumns),
  );
}

/** `isPersonKeyName` for a sibling, from its cached traits. */
function isPersonKeySibling(
  sibling: string,
  table: TableFacts,
  siblings: readonly string[],
): boolean {
  const traits = siblingTraits(sibling);
  return traits.personKeyShape && (!traits.clientKey || !isSoftwareClient(table, siblings));
}

/**
 * What the classifier reads in a sibling's name, whatever the table: a table's siblings are read
 * for each of its columns, so each name is read once.
 */
interface SiblingTraits {
  /** Reads as an OAuth or API client's secret (`client_secret`). */
  softwareClient: boolean;
  /** Reads as part of a postal address (`street`, `zip_code`, `address` but not `email_address`). */
  address: boolean;
  /** Shaped as `<person>_id` and not an audit column (`user_id`, not `created_by_user_id`). */
  personKeyShape: boolean;
  /** The person noun is `client`: a software client's key beside a `client_secret`. */
  clientKey: boolean;
  /** A patient's key (`patient_id`, `mrn`, `uhId`): the row is about a patient's care. */
  patientKey: boolean;
}

/** Categories of a column that keys a row to a patient. */
const PATIENT_KEY_CATEGORIES = new Set(['health.patient_id', 'health.record_number']);

const SIBLING_TRAITS_LIMIT = 50_000;
const siblingTraitsCache = new Map<string, SiblingTraits>();

function siblingTraits(name: string): SiblingTraits {
  const cached = siblingTraitsCache.get(name);
  if (cached !== undefined) return cached;
  const words = nameWords(name);
  const keyWords = columnWords(name);
  const beforeLast = keyWords.at(-2);
  const traits: SiblingTraits = {
    softwareClient: SOFTWARE_CLIENT_SIBLINGS.some((phrase) => containsWords(words, phrase)),
    address: readsAsAddress(words),
    personKeyShape:
      keyWords.at(-1) === 'id' &&
      beforeLast !== undefined &&
      isPersonNoun(beforeLast) &&
      !isAuditName(keyWords),
    clientKey: beforeLast !== undefined && singular(beforeLast) === 'client',
    patientKey: findMatches(keyWords).some(
      (match) => match.end === keyWords.length && PATIENT_KEY_CATEGORIES.has(match.hint.category),
    ),
  };
  if (siblingTraitsCache.size >= SIBLING_TRAITS_LIMIT) siblingTraitsCache.clear();
  siblingTraitsCache.set(name, traits);
  return traits;
}

/**
 * Everything `classifyColumn` reads in `siblingColumns`, as one string: two contexts that differ
 * only in siblings with the same signature classify every column alike. The model keys its
 * classification cache with it, so a migration that adds one column to a wide table reclassifies
 * only that column, not its siblings.
 */
export function siblingSignature(table: string, siblings: readonly string[]): string {
  const facts = tableFacts(table);
  const softwareClient = isSoftwareClient(facts, siblings);
  // A column looks for another address or person-key sibling than itself: two such names
  // answer yes for every column, so only the first two matter.
  const address: string[] = [];
  const personKeys: string[] = [];
  let patientKey = false;
  for (const sibling of siblings) {
    const traits = siblingTraits(sibling);
    if (traits.address && address.length < 2) address.push(sibling);
    if (traits.personKeyShape && (!traits.clientKey || !softwareClient) && personKeys.length < 2) {
      personKeys.push(sibling);
    }
    patientKey ||= traits.patientKey;
  }
  const some = (names: string[]) => (names.length < 2 ? names.join('\u0000') : '\u0001');
  return [
    softwareClient ? 'client' : '',
    some(address),
    some(personKeys),
    patientKey ? 'patient' : '',
  ].join('\u0002');
}

// prettier-ignore
const ADDRESS_SIBLING_WORDS = new Set([
  'street', 'city', 'zip', 'zipcode', 'postal', 'postcode', 'town', 'county',
]);
const NON_POSTAL_ADDRESS_WORDS = new Set(['email', 'ip', 'mac', 'web', 'wallet', 'remote', 'e']);

function hasAddressSibling(siblings: readonly string[], self: string): boolean {
  return siblings.some((sibling) => sibling !== self && siblingTraits(sibling).address);
}

function readsAsAddress(words: readonly string[]): boolean {
  for (let index = 0; index < words.length; index++) {
    const word = words[index] as string;
    if (ADDRESS_SIBLING_WORDS.has(word)) return true;
    if (word === 'address' || word === 'addr') {
      const before = words[index - 1];
      if (before === undefined || !NON_POSTAL_ADDRESS_WORDS.has(before)) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Classification

interface Match {
  hint: CompiledHint;
  start: number;
  end: number;
  /** Context that decided, for the reason. */
  context?: string;
}

function findMatches(words: readonly string[]): Match[] {
  const matches: Match[] = [];
  for (let start = 0; start < words.length; start++) {
    const candidates = HINTS_BY_FIRST_WORD.get(words[start] as string);
    if (candidates === undefined) continue;
    for (const hint of candidates) {
      const end = start + hint.words.length;
      if (end > words.length) continue;
      let matched = true;
      for (let offset = 1; offset < hint.words.length; offset++) {
        if (words[start + offset] !== hint.words[offset]) {
          matched = false;
          break;
        }
      }
      if (matched) matches.push({ hint, start, end });
    }
  }
  return matches;
}

function strictlyContains(outer: { start: number; end: number }, inner: Match): boolean {
  return (
    outer.start <= inner.start &&
    inner.end <= outer.end &&
    outer.end - outer.start > inner.end - inner.start
  );
}

function isTrapped(words: readonly string[], match: Match): boolean {
  const traps = COMPILED_CATEGORIES.get(match.hint.category)?.traps ?? [];
  for (const trap of traps) {
    const length = trap.length;
    if (length <= match.end - match.start) continue;
    const earliest = Math.max(0, match.end - length);
    for (let start = earliest; start <= match.start; start++) {
      if (start + length > words.length) break;
      if (trap.every((word, offset) => words[start + offset] === word)) return true;
    }
  }
  return false;
}

/** An aggregate or field-metadata word outside the hint makes the column not personal. */
function blockedByNeighbours(words: readonly string[], match: Match): boolean {
  for (let index = 0; index < words.length; index++) {
    if (index >= match.start && index < match.end) continue;
    const word = words[index] as string;
    if (AGGREGATE_WORDS.has(word)) return true;
    // `num_refills` counts; a trailing `num` was already read as `number`.
    if (word === 'num' && index < match.start) return true;
    if (
      index >= match.end &&
      CONTACT_FIELD_WORDS.has(word) &&
      CONTACT_CHANNEL_CATEGORIES.has(match.hint.category)
    ) {
      return true;
    }
    if (index >= match.end && FIELD_METADATA_WORDS.has(word)) {
      // A biometric `template` is the data itself (`fingerprint_template`).
      if (!(word === 'template' && match.hint.category.startsWith('biometric.'))) return true;
    }
  }
  return false;
}

interface Scope {
  context: ColumnContext;
  words: string[];
  table: TableFacts;
  linked: boolean;
  healthScope: boolean;
}

function describeLink(scope: Scope): string {
  if (scope.table.personTable) return `in person table "${scope.context.table}"`;
  const chain = scope.context.personLinkChain;
  return chain === undefined
    ? `in person-linked table "${scope.context.table}"`
    : `in table "${scope.context.table}", linked to a person through ${chain}`;
}

function describeHealth(scope: Scope): string {
  if (scope.context.healthContext) return 'in a health context';
  if (scope.table.healthTable) return `in health table "${scope.context.table}"`;
  return `in table "${scope.context.table}" keyed to a patient`;
}

/**
 * A row that carries a patient's key (`patient_id`, `mrn`, a hospital's `uhId`) is about that
 * patient's care, whatever the table is called: ambiguous health words (`procedure`, `bp`) mean
 * health there. Seen in a hospital app whose assessment and emergency tables named no health word.
 */
function keyedToPatient(context: ColumnContext): boolean {
  // Asked for every column: read once per sibling list (the model passes one list per table).
  let keyed = patientKeyedSiblings.get(context.siblingColumns);
  if (keyed === undefined) {
    keyed = context.siblingColumns.some((sibling) => siblingTraits(sibling).patientKey);
    patientKeyedSiblings.set(context.siblingColumns, keyed);
  }
  return keyed;
}

const patientKeyedSiblings = new WeakMap<readonly string[], boolean>();

/**
 * India's postal code is the PIN code: `pin_code` beside `city` and `state` is an address part, not
 * a card's or account's PIN (elsewhere this reading is dropped and `pin` decides).
 */
const PIN_CODE_HINTS = new Set([
  'contact.address.postal_code|pin',
  'contact.address.postal_code|pin code',
  'contact.address.postal_code|pincode',
]);

/** Context conditions of the spec; returns the context that decided, or false to reject. */
function contextAllows(scope: Scope, match: Match): string | false | undefined {
  const { category, key } = match.hint;
  const { words, table, context } = scope;
  const notes: string[] = [];

  if (EXACT_ONLY_HINTS.has(key) && match.end - match.start !== words.length) return false;
  if (NAME_END_HINTS.has(key) && match.end !== words.length) return false;
  // `allergen_code_system`, `problem_code_system`: the name of a terminology (SNOMED, ICD-10),
  // the same in every row, not a value of it.
  if (category.startsWith('health.') && TERMINOLOGY_WORDS.has(words[words.length - 1] as string)) {
    if (match.end < words.length) return false;
  }

  // `pets.age`, `pets.avatar_url`, `animals.diagnosis`: the animal's, not its owner's (an
  // owner's phone kept on the pet's row stays the owner's).
  if (/^(?:person|demographic|health)\./.test(category)) {
    const last = table.words.at(-1);
    if (last !== undefined && ANIMAL_WORDS.has(singular(last))) return false;
  }
  // `payment_config.iban`, `site_settings.bank_account_holder`: the business's own account,
  // which customers are shown to pay into, unless the row belongs to a person.
  if (category.startsWith('financial.') && !scope.linked) {
    const last = table.words.at(-1);
    if (last !== undefined && SETTINGS_TABLE_WORDS.has(last)) return false;
  }
  if (key === 'person.name|name') {
    if (!table.personTable) return false;
    notes.push(`in person table "${context.table}"`);
  }
  if (LINKED_HINTS.has(key) || category === 'contact.address.city') {
    if (!scope.linked) return false;
    notes.push(describeLink(scope));
  }
  if (category === 'contact.address.state' || PIN_CODE_HINTS.has(key)) {
    if (!hasAddressSibling(context.siblingColumns, context.column)) return false;
    notes.push('beside address columns');
  }
  if (key === 'government_id.drivers_license|license number') {
    // A doctor's, therapist's or pharmacist's licence to practise, found in a public register;
    // also a clinic's staff's (a trucking firm's staff hold driving licences).
    const words = [...table.singularWords];
    if (words.some((word) => CLINICIAN_WORDS.has(word))) return false;
    if (scope.healthScope && words.some((word) => STAFF_WORDS.has(word))) return false;
    // A profile with a `specialty` or an `npi` beside it is a clinician's, whatever the table.
    if (context.siblingColumns.some((sibling) => PRACTICE_SIBLING.test(sibling))) return false;
  }
  if (key === 'health.diagnosis|condition' || key === 'health.diagnosis|conditions') {
    const historyTable = [...table.singularWords].some((word) => CONDITION_TABLE_WORDS.has(word));
    if (!(table.personTable || (historyTable && scope.linked)) || !scope.healthScope) return false;
    notes.push(`in ${table.personTable ? 'person' : 'clinical history'} table "${context.table}"`);
  }
  if (SOAP_SECTION_HINTS.has(key)) {
    if (match.end - match.start !== words.length || !scope.healthScope) return false;
    const tableWords = table.singularWords;
    const noteTable = tableWords.has('note') || tableWords.has('soap');
    if (!noteTable || ![...tableWords].some((word) => SOAP_TABLE_WORDS.has(word))) return false;
    notes.push(`in clinical note table "${context.table}"`);
  }
  if (key === 'health.clinical_note|notes' || key === 'health.clinical_note|note') {
    if (!table.personTable || !scope.healthScope) return false;
    notes.push(`in person table "${context.table}" ${describeHealth(scope)}`);
  }
  if (LAB_TABLE_HINTS.has(key) || NOTE_TABLE_HINTS.has(key)) {
    const vocabulary = LAB_TABLE_HINTS.has(key) ? LAB_TABLE_WORDS : NOTE_TABLE_WORDS;
    const typedValue =
      key === 'health.lab_result|value' &&
      match.start === 0 &&
      words.slice(match.end).every((word) => OBSERVATION_VALUE_TYPES.has(word));
    if (match.end - match.start !== words.length && !typedValue) return false;
    if (![...table.singularWords].some((word) => vocabulary.has(word)) || !scope.healthScope) {
      return false;
    }
    notes.push(`in ${LAB_TABLE_HINTS.has(key) ? 'lab' : 'note'} table "${context.table}"`);
  }
  if (HEALTH_SCOPE_VITALS.has(key)) {
    const withUnit =
      match.start === 0 && words.slice(match.end).every((word) => VITAL_UNIT_WORDS.has(word));
    if (!withUnit || !scope.healthScope) return false;
    notes.push(describeHealth(scope));
  }
  if (key === 'biometric.template|fingerprint' && match.start === 0 && !table.namesPerson) {
    // A bare `fingerprint` of an asset, file or device is a hash of it, not a finger's.
    return false;
  }
  if (PRESCRIPTION_TABLE_HINTS.has(key)) {
    if (![...table.singularWords].some((word) => PRESCRIPTION_TABLE_WORDS.has(word))) return false;
    notes.push(`in prescription table "${context.table}"`);
  }
  if (HEALTH_SCOPE_HINTS.has(key)) {
    if (!scope.healthScope) return false;
    notes.push(describeHealth(scope));
  }
  if (key === 'identifier.person_id|client id' && isSoftwareClient(table, context.siblingColumns)) {
    return false;
  }
  const preceding = PRECEDING_WORDS.get(key);
  if (preceding !== undefined && match.start > 0) {
    const before = words[match.start - 1] as string;
    if (!preceding.has(before) && !COLUMN_PERSON_NOUNS.has(singular(before))) return false;
  }
  if (THING_NAME_HINTS.has(key) && table.namedThingTable && !table.personTable) {
    if (!namesPerson(words)) return false;
  }
  if (POSTAL_ADDRESS_HINTS.has(key) && table.mailTable && !namesPerson(words)) return false;
  if (PERSON_TABLE_PHOTO_HINTS.has(key)) {
    if (!table.personTable) return false;
    for (let index = 0; index < match.start; index++) {
      if (!COLUMN_PERSON_NOUNS.has(singular(words[index] as string))) return false;
    }
    for (let index = match.end; index < words.length; index++) {
      if (!PHOTO_REFERENCE_WORDS.has(words[index] as string)) return false;
    }
    notes.push(`in person table "${context.table}"`);
  }
  if (key === SESSION_ID_HINT) {
    // A process's, a job's or an agent's session is not a browser's, whoever it belongs to.
    if (table.machineTable) return false;
    if (table.browsingTable) notes.push(`in browsing table "${context.table}"`);
    else if (scope.linked) notes.push(describeLink(scope));
    else return false;
  }
  if (SIGN_IN_TOKEN_HINTS.has(key) && !isSignInToken(scope, match)) return false;
  if (PERSON_TABLE_NAME_HINTS.has(key)) {
    if (!table.namesPerson) return false;
    notes.push(`in table "${context.table}" named after a person`);
  }
  if (PERSON_KEY_HINTS.has(key)) {
    if (isSoftwareClient(table, context.siblingColumns)) return false;
    if (table.namesPerson) notes.push(`in table "${context.table}" named after a person`);
    else if (hasPersonKeySibling(scope)) notes.push(`beside a person's key in "${context.table}"`);
    else return false;
  }

  if (category === 'identifier.person_id' || HEALTH_IDENTIFIERS.has(category)) {
    if (isAuditName(words)) return false;
    // The key of a person's own table (`patients.patient_id`) is an operational key.
    if (context.primaryKey === true && context.referencesTable === undefined) {
      const noun = words[match.start];
      if (noun !== undefined && table.singularWords.has(singular(noun))) return false;
    }
  }

  if (needsPersonLink(category)) {
    if (!scope.linked) return false;
    if (notes.length === 0) notes.push(describeLink(scope));
    else if (context.personLinkChain !== undefined && !table.personTable) {
      notes.push(`linked to a person through ${context.personLinkChain}`);
    }
  }

  if (ORGANISATION_CATEGORY_PREFIXES.some((prefix) => category.startsWith(prefix))) {
    if (!namesPerson(words)) {
      if (table.organisationTable) return false;
      for (let index = 0; index < match.start; index++) {
        if (ORGANISATION_COLUMN_PREFIXES.has(singular(words[index] as string))) return false;
      }
    }
  }

  if (category === 'device.ip_address' || category === 'device.mac_address') {
    if (table.infrastructureTable) return false;
    for (let index = 0; index < match.start; index++) {
      if (INFRASTRUCTURE_NOUNS.has(words[index] as string)) return false;
    }
  }

  return notes.length > 0 ? notes.join(', ') : undefined;
}

/** See SIGN_IN_TOKEN_HINTS; the person link is checked with every credential's. */
function isSignInToken(scope: Scope, match: Match): boolean {
  const { words, table, context } = scope;
  // A token is text: `refresh_token_counter bigint` numbers the tokens issued.
  if (isNumericType(context.dataType)) return false;
  if (words.some((word) => HASH_WORDS.has(word) || SPENT_TOKEN_WORDS.has(word))) return false;
  if (table.words.some((word) => SPENT_TOKEN_WORDS.has(word))) return false;
  if (table.machineTable || isServiceTokenTable(table, context.siblingColumns)) return false;
  const hint = match.hint.hint;
  // A care session keyed to a patient (a therapy app's `sessions`, a video visit's
  // `session_token`) signs nobody in.
  if ((hint === 'token' || hint === 'session token') && keyedToPatient(context)) return false;
  if (hint !== 'token' && hint !== 'code') return true;
  const tableWords = signInTableWords(table.words);
  if (tableWords === undefined) return false;
  if (hint === 'token') return tableWords.includes('token') || tableWords.includes('session');
  return tableWords.includes('code') && tableWords.some((word) => SIGN_IN_CODE_WORDS.has(word));
}

/**
 * The singular words of a table named only with person nouns and sign-in words, or undefined.
 * A name folded to lowercase (MySQL and Postgres fold an unquoted `UserToken` to `usertoken`) is
 * split back into those words.
 */
function signInTableWords(words: readonly string[]): string[] | undefined {
  const known = (word: string) => SIGN_IN_TABLE_WORDS.has(word) || PERSON_NOUNS.has(word);
  const found: string[] = [];
  for (const word of words) {
    const parts = known(singular(word)) ? [word] : splitFolded(word, known);
    if (parts === undefined) return undefined;
    found.push(...parts.map(singular));
  }
  return found;
}

/** `usertoken` → `user`, `token`: a folded word as a run of words `known` accepts (singular or not). */
function splitFolded(word: string, known: (word: string) => boolean): string[] | undefined {
  // Table names are short; a long run of letters is no folded name.
  if (word.length > FOLDED_NAME_LIMIT) return undefined;
  // startOf[end]: where a known word ending at `end` starts, on a run of known words from 0.
  const startOf: Array<number | undefined> = [0];
  for (let start = 0; start < word.length; start++) {
    if (startOf[start] === undefined) continue;
    for (let end = start + 2; end <= Math.min(word.length, start + FOLDED_WORD_LIMIT); end++) {
      const part = word.slice(start, end);
      if (startOf[end] === undefined && (known(part) || known(singular(part)))) {
        startOf[end] = start;
      }
    }
  }
  if (startOf[word.length] === undefined) return undefined;
  const parts: string[] = [];
  for (let end = word.length; end > 0; end = startOf[end] as number) {
    parts.unshift(word.slice(startOf[end] as number, end));
  }
  return parts;
}

const FOLDED_NAME_LIMIT = 64;
/** Longer than any word of SIGN_IN_TABLE_WORDS or PERSON_NOUNS, plural included. */
const FOLDED_WORD_LIMIT = 16;

/** An integration's, a webhook's or an OAuth client's table (`client_secret` beside). */
function isServiceTokenTable(table: TableFacts, siblings: readonly string[]): boolean {
  if ([...table.singularWords].some((word) => SERVICE_TOKEN_TABLE_WORDS.has(word))) return true;
  return siblings.some((sibling) => siblingTraits(sibling).softwareClient);
}

/** The column's name names a person (`owner_full_name`, `contact_address`). */
function namesPerson(words: readonly string[]): boolean {
  return words.some(
    (word) => COLUMN_PERSON_NOUNS.has(word) || COLUMN_PERSON_NOUNS.has(singular(word)),
  );
}

function typeAllows(context: ColumnContext, match: Match): boolean {
  const { dataType } = context;
  if (dataType === undefined) return true;
  const { category, hint } = match.hint;
  if (isBooleanType(dataType)) {
    if (!BOOLEAN_CATEGORIES.has(category)) return false;
    return category !== 'health.diagnosis' || BOOLEAN_DIAGNOSIS_HINTS.has(hint);
  }
  if (isNumericType(dataType)) {
    // SQLite has no date type: Drizzle's `integer('date_of_birth', { mode: 'timestamp' })` and
    // hand-written SQLite schemas keep a date of birth as epoch seconds in an integer.
    const epoch = EPOCH_TYPES.has(baseType(dataType).replace(/\s*\(.*$/, ''));
    if (category === 'demographic.birth_date' && epoch) return true;
    return getCategory(category)?.numericAllowed === true;
  }
  if (isTemporalType(dataType)) {
    // A timestamp named after a contact or an identifier records an event, not the value; dates
    // of birth and of care are the value. A note is text: `last_examination date` is a date.
    if (category === 'health.clinical_note') return false;
    return category.startsWith('demographic.birth_') || category.startsWith('health.');
  }
  return true;
}

function runExtraPatterns(context: ColumnContext): Classification[] | undefined {
  const patterns = context.extraPatterns;
  if (patterns === undefined || patterns.length === 0) return undefined;
  const found: Classification[] = [];
  let matchedAny = false;
  for (const { pattern, category } of patterns) {
    pattern.lastIndex = 0;
    if (!pattern.test(context.column)) continue;
    matchedAny = true;
    if (category === 'none' || found.some((existing) => existing.category === category)) continue;
    found.push({
      category,
      reason: sharedString(
        `name "${context.column}" matches config pattern ${String(pattern)} for ${category}`,
      ),
    });
  }
  return matchedAny ? found : undefined;
}

/** `owner_id` referencing `users`: the column identifies a person even with no hint. */
function classifyByReference(context: ColumnContext, words: readonly string[]): Classification[] {
  const referenced = context.referencesTable;
  if (referenced === undefined || !isPersonTableName(referenced) || isAuditName(words)) return [];
  if (isBooleanType(context.dataType)) return [];
  const referencedNoun = singular(nameWords(referenced).at(-1) ?? '');
  const category = referencedNoun === 'patient' ? 'health.patient_id' : 'identifier.person_id';
  return [
    {
      category,
      reason: sharedString(
        `column "${context.column}" references person table "${referenced}" (${category})`,
      ),
    },
  ];
}

/**
 * The categories the built-in classifier reads in a column, most specific only; `[]` when the
 * column is not personal. Each reason names the column and the hint and context that decided.
 * Config `extraPatterns` come first: when one matches, its categories are the answer (`none`
 * silences the column).
 */
export function classifyColumn(context: ColumnContext): Classification[] {
  const extra = runExtraPatterns(context);
  if (extra !== undefined) return extra;

  const words = columnWords(context.column);
  if (words.length === 0) return [];
  const table = tableFacts(context.table);
  const scope: Scope = {
    context,
    words,
    table,
    linked: context.personLinked || table.personTable,
    healthScope: context.healthContext || table.healthTable || keyedToPatient(context),
  };

  const raw = findMatches(words);
  const allowed: Match[] = [];
  for (const match of raw) {
    if (isTrapped(words, match)) continue;
    if (blockedByNeighbours(words, match)) continue;
    if (!typeAllows(context, match)) continue;
    const decided = contextAllows(scope, match);
    if (decided === false) continue;
    allowed.push(decided === undefined ? match : { ...match, context: decided });
  }
  // A longer reading (`email address` over `email`) speaks for the shorter one inside it, when
  // its own context allows it: `pin code` beside no address columns leaves `pin` to decide.
  const survivors = allowed.filter(
    (match) => !allowed.some((other) => other !== match && strictlyContains(other, match)),
  );

  const specific = survivors.filter(
    (match) =>
      !survivors.some(
        (other) =>
          other.start === match.start &&
          other.end === match.end &&
          (SUPERSEDES[other.hint.category] ?? []).includes(match.hint.category),
      ),
  );

  let chosen = specific;
  if (!words.includes('and') && !words.includes('or')) {
    const headEnd = Math.max(...specific.map((match) => match.end));
    chosen = specific.filter((match) => match.end === headEnd);
  }

  const classifications: Classification[] = [];
  for (const match of chosen) {
    const { category, hint } = match.hint;
    if (classifications.some((existing) => existing.category === category)) continue;
    const where = match.context === undefined ? '' : ` ${match.context}`;
    classifications.push({
      category,
      reason: sharedString(
        `name "${context.column}" reads as ${category} (hint "${hint}")${where}`,
      ),
    });
  }
  if (classifications.length === 0) return classifyByReference(context, words);
  return classifications;
}

/**
 * taxonomy.md "Person-linked tables": the table's name is a person; or a column reads as a
 * name, contact, person, device or government identifier; or a column references a person table
 * or is named `<person>_id` (`patient_id`, `customer_id`, `account_id`). Audit columns
 * (`created_by`, `updated_by_user_id`) never link.
 */
export function isPersonLinked(
  table: string,
  columns: ReadonlyArray<{ name: string; dataType?: string; referencesTable?: string }>,
): boolean {
  if (isPersonTableName(table)) return true;
  const siblingColumns = columns.map((column) => column.name);
  return columns.some((column) => columnLinksToPerson(table, column, siblingColumns));
}

/**
 * One column's part of `isPersonLinked` (the table's name aside): it references a person table,
 * is named `<person>_id`, or reads as a linking category. Depends on the siblings only through
 * `siblingSignature`.
 */
export function columnLinksToPerson(
  table: string,
  column: { name: string; dataType?: string; referencesTable?: string },
  siblingColumns: string[],
): boolean {
  const words = columnWords(column.name);
  if (words.length === 0 || isAuditName(words)) return false;
  const referenced = column.referencesTable;
  if (referenced !== undefined && isPersonTableName(referenced)) return true;
  // An `account_id` keyed to a chart of accounts is a ledger account, whatever its name says.
  if (referenced !== undefined && isLedgerAccountsName(nameWords(referenced))) return false;
  if (isPersonKeyName(words, tableFacts(table), siblingColumns)) return true;
  const context: ColumnContext = {
    table,
    column: column.name,
    siblingColumns,
    personLinked: false,
    healthContext: false,
  };
  if (column.dataType !== undefined) context.dataType = column.dataType;
  const found = classifyColumn(context);
  return found.some(({ category }) =>
    LINKING_CATEGORY_PREFIXES.some((prefix) => category.startsWith(prefix)),
  );
}

/**
 * Evidence from the name alone that a column holds ciphertext: `ssn_encrypted`,
 * `encrypted_ssn`, `dob_ciphertext`, `enc_diagnosis`, `diagnosis_enc`, `ssn_cipher`, on a text,
 * binary or unknown type. Flags and key bookkeeping (`is_encrypted`, `encryption_key_id`,
 * `encrypted_at`), numeric, boolean and date types, and `enc` meaning encounter (`enc_id`,
 * `enc_date`) are not evidence.
 */
export function encryptionEvidenceFromName(column: string, dataType?: string): string | undefined {
  if (
    dataType !== undefined &&
    (isNumericType(dataType) || isBooleanType(dataType) || isTemporalType(dataType))
  ) {
    return undefined;
  }
  const words = nameWords(column);
  const marker = words.find((word) => ENCRYPTION_WORDS.has(word));
  if (marker === undefined) return undefined;
  if (words.some((word) => ENCRYPTION_METADATA_WORDS.has(word))) return undefined;
  const rest = words.filter((word) => !ENCRYPTION_WORDS.has(word));
  // A lone `encrypted` is usually a flag; a lone `ciphertext` column is the ciphertext.
  if (rest.length === 0 && marker !== 'ciphertext') return undefined;
  if (marker === 'enc' && rest.length > 0 && rest.every((word) => ENCOUNTER_WORDS.has(word))) {
    return undefined;
  }
  return `name "${column}" says encrypted`;
}

/**
 * Evidence from the name alone that a column holds a one-way hash: `password_hash`,
 * `hashed_password`, `passwordScrypt`, `password_bcrypt`, `password_digest`, `pin_argon2`, on a
 * text, binary or unknown type. Flags and bookkeeping (`is_hashed`, `hash_algorithm`,
 * `hashed_at`) are not evidence. Credentials may be hashed instead of encrypted (taxonomy.md,
 * "Default encryption policy"); `pii-unencrypted` reads this for `credential.*` only.
 */
export function hashEvidenceFromName(column: string, dataType?: string): string | undefined {
  if (
    dataType !== undefined &&
    (isNumericType(dataType) || isBooleanType(dataType) || isTemporalType(dataType))
  ) {
    return undefined;
  }
  const words = nameWords(column);
  const marker = words.find((word) => HASH_WORDS.has(word));
  if (marker === undefined) return undefined;
  if (words.some((word) => HASH_METADATA_WORDS.has(word))) return undefined;
  if (words.every((word) => HASH_WORDS.has(word))) return undefined;
  return `name "${column}" says hashed (${marker})`;
}

/**
 * Compiles config `classifier.extraPatterns`, case-insensitive, tested against the raw column
 * name. A pattern that is not a valid regular expression is skipped (the config loader reports
 * it); this never throws.
 */
export function compileExtraPatterns(
  patterns: ReadonlyArray<{ pattern: string; category: string }>,
): Array<{ pattern: RegExp; category: string }> {
  const compiled: Array<{ pattern: RegExp; category: string }> = [];
  for (const { pattern, category } of patterns) {
    try {
      compiled.push({ pattern: new RegExp(pattern, 'i'), category });
    } catch {
      // Invalid pattern: skipped.
    }
  }
  return compiled;
}

/** The kind of secret a credential column holds: it decides whether it must be hashed or encrypted. */
export type CredentialKind =
  'password' | 'recovery code' | 'one-time password seed' | 'API key' | 'token' | 'secret';

/**
 * Reads a credential column's name as the kind of secret it holds: passwords, PINs and security
 * answers are checked, never read back (hash them); recovery codes likewise; TOTP seeds and API
 * keys must be read back by the application (encrypt them); a sign-in token or code the service
 * issues is looked up, never read back (hash it), while a provider's token is presented again.
 */
export function credentialKind(column: string): CredentialKind {
  const words = nameWords(column);
  const has = (phrase: string) => containsWords(words, phrase.split(' '));
  if (['backup code', 'backup codes', 'recovery code', 'recovery codes'].some(has)) {
    return 'recovery code';
  }
  if (
    words.some((word) => ['totp', 'otp', 'mfa', '2fa', 'authenticator'].includes(word)) ||
    has('two factor')
  ) {
    return 'one-time password seed';
  }
  const token = words.includes('token') || words.includes('tokens');
  if (has('api key') || words.includes('apikey') || (token && words.includes('api'))) {
    return 'API key';
  }
  // Before passwords: a `password_reset_token` is a token, not a password.
  if (token) return 'token';
  if (
    words.some((word) =>
      ['password', 'passwd', 'passphrase', 'pin', 'pwd', 'pass', 'passcode'].includes(word),
    ) ||
    has('security answer')
  ) {
    // The password of another system (`database_password`, `root_password`, `smtp_password`,
    // `app_password`) is handed to that system, so it must be read back: encrypt, never hash.
    return words.some((word) => OTHER_SYSTEMS.has(word)) ? 'secret' : 'password';
  }
  // A sign-in code (`UserAuthCode.code`, `magic_link_code`); a `pin_code` is a PIN, above.
  if (words.at(-1) === 'code' && (words.length === 1 || has('magic link'))) return 'token';
  return 'secret';
}

/** Words that say a password is for another system the application logs in to. */
// prettier-ignore
const OTHER_SYSTEMS = new Set([
  'database', 'db', 'root', 'app', 'smtp', 'imap', 'mail', 'registry', 'redis', 'ftp', 'sftp',
  'ssh', 'proxy', 'service', 'ldap', 'bind', 'keystore', 'vnc', 'rdp', 'wifi', 'vpn',
]);

/** An audit column (`created_by`, `createdBy`, `updated_by_user_id`): it never links a table to a person. */
export function isAuditColumn(column: string): boolean {
  return isAuditName(columnWords(column));
}
