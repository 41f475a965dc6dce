import { extname } from 'node:path';
import type { Fact, ParseProblem } from '../facts.js';
import type { FileExtractor, ScannedFile } from './types.js';
import { unreadProblem } from '../discover.js';
import { BudgetExceeded, isStackOverflow, startFileBudget, riskyShape } from '../util/budget.js';

type FileKind = 'sql' | 'code' | 'prisma';

const KIND_BY_EXTENSION: Record<string, FileKind> = {
  '.sql': 'sql',
  '.prisma': 'prisma',
  '.ts': 'code',
  '.tsx': 'code',
  '.mts': 'code',
  '.cts': 'code',
  '.js': 'code',
  '.mjs': 'code',
  '.cjs': 'code',
};

/**
 * Extractors are loaded on demand: ts-morph alone takes seconds to load, and a repository of plain
 * SQL migrations never needs it.
 */
const loaded: Partial<Record<FileKind, FileExtractor>> = {};

/** Loads the extractors these files need (and the SQL parser, which code files use for embedded SQL). */
export async function loadExtractors(paths: readonly string[]): Promise<void> {
  const kinds = new Set(paths.map((path) => KIND_BY_EXTENSION[extname(path)]));
  if ((kinds.has('sql') || kinds.has('code')) && !loaded.sql) {
    const sql = await import('./sql/index.js');
    await sql.initSqlParser();
    loaded.sql = sql.extractSqlFile;
  }
  if (kinds.has('code') && !loaded.code) {
    loaded.code = (await import('./typescript/index.js')).extractTypeScriptFile;
  }
  if (kinds.has('prisma') && !loaded.prisma) {
    loaded.prisma = (await import('./prisma.js')).extractPrismaSchema;
  }
}

export interface ExtractOptions {
  /** Put the extractor's stack trace into the parse-error message (`--debug`). */
  debug?: boolean;
}

/**
 * Reads one file into facts with the extractor for its kind (`loadExtractors` first). An extractor
 * that throws costs only its own file: the exception becomes a `parse-error` fact and the scan goes on.
 */
export function extractFile(file: ScannedFile, options: ExtractOptions = {}): Fact[] {
  const kind = KIND_BY_EXTENSION[extname(file.path)];
  if (!kind) return [];
  const extractor = loaded[kind];
  // Shapes that overflow a parser's stack or make it backtrack are found by one cheap pass first.
  const nested = kind === 'prisma' ? undefined : riskyShape(file.text, kind);
  if (nested !== undefined) {
    return [unreadProblem(file.path, nested.reason, file.text, nested)];
  }
  startFileBudget();
  try {
    if (!extractor) throw new Error(`the ${kind} extractor was not loaded`);
    return oneParseErrorPerFile(extractor(file));
  } catch (error) {
    if (error instanceof BudgetExceeded) {
      return [unreadProblem(file.path, `${error.reason}; not read to the end`, file.text)];
    }
    if (isStackOverflow(error)) {
      return [
        unreadProblem(
          file.path,
          'it nests too deeply for the parser; not read to the end',
          file.text,
        ),
      ];
    }
    if (!(error instanceof Error) || error.name !== 'ScanTimedOut') {
      return [extractorFailure(file, error, options.debug === true)];
    }
    throw error;
  }
}

function extractorFailure(file: ScannedFile, error: unknown, debug: boolean): ParseProblem {
  const reason = error instanceof Error ? error.message : String(error);
  const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return {
    kind: 'parse-error',
    at: { file: file.path, line: 1, column: 1, endLine: 1, endColumn: 1 },
    message: `the extractor failed (${reason}); findings in this file may be missing${stack}`,
  };
}

/**
 * One parse-error note per file, the first, counting what else was skipped: a migration folder of
 * MySQL or templated SQL would otherwise bury the findings under hundreds of notes.
 */
function oneParseErrorPerFile(facts: Fact[]): Fact[] {
  let first: ParseProblem | undefined;
  let skipped = 0;
  const kept = facts.filter((fact) => {
    if (fact.kind !== 'parse-error') return true;
    if (first) {
      skipped += skippedStatementsOf(fact);
      return false;
    }
    first = fact;
    return true;
  });
  if (first && skipped > 0) {
    const copy: ParseProblem = {
      ...first,
      message: `${first.message}; ${skipped} more ${skipped === 1 ? 'statement' : 'statements'} of this file could not be read and ${skipped === 1 ? 'was' : 'were'} skipped`,
    };
    return kept.map((fact) => (fact === first ? copy : fact));
  }
  return kept;
}

/** A note may already count statements after it (`and 4 more statements … could not be parsed`). */
function skippedStatementsOf(problem: ParseProblem): number {
  const counted = /and (\d+) more (?:statements?|lines?) after this one/.exec(problem.message);
  return 1 + (counted ? Number(counted[1]) : 0);
}
