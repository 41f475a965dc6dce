import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dataScriptsExtractor } from '../../src/extractors/typescript/data-scripts/reader.js';
import { extractScript, factsOf, fixtureText, summarise } from './data-scripts-helpers.js';

test('knex reads: select list and array, *, where chains, first, select().from(), pluck, joins with aliases; a count is no read', async () => {
  assert.equal(
    summarise(await extractScript(fixtureText('knex-reads.ts'), 'scripts/knex-reads.ts')),
    [
      'copy 8:9-8:42 script → target[TARGET_URL]:contacts',
      '  full_name ← source[SOURCE_URL]:patients.full_name (copy) @7:51-7:62',
      '    7:24 read patients.full_name, patients.email through source → 8:9 inserted into contacts through target',
      '  contact ← source[SOURCE_URL]:patients.email (copy) @7:64-7:82',
      '    7:24 read patients.full_name, patients.email through source → 8:9 inserted into contacts through target',
      'copy 11:9-11:51 script → target[TARGET_URL]:patients_copy',
      '  * ← source[SOURCE_URL]:patients.* (copy) @11:40-11:50',
      '    10:28 read patients.* through source → 11:9 inserted into patients_copy through target',
      'copy 14:9-14:63 script → target[TARGET_URL]:birthdays',
      '  dob ← source[SOURCE_URL]:patients.date_of_birth (copy) @14:38-14:60',
      '    13:21 read patients.date_of_birth through source → 14:38 mapped to dob → 14:9 inserted into birthdays through target',
      'copy 17:9-17:78 script → target[TARGET_URL]:phones',
      '  phone ← source[SOURCE_URL]:patients.phone (copy) @17:57-17:73',
      '    16:25 read patients.phone through source → 17:46 each item of viaFrom as row → 17:9 inserted into phones through target',
      'copy 20:9-20:78 script → target[TARGET_URL]:mailing',
      '  address ← source[SOURCE_URL]:patients.email (copy) @20:59-20:73',
      '    19:24 read patients.email through source → 20:46 each item of emails as email → 20:59 mapped to address → 20:9 inserted into mailing through target',
      'copy 25:9-25:40 script → target[TARGET_URL]:report',
      '  full_name ← source[SOURCE_URL]:patients.full_name (copy) @24:13-24:26',
      '    22:24 read patients.full_name, prescriptions.drug_name through source → 25:9 inserted into report through target',
      '  drug_name ← source[SOURCE_URL]:prescriptions.drug_name (copy) @24:28-24:42',
      '    22:24 read patients.full_name, prescriptions.drug_name through source → 25:9 inserted into report through target',
    ],
  );
});
test('raw pg reads through analyseQuery (`rows` of the result, const SQL, templates) and parameterised $n writes, array and { text, values }', async () => {
  assert.equal(summarise(await extractScript(fixtureText('raw-sql.ts'), 'scripts/raw-sql.ts')), [
    'copy 10:11-14:7 script → warehouse[WAREHOUSE_URL]:contacts',
    '  name ← legacy[LEGACY_DATABASE_URL]:members.full_name (copy) @11:7-11:23',
    '    8:26 read members.full_name, members.email through legacy → 9:14 each item of rows as member → 10:11 inserted into contacts through warehouse',
    '  email ← legacy[LEGACY_DATABASE_URL]:members.email (copy) @12:7-12:19',
    '    8:26 read members.full_name, members.email through legacy → 9:14 each item of rows as member → 10:11 inserted into contacts through warehouse',
    'copy 18:9-18:109 script → warehouse[WAREHOUSE_URL]:contacts',
    '  phone ← legacy[LEGACY_DATABASE_URL]:members.phone (copy) @18:90-18:102',
    '    16:24 read members.phone through legacy → 18:9 updated contacts through warehouse',
  ]);
});
test('mysql2: `[rows]` of a query and `?` parameters mapped to columns', async () => {
  assert.equal(
    summarise(await extractScript(fixtureText('mysql-raw.ts'), 'scripts/mysql-raw.ts')),
    [
      'copy 9:11-9:106 script → crm[CRM_DATABASE_URL]:leads',
      '  email ← shop[SHOP_DATABASE_URL]:customers.email (copy) @9:74-9:88',
      '    7:29 read customers.email, customers.phone through shop → 8:14 each item of customers as customer → 9:11 inserted into leads through crm',
      '  phone ← shop[SHOP_DATABASE_URL]:customers.phone (copy) @9:90-9:104',
      '    7:29 read customers.email, customers.phone through shop → 8:14 each item of customers as customer → 9:11 inserted into leads through crm',
    ],
  );
});
test('ORM reads and writes: Prisma (model name kept), Sequelize define/tableName and bulkInsert, Kysely; constants are no copy', async () => {
  assert.equal(
    summarise(await extractScript(fixtureText('orm-copies.ts'), 'scripts/orm-copies.ts')),
    [
      'copy 13:9-13:96 script → prisma:Account',
      '  displayName ← prisma:Patient.fullName (copy) @13:66-13:89',
      '    12:26 read Patient.fullName, Patient.email through prisma → 13:57 each item of patients as p → 13:66 mapped to displayName → 13:9 created in Account through prisma',
      'copy 14:9-14:73 script → prisma:Account',
      '  username ← prisma:Patient.email (copy) @14:41-14:68',
      '    12:26 read Patient.fullName, Patient.email through prisma → 14:41 mapped to username → 14:9 created in Account through prisma',
      'copy 17:9-17:79 script → prisma:Archive',
      '  payload ← prisma:Patient.* (copy) @17:41-17:74',
      '    16:26 read Patient.* through prisma → 17:50 serialised with JSON.stringify → 17:41 mapped to payload → 17:9 created in Archive through prisma',
      'copy 20:9-20:98 script → sequelize[DATABASE_URL]:accounts',
      '  display_name ← sequelize[DATABASE_URL]:patients.full_name (copy) @20:50-20:75',
      '    19:25 read patients.full_name, patients.email through sequelize → 20:41 each item of members as m → 20:50 mapped to display_name → 20:9 inserted into accounts through sequelize',
      '  username ← sequelize[DATABASE_URL]:patients.email (copy) @20:77-20:93',
      '    19:25 read patients.full_name, patients.email through sequelize → 20:41 each item of members as m → 20:77 mapped to username → 20:9 inserted into accounts through sequelize',
      'copy 21:9-21:52 script → audit',
      '  full_name ← sequelize[DATABASE_URL]:patients.full_name (copy) @19:56-19:67',
      '    19:25 read patients.full_name, patients.email through sequelize → 21:9 inserted into audit',
      '  mail ← sequelize[DATABASE_URL]:patients.email (copy) @19:69-19:86',
      '    19:25 read patients.full_name, patients.email through sequelize → 21:9 inserted into audit',
      'copy 24:9-24:57 script → db:contacts',
      '  phone ← db:patients.phone (copy) @23:56-23:63',
      '    23:22 read patients.phone, patients.zip through db → 24:9 inserted into contacts through db',
      '  postal ← db:patients.zip (copy) @23:65-23:80',
      '    23:22 read patients.phone, patients.zip through db → 24:9 inserted into contacts through db',
      'copy 26:9-26:97 script → db:contacts',
      '  note ← db:patients.diagnosis (copy) @26:42-26:64',
      '    25:24 read patients.* through db → 26:42 mapped to note → 26:9 updated contacts through db',
    ],
  );
});
test('TypeORM repositories and a transaction manager', async () => {
  assert.equal(
    summarise(await extractScript(fixtureText('typeorm-copy.ts'), 'scripts/typeorm-copy.ts')),
    [
      'copy 8:9-8:67 script → AppDataSource:newsletter_subscribers',
      '  address ← AppDataSource:Customer.email (copy) @8:46-8:62',
      '    7:23 read Customer.email, Customer.firstName through AppDataSource → 8:37 each item of found as c → 8:46 mapped to address → 8:9 inserted into newsletter_subscribers through AppDataSource',
      'copy 10:11-10:71 script → AppDataSource:mailing_list',
      '  name ← AppDataSource:Customer.firstName (copy) @10:44-10:68',
      '    7:23 read Customer.email, Customer.firstName through AppDataSource → 10:44 mapped to name → 10:11 inserted into mailing_list through AppDataSource',
    ],
  );
});
test('tracking: destructuring, spreads, map/forEach/for-of, templates, same-file functions, push, reassignment, hash, then(); counts and booleans carry nothing', async () => {
  assert.equal(summarise(await extractScript(fixtureText('tracking.ts'), 'scripts/tracking.ts')), [
    'copy 16:9-16:51 script → db[DATABASE_URL]:a',
    '  who ← db[DATABASE_URL]:patients.full_name (copy) @16:26-16:35',
    '    13:26 read patients.full_name, patients.email, patients.phone through db → 16:26 mapped to who → 16:9 inserted into a through db',
    '  mail ← db[DATABASE_URL]:patients.email (copy) @16:37-16:48',
    '    13:26 read patients.full_name, patients.email, patients.phone through db → 16:37 mapped to mail → 16:9 inserted into a through db',
    'copy 19:5-19:44 script → db[DATABASE_URL]:b',
    '  full_name ← db[DATABASE_URL]:patients.full_name (copy) @13:41-13:50',
    '    13:26 read patients.full_name, patients.email, patients.phone through db → 18:17 each item of rows as p → 19:5 inserted into b through db',
    '  email ← db[DATABASE_URL]:patients.email (copy) @13:52-13:57',
    '    13:26 read patients.full_name, patients.email, patients.phone through db → 18:17 each item of rows as p → 19:5 inserted into b through db',
    '  phone ← db[DATABASE_URL]:patients.phone (copy) @13:59-13:64',
    '    13:26 read patients.full_name, patients.email, patients.phone through db → 18:17 each item of rows as p → 19:5 inserted into b through db',
    'copy 23:9-23:45 script → db[DATABASE_URL]:c',
    '  label ← db[DATABASE_URL]:patients.full_name, db[DATABASE_URL]:patients.email (copy) @23:26-23:42',
    '    13:26 read patients.full_name, patients.email, patients.phone through db → 22:28 each item of rows as p → 23:26 mapped to label → 23:9 inserted into c through db',
    'copy 25:9-25:61 script → db[DATABASE_URL]:d',
    '  name ← db[DATABASE_URL]:patients.full_name (copy) @7:12-7:35',
    '    13:26 read patients.full_name, patients.email, patients.phone through db → 25:34 each item of rows as p → 25:50 passed to toContact → 7:12 mapped to name → 25:9 inserted into d through db',
    'copy 27:9-27:66 script → db[DATABASE_URL]:e',
    '  salutation ← db[DATABASE_URL]:patients.full_name (copy) @27:26-27:63',
    '    13:26 read patients.full_name, patients.email, patients.phone through db → 27:47 passed to greeting → 27:26 mapped to salutation → 27:9 inserted into e through db',
    'copy 31:9-31:30 script → db[DATABASE_URL]:f',
    '  phone ← db[DATABASE_URL]:patients.phone (copy) @30:38-30:52',
    '    13:26 read patients.full_name, patients.email, patients.phone through db → 30:14 each item of rows as p → 31:9 inserted into f through db',
    'copy 35:9-35:32 script → db[DATABASE_URL]:g',
    '  blob ← db[DATABASE_URL]:patients.full_name, db[DATABASE_URL]:patients.email, db[DATABASE_URL]:patients.phone (copy) @34:15-34:42',
    '    13:26 read patients.full_name, patients.email, patients.phone through db → 34:21 serialised with JSON.stringify → 34:15 mapped to blob → 35:9 inserted into g through db',
    'copy 37:9-37:95 script → db[DATABASE_URL]:h',
    '  email_hash ← db[DATABASE_URL]:patients.email (hash via createHash) @37:26-37:92',
    '    13:26 read patients.full_name, patients.email, patients.phone through db → 37:26 mapped to email_hash → 37:9 inserted into h through db',
    'copy 39:63-39:109 script → db[DATABASE_URL]:i',
    '  mail ← db[DATABASE_URL]:patients.email (copy) @39:80-39:106',
    '    39:9 read patients.email through db → 39:80 mapped to mail → 39:63 inserted into i through db',
  ]);
});

test('the hash transform names the call that decided it', async () => {
  const facts = await extractScript(fixtureText('tracking.ts'));
  const hashed = facts.find((fact) => fact.kind === 'data-copied' && fact.target.name === 'h');
  assert.ok(hashed && hashed.kind === 'data-copied');
  assert.equal(hashed.columns[0]?.value.via, 'createHash');
});

test('applies: a read and a write or send are both needed', () => {
  assert.ok(dataScriptsExtractor.applies("const r = await db('p').select('a'); console.log(r)"));
  assert.not.ok(dataScriptsExtractor.applies("console.log('hello'); await fetch(url)"));
  assert.not.ok(dataScriptsExtractor.applies("const r = await db('p').select('a'); return r;"));
  // Plain migrations run DDL through generic runners: not a read, so not a data script.
  assert.not.ok(
    dataScriptsExtractor.applies(
      "await knex.schema.createTable('t', (t) => t.text('a')); await knex.raw('CREATE INDEX i ON t (a)');",
    ),
  );
  assert.not.ok(
    dataScriptsExtractor.applies(
      'await queryRunner.query(`ALTER TABLE "users" ADD "email" text`);',
    ),
  );
  // A raw read is recognised by its SELECT … FROM text, wherever the SQL is written.
  assert.ok(
    dataScriptsExtractor.applies(
      "const sql = 'SELECT email FROM patients'; const { rows } = await pool.query(sql); console.log(rows);",
    ),
  );
});

test('writing constants, counts and ids of a non-person table is no copy', async () => {
  const facts = await factsOf(`import knex from 'knex';
const db = knex({});
const orders = await db('orders').select('id', 'total');
await db('stats').insert({ runs: orders.length, status: 'done', at: new Date() });
await db('stats').update({ last: 'ok' });
`);
  assert.equal(facts, []);
});

test('a subquery handed to insert is the query builder reader’s copy, not a script copy', async () => {
  const facts = await factsOf(`import knex from 'knex';
const source = knex({});
const target = knex({});
await target('accounts').insert(source('patients').select('email'));
`);
  assert.equal(facts, []);
});

test('a tuple destructured from Promise.all gives each name its own position, not every element', async () => {
  // An id generator next to a patient read: only the read's position carries the patient's data.
  const text = [
    "import knex from 'knex';",
    "const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });",
    'async function nextReference(): Promise<string> {',
    "  return 'RX-1';",
    '}',
    'export async function copyOrders() {',
    '  const [reference, patient] = await Promise.all([',
    '    nextReference(),',
    "    db('patients').select('full_name', 'email').first(),",
    '  ]);',
    "  await db('orders').insert({ reference, recipient_name: patient.full_name });",
    '  const [first, ...rest] = [patient.email, reference];',
    "  await db('contacts').insert({ first, rest });",
    '}',
  ].join('\n');
  assert.equal(summarise(await extractScript(text, 'scripts/copy-orders.ts')), [
    'copy 11:9-11:78 script → db[DATABASE_URL]:orders',
    '  recipient_name ← db[DATABASE_URL]:patients.full_name (copy) @11:42-11:75',
    '    9:5 read patients.full_name, patients.email through db → 11:42 mapped to recipient_name → 11:9 inserted into orders through db',
    'copy 13:9-13:47 script → db[DATABASE_URL]:contacts',
    '  first ← db[DATABASE_URL]:patients.email (copy) @13:33-13:38',
    '    9:5 read patients.full_name, patients.email through db → 13:33 mapped to first → 13:9 inserted into contacts through db',
  ]);
});

test('a transaction reaches its owner’s store; env names from destructured process.env', async () => {
  const facts = await factsOf(`import knex from 'knex';
const { CRM_URL } = process.env;
const crm = knex({ connection: CRM_URL });
const pps = knex({ connection: { connectionString: process.env['PPS_URL'] } });
const p = await pps('patients').first('email');
await crm.transaction(async (trx) => {
  await trx('leads').insert({ username: p.email });
});
`);
  assert.equal(facts, [
    'copy 7:9-7:51 script → crm[CRM_URL]:leads',
    '  username ← pps[PPS_URL]:patients.email (copy) @7:31-7:48',
    '    5:17 read patients.email through pps → 7:31 mapped to username → 7:9 inserted into leads through crm',
  ]);
});

test('tagged sql templates: a read and a parameterised insert (postgres.js style)', async () => {
  const facts = await factsOf(`import postgres from 'postgres';
const sql = postgres(process.env.DATABASE_URL);
const people = await sql\`SELECT email FROM customers\`;
for (const person of people) {
  await sql\`INSERT INTO newsletter (address, source) VALUES (\${person.email}, \${'import'})\`;
}
`);
  assert.equal(facts, [
    'copy 5:9-5:92 script → sql[DATABASE_URL]:newsletter',
    '  address ← sql[DATABASE_URL]:customers.email (copy) @5:64-5:76',
    '    3:22 read customers.email through sql → 4:12 each item of people as person → 5:9 inserted into newsletter through sql',
  ]);
});

test('class methods: this.helper(row) binds the parameter and returns the mapped row', async () => {
  const facts = await factsOf(`class Merge {
  constructor(private source: any, private target: any) {}
  toAccount(p: any) {
    return { display_name: p.full_name };
  }
  async run() {
    const rows = await this.source('patients').select('full_name');
    for (const row of rows) await this.target('accounts').insert(this.toAccount(row));
  }
}
`);
  assert.equal(facts, [
    'copy 8:35-8:86 script → target:accounts',
    '  display_name ← source:patients.full_name (copy) @4:14-4:39',
    '    7:24 read patients.full_name through source → 8:16 each item of rows as row → 8:81 passed to toAccount → 4:14 mapped to display_name → 8:35 inserted into accounts through target',
  ]);
});

test('values that depend on themselves stop at the cycle; bad input never throws', async () => {
  const cyclic = await factsOf(`const db = knex({});
let rows = await db('patients').select('email');
rows = rows.concat(rows);
console.log(rows);
`);
  assert.equal(cyclic, [
    'send 4:1-4:18 type=log logger=console',
    '  db:patients.email (copy)',
    '    2:18 read patients.email through db → 4:1 logged with console.log',
  ]);
  assert.equal(await factsOf("const r = await db('p').select(; console.log(r.)) }}} ((("), []);
  assert.equal(await factsOf(''), []);
});
test('write results are counts: $executeRaw, $executeRawUnsafe, knex update, DELETE carry nothing to the log; RETURNING and knex returning() read the target back; a Prisma.sql fragment keeps its values', async () => {
  const facts = summarise(
    await extractScript(fixtureText('write-results.ts'), 'scripts/write-results.ts'),
  );
  // formbricks: `inserted=${inserted}` logged after `tx.$executeRaw\`INSERT … ${user.password}\`` is no finding.
  assert.not.ok(facts.some((line) => line.startsWith('send 14:')));
  assert.equal(facts, [
    'copy 10:30-10:128 script → prisma:Account',
    '  userId ← prisma:User.id (copy) @10:100-10:107',
    '    7:23 read User.id, User.email, User.password through prisma → 9:16 each item of users as user → 10:30 inserted into Account through prisma',
    '  password ← prisma:User.password (copy) @10:112-10:125',
    '    7:23 read User.id, User.email, User.password through prisma → 9:16 each item of users as user → 10:30 inserted into Account through prisma',
    'copy 11:29-11:116 script → prisma:User',
    '  email ← prisma:User.email (copy) @11:96-11:106',
    '    7:23 read User.id, User.email, User.password through prisma → 9:16 each item of users as user → 11:29 updated User through prisma',
    'copy 12:27-12:94 script → db[DATABASE_URL]:accounts',
    '  email ← prisma:User.email (copy) @12:51-12:68',
    '    7:23 read User.id, User.email, User.password through prisma → 9:16 each item of users as user → 12:27 updated accounts through db',
    'copy 15:24-15:84 script → sql:audit',
    '  email ← prisma:User.email (copy) @15:71-15:81',
    '    7:23 read User.id, User.email, User.password through prisma → 9:16 each item of users as user → 15:24 inserted into audit through sql',
    'send 16:7-16:29 type=log logger=logger',
    '  prisma:User.email (copy)',
    '    7:23 read User.id, User.email, User.password through prisma → 9:16 each item of users as user → 16:7 logged with logger.debug',
    'copy 17:26-17:122 script → prisma:contacts',
    '  email ← prisma:User.email (copy) @17:78-17:88',
    '    7:23 read User.id, User.email, User.password through prisma → 9:16 each item of users as user → 17:26 inserted into contacts through prisma',
    'send 18:7-18:24 type=log logger=logger',
    '  prisma:contacts.id (copy)',
    '    17:26 read contacts.id, contacts.email through prisma → 18:7 logged with logger.info',
    '  prisma:contacts.email (copy)',
    '    17:26 read contacts.id, contacts.email through prisma → 18:7 logged with logger.info',
    'copy 19:25-19:96 script → db[DATABASE_URL]:accounts',
    '  email ← prisma:User.email (copy) @19:49-19:66',
    '    7:23 read User.id, User.email, User.password through prisma → 9:16 each item of users as user → 19:25 inserted into accounts through db',
    'send 20:7-20:23 type=log logger=logger',
    '  db[DATABASE_URL]:accounts.id (copy)',
    '    19:25 read accounts.id, accounts.email through db → 20:7 logged with logger.info',
    '  db[DATABASE_URL]:accounts.email (copy)',
    '    19:25 read accounts.id, accounts.email through db → 20:7 logged with logger.info',
  ]);
});

test.run();
