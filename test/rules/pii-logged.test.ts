import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { piiLogged } from '../../src/rules/pii-logged.js';
import { at, check, col, facts as f, where } from './_helpers.js';

const SCRIPT = 'scripts/backfill.ts';
const schema = [
  f.table('db/1.sql', 1, 'patients'),
  f.column('db/1.sql', 2, 'patients', 'email'),
  f.table('db/1.sql', 7, 'appointments'),
  f.column('db/1.sql', 8, 'appointments', 'patient_id', 'uuid'),
  f.column('db/1.sql', 9, 'appointments', 'doctor_id', 'uuid'),
  f.column('db/1.sql', 10, 'appointments', 'diagnosis'),
  f.table('db/1.sql', 4, 'jobs'),
  f.column('db/1.sql', 5, 'jobs', 'id', 'integer', { primaryKey: true }),
  f.column('db/1.sql', 6, 'jobs', 'status'),
];
const log = (line: number, columns: Array<[string, string]>, transform: 'copy' | 'mask' = 'copy') =>
  f.send(SCRIPT, line, { type: 'log', logger: 'console.log' }, [
    {
      from: columns.map(([table, column]) => col(table, column)),
      transform,
      path: [{ at: at(SCRIPT, 3, 9), description: 'rows read from patients' }],
    },
  ]);

test('an email written to the log, with its path', () => {
  const findings = check(piiLogged, [...schema, log(8, [['patients', 'email']])]);
  assert.equal(findings.map(where), [`${SCRIPT}:8:5`]);
  assert.is(
    findings[0]?.message,
    'Personal data (contact.email from db.patients.email) written to the log by console.log; script output lands in terminals, CI logs and log aggregators. Log a count or a non-personal id instead.',
  );
  assert.is(findings[0]?.severity, 'warning');
  assert.equal(findings[0]?.categories, ['contact.email']);
  assert.equal(
    findings[0]?.path?.map((step) => step.line),
    [3, 8],
  );
});

test('a count, the id of a non-person row and a status are not personal', () => {
  const count = f.send(SCRIPT, 9, { type: 'log', logger: 'console.log' }, [
    { from: [], transform: 'copy' },
  ]);
  assert.equal(
    check(piiLogged, [
      ...schema,
      count,
      log(10, [
        ['jobs', 'id'],
        ['jobs', 'status'],
      ]),
    ]),
    [],
  );
});

test('a masked value is one severity lower; an HTTP send is not a log', () => {
  const [masked] = check(piiLogged, [...schema, log(8, [['patients', 'email']], 'mask')]);
  assert.is(masked?.severity, 'note');
  const http = f.send(SCRIPT, 9, { type: 'http', host: 'x.example', client: 'fetch' }, [
    { from: [col('patients', 'email')], transform: 'copy' },
  ]);
  assert.equal(check(piiLogged, [...schema, http]), []);
});

test('the message says where the log line lands: a migration, an edge function or a script', () => {
  const logIn = (file: string) =>
    f.send(file, 8, { type: 'log', logger: 'console.log' }, [
      { from: [col('patients', 'email')], transform: 'copy' },
    ]);
  const places: Array<[string, string]> = [
    ['db/migrations/002_backfill.ts', 'migration output lands in CI logs'],
    ['supabase/functions/get-patient/index.ts', "runtime logs land in the platform's log service"],
    ['src/app/api/patients/route.ts', "runtime logs land in the platform's log service"],
    ['scripts/export.ts', 'script output lands in terminals'],
  ];
  for (const [file, words] of places) {
    const [finding] = check(piiLogged, [...schema, logIn(file)]);
    assert.ok(finding?.message.includes(`; ${words}`), `${file}: ${finding?.message}`);
  }
});

test('keys alone (patient_id, doctor_id) name nobody: not reported; with a diagnosis beside them they are', () => {
  const keys = log(8, [
    ['appointments', 'patient_id'],
    ['appointments', 'doctor_id'],
  ]);
  assert.equal(check(piiLogged, [...schema, keys]), []);
  const withDiagnosis = log(9, [
    ['appointments', 'patient_id'],
    ['appointments', 'diagnosis'],
  ]);
  assert.equal(check(piiLogged, [...schema, withDiagnosis]).map(where), [`${SCRIPT}:9:5`]);
});

test("a log in the browser is a note: it stays in the user's console", () => {
  const browser = f.send(
    'src/components/PatientList.tsx',
    8,
    { type: 'log', logger: 'console', browser: true },
    [{ from: [col('patients', 'email')], transform: 'copy' }],
  );
  const [finding] = check(piiLogged, [...schema, browser]);
  assert.is(finding?.severity, 'note');
  assert.match(
    finding?.message ?? '',
    /written to the browser console by console; it stays on the user's machine/,
  );
});

test.run();
