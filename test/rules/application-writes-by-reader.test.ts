// pii-unencrypted judged from the application's own writes, once per reader piilint knows: for
// Prisma, TypeORM, Sequelize, knex, Kysely, Drizzle and raw SQL with parameters, a hashed password
// and an encrypted TOTP seed are clean, a plain password is a finding at the written value, and a
// plain write beside a hashed one is a finding at the plain write naming the hashed one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unencryptedFindingsOf as findingsOf, whereWithTarget as where } from './_scan-files.js';

type Secret = 'password' | 'totp';

interface Reader {
  name: string;
  /** The files that define the users table with the one secret column a case writes. */
  schema(secret: Secret): Record<string, string>;
  /** The application file's own imports of the reader's client and table. */
  imports: string;
  /** How the application spells the column in a write. */
  field: Record<Secret, string>;
  /** The table as the findings name it. */
  table: string;
  insert(field: string, value: string): string;
  update(field: string, value: string): string;
  /** The writer the evidence names for an insert and for an update. */
  inserted: string;
  updated: string;
}

const SQL_SCHEMA = (secret: Secret) => ({
  'db/migrations/001_users.sql': `CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL,
  ${secret === 'password' ? 'password text NOT NULL' : 'two_factor_secret text'}
);
`,
});

const SNAKE = { password: 'password', totp: 'two_factor_secret' };
const CAMEL = { password: 'password', totp: 'twoFactorSecret' };

const READERS: Reader[] = [
  {
    name: 'Prisma',
    schema: (secret) => ({
      'prisma/schema.prisma': `model User {
  id    Int    @id
  email String
  ${secret === 'password' ? 'password String' : 'twoFactorSecret String?'}
}
`,
    }),
    imports: `import { prisma } from './prisma';`,
    field: CAMEL,
    table: 'User',
    insert: (field, value) => `await prisma.user.create({ data: { email, ${field}: ${value} } });`,
    update: (field, value) =>
      `await prisma.user.update({ where: { id }, data: { ${field}: ${value} } });`,
    inserted: 'created in User',
    updated: 'updated User',
  },
  {
    name: 'TypeORM',
    schema: (secret) => ({
      'src/entity/User.ts': `import { Entity, Column, PrimaryGeneratedColumn } from 'typeorm';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn() id: number;
  @Column() email: string;
  ${secret === 'password' ? '@Column() password: string;' : '@Column({ nullable: true }) twoFactorSecret: string;'}
}
`,
    }),
    imports: `import { dataSource } from './data-source';
import { User } from './entity/User';`,
    field: CAMEL,
    table: 'users',
    insert: (field, value) =>
      `await dataSource.getRepository(User).insert({ email, ${field}: ${value} });`,
    update: (field, value) =>
      `await dataSource.getRepository(User).update({ id }, { ${field}: ${value} });`,
    // TypeORM names the write by the entity's table (`@Entity('users')`).
    inserted: 'inserted into users',
    updated: 'updated users',
  },
  {
    name: 'Sequelize',
    schema: (secret) => ({
      'migrations/20240101-users.js': `module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.createTable('users', {
      id: { type: Sequelize.INTEGER, primaryKey: true },
      email: { type: Sequelize.STRING },
      ${SNAKE[secret]}: { type: Sequelize.STRING },
    });
  },
};
`,
    }),
    imports: `import { User } from './models';`,
    field: SNAKE,
    table: 'users',
    insert: (field, value) => `await User.create({ email, ${field}: ${value} });`,
    update: (field, value) => `await User.update({ ${field}: ${value} }, { where: { id } });`,
    inserted: 'inserted into User',
    updated: 'updated User',
  },
  {
    name: 'knex',
    schema: SQL_SCHEMA,
    imports: `import { db } from './db';`,
    field: SNAKE,
    table: 'users',
    insert: (field, value) => `await db('users').insert({ email, ${field}: ${value} });`,
    update: (field, value) => `await db('users').where({ id }).update({ ${field}: ${value} });`,
    inserted: 'inserted into users',
    updated: 'updated users',
  },
  {
    name: 'Kysely',
    schema: SQL_SCHEMA,
    imports: `import { db } from './db';`,
    field: SNAKE,
    table: 'users',
    insert: (field, value) =>
      `await db.insertInto('users').values({ email, ${field}: ${value} }).execute();`,
    update: (field, value) =>
      `await db.updateTable('users').set({ ${field}: ${value} }).where('id', '=', id).execute();`,
    inserted: 'inserted into users',
    updated: 'updated users',
  },
  {
    name: 'Drizzle',
    schema: (secret) => ({
      'src/schema.ts': `import { pgTable, serial, text } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: text('email').notNull(),
  ${secret === 'password' ? "password: text('password').notNull()," : "twoFactorSecret: text('two_factor_secret'),"}
});
`,
    }),
    imports: `import { eq } from 'drizzle-orm';
import { db } from './db';
import { users } from './schema';`,
    field: CAMEL,
    table: 'users',
    insert: (field, value) => `await db.insert(users).values({ email, ${field}: ${value} });`,
    update: (field, value) =>
      `await db.update(users).set({ ${field}: ${value} }).where(eq(users.id, id));`,
    inserted: 'inserted into users',
    updated: 'updated users',
  },
  {
    name: 'raw SQL with parameters',
    schema: SQL_SCHEMA,
    imports: `import { pool } from './db';`,
    field: SNAKE,
    table: 'users',
    insert: (field, value) =>
      `await pool.query('INSERT INTO users (email, ${field}) VALUES ($1, $2)', [email, ${value}]);`,
    update: (field, value) =>
      `await pool.query('UPDATE users SET ${field} = $1 WHERE id = $2', [${value}, id]);`,
    inserted: 'inserted into users (SQL)',
    updated: 'updated users (SQL)',
  },
];

/** A helper of the application whose body encrypts: the evidence names it and its cipher. */
const CRYPTO_FILE = `import { createCipheriv, randomBytes } from 'node:crypto';

export function encryptSecret(value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(process.env.KEY!, 'hex'), iv);
  return Buffer.concat([iv, cipher.update(value), cipher.final()]).toString('base64');
}
`;

const HASHED = 'await bcrypt.hash(password, 12)';
const ENCRYPTED = 'encryptSecret(secret)';

/** The application file: a sign-up that inserts and a reset that updates, with the given values. */
function usersFile(reader: Reader, secret: Secret, inserted: string, updated: string): string {
  const field = reader.field[secret];
  return `import bcrypt from 'bcrypt';
import { encryptSecret } from './crypto';
${reader.imports}

export async function signUp(email: string, password: string, secret: string) {
  ${reader.insert(field, inserted)}
}

export async function reset(id: number, password: string, secret: string) {
  ${reader.update(field, updated)}
}
`;
}

/** `line:column` of the written value: its last occurrence on the line of the statement. */
function valueAt(text: string, statement: string, value: string): { line: number; column: number } {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.includes(statement));
  assert.ok(index >= 0, `statement not in the file: ${statement}`);
  return { line: index + 1, column: (lines[index] ?? '').lastIndexOf(value) + 1 };
}

function project(reader: Reader, secret: Secret, app: string): Record<string, string> {
  return { ...reader.schema(secret), 'src/crypto.ts': CRYPTO_FILE, 'src/users.ts': app };
}

for (const reader of READERS) {
  test(`${reader.name}: a bcrypt-hashed password, inserted and updated, is clean`, async () => {
    const app = usersFile(reader, 'password', HASHED, HASHED);
    assert.equal((await findingsOf(project(reader, 'password', app))).map(where), []);
  });

  test(`${reader.name}: a TOTP seed encrypted by an application helper is clean`, async () => {
    const app = usersFile(reader, 'totp', ENCRYPTED, ENCRYPTED);
    assert.equal((await findingsOf(project(reader, 'totp', app))).map(where), []);
  });

  test(`${reader.name}: a plain password is one finding at the first written value`, async () => {
    const app = usersFile(reader, 'password', 'password', 'password');
    const findings = await findingsOf(project(reader, 'password', app));
    const field = reader.field.password;
    const inserted = valueAt(app, reader.insert(field, 'password'), 'password');
    const updated = valueAt(app, reader.update(field, 'password'), 'password');
    // One finding per column: at the first plain write, with every plain write as evidence.
    assert.equal(findings.map(where), [
      `pii-unencrypted src/users.ts:${inserted.line}:${inserted.column} ${reader.table}.password`,
    ]);
    const [first] = findings;
    assert.match(first?.message ?? '', /is written to .*\.password in plain text\.$/);
    assert.ok(
      first?.evidence.includes(
        `plain write: password at src/users.ts:${inserted.line} (${reader.inserted})`,
      ),
      first?.evidence.join('\n'),
    );
    assert.ok(
      first?.evidence.includes(
        `plain write: password at src/users.ts:${updated.line} (${reader.updated})`,
      ),
      first?.evidence.join('\n'),
    );
    assert.match(first?.fix ?? '', /^Hash passwords/);
  });

  test(`${reader.name}: mixed writes — the plain update beside a hashed insert is the finding`, async () => {
    const app = usersFile(reader, 'password', HASHED, 'password');
    const findings = await findingsOf(project(reader, 'password', app));
    const field = reader.field.password;
    const updated = valueAt(app, reader.update(field, 'password'), 'password');
    const insertLine = valueAt(app, reader.insert(field, HASHED), HASHED).line;
    assert.equal(findings.map(where), [
      `pii-unencrypted src/users.ts:${updated.line}:${updated.column} ${reader.table}.password`,
    ]);
    const [finding] = findings;
    assert.match(
      finding?.message ?? '',
      new RegExp(
        `in plain text, while src/users\\.ts:${insertLine} \\(${reader.inserted.replace(/[()]/g, '\\$&')}\\) hashes it\\.$`,
      ),
    );
    assert.ok(
      finding?.evidence.includes(
        `hash write: hash from bcrypt at src/users.ts:${insertLine} (${reader.inserted})`,
      ),
      finding?.evidence.join('\n'),
    );
    assert.ok(
      finding?.evidence.includes(
        `plain write: password at src/users.ts:${updated.line} (${reader.updated})`,
      ),
      finding?.evidence.join('\n'),
    );
  });
}

test.run();
