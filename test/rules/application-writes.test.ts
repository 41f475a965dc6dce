// pii-unencrypted judged from the application's own writes: for each reader, a hashed or
// encrypted write leaves the column clean, a plain write is a finding at that write, and a plain
// write beside a protecting one is a finding at the plain one, naming both.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unencryptedFindingsOf as findingsOf, whereWithTarget as where } from './_scan-files.js';

// ── Prisma ─────────────────────────────────────────────────────────────────────────────────────

const PRISMA_SCHEMA = `model User {
  id              Int     @id
  email           String
  password        String?
  twoFactorSecret String?
  backupCodes     String?
}
`;

/** The same model with only the columns a test writes: the others would be findings of their own. */
const USER_WITH_PASSWORD = `model User {
  id       Int     @id
  email    String
  password String?
}
`;
const USER_WITH_TOTP = `model User {
  id              Int     @id
  email           String
  twoFactorSecret String?
}
`;

test('Prisma: bcrypt-hashed password and symmetricEncrypt-ed TOTP seed (a helper of another file) are clean', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': PRISMA_SCHEMA,
    'lib/crypto.ts': `import crypto from 'node:crypto';
export const symmetricEncrypt = (text: string, key: string) => {
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-gcm', Buffer.from(key, 'hex'), iv);
  return cipher.update(text, 'utf8', 'hex') + cipher.final('hex');
};
`,
    'lib/users.ts': `import { hash } from 'bcryptjs';
import { prisma } from './prisma';
import { symmetricEncrypt } from './crypto';

export async function signUp(email: string, password: string) {
  const hashed = await hash(password, 12);
  return prisma.user.create({ data: { email, password: hashed } });
}

export async function enableTwoFactor(id: number, secret: string, codes: string[]) {
  await prisma.user.update({
    where: { id },
    data: {
      twoFactorSecret: symmetricEncrypt(secret, process.env.KEY!),
      backupCodes: symmetricEncrypt(JSON.stringify(codes), process.env.KEY!),
    },
  });
}
`,
  });
  assert.equal(findings.map(where), []);
});

test('Prisma: a plain password write is a finding at the write, with the write as evidence', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': USER_WITH_PASSWORD,
    'lib/users.ts': `import { prisma } from './prisma';

export async function signUp(input: { email: string; password: string }) {
  return prisma.user.create({
    data: { email: input.email, password: input.password },
  });
}
`,
  });
  assert.equal(findings.map(where), ['pii-unencrypted lib/users.ts:5:43 User.password']);
  const [finding] = findings;
  assert.is(
    finding?.message,
    'Personal data (credential.secret per the classifier) is written to prisma.User.password in plain text.',
  );
  assert.ok(
    finding?.evidence.includes('plain write: input.password at lib/users.ts:5 (created in User)'),
    finding?.evidence.join('\n'),
  );
  assert.match(finding?.fix ?? '', /^Hash passwords/);
});

test('Prisma: mixed writes — a plain password write beside a hashed one is reported at the plain write', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': USER_WITH_PASSWORD,
    'lib/auth.ts': `import bcrypt from 'bcrypt';
import { prisma } from './prisma';

export const hashPassword = (password: string) => bcrypt.hash(password, 10);
`,
    'lib/users.ts': `import { prisma } from './prisma';
import { hashPassword } from './auth';

export async function signUp(email: string, password: string) {
  await prisma.user.create({ data: { email, password: await hashPassword(password) } });
}

export async function resetPassword(id: number, password: string) {
  await prisma.user.update({ where: { id }, data: { password } });
}
`,
  });
  assert.equal(findings.map(where), ['pii-unencrypted lib/users.ts:9:53 User.password']);
  const [finding] = findings;
  assert.is(
    finding?.message,
    'Personal data (credential.secret per the classifier) is written to prisma.User.password in plain text, while lib/users.ts:5 (created in User) hashes it.',
  );
  assert.ok(
    finding?.evidence.includes(
      'hash write: hashPassword (lib/auth.ts:4) calls hash from bcrypt at lib/users.ts:5 (created in User)',
    ),
    finding?.evidence.join('\n'),
  );
});

test('Prisma: a password that is only encrypted is a finding: passwords must be hashed', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': USER_WITH_PASSWORD,
    'lib/users.ts': `import CryptoJS from 'crypto-js';
import { prisma } from './prisma';

export async function signUp(email: string, password: string) {
  const sealed = CryptoJS.AES.encrypt(password, process.env.KEY!).toString();
  await prisma.user.create({ data: { email, password: sealed } });
}
`,
  });
  assert.equal(findings.map(where), ['pii-unencrypted prisma/schema.prisma:4:3 User.password']);
  assert.is(
    findings[0]?.message,
    'Personal data (credential.secret per the classifier) in prisma.User.password is encrypted, not hashed: a password must not be recoverable.',
  );
  assert.ok(
    findings[0]?.evidence.includes(
      'encrypt write: encrypt from crypto-js at lib/users.ts:6 (created in User)',
    ),
    findings[0]?.evidence.join('\n'),
  );
});

test('Prisma: a TOTP seed written plain gets the encrypt advice, not the hash advice', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': USER_WITH_TOTP,
    'lib/two-factor.ts': `import { prisma } from './prisma';

export async function enable(id: number, secret: string) {
  await prisma.user.update({ where: { id }, data: { twoFactorSecret: secret } });
}
`,
  });
  assert.equal(findings.map(where), [
    'pii-unencrypted lib/two-factor.ts:4:70 User.twoFactorSecret',
  ]);
  assert.match(findings[0]?.fix ?? '', /^Encrypt TOTP seeds/);
  assert.match(findings[0]?.fix ?? '', /a hash does not work/);
});

test('test files and their fixtures are not the application’s writes', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': USER_WITH_PASSWORD,
    'lib/users.ts': `import { hash } from '@node-rs/bcrypt';
import { prisma } from './prisma';
export const signUp = async (email: string, password: string) =>
  prisma.user.create({ data: { email, password: await hash(password, 10) } });
`,
    'lib/users.test.ts': `import { prisma } from './prisma';
await prisma.user.create({ data: { email: 'a@b.c', password: 'not-a-real-hash' } });
`,
  });
  assert.equal(findings.map(where), []);
});

// ── TypeORM ────────────────────────────────────────────────────────────────────────────────────

const TYPEORM_ENTITY = (
  hook: string,
) => `import { Entity, Column, PrimaryGeneratedColumn, BeforeInsert } from 'typeorm';
import * as bcrypt from 'bcrypt';

@Entity('accounts')
export class Account {
  @PrimaryGeneratedColumn() id: number;
  @Column() email: string;
  @Column() password: string;
${hook}
}
`;

test('TypeORM: a @BeforeInsert hook that bcrypts the password makes it clean', async () => {
  const findings = await findingsOf({
    'src/entity/Account.ts': TYPEORM_ENTITY(`
  @BeforeInsert()
  async hashPassword() {
    this.password = await bcrypt.hash(this.password, 10);
  }`),
  });
  assert.equal(findings.map(where), []);
});

test('TypeORM: an entity assigned plain and saved is a finding at the assignment; a hashed one is clean', async () => {
  const entity = TYPEORM_ENTITY('');
  const plain = await findingsOf({
    'src/entity/Account.ts': entity,
    'src/service.ts': `import { AppDataSource } from './data-source';
import { Account } from './entity/Account';

export async function register(email: string, password: string) {
  const account = new Account();
  account.email = email;
  account.password = password;
  await AppDataSource.getRepository(Account).save(account);
}
`,
  });
  assert.equal(plain.map(where), ['pii-unencrypted src/service.ts:7:22 accounts.password']);
  assert.ok(
    plain[0]?.evidence.includes(
      'plain write: password at src/service.ts:7 (entity Account assigned and saved)',
    ),
    plain[0]?.evidence.join('\n'),
  );
  const hashed = await findingsOf({
    'src/entity/Account.ts': entity,
    'src/service.ts': `import * as argon2 from 'argon2';
import { AppDataSource } from './data-source';
import { Account } from './entity/Account';

export async function register(email: string, password: string) {
  const account = new Account();
  account.password = await argon2.hash(password);
  await AppDataSource.getRepository(Account).save(account);
}
`,
  });
  assert.equal(hashed.map(where), []);
});

// ── Sequelize ──────────────────────────────────────────────────────────────────────────────────

const SEQUELIZE_MIGRATION = `module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.createTable('users', {
      id: { type: Sequelize.INTEGER, primaryKey: true },
      email: { type: Sequelize.STRING },
      password: { type: Sequelize.STRING },
    });
  },
};
`;

test('Sequelize: a set() that hashes, a create that hashes, and a plain update at its write', async () => {
  const hashedBySetter = await findingsOf({
    'migrations/20240101-users.js': SEQUELIZE_MIGRATION,
    'models/user.js': `const bcrypt = require('bcryptjs');
module.exports = (sequelize, DataTypes) =>
  sequelize.define('users', {
    email: DataTypes.STRING,
    password: {
      type: DataTypes.STRING,
      set(value) {
        this.setDataValue('password', bcrypt.hashSync(value, 10));
      },
    },
  });
`,
  });
  assert.equal(hashedBySetter.map(where), []);

  const mixed = await findingsOf({
    'migrations/20240101-users.js': SEQUELIZE_MIGRATION,
    'services/users.js': `const bcrypt = require('bcryptjs');
const { sequelize, User } = require('../models');

async function register(email, password) {
  return User.create({ email, password: await bcrypt.hash(password, 10) });
}

async function changePassword(id, password) {
  return User.update({ password: password }, { where: { id } });
}
module.exports = { register, changePassword };
`,
  });
  assert.equal(mixed.map(where), ['pii-unencrypted services/users.js:9:34 users.password']);
  assert.ok(
    mixed[0]?.evidence.includes(
      'hash write: hash from bcryptjs at services/users.js:5 (inserted into User)',
    ),
    mixed[0]?.evidence.join('\n'),
  );
});

test('Sequelize: User.init(attributes) with the attributes in a const of the model file', async () => {
  const withoutModel = await findingsOf({ 'migrations/20240101-users.js': SEQUELIZE_MIGRATION });
  assert.equal(withoutModel.length, 1);
  const hashedBySetter = await findingsOf({
    'migrations/20240101-users.js': SEQUELIZE_MIGRATION,
    'models/user.js': `const bcrypt = require('bcryptjs');
const { Model, DataTypes } = require('sequelize');

class User extends Model {}

const attributes = {
  email: DataTypes.STRING,
  password: {
    type: DataTypes.STRING,
    set(value) {
      this.setDataValue('password', bcrypt.hashSync(value, 10));
    },
  },
};

module.exports = (sequelize) => User.init(attributes, { sequelize, tableName: 'users' });
`,
  });
  assert.equal(hashedBySetter.map(where), []);
});

// ── knex, Kysely, Drizzle, raw SQL ─────────────────────────────────────────────────────────────

const SQL_MIGRATION = `CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL,
  password text NOT NULL
);
`;

test('knex: hashed insert clean; a plain update of the password is a finding at the value', async () => {
  const findings = await findingsOf({
    'db/migrations/001_users.sql': SQL_MIGRATION,
    'src/users.ts': `import { scryptSync, randomBytes } from 'node:crypto';
import { db } from './db';

export async function register(email: string, password: string) {
  const salt = randomBytes(16).toString('hex');
  const digest = scryptSync(password, salt, 64).toString('hex');
  await db('users').insert({ email, password: \`\${salt}:\${digest}\` });
}

export async function setPassword(id: number, password: string) {
  await db('users').where({ id }).update({ password });
}
`,
  });
  assert.equal(findings.map(where), ['pii-unencrypted src/users.ts:11:44 users.password']);
});

test('Kysely and Drizzle: hashed writes are clean, a plain write is a finding', async () => {
  const kysely = await findingsOf({
    'db/migrations/001_users.sql': SQL_MIGRATION,
    'src/users.ts': `import bcrypt from 'bcrypt';
import { db } from './db';
export async function register(email: string, password: string) {
  await db.insertInto('users').values({ email, password: await bcrypt.hash(password, 10) }).execute();
}
export async function reset(email: string, password: string) {
  await db.updateTable('users').set({ password }).where('email', '=', email).execute();
}
`,
  });
  assert.equal(kysely.map(where), ['pii-unencrypted src/users.ts:7:39 users.password']);

  const drizzle = await findingsOf({
    'src/schema.ts': `import { pgTable, serial, text } from 'drizzle-orm/pg-core';
export const users = pgTable('users', { id: serial('id').primaryKey(), email: text('email'), password: text('password') });
`,
    'src/users.ts': `import bcrypt from 'bcrypt';
import { db } from './db';
import { users } from './schema';
export async function register(email: string, password: string) {
  await db.insert(users).values({ email, password: await bcrypt.hash(password, 10) });
}
`,
  });
  assert.equal(drizzle.map(where), []);
});

test('raw SQL with parameters: an encrypted SSN is clean, a plain one beside it is reported at its parameter', async () => {
  const findings = await findingsOf({
    'db/migrations/001_patients.sql': `CREATE TABLE patients (id serial PRIMARY KEY, full_name text, ssn text);\n`,
    'src/patients.ts': `import { createCipheriv, randomBytes } from 'node:crypto';
import { pool } from './db';

function seal(value: string) {
  const cipher = createCipheriv('aes-256-gcm', KEY, randomBytes(12));
  return Buffer.concat([cipher.update(value), cipher.final()]).toString('base64');
}

export async function admit(name: string, ssn: string) {
  await pool.query('INSERT INTO patients (full_name, ssn) VALUES ($1, $2)', [name, seal(ssn)]);
}

export async function importLegacy(name: string, ssn: string) {
  await pool.query('INSERT INTO patients (full_name, ssn) VALUES ($1, $2)', [name, ssn]);
}
`,
  });
  assert.equal(findings.map(where), ['pii-unencrypted src/patients.ts:14:84 patients.ssn']);
  const [finding] = findings;
  assert.is(
    finding?.message,
    'Personal data (government_id.ssn per the classifier) is written to db.patients.ssn in plain text, while src/patients.ts:10 (inserted into patients (SQL)) encrypts it.',
  );
  assert.ok(
    finding?.evidence.includes(
      'encrypt write: seal (src/patients.ts:4) calls createCipheriv from node:crypto at src/patients.ts:10 (inserted into patients (SQL))',
    ),
    finding?.evidence.join('\n'),
  );
});

const DOCTORS_MIGRATION = `exports.up = (knex) =>
  knex.schema.createTable('doctors', (table) => {
    table.increments('id');
    table.string('email');
    table.string('password');
    table.string('password_hash');
  });
`;

test('a stored password checked with bcrypt.compare is a hash, though no write is seen; a hedge between two columns is not', async () => {
  // Doctors' accounts are made by hand; the app only logs them in.
  const login = (stored: string) => `import bcrypt from 'bcrypt';
import { db } from '../db';

export async function login(email: string, password: string) {
  const doctor = await db('doctors').where({ email }).first();
  const stored = ${stored};
  return bcrypt.compare(password, stored);
}
`;
  assert.equal(
    (
      await findingsOf({
        'migrations/001_doctors.js': DOCTORS_MIGRATION,
        'src/auth/login.ts': login('doctor.password'),
      })
    ).map(where),
    [],
  );
  // "stored as plain text or a bcrypt hash": the password column may hold either.
  assert.equal(
    (
      await findingsOf({
        'migrations/001_doctors.js': DOCTORS_MIGRATION,
        'src/auth/login.ts': login('doctor.password || doctor.password_hash'),
      })
    ).map(where),
    ['pii-unencrypted migrations/001_doctors.js:5:5 doctors.password'],
  );
});

test('a login handler comparing the password it was sent with the stored one checks the column as a hash', async () => {
  // The typed-in password comes from the request body: the stored column is the hash.
  const findings = await findingsOf({
    'migrations/001_doctors.js': DOCTORS_MIGRATION,
    'src/routes/login.ts': `import bcrypt from 'bcryptjs';
import { db } from '../db';

export async function POST(req: Request) {
  const { email, password } = await req.json();
  const doctor = await db('doctors').where({ email }).first();
  return Response.json({ ok: await bcrypt.compare(password, doctor.password) });
}
`,
  });
  assert.equal(findings.map(where), []);
});

test('a plain write beside a hash check is reported at the write', async () => {
  const findings = await findingsOf({
    'migrations/001_doctors.js': DOCTORS_MIGRATION,
    'src/auth/login.ts': `import bcrypt from 'bcryptjs';
import { db } from '../db';

export async function login(email: string, password: string) {
  const doctor = await db('doctors').where({ email }).first();
  return bcrypt.compare(password, doctor.password);
}
`,
    'scripts/add-doctor.ts': `import { db } from '../src/db';

export async function addDoctor(email: string, password: string) {
  await db('doctors').insert({ email, password });
}
`,
  });
  assert.equal(findings.map(where).slice(0, 1), [
    'pii-unencrypted scripts/add-doctor.ts:4:39 doctors.password',
  ]);
  assert.match(
    findings[0]?.message ?? '',
    /in plain text, while src\/auth\/login\.ts:6 \(checked as a hash by compare from bcryptjs\) checks it as a hash\./,
  );
});

test("a seed's default admin with a bcrypt hash written out is a hash; a literal password is plain", async () => {
  const findings = await findingsOf({
    'db/migrations/001_users.sql': SQL_MIGRATION,
    'db/migrations/002_admin.ts': `import type { Kysely } from 'kysely';
export async function up(db: Kysely<any>) {
  await db
    .insertInto('users')
    .values({
      email: 'admin@clinic.example',
      password:
        '$2b$14$PPY9X2ZxFG93IU9CK4FUtOJW0d11zjHuODO6oJM5UNn59aXjp5h..',
    })
    .execute();
}
`,
    'db/migrations/003_demo.ts': `import type { Kysely } from 'kysely';
export async function up(db: Kysely<any>) {
  await db.insertInto('users').values({ email: 'demo@clinic.example', password: 'demo1234' }).execute();
}
`,
  });
  assert.equal(findings.map(where), [
    'pii-unencrypted db/migrations/003_demo.ts:3:81 users.password',
  ]);
});

test('a password hashed in place before the write (directly or by a helper of the file) is a hash; one never hashed is plain', async () => {
  // A forum's user model: a helper replaces the field on the object, an inner function inserts it.
  const findings = await findingsOf({
    'db/migrations/001_users.sql': SQL_MIGRATION,
    'src/authentication.ts': `import bcryptjs from 'bcryptjs';
export async function hashPassword(plain: string) {
  return bcryptjs.hash(plain, 14);
}
`,
    'src/user.ts': `import { pool } from './db';
import { hashPassword } from './authentication';

export async function create(posted: { email: string; password: string }) {
  const validUserData = { ...posted };
  await hashPasswordInObject(validUserData);
  return runInsertQuery(validUserData);

  async function runInsertQuery(validUserData: { email: string; password: string }) {
    return pool.query('INSERT INTO users (email, password) VALUES ($1, $2)', [validUserData.email, validUserData.password]);
  }
}

export async function changePassword(id: number, posted: { password: string }) {
  posted.password = await hashPassword(posted.password);
  await pool.query('UPDATE users SET password = $1 WHERE id = $2', [posted.password, id]);
}

export async function importLegacy(id: number, legacy: { password: string }) {
  await pool.query('UPDATE users SET password = $1 WHERE id = $2', [legacy.password, id]);
}

async function hashPasswordInObject(userObject: { password: string }) {
  userObject.password = await hashPassword(userObject.password);
  return userObject;
}
`,
  });
  assert.equal(findings.map(where), ['pii-unencrypted src/user.ts:20:69 users.password']);
});

test.run();
