import type { Node, SourceFile } from 'ts-morph';
import type { ts } from './morph.js';
import type { Fact, SourceLocation } from '../../facts.js';
import type { ScannedFile } from '../types.js';

/** Everything an ORM extractor needs about the one parsed file it reads. */
export interface TsFileContext {
  file: ScannedFile;
  /** Parsed once per scan, shared by every ORM extractor; wrapped by ts-morph on first use. */
  readonly sourceFile: SourceFile;
  /** The compiler's own tree of the same file: walking it wraps nothing. */
  compilerSourceFile: ts.SourceFile;
  /** Exact location of a node (from its start without leading trivia to its end). */
  locate(node: Node): SourceLocation;
  /**
   * Facts of the SQL held by a string literal, no-substitution template or template expression,
   * located at the SQL's own line and column in this file. `${…}` spans become placeholders.
   * Returns [] for a node that holds no SQL.
   */
  sql(node: Node): Fact[];
}

/**
 * One ORM or migration tool. Receivers are recognised by syntax (parameter names and annotations,
 * destructuring, aliases), never by running or type-checking the file.
 */
export interface OrmExtractor {
  name: string;
  /** Cheap text prefilter: does the file mention this tool at all? */
  applies(text: string): boolean;
  extract(context: TsFileContext): Fact[];
}
