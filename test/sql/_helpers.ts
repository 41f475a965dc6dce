import { readFileSync } from 'node:fs';
import type { Fact, SourceLocation } from '../../src/facts.js';
import { extractSqlFile, initSqlParser } from '../../src/extractors/sql/index.js';

export const FILE = 'db/migrations/001_init.sql';

await initSqlParser();

export function extract(text: string, path = FILE): Fact[] {
  return extractSqlFile({ path, absolutePath: `/repo/${path}`, text });
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/sql/${name}`, import.meta.url), 'utf8');
}

/**
 * The location of the `occurrence`-th `snippet` in `text`, computed independently of the extractor:
 * 1-based line, column in UTF-16 units, exclusive end.
 */
export function spanOf(text: string, snippet: string, occurrence = 0, file = FILE): SourceLocation {
  let index = -1;
  for (let seen = 0; seen <= occurrence; seen++) {
    index = text.indexOf(snippet, index + 1);
    if (index < 0) throw new Error(`snippet not found: ${snippet} #${occurrence}`);
  }
  const place = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
  };
  const start = place(index);
  const end = place(index + snippet.length);
  return { file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}
