// Columns that only an authentication library writes: better-auth's configuration says how it
// stores the TOTP seed, the backup codes, passwords, API keys and a provider's OAuth tokens, as the
// library documents it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unencryptedFindingsOf as findingsOf, whereWithTarget as where } from './_scan-files.js';

const SCHEMA = `import { pgTable, text, boolean } from 'drizzle-orm/pg-core';

export const user = pgTable('user', {
  id: text('id').primaryKey(),
  email: text('email').notNull(),
  twoFactorEnabled: boolean('two_factor_enabled'),
});

export const account = pgTable('account', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => user.id),
  password: text('password'),
});

export const twoFactor = pgTable('two_factor', {
  id: text('id').primaryKey(),
  secret: text('secret').notNull(),
  backupCodes: text('backup_codes').notNull(),
  userId: text('user_id').notNull().references(() => user.id),
});
`;

const authFile = (
  twoFactorCall: string,
  emailAndPassword = '{ enabled: true }',
) => `import bcrypt from 'bcrypt';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { twoFactor } from 'better-auth/plugins';
import { db } from './db';

const shared = { appName: 'acme' };

export const auth = betterAuth({
  ...shared,
  database: drizzleAdapter(db, { provider: 'pg' }),
  emailAndPassword: ${emailAndPassword},
  plugins: [
    ${twoFactorCall},
  ],
});
`;

test('better-auth: the twoFactor plugin encrypts the seed and backup codes, emailAndPassword hashes', async () => {
  const findings = await findingsOf({
    'src/db/schema.ts': SCHEMA,
    'src/lib/auth.ts': authFile('twoFactor()'),
  });
  assert.equal(findings.map(where), []);
});

test('better-auth: a generated copy of the schema in another folder holds what the library writes too', async () => {
  const findings = await findingsOf({
    'packages/server/src/db/schema.ts': SCHEMA,
    'packages/server/auth-schema.ts': SCHEMA,
    'packages/server/src/lib/auth.ts': authFile('twoFactor()'),
  });
  assert.equal(findings.map(where), []);
});

test('better-auth: without the library configured, the same columns are findings by their names', async () => {
  const findings = await findingsOf({ 'src/db/schema.ts': SCHEMA });
  assert.equal(findings.map(where), [
    'pii-unencrypted src/db/schema.ts:12:3 account.password',
    'pii-unencrypted src/db/schema.ts:17:3 two_factor.secret',
    'pii-unencrypted src/db/schema.ts:18:3 two_factor.backup_codes',
  ]);
});

test('better-auth: storeBackupCodes plain is a plain write at the option', async () => {
  const findings = await findingsOf({
    'src/db/schema.ts': SCHEMA,
    'src/lib/auth.ts': authFile(
      "twoFactor({ issuer: 'acme', backupCodeOptions: { storeBackupCodes: 'plain' } })",
    ),
  });
  assert.equal(findings.map(where), [
    'pii-unencrypted src/lib/auth.ts:14:72 two_factor.backup_codes',
  ]);
  assert.ok(
    findings[0]?.evidence.includes(
      "plain write: storeBackupCodes: 'plain' at src/lib/auth.ts:14 (better-auth twoFactor plugin)",
    ),
    findings[0]?.evidence.join('\n'),
  );
  assert.match(findings[0]?.fix ?? '', /^Hash recovery codes/);
});

test('better-auth: a password.hash option is judged by its body', async () => {
  const hashed = await findingsOf({
    'src/db/schema.ts': SCHEMA,
    'src/lib/auth.ts': authFile(
      'twoFactor()',
      `{
    enabled: true,
    password: {
      hash: async (password) => bcrypt.hashSync(password, 10),
      verify: async ({ hash, password }) => bcrypt.compareSync(password, hash),
    },
  }`,
    ),
  });
  assert.equal(hashed.map(where), []);
  const reversible = await findingsOf({
    'src/db/schema.ts': SCHEMA,
    'src/lib/auth.ts': authFile(
      'twoFactor()',
      `{
    enabled: true,
    password: {
      hash: async (password) => Buffer.from(password).toString('base64'),
      verify: async ({ hash, password }) => Buffer.from(password).toString('base64') === hash,
    },
  }`,
    ),
  });
  assert.equal(reversible.map(where), ['pii-unencrypted src/lib/auth.ts:15:13 account.password']);
  assert.ok(
    reversible[0]?.evidence.includes(
      'plain write: a password.hash option that neither hashes nor encrypts at src/lib/auth.ts:15 (better-auth emailAndPassword)',
    ),
    reversible[0]?.evidence.join('\n'),
  );
});

test('better-auth: a password.hash option that returns a helper call is judged as that helper', async () => {
  // The helper lives in a module of its own, outside the scan: its name decides, as for any write.
  const byName = await findingsOf({
    'src/db/schema.ts': SCHEMA,
    'src/lib/auth.ts': authFile(
      'twoFactor()',
      `{
    enabled: true,
    password: {
      hash: (password) => hashSecret(password),
      verify: ({ hash, password }) => verifySecret(password, hash),
    },
  }`,
    ),
  });
  assert.equal(byName.map(where), []);
  const unknownHelper = await findingsOf({
    'src/db/schema.ts': SCHEMA,
    'src/lib/auth.ts': authFile(
      'twoFactor()',
      `{
    enabled: true,
    password: {
      hash: async (password) => {
        return await toStoredForm(password);
      },
    },
  }`,
    ),
  });
  // A helper that neither hashes nor encrypts by its name proves nothing either way: the column's
  // own name decides, at the schema.
  assert.equal(unknownHelper.map(where), [
    'pii-unencrypted src/db/schema.ts:12:3 account.password',
  ]);
});

const ACCOUNT_TOKENS = `import { pgTable, text } from 'drizzle-orm/pg-core';

export const user = pgTable('user', {
  id: text('id').primaryKey(),
  email: text('email').notNull(),
});

export const account = pgTable('account', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => user.id),
  accessToken: text('access_token'),
  refreshToken: text('refresh_token'),
});
`;

const socialAuth = (account: string) => `import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { db } from './db';

export const auth = betterAuth({
  database: drizzleAdapter(db, { provider: 'pg' }),
  socialProviders: { github: { clientId: 'id', clientSecret: 'secret' } },
  ${account}
});
`;

test('better-auth: encryptOAuthTokens encrypts a provider’s tokens; without it they are findings', async () => {
  const encrypted = await findingsOf({
    'src/db/schema.ts': ACCOUNT_TOKENS,
    'src/lib/auth.ts': socialAuth('account: { encryptOAuthTokens: true },'),
  });
  assert.equal(encrypted.map(where), []);
  for (const account of ['', 'account: { encryptOAuthTokens: false },']) {
    const plain = await findingsOf({
      'src/db/schema.ts': ACCOUNT_TOKENS,
      'src/lib/auth.ts': socialAuth(account),
    });
    assert.equal(plain.map(where), [
      'pii-unencrypted src/db/schema.ts:11:3 account.access_token',
      'pii-unencrypted src/db/schema.ts:12:3 account.refresh_token',
    ]);
  }
});

test.run();
