// How a destructured value is judged: the element of `Promise.all([…])` at its index, a part of
// what an application function returns is unknown, a part of the request is as the person typed it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unencryptedFindingsOf as findingsOf, whereWithTarget as where } from './_scan-files.js';

const MFA_SCHEMA = `import { pgTable, text } from 'drizzle-orm/pg-core';

export const mfaFactors = pgTable('mfa_factors', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  totpSecret: text('totp_secret'),
});
`;

const USERS_SCHEMA = `import { pgTable, text } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  password: text('password'),
});
`;

const CRYPTO = `import { createCipheriv, randomBytes } from 'node:crypto';
export function seal(value: string, key: Buffer): string {
  const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
  return cipher.update(value, 'utf8', 'base64') + cipher.final('base64');
}
`;

test('Promise.all: each destructured element is judged by the call at its index', async () => {
  const findings = await findingsOf({
    'src/db/schema.ts': MFA_SCHEMA,
    'src/crypto.ts': CRYPTO,
    'src/rotate.ts': `import { eq } from 'drizzle-orm';
import { db } from './db';
import { mfaFactors } from './db/schema';
import { seal } from './crypto';

export async function rotate(id: string, secret: string, key: Buffer) {
  const [sealed, label] = await Promise.all([seal(secret, key), Promise.resolve(id)]);
  await db.update(mfaFactors).set({ totpSecret: sealed }).where(eq(mfaFactors.id, id));
  return label;
}
`,
  });
  assert.equal(findings.map(where), []);
});

test('a field of what an application function returns is unknown; the column is judged by its name', async () => {
  const findings = await findingsOf({
    'src/db/schema.ts': MFA_SCHEMA,
    'src/enroll.ts': `import { db } from './db';
import { mfaFactors } from './db/schema';
import { createFactor } from './factors';

export async function enroll(userId: string) {
  const { id, secret } = await createFactor(userId);
  await db.insert(mfaFactors).values({ id, userId, totpSecret: secret });
}
`,
  });
  assert.equal(findings.map(where), [
    'pii-unencrypted src/db/schema.ts:6:3 mfa_factors.totp_secret',
  ]);
  assert.not.ok(
    findings[0]?.evidence.some((line) => line.startsWith('plain write:')),
    findings[0]?.evidence.join('\n'),
  );
});

test('a field of the request body is written as typed: a plain write at the value', async () => {
  const findings = await findingsOf({
    'src/db/schema.ts': USERS_SCHEMA,
    'src/routes/sign-up.ts': `import { db } from '../db';
import { users } from '../db/schema';

export async function POST(req: Request) {
  const { id, password } = await req.json();
  await db.insert(users).values({ id, password });
  return new Response(null, { status: 201 });
}
`,
  });
  assert.equal(findings.map(where), ['pii-unencrypted src/routes/sign-up.ts:6:39 users.password']);
  assert.ok(
    findings[0]?.evidence.includes(
      'plain write: password at src/routes/sign-up.ts:6 (inserted into users)',
    ),
    findings[0]?.evidence.join('\n'),
  );
});

const BANK_SCHEMA = `import { pgTable, text } from 'drizzle-orm/pg-core';

export const bankAccounts = pgTable('bank_accounts', {
  id: text('id').primaryKey(),
  name: text('name'),
  iban: text(),
});
`;

test('rows written as a mapped list are judged by what the callback returns', async () => {
  // A finance app's bank connection: each account's IBAN is encrypted as the list is mapped.
  const findings = await findingsOf({
    'src/db/schema.ts': BANK_SCHEMA,
    'src/crypto.ts': CRYPTO,
    'src/connect.ts': `import { db } from './db';
import { bankAccounts } from './db/schema';
import { seal } from './crypto';

export async function connect(accounts: Array<{ id: string; name: string; iban?: string }>, key: Buffer) {
  await db.insert(bankAccounts).values(
    accounts.map((account) => ({ id: account.id, name: account.name, iban: account.iban ? seal(account.iban, key) : null })),
  );
}
`,
  });
  assert.equal(findings.map(where), []);
});

test('fields assigned to the written object before the call are written too: a plain one beside an encrypting write is reported', async () => {
  const findings = await findingsOf({
    'src/db/schema.ts': BANK_SCHEMA,
    'src/crypto.ts': CRYPTO,
    'src/connect.ts': `import { db } from './db';
import { bankAccounts } from './db/schema';
import { seal } from './crypto';

export async function connect(account: { id: string; iban: string }, key: Buffer) {
  await db.insert(bankAccounts).values({ id: account.id, iban: seal(account.iban, key) });
}
`,
    'src/reconnect.ts': `import { createClient } from '@supabase/supabase-js';
const supabase = createClient(process.env.SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!);

export async function reconnect(id: string, apiAccount: { iban?: string; name: string }) {
  const updates: Record<string, string> = { name: apiAccount.name };
  if (apiAccount.iban) {
    updates.iban = apiAccount.iban;
  }
  await supabase.from('bank_accounts').update(updates).eq('id', id);
  updates.iban = 'written after the call';
}
`,
  });
  assert.equal(findings.map(where), ['pii-unencrypted src/reconnect.ts:7:20 bank_accounts.iban']);
  assert.match(
    findings[0]?.message ?? '',
    /in plain text, while src\/connect\.ts:6 .* encrypts it/,
  );
});

test.run();
