// Data scripts through each client, written the way projects write them: a script reads patients
// from the clinic database and writes them into a table the data map declares public. Each test
// scans a throw-away project end to end and states the findings by rule, file, line and column.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Finding } from '../../src/findings.js';
import { scan } from '../../src/scan.js';

async function findingsOf(files: Record<string, string>): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'piilint-clients-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const result = await scan({ cwd: root, paths: ['.'] });
    return result.findings.map(describe);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const describe = (finding: Finding) =>
  `${finding.ruleId} ${finding.severity} ${finding.file}:${finding.line}:${finding.column} ` +
  `${finding.source?.table}.${finding.source?.column} → ${finding.target?.table}.${finding.target?.column}`;

/** Two stores: the clinic's patients, and a portal whose accounts table is public. */
function dataMap(tables: {
  connections: [string, string];
  patients: string;
  name: string;
  email: string;
  accounts: string;
  displayName: string;
  username: string;
}): string {
  return `version: 1
stores:
  clinic:
    engine: postgres
    exposure: internal
    context: health
    connections: [${tables.connections[0]}, CLINIC_DATABASE_URL]
    tables:
      ${tables.patients}:
        subject: patient
        columns:
          ${tables.name}: person.name
          ${tables.email}: contact.email
  portal:
    engine: postgres
    exposure: internal
    connections: [${tables.connections[1]}, PORTAL_DATABASE_URL]
    tables:
      ${tables.accounts}:
        exposure: public
        columns:
          ${tables.displayName}: {}
          ${tables.username}: {}
`;
}

const sqlNames = {
  patients: 'patients',
  name: 'full_name',
  email: 'email',
  accounts: 'accounts',
  displayName: 'display_name',
  username: 'username',
};

test('postgres.js: two clients under their own names, values interpolated into the INSERT', async () => {
  const findings = await findingsOf({
    'datamap.yaml': dataMap({ connections: ['clinic', 'portal'], ...sqlNames }),
    'scripts/open-portal-accounts.ts': `import postgres from 'postgres';

const clinic = postgres(process.env.CLINIC_DATABASE_URL!);
const portal = postgres(process.env.PORTAL_DATABASE_URL!);

const patients = await clinic\`SELECT full_name, email FROM patients WHERE portal_opt_in\`;
await portal.begin(async (tx) => {
  for (const p of patients) {
    await tx\`INSERT INTO accounts (display_name, username) VALUES (\${p.full_name}, \${p.email})\`;
  }
});
const total = await clinic\`SELECT count(*) AS total FROM patients\`;
await portal\`INSERT INTO import_runs (rows_copied) VALUES (\${total[0].total})\`;
`,
  });
  assert.equal(findings, [
    'pii-public-exposure error scripts/open-portal-accounts.ts:9:70 patients.full_name → accounts.display_name',
    'pii-public-exposure error scripts/open-portal-accounts.ts:9:86 patients.email → accounts.username',
  ]);
});

test('slonik: rows and first columns read through one pool, written through another', async () => {
  const findings = await findingsOf({
    'datamap.yaml': dataMap({ connections: ['clinic', 'portal'], ...sqlNames }),
    'scripts/sync-accounts.ts': `import { createPool, sql } from 'slonik';
import { z } from 'zod';

const clinic = await createPool(process.env.CLINIC_DATABASE_URL!);
const portal = await createPool(process.env.PORTAL_DATABASE_URL!);

const rows = await clinic.any(sql.unsafe\`SELECT full_name, email FROM patients\`);
for (const row of rows) {
  await portal.query(sql.unsafe\`
    INSERT INTO accounts (display_name, username)
    VALUES (\${row.full_name}, \${row.email})
  \`);
}
const emails = await clinic.anyFirst(sql.type(z.object({ email: z.string() }))\`SELECT email FROM patients\`);
for (const email of emails) {
  await portal.query(sql.unsafe\`UPDATE accounts SET username = \${email} WHERE username IS NULL\`);
}
const copied = await portal.oneFirst(sql.unsafe\`SELECT count(*) FROM accounts\`);
await portal.query(sql.unsafe\`INSERT INTO import_runs (rows_copied) VALUES (\${copied})\`);
`,
  });
  assert.equal(findings, [
    'pii-public-exposure error scripts/sync-accounts.ts:11:15 patients.full_name → accounts.display_name',
    'pii-public-exposure error scripts/sync-accounts.ts:11:33 patients.email → accounts.username',
    'pii-public-exposure error scripts/sync-accounts.ts:16:66 patients.email → accounts.username',
  ]);
});

test('Drizzle: table objects from the schema module, db.select().from(t), insert(t).values(…), update(t).set(…)', async () => {
  const findings = await findingsOf({
    'datamap.yaml': dataMap({ connections: ['clinic', 'portal'], ...sqlNames }),
    'src/db/schema.ts': `import { boolean, pgTable, serial, text } from 'drizzle-orm/pg-core';

export const patients = pgTable('patients', {
  id: serial('id').primaryKey(),
  fullName: text('full_name').notNull(),
  email: text('email').notNull(),
  portalOptIn: boolean('portal_opt_in').default(false),
});

export const accounts = pgTable('accounts', {
  id: serial('id').primaryKey(),
  displayName: text('display_name'),
  username: text('username').unique(),
});
`,
    'scripts/open-portal-accounts.ts': `import { drizzle } from 'drizzle-orm/node-postgres';
import { eq } from 'drizzle-orm';
import { accounts, patients } from '../src/db/schema';

const clinic = drizzle(process.env.CLINIC_DATABASE_URL!);
const portal = drizzle(process.env.PORTAL_DATABASE_URL!);

const optedIn = await clinic.select().from(patients).where(eq(patients.portalOptIn, true));
await portal
  .insert(accounts)
  .values(optedIn.map((p) => ({ displayName: p.fullName, username: p.email })))
  .onConflictDoNothing();

const renamed = await clinic.select({ id: patients.id, name: patients.fullName }).from(patients);
for (const p of renamed) {
  await portal.update(accounts).set({ displayName: p.name }).where(eq(accounts.id, p.id));
}
`,
  });
  assert.equal(findings, [
    'pii-public-exposure error scripts/open-portal-accounts.ts:11:33 patients.full_name → accounts.display_name',
    'pii-public-exposure error scripts/open-portal-accounts.ts:11:58 patients.email → accounts.username',
    'pii-public-exposure error scripts/open-portal-accounts.ts:16:39 patients.full_name → accounts.display_name',
  ]);
});

test('Prisma: createMany of mapped rows and both halves of an upsert', async () => {
  const findings = await findingsOf({
    'datamap.yaml': dataMap({
      connections: ['prisma', 'portal'],
      patients: 'Patient',
      name: 'fullName',
      email: 'email',
      accounts: 'Account',
      displayName: 'displayName',
      username: 'username',
    }).replace(
      'connections: [portal, PORTAL_DATABASE_URL]',
      'connections: [portalPrisma, PORTAL_DATABASE_URL]',
    ),
    'scripts/sync-accounts.ts': `import { PrismaClient } from '@prisma/client';
import { PrismaClient as PortalClient } from '../generated/portal';

const prisma = new PrismaClient();
const portalPrisma = new PortalClient();

async function main() {
  const patients = await prisma.patient.findMany({ select: { fullName: true, email: true } });
  await portalPrisma.account.createMany({
    data: patients.map((p) => ({ displayName: p.fullName, username: p.email })),
    skipDuplicates: true,
  });
  for (const p of patients) {
    await portalPrisma.account.upsert({
      where: { username: p.email },
      create: { username: p.email, displayName: p.fullName },
      update: { displayName: p.fullName },
    });
  }
  const count = await portalPrisma.account.count();
  await portalPrisma.importRun.create({ data: { rowsCopied: count } });
}

main().finally(() => prisma.$disconnect());
`,
  });
  assert.equal(findings, [
    'pii-public-exposure error scripts/sync-accounts.ts:10:34 Patient.fullName → Account.displayName',
    'pii-public-exposure error scripts/sync-accounts.ts:10:59 Patient.email → Account.username',
    'pii-public-exposure error scripts/sync-accounts.ts:16:17 Patient.email → Account.username',
    'pii-public-exposure error scripts/sync-accounts.ts:16:36 Patient.fullName → Account.displayName',
    'pii-public-exposure error scripts/sync-accounts.ts:17:17 Patient.fullName → Account.displayName',
  ]);
});

test('TypeORM: repositories of entities declared in the project, named as TypeORM names them', async () => {
  const findings = await findingsOf({
    'datamap.yaml': dataMap({
      connections: ['AppDataSource', 'portalDataSource'],
      ...sqlNames,
      patients: 'patient',
    }),
    'src/entities/patient.ts': `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Patient {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'full_name' })
  fullName!: string;

  @Column()
  email!: string;
}
`,
    'src/entities/account.ts': `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('accounts')
export class Account {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column('varchar', { name: 'display_name' })
  displayName!: string;

  @Column()
  username!: string;
}
`,
    'scripts/open-portal-accounts.ts': `import { AppDataSource, portalDataSource } from '../src/data-source';
import { Account } from '../src/entities/account';
import { Patient } from '../src/entities/patient';

const patients = AppDataSource.getRepository(Patient);
const accounts = portalDataSource.getRepository(Account);

const found = await patients.find({ select: { fullName: true, email: true } });
await accounts.save(found.map((p) => ({ displayName: p.fullName, username: p.email })));
`,
  });
  assert.equal(findings, [
    'pii-public-exposure error scripts/open-portal-accounts.ts:9:41 patient.full_name → accounts.display_name',
    'pii-public-exposure error scripts/open-portal-accounts.ts:9:66 patient.email → accounts.username',
  ]);
});

test('Kysely: selectFrom on one database, insertInto(…).values(…) on another', async () => {
  const findings = await findingsOf({
    'datamap.yaml': dataMap({ connections: ['clinicDb', 'portalDb'], ...sqlNames }),
    'scripts/open-portal-accounts.ts': `import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';

const clinicDb = new Kysely<Clinic>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: process.env.CLINIC_DATABASE_URL }) }) });
const portalDb = new Kysely<Portal>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: process.env.PORTAL_DATABASE_URL }) }) });

const patients = await clinicDb.selectFrom('patients').select(['full_name', 'email']).execute();
await portalDb
  .insertInto('accounts')
  .values(patients.map((p) => ({ display_name: p.full_name, username: p.email })))
  .execute();
`,
  });
  assert.equal(findings, [
    'pii-public-exposure error scripts/open-portal-accounts.ts:10:34 patients.full_name → accounts.display_name',
    'pii-public-exposure error scripts/open-portal-accounts.ts:10:61 patients.email → accounts.username',
  ]);
});

test('MikroORM: em.find with fields, em.create and em.persist(new Entity(…)) of entities named by their decorators', async () => {
  const findings = await findingsOf({
    'datamap.yaml': dataMap({
      connections: ['em', 'portal'],
      ...sqlNames,
      accounts: 'member_account',
    }).replace(
      'connections: [portal, PORTAL_DATABASE_URL]',
      'connections: [portalEm, PORTAL_DATABASE_URL]',
    ),
    'src/entities/Patient.ts': `import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'patients' })
export class Patient {
  @PrimaryKey()
  id!: number;

  @Property()
  fullName!: string;

  @Property({ fieldName: 'email' })
  emailAddress!: string;
}
`,
    'src/entities/MemberAccount.ts': `import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

@Entity()
export class MemberAccount {
  @PrimaryKey()
  id!: number;

  @Property()
  displayName!: string;

  @Property()
  username!: string;

  constructor(data: Partial<MemberAccount>) {
    Object.assign(this, data);
  }
}
`,
    'scripts/open-member-accounts.ts': `import { MikroORM } from '@mikro-orm/postgresql';
import { MemberAccount } from '../src/entities/MemberAccount';
import { Patient } from '../src/entities/Patient';

const orm = await MikroORM.init();
const em = orm.em.fork();
const portalEm = (await MikroORM.init({ clientUrl: process.env.PORTAL_DATABASE_URL })).em.fork();

const patients = await em.find(Patient, { optedIn: true }, { fields: ['fullName', 'emailAddress'] });
for (const patient of patients) {
  portalEm.create(MemberAccount, { displayName: patient.fullName, username: patient.emailAddress });
}
const first = await em.findOneOrFail(Patient, { id: 1 });
await portalEm.persist(new MemberAccount({ displayName: first.fullName })).flush();
await portalEm.flush();
`,
  });
  assert.equal(findings, [
    'pii-public-exposure error scripts/open-member-accounts.ts:11:36 patients.full_name → member_account.display_name',
    'pii-public-exposure error scripts/open-member-accounts.ts:11:67 patients.email → member_account.username',
    'pii-public-exposure error scripts/open-member-accounts.ts:14:44 patients.full_name → member_account.display_name',
  ]);
});

test.run();
