import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  copiedColumnLocations,
  describeWithLocation,
  equivalentFacts,
  extractFixture,
  extractSource,
  initSqlParser,
} from './helpers.js';

test.before(async () => {
  await initSqlParser();
});

test('createTable defines each column at its property; field renames, DATE is timestamptz', () => {
  assert.equal(
    extractFixture('sequelize/20240101000001-create-patients.js').map(describeWithLocation),
    [
      '5:11-16:7 table-created patients table',
      '6:7-6:77 column-defined patients.id integer pk',
      '7:7-7:62 column-defined patients.full_name varchar(255)',
      '8:7-8:35 column-defined patients.email varchar(320)',
      '9:7-9:43 column-defined patients.medication text',
      '10:7-10:72 column-defined patients.date_of_birth date',
      '11:7-14:8 column-defined patients.prescriber_id integer -> prescribers.id',
      '15:7-15:33 column-defined patients.created_at timestamptz',
    ],
  );
});

test('umzug ({ context: queryInterface }): add, rename, change type, remove; down skipped', () => {
  assert.equal(
    extractFixture('sequelize/20240101000002-alter-patients.ts').map(describeWithLocation),
    [
      '6:9-6:86 column-defined patients.phone varchar(32)',
      '7:9-7:75 column-renamed patients.full_name -> legal_name',
      '8:9-8:78 column-retyped patients.medication bytea',
      '9:9-9:55 column-dropped patients.fax',
    ],
  );
});

test('sequelize.query through destructuring and queryInterface.sequelize.query are SQL', () => {
  const facts = extractFixture('sequelize/20240101000003-raw-copy.js');
  assert.equal(facts.map(describeWithLocation), [
    '4:28-4:60 access-granted patients select to anon',
    '6:7-7:44 data-copied insert accounts display_name<-patients.full_name(copy) username<-patients.email(copy)',
  ]);
  assert.equal(copiedColumnLocations(facts), ['display_name@7:14-7:23', 'username@7:25-7:30']);
});

for (const [fixture, sql] of [
  ['sequelize/20240101000001-create-patients.js', 'sequelize/create.sql'],
  ['sequelize/20240101000002-alter-patients.ts', 'sequelize/alter.sql'],
  ['sequelize/20240101000003-raw-copy.js', 'sequelize/raw-copy.sql'],
] as const) {
  test(`${fixture} gives the facts of the equivalent SQL`, () => {
    const { orm, sql: expected } = equivalentFacts(fixture, sql);
    assert.equal(orm, expected);
  });
}

test('arrow up with DataTypes: schema-qualified tables, ARRAY, ENUM, VIRTUAL, renameTable, dropTable', () => {
  const facts = extractSource(
    `const { DataTypes } = require('sequelize');
module.exports = {
  up: async (qi) => {
    await qi.createTable({ tableName: 'visits', schema: 'clinic' }, {
      codes: DataTypes.ARRAY(DataTypes.TEXT),
      status: { type: DataTypes.ENUM('open', 'closed') },
      label: { type: DataTypes.VIRTUAL },
    });
    await qi.renameTable('visits', 'encounters');
    await qi.dropTable('tmp');
  },
};`,
    'inline/migration.js',
  );
  assert.equal(facts.map(describeWithLocation), [
    '4:11-8:7 table-created clinic.visits table',
    '5:7-5:45 column-defined clinic.visits.codes text[]',
    '6:7-6:57 column-defined clinic.visits.status enum',
    '9:11-9:49 table-renamed visits -> encounters',
    '10:11-10:30 table-dropped tmp',
  ]);
});

test.run();
