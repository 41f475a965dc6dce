// A write belongs to the store of the table it writes: the Prisma schema for a Prisma delegate,
// the imported module for a Drizzle table object, and drizzle-kit's output folder is its schema's
// store even when the config sits below the package that runs drizzle-kit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unencryptedFindingsOf as findingsOf, whereWithTarget as where } from './_scan-files.js';

test('a Prisma write fills the Prisma schema’s table, not a nearer store’s table of the same name', async () => {
  const findings = await findingsOf({
    'packages/database/prisma/schema.prisma': `model User {
  id       Int    @id
  email    String
  password String
}
`,
    // Another database of the web app, defined nearer the writing file than the Prisma schema.
    'apps/web/legacy/migrations/001_users.sql': `CREATE TABLE users (
  id serial PRIMARY KEY,
  email text,
  password text
);
`,
    'apps/web/lib/users.ts': `import { hash } from 'bcryptjs';
import { prisma } from '@acme/database';

export async function signUp(email: string, password: string) {
  await prisma.user.create({ data: { email, password: await hash(password, 12) } });
}
`,
  });
  // The Prisma column is hashed by the write; the legacy table has no write and no hash in its name.
  assert.equal(findings.map(where), [
    'pii-unencrypted apps/web/legacy/migrations/001_users.sql:4:3 users.password',
  ]);
  assert.ok(
    findings[0]?.evidence.some((line) => line.startsWith('no encryption or hash evidence')),
    findings[0]?.evidence.join('\n'),
  );
});

test('a Drizzle write fills the table of the module its table object is imported from', async () => {
  const findings = await findingsOf({
    'apps/api/src/db/schema.ts': `import { pgTable, text } from 'drizzle-orm/pg-core';
export const members = pgTable('members', { id: text('id').primaryKey(), totpSecret: text('totp_secret') });
`,
    // A second service's own members table, in the folder of the writing file.
    'apps/api/src/routes/billing/migrations/001_members.sql': `CREATE TABLE members (id text PRIMARY KEY, totp_secret text);
`,
    'apps/api/src/routes/billing/two-factor.ts': `import { createCipheriv, randomBytes } from 'node:crypto';
import { db } from '../../db';
import { members } from '../../db/schema';

export async function enable(id: string, secret: string) {
  const cipher = createCipheriv('aes-256-gcm', process.env.KEY!, randomBytes(12));
  await db.update(members).set({ totpSecret: cipher.update(secret, 'utf8', 'hex') + cipher.final('hex') });
}
`,
  });
  assert.equal(findings.map(where), [
    'pii-unencrypted apps/api/src/routes/billing/migrations/001_members.sql:1:44 members.totp_secret',
  ]);
});

test('a Drizzle table object imported through a tsconfig path alias fills the table of the module the alias names', async () => {
  const findings = await findingsOf({
    'apps/api/tsconfig.json': `{ "compilerOptions": { "paths": { "@api/*": ["./src/*"] } } }
`,
    'apps/api/src/db/schema.ts': `import { pgTable, text } from 'drizzle-orm/pg-core';
export const members = pgTable('members', { id: text('id').primaryKey(), totpSecret: text('totp_secret') });
`,
    // A second service's own members table, in the folder of the writing file.
    'apps/api/src/routes/billing/migrations/001_members.sql': `CREATE TABLE members (id text PRIMARY KEY, totp_secret text);
`,
    'apps/api/src/routes/billing/two-factor.ts': `import { createCipheriv, randomBytes } from 'node:crypto';
import { db } from '@api/db';
import { members } from '@api/db/schema';

export async function enable(id: string, secret: string) {
  const cipher = createCipheriv('aes-256-gcm', process.env.KEY!, randomBytes(12));
  await db.update(members).set({ totpSecret: cipher.update(secret, 'utf8', 'hex') + cipher.final('hex') });
}
`,
  });
  assert.equal(findings.map(where), [
    'pii-unencrypted apps/api/src/routes/billing/migrations/001_members.sql:1:44 members.totp_secret',
  ]);
});

test('a Drizzle table object named in the plural fills its singular table', async () => {
  const findings = await findingsOf({
    'packages/db/schema.ts': `import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
export const users = sqliteTable('user', { id: text('id').primaryKey(), password: text('password') });
`,
    'packages/api/users.ts': `import { hash } from 'bcryptjs';
import { db } from '../db';
import { users } from '../db/schema';

export async function signUp(id: string, password: string) {
  await db.insert(users).values({ id, password: await hash(password, 10) });
}
`,
  });
  assert.equal(findings.map(where), []);
});

test('drizzle-kit run from the package: `out` and `schema` of a config kept in server/db resolve from the package folder', async () => {
  const findings = await findingsOf({
    'apps/console/server/db/drizzle.config.ts': `import { defineConfig } from 'drizzle-kit';
export default defineConfig({ schema: './server/db/schema.ts', dialect: 'postgresql', out: 'drizzle' });
`,
    'apps/console/server/db/schema.ts': `import { pgTable, text } from 'drizzle-orm/pg-core';
export const registry = pgTable('registry', { id: text('id').primaryKey(), password: text('password') });
`,
    'apps/console/drizzle/0000_init.sql': `CREATE TABLE "registry" ("id" text PRIMARY KEY, "password" text);
`,
    'apps/console/server/services/registry.ts': `import bcrypt from 'bcrypt';
import { db } from '../db';
import { registry } from '../db/schema';

export async function addRegistry(id: string, password: string) {
  await db.insert(registry).values({ id, password: await bcrypt.hash(password, 10) });
}
`,
  });
  // One store: the generated migration's column is the schema's, and the hashed write covers both.
  assert.equal(findings.map(where), []);
});

test('application code that sorts before the migrations folder writes the tables the migrations make', async () => {
  // A clinic's Express back end: `src/app/…` sorts before `src/database/migrations/…`.
  const findings = await findingsOf({
    'src/database/migrations/20201117205136_users.js': `exports.up = (knex) =>
  knex.schema.createTable('users', (table) => {
    table.increments('id');
    table.string('email');
    table.string('password');
  });
`,
    'src/database/connection.js': `const knex = require('knex');
module.exports = knex({ client: 'mysql2', connection: process.env.DATABASE_URL });
`,
    'src/app/controllers/UserController.js': `const bcrypt = require('bcryptjs');
const knex = require('../../database/connection');

class UserController {
  async create(req, res) {
    const { email, password } = req.body;
    const invite = await knex('invitations').where({ email }).first();
    const hashed = await bcrypt.hash(password, 8);
    await knex('users').insert({ email: invite.email, password: hashed });
    return res.json({ email });
  }
}
module.exports = new UserController();
`,
  });
  assert.equal(findings.map(where), []);
});

test.run();
