/**
 * What a tool's client calls may ask of the data-script reader of one file: the file's own imports
 * and constants, client names and connections, row values of selected columns, and the facts it
 * emits. A tool never walks the file itself: the reader offers it every call and tagged template.
 */
import type { Node, ts } from '../morph.js';
import type { ColumnName, Fact, FlowStep, SourceLocation, TableName } from '../../../facts.js';
import type { LineIndex } from '../../../util/location.js';
import type { ValueTracker } from '../data-flow.js';
import type { Value } from '../data-flow/values.js';
import type { Chain, ChainLink, ImportRef, SelectItem } from './syntax.js';

export interface Script {
  readonly sourceFile: ts.SourceFile;
  /** The scanned file's path, as facts name it. */
  readonly file: string;
  readonly lineIndex: LineIndex;
  readonly tracker: ValueTracker;
  /** `mysql` when the file imports a MySQL driver: `${…}` spans become `?` instead of `$n`. */
  readonly dialect: 'postgres' | 'mysql' | undefined;
  /**
   * Whether the file's text matches `pattern`, read once per file and pattern: tools ask it for
   * every call, and a minified bundle has tens of thousands of calls on one long line.
   */
  mentions(pattern: RegExp): boolean;
  locate(node: ts.Node): SourceLocation;
  /** The ts-morph node of a compiler node of this file (to follow imports with `imports.ts`). */
  wrap(node: ts.Node): Node;
  emit(fact: Fact): void;

  // Names and constants of the file
  importOf(expression: ts.Expression): ImportRef | undefined;
  requiredModule(initializer: ts.Expression): ImportRef | undefined;
  definitionOf(expression: ts.Expression, depth?: number): ts.Expression;
  fullChainOf(expression: ts.Expression): Chain;
  stringOf(expression: ts.Expression | undefined, depth?: number): string | undefined;
  urlOf(expression: ts.Expression | undefined, depth?: number): string | undefined;

  // Clients and their stores
  connectionOf(expression: ts.Expression | undefined): string | undefined;
  transactionOwner(identifier: ts.Identifier): string | undefined;
  environmentOf(expression: ts.Expression | undefined): string[];
  tableName(text: string, via: ts.Expression | undefined): TableName;

  // Reads
  readAt(node: ts.Expression): Value | undefined;
  readStep(node: ts.Node, columns: ColumnName[], connection: string | undefined): FlowStep;
  rowValue(node: ts.Node, items: SelectItem[], star: TableName | undefined): Value;
  selectArguments(
    argument: ts.Expression,
    tables: Map<string, TableName>,
    fallback: TableName,
  ): { items: SelectItem[]; star?: TableName } | undefined;
  sourceTables(
    tableText: string,
    table: TableName,
    links: readonly ChainLink[],
    via: ts.Expression | undefined,
    isJoin: (method: string) => boolean,
  ): Map<string, TableName>;

  // Writes
  emitJudgedWrites(
    call: ts.Node,
    table: TableName,
    writer: string,
    fields: ReadonlyArray<{ column: string; value: ts.Expression }>,
    definedIn?: string,
  ): void;
}
