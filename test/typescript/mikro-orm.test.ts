import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractSqlFile, initSqlParser } from '../../src/extractors/sql/index.js';
import type { ScannedFile } from '../../src/extractors/types.js';
import { createTsFileContext } from '../../src/extractors/typescript/context.js';
import { extractTypeScriptFile } from '../../src/extractors/typescript/index.js';
import { mikroOrmExtractor } from '../../src/extractors/typescript/mikro-orm/schema.js';
import { parseSourceFile, releaseSourceFile } from '../../src/extractors/typescript/project.js';
import type { Fact } from '../../src/facts.js';

const DIR = 'test/fixtures/typescript/mikro-orm';

function fixture(name: string, text?: string): ScannedFile {
  const path = `${DIR}/${name}`;
  return { path, absolutePath: path, text: text ?? readFileSync(path, 'utf8') };
}

function extract(file: ScannedFile): Fact[] {
  assert.ok(mikroOrmExtractor.applies(file.text), 'prefilter accepts the file');
  const sourceFile = parseSourceFile(file.path, file.text);
  try {
    return mikroOrmExtractor.extract(createTsFileContext(file, sourceFile));
  } finally {
    releaseSourceFile(sourceFile);
  }
}

function withoutLocations(facts: Fact[]): unknown {
  return JSON.parse(
    JSON.stringify(facts, (key, value: unknown) => (key === 'at' ? undefined : value)),
  ) as unknown;
}

test.before(async () => {
  await initSqlParser();
});

test('each this.addSql of up() is read as SQL at its place in the .ts file; down() is skipped', () => {
  const facts = extract(fixture('Migration20240101000000.ts'));
  assert.equal(
    facts.map((fact) => [
      fact.kind,
      fact.at.line,
      fact.at.column,
      fact.at.endLine,
      fact.at.endColumn,
    ]),
    [
      ['table-created', 5, 18, 5, 116],
      ['column-defined', 5, 43, 5, 66],
      ['column-defined', 5, 68, 5, 93],
      ['column-defined', 5, 95, 5, 115],
      ['column-renamed', 6, 18, 6, 82],
      ['data-copied', 7, 18, 7, 98],
    ],
  );
  const email = facts[3];
  assert.ok(email?.kind === 'column-defined');
  assert.equal(
    [email.table, email.column, email.dataType],
    [{ name: 'patients' }, 'email', 'varchar(255)'],
  );
});

test('the migration gives the facts of its SQL equivalent', () => {
  assert.equal(
    withoutLocations(extract(fixture('Migration20240101000000.ts'))),
    withoutLocations(extractSqlFile(fixture('Migration20240101000000.sql'))),
  );
});

test('a class that is not a Migration is not read; execute() counts too', () => {
  const text = [
    "import { Migration } from '@mikro-orm/migrations';",
    'class Helper { up() { this.addSql(\'drop table "patients"\'); } }',
    'export class M2 extends Migration {',
    '  override async up() {',
    '    await this.execute(\'alter table "patients" drop column "ssn"\');',
    '  }',
    '}',
  ].join('\n');
  const facts = extract(fixture('m2.ts', text));
  assert.equal(
    facts.map((fact) => [fact.kind, fact.at.line, fact.at.column]),
    [['column-dropped', 5, 48]],
  );
});

test('runs through the TypeScript pipeline without reading down()', () => {
  const kinds = extractTypeScriptFile(fixture('Migration20240101000000.ts')).map(
    (fact) => fact.kind,
  );
  assert.not.ok(kinds.includes('table-dropped'));
  assert.equal(kinds.length, 6);
});

test.run();
