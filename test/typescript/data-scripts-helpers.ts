/**
 * Helpers for the data-script tests: run the extractor on a fixture or a snippet and summarise its
 * facts as exact lines (kind, location, target or sink, each value's source columns, its own
 * location and every step of its path), so a test states everything a reviewer would see.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type {
  ColumnName,
  Fact,
  FlowStep,
  SourceLocation,
  TableName,
  ValueSource,
} from '../../src/facts.js';
import { initSqlParser } from '../../src/extractors/sql/index.js';
import { createTsFileContext } from '../../src/extractors/typescript/context.js';
import { dataScriptsExtractor } from '../../src/extractors/typescript/data-scripts/reader.js';
import { parseSourceFile, releaseSourceFile } from '../../src/extractors/typescript/project.js';

const fixturesRoot = fileURLToPath(new URL('../fixtures/typescript/scripts/', import.meta.url));
const examplesRoot = fileURLToPath(new URL('../../examples/', import.meta.url));

export function fixtureText(name: string): string {
  return readFileSync(`${fixturesRoot}${name}`, 'utf8');
}

export function exampleText(path: string): string {
  return readFileSync(`${examplesRoot}${path}`, 'utf8');
}

/**
 * Runs the data-scripts extractor alone on `text`, as the TypeScript pipeline would. Its
 * `column-written` facts (how each write protects its values) are left out here: they have their
 * own tests (application-writes.test.ts), and these compare the flows.
 */
export async function extractScript(text: string, path = 'scripts/fixture.ts'): Promise<Fact[]> {
  await initSqlParser();
  const sourceFile = parseSourceFile(path, text);
  try {
    const context = createTsFileContext({ path, absolutePath: `/${path}`, text }, sourceFile);
    return dataScriptsExtractor.extract(context).filter((fact) => fact.kind !== 'column-written');
  } finally {
    releaseSourceFile(sourceFile);
  }
}

export function span(at: SourceLocation): string {
  return `${at.line}:${at.column}-${at.endLine}:${at.endColumn}`;
}

export function tableText(table: TableName): string {
  const aliases = table.connectionAliases ? `[${table.connectionAliases.join(',')}]` : '';
  const connection = table.connection ? `${table.connection}${aliases}:` : '';
  return `${connection}${table.schema ? `${table.schema}.` : ''}${table.name}`;
}

function columnText(column: ColumnName): string {
  return `${tableText(column.table)}.${column.column}`;
}

function pathText(path: FlowStep[] | undefined): string {
  return (path ?? [])
    .map((step) => `${step.at.line}:${step.at.column} ${step.description}`)
    .join(' → ');
}

function valueText(value: ValueSource): string {
  const via = value.via ? ` via ${value.via}` : '';
  return `${value.from.map(columnText).join(', ')} (${value.transform}${via})`;
}

/** One line per fact, then one line per column or value and one for its path. */
export function summarise(facts: Fact[]): string[] {
  const lines: string[] = [];
  for (const fact of facts) {
    if (fact.kind === 'data-copied') {
      lines.push(`copy ${span(fact.at)} ${fact.via} → ${tableText(fact.target)}`);
      for (const column of fact.columns) {
        lines.push(`  ${column.column} ← ${valueText(column.value)} @${span(column.at)}`);
        lines.push(`    ${pathText(column.value.path)}`);
      }
    } else if (fact.kind === 'data-sent') {
      const sink = Object.entries(fact.sink)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(' ');
      lines.push(`send ${span(fact.at)} ${sink}`);
      for (const value of fact.values) {
        lines.push(`  ${valueText(value)}`);
        lines.push(`    ${pathText(value.path)}`);
      }
    } else {
      lines.push(`${fact.kind} ${span(fact.at)}`);
    }
  }
  return lines;
}

/** Summary of a snippet's facts. */
export async function factsOf(text: string): Promise<string[]> {
  return summarise(await extractScript(text));
}
