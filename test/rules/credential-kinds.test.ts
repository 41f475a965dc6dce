// A person's own password is hashed; the password of another system the application logs in to
// (a database's root password, an SMTP password) must be read back, so it is encrypted instead. A
// sign-in token the service issues is compared, never read back: its hash is enough.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unencryptedFindingsOf as findingsOf, whereWithTarget as where } from './_scan-files.js';

test('a managed database’s root password gets the encrypt advice; the user’s password the hash advice', async () => {
  const findings = await findingsOf({
    'db/migrations/001_init.sql': `CREATE TABLE users (id text PRIMARY KEY, email text, password text);
CREATE TABLE databases (
  id text PRIMARY KEY,
  user_id text REFERENCES users (id),
  root_password text
);
`,
  });
  assert.equal(findings.map(where), [
    'pii-unencrypted db/migrations/001_init.sql:1:54 users.password',
    'pii-unencrypted db/migrations/001_init.sql:5:3 databases.root_password',
  ]);
  const [user, database] = findings;
  assert.match(user?.message ?? '', /without a password hash\.$/);
  assert.match(user?.fix ?? '', /^Hash passwords/);
  assert.match(database?.message ?? '', /without column-level encryption or a hash\.$/);
  assert.match(database?.fix ?? '', /^Encrypt the secret/);
});

test('a sign-in token or code gets the hash-it advice, not the password or API key advice', async () => {
  const findings = await findingsOf({
    'db/migrations/001_init.sql': `CREATE TABLE users (id text PRIMARY KEY, email text, refresh_token text);
CREATE TABLE sessions (id text PRIMARY KEY, user_id text REFERENCES users (id), token text);
CREATE TABLE refresh_tokens (id text PRIMARY KEY, user_id text REFERENCES users (id), token_hash text);
`,
  });
  assert.equal(findings.map(where), [
    'pii-unencrypted db/migrations/001_init.sql:1:54 users.refresh_token',
    'pii-unencrypted db/migrations/001_init.sql:2:81 sessions.token',
  ]);
  for (const finding of findings) {
    assert.match(finding.message, /without column-level encryption or a hash\.$/);
    assert.match(
      finding.fix ?? '',
      /^Store only a hash of a token or code your own service issues/,
    );
  }
});

test.run();
