// A table reaches the person it is about through foreign keys (issue 9): vitals → encounters →
// patients, lab results → lab requests → encounters → patients. Its health columns are then
// personal, and the evidence names the chain.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unencryptedFindingsOf as findingsOf, whereWithTarget as where } from './_scan-files.js';

// pg_dump style: the tables first, every key afterwards with ALTER TABLE … ADD CONSTRAINT.
const BASELINE = `CREATE TABLE patients (id text PRIMARY KEY, display_id text);
CREATE TABLE encounters (id text PRIMARY KEY, patient_id text, start_date date);
CREATE TABLE lab_requests (id text PRIMARY KEY, encounter_id text, requested_date date);
CREATE TABLE lab_results (id text PRIMARY KEY, lab_request_id text, result text);
CREATE TABLE vital_signs (id text PRIMARY KEY, encounter_id text, heart_rate integer, recorded_date date);
ALTER TABLE ONLY encounters
    ADD CONSTRAINT encounters_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients(id);
ALTER TABLE ONLY lab_requests
    ADD CONSTRAINT lab_requests_encounter_id_fkey FOREIGN KEY (encounter_id) REFERENCES encounters(id);
ALTER TABLE ONLY lab_results
    ADD CONSTRAINT lab_results_lab_request_id_fkey FOREIGN KEY (lab_request_id) REFERENCES lab_requests(id);
ALTER TABLE ONLY vital_signs
    ADD CONSTRAINT vital_signs_encounter_id_fkey FOREIGN KEY (encounter_id) REFERENCES encounters(id);
`;

test('vitals and lab results reached through encounter and lab request keys are personal, the chain in the evidence', async () => {
  const findings = await findingsOf({ 'db/migrations/000_baseline.sql': BASELINE });
  assert.equal(findings.map(where), [
    'pii-unencrypted db/migrations/000_baseline.sql:4:69 lab_results.result',
    'pii-unencrypted db/migrations/000_baseline.sql:5:67 vital_signs.heart_rate',
  ]);
  const [result, heartRate] = findings;
  assert.ok(
    result?.evidence.some((line) =>
      line.includes(
        'linked to a person through lab_results.lab_request_id → lab_requests.encounter_id → encounters',
      ),
    ),
    result?.evidence.join('\n'),
  );
  assert.ok(
    heartRate?.evidence.some((line) =>
      line.includes('linked to a person through vital_signs.encounter_id → encounters'),
    ),
    heartRate?.evidence.join('\n'),
  );
});

test('without the keys the same tables reach no person, and nothing is reported', async () => {
  const unlinked = BASELINE.split('\n')
    .filter((line) => !/ALTER TABLE|ADD CONSTRAINT/.test(line))
    .join('\n');
  assert.equal((await findingsOf({ 'db/migrations/000_baseline.sql': unlinked })).map(where), []);
});

test('an audit key (created_by → users) links no table to a person', async () => {
  const findings = await findingsOf({
    'db/migrations/001_surveys.sql': `CREATE TABLE users (id serial PRIMARY KEY, email text);
CREATE TABLE surveys (id serial PRIMARY KEY, created_by integer REFERENCES users(id), pin text);
`,
  });
  assert.equal(findings.map(where), []);
});

test('a foreign-key column itself is never a finding (an operational key)', async () => {
  const findings = await findingsOf({ 'db/migrations/000_baseline.sql': BASELINE });
  assert.not.ok(findings.some((finding) => finding.target?.column?.endsWith('_id')));
});

test('a Sequelize beforeUpdate hook in super.init hashes every save: a plain assignment elsewhere is no finding', async () => {
  const findings = await findingsOf({
    'db/migrations/001_users.sql':
      'CREATE TABLE users (id serial PRIMARY KEY, email text, password text);\n',
    'src/models/User.ts': `import bcrypt from 'bcrypt';
import { Model } from './Model';

export class User extends Model {
  static hashPassword(password: string) {
    return bcrypt.hash(password, 10);
  }

  static initModel(options: object) {
    super.init(
      { email: 'STRING', password: 'STRING' },
      {
        ...options,
        hooks: {
          async beforeUpdate(user: User) {
            user.password = await User.hashPassword(user.password);
          },
        },
      },
    );
  }
}
`,
    'src/routes/change-password.js': `async function changePassword(models, email, newPassword) {
  const user = await models.User.findOne({ where: { email } });
  user.password = newPassword;
  await user.save();
}
module.exports = { changePassword };
`,
  });
  assert.equal(findings.map(where), []);
});

test('the same assignment with no hook is a finding at the assignment', async () => {
  const findings = await findingsOf({
    'db/migrations/001_users.sql':
      'CREATE TABLE users (id serial PRIMARY KEY, email text, password text);\n',
    'src/routes/change-password.js': `async function changePassword(models, email, newPassword) {
  const user = await models.User.findOne({ where: { email } });
  user.password = newPassword;
  await user.save();
}
module.exports = { changePassword };
`,
  });
  assert.equal(findings.map(where), [
    'pii-unencrypted src/routes/change-password.js:3:19 users.password',
  ]);
  assert.ok(
    findings[0]?.evidence.includes(
      'plain write: newPassword at src/routes/change-password.js:3 (entity User assigned and saved)',
    ),
    findings[0]?.evidence.join('\n'),
  );
});

test.run();
