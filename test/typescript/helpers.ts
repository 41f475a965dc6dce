import { readFileSync } from 'node:fs';
import type { ColumnName, Fact, TableName } from '../../src/facts.js';
import { extractSqlFile, initSqlParser } from '../../src/extractors/sql/index.js';
import { extractTypeScriptFile } from '../../src/extractors/typescript/index.js';

export const FIXTURES = 'test/fixtures/typescript';

export { initSqlParser };

/**
 * The facts an ORM's migration tests compare: how the application protects what it writes
 * (`column-written`, `protecting-function`) has its own tests (application-writes.test.ts).
 */
function schemaAndFlowFacts(facts: Fact[]): Fact[] {
  return facts.filter(
    (fact) => fact.kind !== 'column-written' && fact.kind !== 'protecting-function',
  );
}

/** Facts of a fixture file (path relative to test/fixtures/typescript), read as the scan would. */
export function extractFixture(relativePath: string): Fact[] {
  const path = `${FIXTURES}/${relativePath}`;
  const text = readFileSync(path, 'utf8');
  const file = { path, absolutePath: path, text };
  return schemaAndFlowFacts(
    path.endsWith('.sql') ? extractSqlFile(file) : extractTypeScriptFile(file),
  );
}

/** Facts of an inline TypeScript source. */
export function extractSource(text: string, path = 'inline/migration.ts'): Fact[] {
  return schemaAndFlowFacts(extractTypeScriptFile({ path, absolutePath: `/${path}`, text }));
}

function tableText(table: TableName): string {
  const name = table.schema === undefined ? table.name : `${table.schema}.${table.name}`;
  return table.connection === undefined ? name : `${table.connection}:${name}`;
}

function columnText(column: ColumnName): string {
  return `${tableText(column.table)}.${column.column}`;
}

/**
 * One line per fact with what rules read: kind, tables, columns, types, copy sources and
 * transforms. Locations are left out so that an ORM fixture compares with its SQL equivalent.
 */
export function describeFact(fact: Fact): string {
  switch (fact.kind) {
    case 'table-created':
      return `table-created ${tableText(fact.table)} ${fact.objectType}${fact.declared ? ' declared' : ''}`;
    case 'table-renamed':
      return `table-renamed ${tableText(fact.table)} -> ${fact.newName}`;
    case 'table-dropped':
      return `table-dropped ${tableText(fact.table)}`;
    case 'column-defined': {
      const extras = [
        fact.primaryKey ? 'pk' : '',
        fact.references ? `-> ${columnText(fact.references)}` : '',
        fact.encryption ? `encrypted(${fact.encryption})` : '',
      ].filter(Boolean);
      return [
        `column-defined ${tableText(fact.table)}.${fact.column} ${fact.dataType ?? '?'}`,
        ...extras,
      ].join(' ');
    }
    case 'column-renamed':
      return `column-renamed ${tableText(fact.table)}.${fact.column} -> ${fact.newName}`;
    case 'column-retyped':
      return `column-retyped ${tableText(fact.table)}.${fact.column} ${fact.dataType}`;
    case 'column-dropped':
      return `column-dropped ${tableText(fact.table)}.${fact.column}`;
    case 'data-copied': {
      const columns = fact.columns.map(
        (column) =>
          `${column.column}<-${column.value.from.map(columnText).join('+') || '()'}(${column.value.transform})`,
      );
      return `data-copied ${fact.via} ${tableText(fact.target)} ${columns.join(' ')}`;
    }
    case 'access-granted':
    case 'access-revoked':
      return `${fact.kind} ${tableText(fact.table)} ${fact.privileges.join(',')} to ${fact.roles.join(',')}`;
    case 'row-security-changed':
      return `row-security-changed ${tableText(fact.table)} ${fact.enabled ? 'on' : 'off'}`;
    case 'parse-error':
      return `parse-error ${fact.message}`;
    default:
      return `${fact.kind}`;
  }
}

/** `line:column-endLine:endColumn description`, for asserting exact locations. */
export function describeWithLocation(fact: Fact): string {
  const { at } = fact;
  return `${at.line}:${at.column}-${at.endLine}:${at.endColumn} ${describeFact(fact)}`;
}

/** Locations of the columns of each copy: `display_name@5:34-5:63`. */
export function copiedColumnLocations(facts: Fact[]): string[] {
  return facts.flatMap((fact) =>
    fact.kind === 'data-copied'
      ? fact.columns.map(
          (column) =>
            `${column.column}@${column.at.line}:${column.at.column}-${column.at.endLine}:${column.at.endColumn}`,
        )
      : [],
  );
}

/** Facts of an ORM fixture and of its SQL equivalent, described without locations. */
export function equivalentFacts(
  ormFixture: string,
  sqlFixture: string,
): { orm: string[]; sql: string[] } {
  return {
    orm: extractFixture(ormFixture).map(describeFact),
    sql: extractFixture(sqlFixture).map(describeFact),
  };
}
