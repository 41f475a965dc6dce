// Field encryption declared once, where the column is defined, covers every write of the column:
// prisma-field-encryption's `/// @encrypted`, a TypeORM column `transformer` that encrypts, a
// Sequelize attribute `set()` and a TypeORM `@BeforeInsert` method that encrypt, and a
// sequelize-typescript attribute decorator named for encryption (`@Encrypted`). A declaration that
// does not encrypt leaves the plain write a finding.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unencryptedFindingsOf as findingsOf, whereWithTarget as where } from './_scan-files.js';

const CIPHER_HELPER = `import { createCipheriv, randomBytes } from 'node:crypto';

export function encryptSecret(value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(process.env.KEY!, 'hex'), iv);
  return Buffer.concat([iv, cipher.update(value), cipher.final()]).toString('base64');
}
`;

// ── prisma-field-encryption ────────────────────────────────────────────────────────────────────

const prismaUser = (marker: string) => `model User {
  id              Int     @id
  email           String
  ${marker}
  twoFactorSecret String?
}
`;

const PRISMA_WRITE = `import { prisma } from './prisma';

export async function enableTwoFactor(id: number, secret: string) {
  await prisma.user.update({ where: { id }, data: { twoFactorSecret: secret } });
}
`;

test('prisma-field-encryption: `/// @encrypted` on the field covers a plain write', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': prismaUser('/// @encrypted'),
    'src/two-factor.ts': PRISMA_WRITE,
  });
  assert.equal(findings.map(where), []);
});

test('prisma-field-encryption: an ordinary doc comment does not, the plain write is the finding', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': prismaUser('/// The authenticator seed'),
    'src/two-factor.ts': PRISMA_WRITE,
  });
  assert.equal(findings.map(where), [
    'pii-unencrypted src/two-factor.ts:4:70 User.twoFactorSecret',
  ]);
  assert.ok(
    findings[0]?.evidence.includes('plain write: secret at src/two-factor.ts:4 (updated User)'),
    findings[0]?.evidence.join('\n'),
  );
});

// ── TypeORM column transformer ─────────────────────────────────────────────────────────────────

const typeormEntity = (
  options: string,
  preamble = '',
) => `import { Entity, Column, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptionTransformer } from 'typeorm-encrypted';
import { encryptSecret } from './crypto';
${preamble}
@Entity('members')
export class Member {
  @PrimaryGeneratedColumn() id: number;
  @Column() email: string;
  @Column(${options}) totpSecret: string;
}
`;

const TYPEORM_WRITE = `import { dataSource } from './data-source';
import { Member } from './member.entity';

export async function enableTwoFactor(id: number, secret: string) {
  await dataSource.getRepository(Member).update({ id }, { totpSecret: secret });
}
`;

test('TypeORM: a typeorm-encrypted transformer covers a plain write', async () => {
  const findings = await findingsOf({
    'src/crypto.ts': CIPHER_HELPER,
    'src/member.entity.ts': typeormEntity(
      `{ transformer: new EncryptionTransformer({ key: process.env.KEY!, algorithm: 'aes-256-gcm', ivLength: 16 }) }`,
    ),
    'src/two-factor.ts': TYPEORM_WRITE,
  });
  assert.equal(findings.map(where), []);
});

test('TypeORM: a transformer object of the same file whose `to` encrypts covers a plain write', async () => {
  const findings = await findingsOf({
    'src/crypto.ts': CIPHER_HELPER,
    'src/member.entity.ts': typeormEntity(
      '{ transformer: secretColumn }',
      `
const secretColumn = {
  to: (value: string) => encryptSecret(value),
  from: (value: string) => value,
};
`,
    ),
    'src/two-factor.ts': TYPEORM_WRITE,
  });
  assert.equal(findings.map(where), []);
});

test('TypeORM: a transformer that only trims is no encryption: the plain write is the finding', async () => {
  const findings = await findingsOf({
    'src/crypto.ts': CIPHER_HELPER,
    'src/member.entity.ts': typeormEntity(
      '{ transformer: trimmed }',
      `
const trimmed = { to: (value: string) => value.trim(), from: (value: string) => value };
`,
    ),
    'src/two-factor.ts': TYPEORM_WRITE,
  });
  assert.equal(findings.map(where), ['pii-unencrypted src/two-factor.ts:5:71 members.totpSecret']);
  assert.ok(
    findings[0]?.evidence.includes('plain write: secret at src/two-factor.ts:5 (updated members)'),
    findings[0]?.evidence.join('\n'),
  );
});

// ── TypeORM @BeforeInsert ──────────────────────────────────────────────────────────────────────

const memberWithHook = (
  body: string,
) => `import { Entity, Column, PrimaryGeneratedColumn, BeforeInsert, BeforeUpdate } from 'typeorm';
import { encryptSecret } from './crypto';

@Entity('members')
export class Member {
  @PrimaryGeneratedColumn() id: number;
  @Column() email: string;
  @Column({ nullable: true }) totpSecret: string;

  @BeforeInsert()
  @BeforeUpdate()
  protect() {
    ${body}
  }
}
`;

test('TypeORM: a @BeforeInsert method that encrypts the column covers a plain write', async () => {
  const findings = await findingsOf({
    'src/crypto.ts': CIPHER_HELPER,
    'src/member.entity.ts': memberWithHook(
      'if (this.totpSecret) this.totpSecret = encryptSecret(this.totpSecret);',
    ),
    'src/two-factor.ts': TYPEORM_WRITE,
  });
  assert.equal(findings.map(where), []);
});

test('TypeORM: a @BeforeInsert method that only lower-cases the email leaves the plain write a finding', async () => {
  const findings = await findingsOf({
    'src/crypto.ts': CIPHER_HELPER,
    'src/member.entity.ts': memberWithHook('this.email = this.email.toLowerCase();'),
    'src/two-factor.ts': TYPEORM_WRITE,
  });
  assert.equal(findings.map(where), ['pii-unencrypted src/two-factor.ts:5:71 members.totpSecret']);
});

// ── Sequelize set() ────────────────────────────────────────────────────────────────────────────

const SEQUELIZE_MIGRATION = `module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.createTable('members', {
      id: { type: Sequelize.INTEGER, primaryKey: true },
      email: { type: Sequelize.STRING },
      ssn: { type: Sequelize.STRING },
    });
  },
};
`;

const sequelizeModel = (setter: string) => `const { encryptSecret } = require('../lib/crypto');
module.exports = (sequelize, DataTypes) =>
  sequelize.define('members', {
    email: DataTypes.STRING,
    ssn: {
      type: DataTypes.STRING,
      set(value) {
        ${setter}
      },
    },
  });
`;

const SEQUELIZE_WRITE = `const { Member } = require('../models');

async function admit(email, ssn) {
  return Member.create({ email, ssn });
}
module.exports = { admit };
`;

test('Sequelize: an attribute set() that encrypts covers a plain create', async () => {
  const findings = await findingsOf({
    'migrations/20240101-members.js': SEQUELIZE_MIGRATION,
    'lib/crypto.ts': CIPHER_HELPER,
    'models/member.js': sequelizeModel("this.setDataValue('ssn', encryptSecret(value));"),
    'services/members.js': SEQUELIZE_WRITE,
  });
  assert.equal(findings.map(where), []);
});

test('Sequelize: a set() that stores the value as given leaves the plain create a finding', async () => {
  const findings = await findingsOf({
    'migrations/20240101-members.js': SEQUELIZE_MIGRATION,
    'lib/crypto.ts': CIPHER_HELPER,
    'models/member.js': sequelizeModel("this.setDataValue('ssn', value.trim());"),
    'services/members.js': SEQUELIZE_WRITE,
  });
  // A government id written plain with no protection anywhere is the column's own finding,
  // naming the write.
  assert.equal(findings.map(where), [
    'pii-unencrypted migrations/20240101-members.js:6:7 members.ssn',
  ]);
  assert.ok(
    findings[0]?.evidence.includes(
      'plain write: ssn at services/members.js:4 (inserted into Member)',
    ),
    findings[0]?.evidence.join('\n'),
  );
});

// ── sequelize-typescript attribute decorator ───────────────────────────────────────────────────

const AUTHENTICATIONS_MIGRATION = `module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.createTable('user_authentications', {
      id: { type: Sequelize.UUID, primaryKey: true },
      userId: { type: Sequelize.UUID, references: { model: 'users' } },
      accessToken: { type: Sequelize.BLOB },
      refreshToken: { type: Sequelize.BLOB },
    });
  },
};
`;

const authenticationModel = (
  decorator: string,
) => `import { Column, DataType, Table, Model } from 'sequelize-typescript';
import Encrypted from './decorators/Encrypted';
import Trimmed from './decorators/Trimmed';

@Table({ tableName: 'user_authentications', modelName: 'user_authentication' })
class UserAuthentication extends Model {
  @Column(DataType.BLOB)
  ${decorator}
  accessToken: string;

  @Column(DataType.BLOB)
  @Encrypted
  refreshToken: string;
}

export default UserAuthentication;
`;

test('sequelize-typescript: an @Encrypted attribute decorator covers the column', async () => {
  const findings = await findingsOf({
    'server/migrations/20240101-authentications.js': AUTHENTICATIONS_MIGRATION,
    'server/models/UserAuthentication.ts': authenticationModel('@Encrypted'),
  });
  assert.equal(findings.map(where), []);
});

test('sequelize-typescript: a decorator not named for encryption leaves the column a finding', async () => {
  const findings = await findingsOf({
    'server/migrations/20240101-authentications.js': AUTHENTICATIONS_MIGRATION,
    'server/models/UserAuthentication.ts': authenticationModel('@Trimmed'),
  });
  assert.equal(findings.map(where), [
    'pii-unencrypted server/migrations/20240101-authentications.js:6:7 user_authentications.accessToken',
  ]);
});

test.run();
