/**
 * A deterministic corpus of migration files for `npm run bench`: half SQL, half TypeScript and
 * JavaScript across the ORMs piilint reads, about 60 lines each, with personal and non-personal
 * columns, copies, grants and raw SQL mixed in as real repositories have them.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Mulberry32: small, seedable, good enough to vary a corpus reproducibly. */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PERSON_TABLES = ['patients', 'customers', 'members', 'users', 'accounts', 'employees'];
const OTHER_TABLES = ['products', 'orders', 'drugs', 'invoices', 'shipments', 'settings', 'jobs'];
const PERSONAL_COLUMNS: Array<[string, string]> = [
  ['full_name', 'text'],
  ['email', 'varchar(255)'],
  ['phone', 'varchar(32)'],
  ['date_of_birth', 'date'],
  ['medication', 'text'],
  ['diagnosis', 'text'],
  ['street_address', 'text'],
  ['zip_code', 'varchar(10)'],
  ['ip_address', 'inet'],
  ['ssn', 'varchar(11)'],
];
const PLAIN_COLUMNS: Array<[string, string]> = [
  ['status', 'text'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['page_count', 'integer'],
  ['product_name', 'text'],
  ['is_active', 'boolean'],
  ['total_cents', 'bigint'],
  ['notes_count', 'integer'],
];

const KNEX_TYPES: Record<string, string> = {
  text: 'text',
  'varchar(255)': 'string',
  'varchar(32)': 'string',
  'varchar(10)': 'string',
  'varchar(11)': 'string',
  date: 'date',
  inet: 'string',
  timestamptz: 'timestamp',
  integer: 'integer',
  boolean: 'boolean',
  bigint: 'bigInteger',
};

interface Table {
  name: string;
  columns: Array<[string, string]>;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function makeTable(random: () => number, index: number): Table {
  const personal = random() < 0.6;
  const base = personal ? pick(random, PERSON_TABLES) : pick(random, OTHER_TABLES);
  const columns: Array<[string, string]> = [];
  const pool = personal ? [...PERSONAL_COLUMNS, ...PLAIN_COLUMNS] : PLAIN_COLUMNS;
  const count = 6 + Math.floor(random() * 5);
  for (let i = 0; i < count; i++) {
    const column = pick(random, pool);
    if (!columns.some(([name]) => name === column[0])) columns.push(column);
  }
  return { name: `${base}_${index}`, columns };
}

function sqlFile(random: () => number, index: number): string {
  const table = makeTable(random, index);
  const copy = makeTable(random, index + 100000);
  const lines = [`-- migration ${index}: ${table.name}`, ''];
  lines.push(`CREATE TABLE ${table.name} (`, '  id bigserial PRIMARY KEY,');
  table.columns.forEach(([name, type], i) =>
    lines.push(`  ${name} ${type}${i === table.columns.length - 1 ? '' : ','}`),
  );
  lines.push(');', '');
  lines.push(`CREATE TABLE ${copy.name} (`, '  id bigserial PRIMARY KEY,');
  copy.columns.forEach(([name, type], i) =>
    lines.push(`  ${name} ${type}${i === copy.columns.length - 1 ? '' : ','}`),
  );
  lines.push(');', '');
  lines.push(`CREATE INDEX ${table.name}_created_idx ON ${table.name} (id);`, '');
  lines.push(`ALTER TABLE ${table.name} ADD COLUMN archived_at timestamptz;`);
  lines.push(`ALTER TABLE ${table.name} RENAME COLUMN archived_at TO archived_on;`, '');
  const shared = table.columns.filter(([name]) => copy.columns.some(([other]) => other === name));
  if (shared.length > 0) {
    const names = shared.map(([name]) => name).join(', ');
    lines.push(`INSERT INTO ${copy.name} (${names})`);
    lines.push(`SELECT ${shared.map(([name]) => `t.${name}`).join(', ')}`);
    lines.push(`FROM ${table.name} t`, `WHERE t.id > 0;`, '');
  }
  lines.push(`CREATE VIEW ${table.name}_summary AS`);
  lines.push(`  SELECT id, ${table.columns[0]?.[0] ?? 'id'} FROM ${table.name};`, '');
  if (random() < 0.3) lines.push(`GRANT SELECT ON ${table.name}_summary TO reporting;`, '');
  if (random() < 0.2) lines.push(`ALTER TABLE ${table.name} ENABLE ROW LEVEL SECURITY;`, '');
  lines.push(`COMMENT ON TABLE ${table.name} IS 'generated for the piilint benchmark';`);
  while (lines.length < 58)
    lines.push(`-- padding ${lines.length}: review notes for ${table.name}`);
  return lines.join('\n') + '\n';
}

function knexFile(random: () => number, index: number): string {
  const table = makeTable(random, index);
  const lines = [
    "import type { Knex } from 'knex';",
    '',
    'export async function up(knex: Knex): Promise<void> {',
    `  await knex.schema.createTable('${table.name}', (t) => {`,
    '    t.increments();',
  ];
  for (const [name, type] of table.columns)
    lines.push(`    t.${KNEX_TYPES[type] ?? 'text'}('${name}');`);
  lines.push('  });', '');
  lines.push(`  await knex.schema.alterTable('${table.name}', (t) => {`);
  lines.push(
    "    t.string('nickname');",
    "    t.renameColumn('nickname', 'display_name');",
    '  });',
  );
  lines.push(`  await knex.raw('CREATE INDEX ${table.name}_idx ON ${table.name} (id)');`);
  lines.push('}', '', 'export async function down(knex: Knex): Promise<void> {');
  lines.push(`  await knex.schema.dropTable('${table.name}');`, '}');
  return pad(lines, table.name);
}

function typeormFile(random: () => number, index: number): string {
  const table = makeTable(random, index);
  const lines = [
    "import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';",
    '',
    `export class Create${index} implements MigrationInterface {`,
    '  public async up(queryRunner: QueryRunner): Promise<void> {',
    '    await queryRunner.createTable(',
    '      new Table({',
    `        name: '${table.name}',`,
    '        columns: [',
    "          { name: 'id', type: 'int', isPrimary: true },",
  ];
  for (const [name, type] of table.columns)
    lines.push(`          { name: '${name}', type: '${type}' },`);
  lines.push('        ],', '      }),', '    );');
  lines.push(
    `    await queryRunner.addColumn('${table.name}', new TableColumn({ name: 'nickname', type: 'text' }));`,
  );
  lines.push(`    await queryRunner.query(\`ALTER TABLE "${table.name}" ADD "region" text\`);`);
  lines.push('  }', '', '  public async down(queryRunner: QueryRunner): Promise<void> {');
  lines.push(`    await queryRunner.dropTable('${table.name}');`, '  }', '}');
  return pad(lines, table.name);
}

function sequelizeFile(random: () => number, index: number): string {
  const table = makeTable(random, index);
  const lines = [
    "'use strict';",
    '',
    'module.exports = {',
    '  async up(queryInterface, Sequelize) {',
    `    await queryInterface.createTable('${table.name}', {`,
    '      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },',
  ];
  for (const [name, type] of table.columns) {
    const dataType =
      type.startsWith('varchar') || type === 'inet'
        ? 'STRING'
        : type === 'date'
          ? 'DATEONLY'
          : type === 'timestamptz'
            ? 'DATE'
            : type === 'boolean'
              ? 'BOOLEAN'
              : type === 'integer' || type === 'bigint'
                ? 'INTEGER'
                : 'TEXT';
    lines.push(`      ${name}: { type: Sequelize.${dataType} },`);
  }
  lines.push('    });');
  lines.push(`    await queryInterface.addColumn('${table.name}', 'nickname', Sequelize.STRING);`);
  lines.push(`    await queryInterface.renameColumn('${table.name}', 'nickname', 'display_name');`);
  lines.push('  },', '', '  async down(queryInterface) {');
  lines.push(`    await queryInterface.dropTable('${table.name}');`, '  },', '};');
  return pad(lines, table.name);
}

function kyselyFile(random: () => number, index: number): string {
  const table = makeTable(random, index);
  const lines = [
    "import { type Kysely, sql } from 'kysely';",
    '',
    'export async function up(db: Kysely<unknown>): Promise<void> {',
    '  await db.schema',
    `    .createTable('${table.name}')`,
    "    .addColumn('id', 'serial', (col) => col.primaryKey())",
  ];
  for (const [name, type] of table.columns) lines.push(`    .addColumn('${name}', '${type}')`);
  lines.push('    .execute();', '');
  lines.push(`  await sql\`ALTER TABLE ${table.name} ADD COLUMN region text\`.execute(db);`);
  lines.push('}', '', 'export async function down(db: Kysely<unknown>): Promise<void> {');
  lines.push(`  await db.schema.dropTable('${table.name}').execute();`, '}');
  return pad(lines, table.name);
}

function pgMigrateFile(random: () => number, index: number): string {
  const table = makeTable(random, index);
  const lines = ['/* eslint-disable camelcase */', '', 'exports.up = (pgm) => {'];
  lines.push(`  pgm.createTable('${table.name}', {`, "    id: 'id',");
  for (const [name, type] of table.columns) lines.push(`    ${name}: { type: '${type}' },`);
  lines.push('  });');
  lines.push(`  pgm.addColumns('${table.name}', { nickname: { type: 'text' } });`);
  lines.push(`  pgm.renameColumn('${table.name}', 'nickname', 'display_name');`);
  lines.push(`  pgm.sql('CREATE INDEX ${table.name}_idx ON ${table.name} (id)');`);
  lines.push('};', '', 'exports.down = (pgm) => {', `  pgm.dropTable('${table.name}');`, '};');
  return pad(lines, table.name);
}

function drizzleFile(random: () => number, index: number): string {
  const table = makeTable(random, index);
  const lines = [
    "import { pgTable, serial, text, varchar, date, integer, boolean, timestamp } from 'drizzle-orm/pg-core';",
    '',
    `export const table${index} = pgTable('${table.name}', {`,
    "  id: serial('id').primaryKey(),",
  ];
  for (const [name, type] of table.columns) {
    const builder =
      type.startsWith('varchar') || type === 'inet'
        ? `varchar('${name}', { length: 255 })`
        : type === 'date'
          ? `date('${name}')`
          : type === 'timestamptz'
            ? `timestamp('${name}')`
            : type === 'boolean'
              ? `boolean('${name}')`
              : type === 'integer' || type === 'bigint'
                ? `integer('${name}')`
                : `text('${name}')`;
    lines.push(`  ${name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())}: ${builder},`);
  }
  lines.push('});');
  return pad(lines, table.name);
}

function pad(lines: string[], table: string): string {
  while (lines.length < 60)
    lines.push(`// ${table}: reviewed for the data map, line ${lines.length}`);
  return lines.join('\n') + '\n';
}

const TS_GENERATORS: Array<[string, string, (random: () => number, index: number) => string]> = [
  ['knex', 'ts', knexFile],
  ['typeorm', 'ts', typeormFile],
  ['sequelize', 'js', sequelizeFile],
  ['kysely', 'ts', kyselyFile],
  ['node-pg-migrate', 'js', pgMigrateFile],
  ['drizzle', 'ts', drizzleFile],
];

/** Writes `count` files under `directory` (emptied first) and returns their paths. */
export function generateCorpus(directory: string, count = 2000, seed = 20231): string[] {
  rmSync(directory, { recursive: true, force: true });
  const random = randomGenerator(seed);
  const files: string[] = [];
  for (let index = 0; index < count; index++) {
    const stamp = String(20200101000000 + index * 7);
    let path: string;
    let text: string;
    if (index % 2 === 0) {
      path = join(directory, 'sql', 'migrations', `${stamp}_m${index}.sql`);
      text = sqlFile(random, index);
    } else {
      const [tool, extension, generate] = TS_GENERATORS[
        Math.floor(index / 2) % TS_GENERATORS.length
      ] as (typeof TS_GENERATORS)[number];
      path = join(directory, tool, 'migrations', `${stamp}_m${index}.${extension}`);
      text = generate(random, index);
    }
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    files.push(path);
  }
  return files;
}

/**
 * A Supabase project with a long history on one table: the first migration creates `patients`,
 * then `count` migrations each add one column to it, as teams grow a table over years. With
 * `reachable` the first migration grants the table to anon, so every later file's new personal
 * column is judged as exposed; without it the first migration revokes Supabase's default grant
 * and the same history is private. The two scans must cost about the same: the replay judges
 * only what each file changed.
 */
export function generateReplayCorpus(
  directory: string,
  reachable: boolean,
  count = 3000,
): string[] {
  rmSync(directory, { recursive: true, force: true });
  const folder = join(directory, 'supabase', 'migrations');
  mkdirSync(folder, { recursive: true });
  const files: string[] = [];
  const write = (index: number, name: string, text: string): void => {
    const path = join(folder, `${20220101000000 + index * 100}_${name}.sql`);
    writeFileSync(path, text);
    files.push(path);
  };
  const access = reachable
    ? 'GRANT SELECT ON patients TO anon;'
    : 'REVOKE ALL ON patients FROM anon, authenticated;';
  write(
    0,
    'create_patients',
    `CREATE TABLE patients (\n  id bigserial PRIMARY KEY,\n  full_name text,\n  created_at timestamptz\n);\n${access}\n`,
  );
  const pool = [...PERSONAL_COLUMNS, ...PLAIN_COLUMNS];
  for (let index = 1; index <= count; index++) {
    const [column, type] = pool[index % pool.length] as [string, string];
    write(
      index,
      `add_${column}_${index}`,
      `-- ${column} for release ${index}\nALTER TABLE patients ADD COLUMN ${column}_${index} ${type};\n`,
    );
  }
  return files;
}
