/**
 * TypeScript and JavaScript files: parsed once by the compiler (wrapped by ts-morph in the shared
 * in-memory project only when a reader asks for a node), read by every ORM extractor whose text
 * check applies, then by the embedded-SQL pass. Facts come back in source
 * order, each extractor's own order kept (it replays its calls in execution order).
 */
import type { SourceFile } from 'ts-morph';
import type { Fact } from '../../facts.js';
import type { ScannedFile } from '../types.js';
import { createLazyTsFileContext } from './context.js';
import { extractEmbeddedSql, mightHoldSql } from './embedded-sql.js';
import { registerScannedFile } from './imports.js';
import { parseCompilerSourceFile, releaseSourceFile, wrapSourceFile } from './project.js';
import { ormExtractors } from './registry.js';
import type { OrmExtractor, TsFileContext } from './types.js';
import { isLimitError } from '../../util/budget.js';
import { shareStrings } from '../../util/shared-strings.js';

export function extractTypeScriptFile(file: ScannedFile): Fact[] {
  const extractors = ormExtractors.filter((extractor) => extractor.applies(file.text));
  if (extractors.length === 0 && !mightHoldSql(file.text)) return [];
  const compilerSourceFile = parseCompilerSourceFile(file.path, file.text);
  registerScannedFile(compilerSourceFile, file);
  // ts-morph wraps the tree only when a reader asks for a node: the embedded-SQL pass alone
  // usually doesn't.
  let sourceFile: SourceFile | undefined;
  try {
    const context = createLazyTsFileContext(file, compilerSourceFile, () => {
      sourceFile = wrapSourceFile(compilerSourceFile);
      return sourceFile;
    });
    const lists = extractors.map((extractor) => runExtractor(extractor, context));
    lists.push(
      runExtractor(
        { name: 'embedded SQL', applies: () => true, extract: extractEmbeddedSql },
        context,
      ),
    );
    const syntaxError = firstSyntaxError(context);
    if (syntaxError) lists.unshift([syntaxError]);
    // Names cut from the text by the scanner would keep the whole text alive (shared-strings.ts).
    return shareStrings(mergeInSourceOrder(lists));
  } finally {
    if (sourceFile) releaseSourceFile(sourceFile);
  }
}

/** An extractor that fails costs only its own facts of this file. */
function runExtractor(extractor: OrmExtractor, context: TsFileContext): Fact[] {
  try {
    return extractor.extract(context);
  } catch (error) {
    if (isLimitError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    return [
      {
        kind: 'parse-error',
        at: { file: context.file.path, line: 1, column: 1, endLine: 1, endColumn: 1 },
        message: `${extractor.name}: could not read this file (${reason}); its facts are missing`,
      },
    ];
  }
}

interface ParsedSourceFile {
  parseDiagnostics?: readonly { start?: number; length?: number; messageText: unknown }[];
}

/** The parser recovers from syntax errors; say so once, the facts it could still read are kept. */
function firstSyntaxError(context: TsFileContext): Fact | undefined {
  const diagnostics = (context.compilerSourceFile as unknown as ParsedSourceFile).parseDiagnostics;
  const first = diagnostics?.[0];
  if (!first) return undefined;
  const start = first.start ?? 0;
  const node = context.sourceFile.getDescendantAtPos(start) ?? context.sourceFile;
  const message = typeof first.messageText === 'string' ? first.messageText : 'syntax error';
  const at = context.locate(node);
  return {
    kind: 'parse-error',
    at: { ...at, line: at.line, column: at.column },
    message: `syntax error: ${message}; the rest of the file was still read`,
  };
}

/** Merges lists by location, keeping each list's own order (an extractor's execution order). */
function mergeInSourceOrder(lists: Fact[][]): Fact[] {
  const nonEmpty = lists.filter((list) => list.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? [];
  const heads = nonEmpty.map(() => 0);
  const merged: Fact[] = [];
  for (;;) {
    let best = -1;
    for (let index = 0; index < nonEmpty.length; index++) {
      const fact = nonEmpty[index]?.[heads[index] as number];
      if (!fact) continue;
      const bestFact = best >= 0 ? nonEmpty[best]?.[heads[best] as number] : undefined;
      if (!bestFact || comesBefore(fact, bestFact)) best = index;
    }
    if (best < 0) return merged;
    merged.push(nonEmpty[best]?.[heads[best] as number] as Fact);
    heads[best] = (heads[best] as number) + 1;
  }
}

function comesBefore(left: Fact, right: Fact): boolean {
  return (
    left.at.line < right.at.line ||
    (left.at.line === right.at.line && left.at.column < right.at.column)
  );
}
