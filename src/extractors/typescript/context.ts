/**
 * The per-file context every ORM extractor reads through: exact locations from the file's own
 * line index, and SQL held by string literals handed to the SQL extractor with positions mapped
 * back into the TypeScript file. A literal is extracted once per file, whichever extractor reaches
 * it first (the embedded-SQL pass runs last and picks up the rest).
 */
import { Node, ts } from './morph.js';
import type { CallExpression, SourceFile } from 'ts-morph';
import type { Fact, SourceLocation } from '../../facts.js';
import { createLineIndex } from '../../util/location.js';
import type { LineIndex } from '../../util/location.js';
import { extractSqlFragment } from '../sql/index.js';
import type { ScannedFile } from '../types.js';
import { fileDialect, inOtherDialectBranch } from './dialect-branches.js';
import { isForeignNode } from './imports.js';
import { constInitializerOf, rawCallsOf, wrapNode } from './receivers.js';
import type { TsFileContext } from './types.js';

interface ContextInternals {
  lineIndex: LineIndex;
  /**
   * Where facts read from another module are located: the call in this file that led there
   * (`createStandardTable(db, 'patients', …)`). Facts stay with the file that runs them, so the
   * model replays them in that file's migration order.
   */
  anchors: Node[];
  /** Start offsets of literals already handed to the SQL extractor. */
  extracted: Set<number>;
}

const internalsOf = new WeakMap<TsFileContext, ContextInternals>();

export function createTsFileContext(file: ScannedFile, sourceFile: SourceFile): TsFileContext {
  return createLazyTsFileContext(file, sourceFile.compilerNode, () => sourceFile);
}

/**
 * A context whose ts-morph source file is made by `wrap` when a reader first asks for it: readers
 * that walk the raw tree (`compilerSourceFile`) and find nothing never make one.
 */
export function createLazyTsFileContext(
  file: ScannedFile,
  compilerSourceFile: ts.SourceFile,
  wrap: () => SourceFile,
): TsFileContext {
  const lineIndex = createLineIndex(file.text);
  let wrapped: SourceFile | undefined;
  const context: TsFileContext = {
    file,
    compilerSourceFile,
    get sourceFile() {
      wrapped ??= wrap();
      return wrapped;
    },
    locate: (node) => {
      const located = isForeignNode(node, context.sourceFile) ? internals.anchors.at(-1) : node;
      if (!located) return lineIndex.range(file.path, 0, 0);
      return lineIndex.range(file.path, located.getStart(), located.getEnd());
    },
    sql: (node) => extractSqlStatement(context, node),
  };
  const internals: ContextInternals = { lineIndex, extracted: new Set(), anchors: [] };
  internalsOf.set(context, internals);
  return context;
}

/**
 * Reads another module's code (a helper followed through an import) on behalf of `anchor`, a node of
 * this file: every fact `read` locates in that module is located at the anchor instead.
 */
export function readingThrough<Result>(
  context: TsFileContext,
  anchor: Node,
  read: () => Result,
): Result {
  const internals = internalsOf.get(context);
  if (!internals || isForeignNode(anchor, context.sourceFile)) return read();
  internals.anchors.push(anchor);
  try {
    return read();
  } finally {
    internals.anchors.pop();
  }
}

/** From the start of `first` to the end of `last`: a chained call's own segment, `.addColumn(…)`. */
export function locateBetween(context: TsFileContext, first: Node, last: Node): SourceLocation {
  const from = context.locate(first);
  const to = context.locate(last);
  return { ...from, endLine: to.endLine, endColumn: to.endColumn };
}

/**
 * The segment of a chained call that belongs to its own method: from the method name to the closing
 * parenthesis (`addColumn('email', 'text')` in `db.schema.createTable('p').addColumn('email', 'text')`).
 */
export function locateCallSegment(context: TsFileContext, call: CallExpression): SourceLocation {
  const callee = call.getExpression();
  if (Node.isPropertyAccessExpression(callee)) {
    return locateBetween(context, callee.getNameNode(), call);
  }
  return context.locate(call);
}

/** A call `<receiver>.<method>(…)` picked by `receiverCallsOf`. */
export interface ReceiverCall {
  call: CallExpression;
  /** The method name as written. */
  method: string;
  /** Where the method name starts: the order calls of one chain are replayed in. */
  nameStart: number;
}

/**
 * Calls `<receiver>.<method>(…)` of the file, in document order, with a method of `methods` and
 * accepted by `accept`, which sees the raw compiler nodes: only accepted calls are wrapped. Lazy,
 * so an extractor's own reading of one call still runs before the next call is looked at.
 */
export function* receiverCallsOf(
  sourceFile: SourceFile,
  methods: ReadonlySet<string>,
  accept: (method: string, receiver: ts.Expression, call: ts.CallExpression) => boolean,
): Generator<ReceiverCall> {
  const compilerSourceFile = sourceFile.compilerNode;
  for (const call of rawCallsOf(sourceFile)) {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || !methods.has(callee.name.text)) continue;
    const method = callee.name.getText(compilerSourceFile);
    if (!accept(method, callee.expression, call)) continue;
    yield {
      call: wrapNode(sourceFile, call) as CallExpression,
      method,
      nameStart: callee.name.getStart(compilerSourceFile),
    };
  }
}

/**
 * Calls of a plain name given a function (`createStandardTable(db, 't', (qb) => …)`), in document
 * order: the calls that may hand a builder to a callback.
 */
export function helperCallsOf(
  sourceFile: SourceFile,
  options: { members?: boolean } = {},
): CallExpression[] {
  const calls: CallExpression[] = [];
  for (const call of rawCallsOf(sourceFile)) {
    const givesFunction = call.arguments.some(
      (argument) => ts.isArrowFunction(argument) || ts.isFunctionExpression(argument),
    );
    // With `members`, also a class's or an object's helper: `TimestampedTable.create(db, 't', …)`.
    const named =
      ts.isIdentifier(call.expression) ||
      (options.members === true && ts.isPropertyAccessExpression(call.expression));
    if (givesFunction && named) {
      calls.push(wrapNode(sourceFile, call) as CallExpression);
    }
  }
  return calls;
}

export interface SqlStatementOptions {
  /**
   * Text put before the literal's content to make it a statement, e.g. `CREATE VIEW "v" AS ` for a
   * view whose body is a `SELECT`. The prefix is located at `anchor` (the call that implies it).
   */
  prefix?: string;
  anchor?: Node;
}

/**
 * Facts of the SQL in a literal (string, no-substitution template, template expression, tagged
 * template, or a `const` bound to one), located in this file. Text that does not read as a SQL
 * statement yields nothing unless a prefix makes it one; a literal already extracted yields nothing.
 */
export function extractSqlStatement(
  context: TsFileContext,
  node: Node,
  options: SqlStatementOptions = {},
): Fact[] {
  const internals = internalsOf.get(context);
  const literal = sqlLiteralOf(node);
  if (!internals || !literal) return [];
  if (isForeignNode(literal, context.sourceFile)) return foreignSqlStatement(context, literal);
  const dialect = fileDialect(context.file.text, context.file.path);
  if (inOtherDialectBranch(literal.compilerNode, context.sourceFile.compilerNode, dialect)) {
    return [];
  }
  const literalStart = literal.getStart();
  if (internals.extracted.has(literalStart)) return [];
  const contentStart = literalStart + 1;
  // The SQL reader decodes JavaScript escapes itself, keeping offsets; the test sees the decoded text.
  const content = context.file.text.slice(contentStart, literal.getEnd() - 1);
  const prefix = options.prefix ?? '';
  if (!prefix && !looksLikeSqlStatement(neutraliseEscapes(content))) return [];
  internals.extracted.add(literalStart);
  const anchorStart = (options.anchor ?? literal).getStart();
  const { lineIndex } = internals;
  try {
    return extractSqlFragment({
      text: prefix + content,
      file: context.file.path,
      position: (offset) =>
        offset < prefix.length
          ? lineIndex.position(anchorStart)
          : lineIndex.position(contentStart + offset - prefix.length),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [
      { kind: 'parse-error', at: context.locate(literal), message: `SQL not read: ${reason}` },
    ];
  }
}

/** SQL held by a literal of another module (a helper's `raw(…)`), located at the call that led there. */
function foreignSqlStatement(context: TsFileContext, literal: Node): Fact[] {
  const text = literal.getSourceFile().getFullText();
  const content = text.slice(literal.getStart() + 1, literal.getEnd() - 1);
  if (!looksLikeSqlStatement(neutraliseEscapes(content))) return [];
  const at = context.locate(literal);
  try {
    return extractSqlFragment({
      text: content,
      file: context.file.path,
      position: () => ({ line: at.line, column: at.column }),
    });
  } catch {
    return [];
  }
}

/** True when the literal at `node` was already handed to the SQL extractor. */
export function wasSqlExtracted(context: TsFileContext, node: Node): boolean {
  return internalsOf.get(context)?.extracted.has(node.getStart()) ?? false;
}

type SqlLiteral = Node;

/**
 * The literal node holding SQL text, looking through tags, parentheses, `await`, `as` and `const`
 * names. Looked through on the raw compiler nodes: only the literal found (or a `const` name to
 * follow) is wrapped.
 */
function sqlLiteralOf(node: Node, depth = 0): SqlLiteral | undefined {
  let current: ts.Node = node.compilerNode;
  const wrap = (raw: ts.Node): Node =>
    raw === node.compilerNode ? node : wrapNode(node.getSourceFile(), raw);
  for (let level = depth; level <= 4; level++) {
    switch (current.kind) {
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      case ts.SyntaxKind.TemplateExpression:
        return wrap(current);
      case ts.SyntaxKind.TaggedTemplateExpression:
        return wrap((current as ts.TaggedTemplateExpression).template);
      case ts.SyntaxKind.ParenthesizedExpression:
      case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.NonNullExpression:
      case ts.SyntaxKind.AwaitExpression:
        current = (current as ts.ParenthesizedExpression).expression;
        continue;
      case ts.SyntaxKind.Identifier: {
        const initializer = constInitializerOf(wrap(current));
        return initializer ? sqlLiteralOf(initializer, level + 1) : undefined;
      }
      default:
        return undefined;
    }
  }
  return undefined;
}

/**
 * Replaces JavaScript escapes in raw literal text by stand-ins of the same length (`\n` → two
 * spaces, `\'` → ` '`), so the SQL parser sees the characters the database would and every
 * offset still maps to the same place in the file.
 */
export function neutraliseEscapes(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(
    /\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g,
    (escape: string, body: string) => {
      if (body.length > 1) return ' '.repeat(escape.length);
      if (/[nrtbfv0]/.test(body)) return '  ';
      return ` ${body}`;
    },
  );
}

const LEADING_COMMENTS = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

const STATEMENT_START = new RegExp(
  `^(?:${[
    String.raw`create\s+(?:or\s+replace\s+)?(?:(?:global|local|temp|temporary|unlogged|unique|materialized|recursive|trusted|procedural)\s+)*(?:table|view|index|policy|schema|type|function|procedure|extension|trigger|role|user|sequence|domain|rule|publication|database)\b`,
    String.raw`alter\s+(?:table|view|materialized|policy|schema|type|function|role|user|sequence|default\s+privileges|database|index)\b`,
    String.raw`(?:insert|replace)\s+(?:into|ignore)\b`,
    // MySQL updates through a join: `UPDATE a JOIN b ON … SET a.x = b.y`.
    String.raw`update\s+(?:only\s+)?[\w."$\[\]\x60]+\s+(?:(?:as\s+)?\w+\s+)?(?:(?:(?:inner|left|right|cross)\s+(?:outer\s+)?)?join\s[\s\S]*?\s)?set\b`,
    String.raw`grant\s+[\s\S]*?\b(?:on|to)\b`,
    String.raw`revoke\s+[\s\S]*?\b(?:on|from)\b`,
    String.raw`drop\s+(?:table|view|materialized|policy|schema|type|function|index|sequence|trigger|extension|role|owned)\b`,
    String.raw`select\b[\s\S]*\binto\b`,
    String.raw`with\s+(?:recursive\s+)?[\w"]+\s*(?:\([^)]*\)\s*)?as\s*(?:not\s+)?(?:materialized\s+)?\(`,
    String.raw`comment\s+on\b`,
    String.raw`truncate\b`,
    String.raw`do\s+(?:\$|language\b)`,
    String.raw`(?:begin|start\s+transaction)\s*;`,
    String.raw`set\s+(?:local\s+)?(?:role|search_path)\b`,
  ]
    .map((part) => `(?:${part})`)
    .join('|')})`,
  'i',
);

/** Does the text begin (after whitespace and comments) like a SQL statement that changes something? */
export function looksLikeSqlStatement(text: string): boolean {
  const start = LEADING_COMMENTS.exec(text)?.[0].length ?? 0;
  return STATEMENT_START.test(text.slice(start));
}
