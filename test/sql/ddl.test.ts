import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FILE, extract, fixture, spanOf } from './_helpers.js';

test('CREATE TABLE: each column at its own definition, with types, primary and foreign keys', () => {
  const sql = [
    'CREATE TABLE IF NOT EXISTS clinic.patients (',
    '  id integer PRIMARY KEY,',
    '  full_name varchar(255) NOT NULL,',
    '  balance numeric(10,2),',
    '  tags text[],',
    '  born timestamp with time zone,',
    '  prescriber_id bigint REFERENCES prescribers (id),',
    '  clinic_id int4,',
    '  FOREIGN KEY (clinic_id) REFERENCES clinic.clinics (clinic_ref)',
    ');',
  ].join('\n');
  const table = { schema: 'clinic', name: 'patients' };
  assert.equal(extract(sql), [
    {
      kind: 'table-created',
      at: spanOf(sql, sql.slice(0, -1)),
      table,
      objectType: 'table',
      ifNotExists: true,
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'id integer PRIMARY KEY'),
      table,
      column: 'id',
      dataType: 'integer',
      primaryKey: true,
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'full_name varchar(255) NOT NULL'),
      table,
      column: 'full_name',
      dataType: 'varchar(255)',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'balance numeric(10,2)'),
      table,
      column: 'balance',
      dataType: 'numeric(10,2)',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'tags text[]'),
      table,
      column: 'tags',
      dataType: 'text[]',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'born timestamp with time zone'),
      table,
      column: 'born',
      dataType: 'timestamptz',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'prescriber_id bigint REFERENCES prescribers (id)'),
      table,
      column: 'prescriber_id',
      dataType: 'bigint',
      references: { table: { name: 'prescribers' }, column: 'id' },
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'clinic_id int4'),
      table,
      column: 'clinic_id',
      dataType: 'integer',
      references: { table: { schema: 'clinic', name: 'clinics' }, column: 'clinic_ref' },
    },
  ]);
});

test('CREATE TABLE: table-level PRIMARY KEY and quoted identifiers keep their case', () => {
  const sql = 'create table "Visit" ("Id" text, note text, constraint visit_pk primary key ("Id"))';
  const table = { name: 'Visit' };
  assert.equal(extract(sql), [
    { kind: 'table-created', at: spanOf(sql, sql), table, objectType: 'table' },
    {
      kind: 'column-defined',
      at: { file: FILE, line: 1, column: 23, endLine: 1, endColumn: 32 },
      table,
      column: 'Id',
      dataType: 'text',
      primaryKey: true,
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'note text'),
      table,
      column: 'note',
      dataType: 'text',
    },
  ]);
});

test('ALTER TABLE: several subcommands, each fact at its own subcommand', () => {
  const sql =
    'ALTER TABLE patients\n  ADD COLUMN ssn varchar(11),\n  DROP COLUMN fax,\n  ENABLE ROW LEVEL SECURITY;\n' +
    'ALTER TABLE patients DISABLE ROW LEVEL SECURITY;';
  const table = { name: 'patients' };
  assert.equal(extract(sql), [
    {
      kind: 'column-defined',
      at: spanOf(sql, 'ssn varchar(11)'),
      table,
      column: 'ssn',
      dataType: 'varchar(11)',
    },
    { kind: 'column-dropped', at: spanOf(sql, 'DROP COLUMN fax'), table, column: 'fax' },
    {
      kind: 'row-security-changed',
      at: spanOf(sql, 'ENABLE ROW LEVEL SECURITY'),
      table,
      enabled: true,
    },
    {
      kind: 'row-security-changed',
      at: spanOf(sql, 'DISABLE ROW LEVEL SECURITY'),
      table,
      enabled: false,
    },
  ]);
});

test('ALTER COLUMN TYPE … USING pgp_sym_decrypt is a decrypting retype', () => {
  const sql =
    "ALTER TABLE patients ALTER COLUMN ssn TYPE text USING pgp_sym_decrypt(ssn::bytea, 'secret');";
  assert.equal(extract(sql), [
    {
      kind: 'column-retyped',
      at: spanOf(sql, "ALTER COLUMN ssn TYPE text USING pgp_sym_decrypt(ssn::bytea, 'secret')"),
      table: { name: 'patients' },
      column: 'ssn',
      dataType: 'text',
      using: {
        from: [{ table: { name: 'patients' }, column: 'ssn' }],
        transform: 'decrypt',
        via: 'pgp_sym_decrypt',
      },
    },
  ]);
});

test('ALTER COLUMN TYPE without USING has no using', () => {
  const sql = 'ALTER TABLE patients ALTER COLUMN notes SET DATA TYPE varchar(500)';
  assert.equal(extract(sql), [
    {
      kind: 'column-retyped',
      at: spanOf(sql, 'ALTER COLUMN notes SET DATA TYPE varchar(500)'),
      table: { name: 'patients' },
      column: 'notes',
      dataType: 'varchar(500)',
    },
  ]);
});

test('RENAME COLUMN, RENAME TO and DROP TABLE', () => {
  const sql =
    'ALTER TABLE patients RENAME COLUMN phone TO mobile;\n' +
    'ALTER TABLE patients RENAME TO members;\n' +
    'DROP TABLE IF EXISTS old_patients, archive.visits CASCADE;';
  assert.equal(extract(sql), [
    {
      kind: 'column-renamed',
      at: spanOf(sql, 'ALTER TABLE patients RENAME COLUMN phone TO mobile'),
      table: { name: 'patients' },
      column: 'phone',
      newName: 'mobile',
    },
    {
      kind: 'table-renamed',
      at: spanOf(sql, 'ALTER TABLE patients RENAME TO members'),
      table: { name: 'patients' },
      newName: 'members',
    },
    {
      kind: 'table-dropped',
      at: spanOf(sql, 'DROP TABLE IF EXISTS old_patients, archive.visits CASCADE'),
      table: { name: 'old_patients' },
    },
    {
      kind: 'table-dropped',
      at: spanOf(sql, 'DROP TABLE IF EXISTS old_patients, archive.visits CASCADE'),
      table: { schema: 'archive', name: 'visits' },
    },
  ]);
});

test('statements of no interest produce nothing', () => {
  const sql =
    'CREATE INDEX idx ON patients (email);\nCOMMENT ON TABLE patients IS $$x; y$$;\n' +
    'CREATE EXTENSION IF NOT EXISTS pgcrypto;\nSET search_path = public;\nSELECT 1;\n-- only a comment';
  assert.equal(extract(sql), []);
  assert.equal(extract(''), []);
  assert.equal(extract('  \n-- nothing\n'), []);
});

test('a syntax error in statement 2 of 3: parse-error at that statement, 1 and 3 still read', () => {
  const sql = fixture('syntax-error.sql');
  assert.equal(extract(sql), [
    {
      kind: 'table-created',
      at: spanOf(sql, 'CREATE TABLE patients (email text)'),
      table: { name: 'patients' },
      objectType: 'table',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'email text'),
      table: { name: 'patients' },
      column: 'email',
      dataType: 'text',
    },
    {
      kind: 'parse-error',
      at: { file: FILE, line: 3, column: 8, endLine: 3, endColumn: 12 },
      message: 'syntax error at or near "TABL"',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, 'ssn text'),
      table: { name: 'patients' },
      column: 'ssn',
      dataType: 'text',
    },
  ]);
});

test('an unterminated statement is one parse-error; NUL bytes are one parse-error for the file', () => {
  assert.equal(extract("CREATE TABLE t (a text DEFAULT 'oops"), [
    {
      kind: 'parse-error',
      at: { file: FILE, line: 1, column: 32, endLine: 1, endColumn: 33 },
      message: 'unterminated quoted string at or near "\'oops"',
    },
  ]);
  assert.equal(extract('CREATE TABLE t (a text);\u0000'), [
    {
      kind: 'parse-error',
      at: { file: FILE, line: 1, column: 1, endLine: 1, endColumn: 1 },
      message: 'file contains NUL bytes; it is not read as SQL',
    },
  ]);
});

test('non-ASCII text before statements keeps exact UTF-16 columns', () => {
  const sql = fixture('non-ascii.sql');
  const table = { name: 'patiënts' };
  assert.equal(extract(sql), [
    {
      kind: 'table-created',
      at: { file: FILE, line: 2, column: 1, endLine: 2, endColumn: 50 },
      table,
      objectType: 'table',
    },
    {
      kind: 'column-defined',
      at: { file: FILE, line: 2, column: 26, endLine: 2, endColumn: 34 },
      table,
      column: 'nom',
      dataType: 'text',
    },
    {
      kind: 'column-defined',
      at: { file: FILE, line: 2, column: 36, endLine: 2, endColumn: 49 },
      table,
      column: 'prénom',
      dataType: 'text',
    },
    {
      // `/* 😀 */ ` is 9 UTF-16 units: the emoji counts 2.
      kind: 'column-defined',
      at: { file: FILE, line: 3, column: 44, endLine: 3, endColumn: 55 },
      table,
      column: 'e_mail',
      dataType: 'text',
    },
  ]);
});

test('non-ASCII text on the failing path (statement by statement) keeps exact columns too', () => {
  const sql = "-- é 😀\nCREATE TABL x (a int);\nSELECT 'é😀' AS v INTO copied FROM src;";
  assert.equal(extract(sql), [
    {
      kind: 'parse-error',
      at: { file: FILE, line: 2, column: 8, endLine: 2, endColumn: 12 },
      message: 'syntax error at or near "TABL"',
    },
    {
      kind: 'table-created',
      at: spanOf(sql, "SELECT 'é😀' AS v INTO copied FROM src"),
      table: { name: 'copied' },
      objectType: 'table',
    },
    {
      kind: 'data-copied',
      at: spanOf(sql, "SELECT 'é😀' AS v INTO copied FROM src"),
      target: { name: 'copied' },
      via: 'create-table-as',
      columns: [
        {
          column: 'v',
          value: { from: [], transform: 'copy' },
          at: { file: FILE, line: 3, column: 8, endLine: 3, endColumn: 18 },
        },
      ],
    },
  ]);
});

test('drizzle-kit file with statement breakpoints', () => {
  const sql = fixture('drizzle.sql');
  const patients = { name: 'patients' };
  const accounts = { name: 'accounts' };
  const facts = extract(sql);
  assert.equal(
    facts.map((fact) => fact.kind),
    ['table-created', 'column-defined', 'column-defined', 'column-defined', 'table-created'].concat(
      // The last: `ADD CONSTRAINT … FOREIGN KEY ("patient_id")` gives the column its reference.
      ['column-defined', 'column-defined', 'column-defined', 'column-defined'],
    ),
  );
  assert.equal(facts[8], {
    kind: 'column-defined',
    at: spanOf(
      sql,
      'ADD CONSTRAINT "accounts_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action',
    ),
    table: accounts,
    column: 'patient_id',
    references: { table: { name: 'patients', schema: 'public' }, column: 'id' },
  });
  assert.equal(facts[0], {
    kind: 'table-created',
    at: { file: FILE, line: 1, column: 1, endLine: 5, endColumn: 2 },
    table: patients,
    objectType: 'table',
  });
  assert.equal(facts[1], {
    kind: 'column-defined',
    at: spanOf(sql, '"id" serial PRIMARY KEY NOT NULL'),
    table: patients,
    column: 'id',
    dataType: 'serial',
    primaryKey: true,
  });
  assert.equal(facts[3], {
    kind: 'column-defined',
    at: spanOf(sql, '"email" varchar(320)'),
    table: patients,
    column: 'email',
    dataType: 'varchar(320)',
  });
  assert.equal(facts[7], {
    kind: 'column-defined',
    at: spanOf(sql, '"display_name" text'),
    table: accounts,
    column: 'display_name',
    dataType: 'text',
  });
});

test('Prisma migration.sql: quoted names, table-level primary key, TIMESTAMP(3)', () => {
  const path = 'prisma/migrations/20240101000000_init/migration.sql';
  const sql = fixture('prisma/20240101000000_init/migration.sql');
  const table = { name: 'User' };
  assert.equal(extract(sql, path), [
    {
      kind: 'table-created',
      at: { file: path, line: 2, column: 1, endLine: 8, endColumn: 2 },
      table,
      objectType: 'table',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, '"id" TEXT NOT NULL', 0, path),
      table,
      column: 'id',
      dataType: 'text',
      primaryKey: true,
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, '"email" TEXT NOT NULL', 0, path),
      table,
      column: 'email',
      dataType: 'text',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, '"dateOfBirth" TIMESTAMP(3)', 0, path),
      table,
      column: 'dateOfBirth',
      dataType: 'timestamp(3)',
    },
    {
      // Prisma's `-- AddForeignKey`: the key is declared after both tables.
      kind: 'column-defined',
      at: spanOf(
        sql,
        'ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE',
        0,
        path,
      ),
      table: { name: 'Post' },
      column: 'authorId',
      references: { table: { name: 'User' }, column: 'id' },
    },
  ]);
});

test('Up/Down markers: only the Up part is read (node-pg-migrate, sql-migrate, dbmate)', () => {
  const nodePgMigrate = fixture('node-pg-migrate.sql');
  assert.equal(
    extract(nodePgMigrate).map((fact) => [fact.kind, fact.at.line]),
    [
      ['table-created', 2],
      ['column-defined', 3],
      ['column-defined', 4],
    ],
  );
  const sqlMigrate = fixture('sql-migrate.sql');
  assert.equal(extract(sqlMigrate), [
    {
      kind: 'column-defined',
      at: spanOf(sqlMigrate, 'diagnosis text'),
      table: { name: 'patients' },
      column: 'diagnosis',
      dataType: 'text',
    },
  ]);
  const dbmate = fixture('dbmate.sql');
  assert.equal(extract(dbmate), [
    {
      kind: 'column-renamed',
      at: spanOf(dbmate, 'ALTER TABLE patients RENAME COLUMN phone TO mobile_phone'),
      table: { name: 'patients' },
      column: 'phone',
      newName: 'mobile_phone',
    },
  ]);
});

test('a Down part followed by another Up part is skipped; .down.sql files are not read', () => {
  const sql =
    '-- +goose Up\nCREATE TABLE a (x int);\n-- +goose Down\nDROP TABLE a;\n-- +goose Up\nDROP TABLE b;';
  assert.equal(
    extract(sql).map((fact) => [fact.kind, fact.at.line]),
    [
      ['table-created', 2],
      ['column-defined', 2],
      ['table-dropped', 6],
    ],
  );
  assert.equal(extract('DROP TABLE patients;', 'migrations/1_init.down.sql'), []);
  assert.equal(extract('DROP TABLE patients;', 'migrations/2020-01-01-000000_init/down.sql'), []);
});

test('MySQL fallback: backtick CREATE TABLE and ALTER TABLE ADD `col`', () => {
  const sql = fixture('mysql.sql');
  const table = { name: 'customers' };
  assert.equal(extract(sql), [
    {
      kind: 'table-created',
      at: { file: FILE, line: 1, column: 1, endLine: 6, endColumn: 40 },
      table,
      objectType: 'table',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, '`id` int unsigned NOT NULL AUTO_INCREMENT'),
      table,
      column: 'id',
      dataType: 'integer',
      primaryKey: true,
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, '`Email` varchar(255) NOT NULL'),
      table,
      column: 'Email',
      dataType: 'varchar(255)',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, '`birth_date` date DEFAULT NULL'),
      table,
      column: 'birth_date',
      dataType: 'date',
    },
    {
      kind: 'column-defined',
      at: spanOf(sql, '`phone` varchar(20) DEFAULT NULL'),
      table,
      column: 'phone',
      dataType: 'varchar(20)',
    },
  ]);
});

test('MySQL fallback: DROP COLUMN and CHANGE (rename + retype) at their subcommands', () => {
  const sql = 'ALTER TABLE `customers` DROP COLUMN `fax`, CHANGE `tel` `phone` varchar(30)';
  const table = { name: 'customers' };
  assert.equal(extract(sql), [
    { kind: 'column-dropped', at: spanOf(sql, 'DROP COLUMN `fax`'), table, column: 'fax' },
    {
      kind: 'column-renamed',
      at: spanOf(sql, 'CHANGE `tel` `phone` varchar(30)'),
      table,
      column: 'tel',
      newName: 'phone',
    },
    {
      kind: 'column-retyped',
      at: spanOf(sql, 'CHANGE `tel` `phone` varchar(30)'),
      table,
      column: 'phone',
      dataType: 'varchar(30)',
    },
  ]);
});

test('SELECT … INTO a variable a DECLARE section names is a line of a body the file failed to quote, not a new table', () => {
  const sql = [
    "SELECT cron.schedule('nightly', '0 1 * * *', $$",
    '  DO $$',
    '  DECLARE',
    '    admin_id UUID;',
    '  BEGIN',
    "    SELECT id INTO admin_id FROM user_profiles WHERE role = 'admin' LIMIT 1;",
    '  END $$;',
    '$$);',
    'SELECT id INTO archived_profiles FROM user_profiles;',
  ].join('\n');
  const created = extract(sql).flatMap((fact) =>
    fact.kind === 'table-created' ? [fact.table.name] : [],
  );
  assert.equal(created, ['archived_profiles']);
});

test("a MySQL client script's DELIMITER blocks (triggers, procedures) are skipped, not parse errors; statements around them are read", () => {
  const sql = [
    'DROP TRIGGER IF EXISTS rating_after_feedback;',
    'DELIMITER $$',
    'CREATE TRIGGER rating_after_feedback AFTER INSERT ON feedbacks FOR EACH ROW',
    'BEGIN',
    '  DECLARE average FLOAT;',
    '  SELECT AVG(rating) INTO average FROM feedbacks WHERE doctorId = NEW.doctorId;',
    '  UPDATE doctors SET rating = average WHERE id = NEW.doctorId;',
    'END$$',
    'DELIMITER ;',
    'CREATE TABLE notes (id int, body text);',
  ].join('\n');
  const facts = extract(sql);
  assert.equal(
    facts.map((fact) => fact.kind),
    ['table-created', 'column-defined', 'column-defined'],
  );
  assert.equal(facts[0]?.at.line, 10);
});

test.run();
