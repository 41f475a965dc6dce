/**
 * Data scripts: any file that reads rows through one client and writes them through another, or
 * sends them to a log, an HTTP host, an analytics SDK or an object store (the PPS → Kroger merge
 * was such a one-off script; Insulet sent pump usage to marketing partners).
 *
 * Reads make tainted values (`data-flow.ts` tracks them through the file); a write of a tainted
 * value is a `data-copied` fact via `script`, a send a `data-sent` fact. Both point at the write
 * or send call and carry every step from the read in `path`, ending with the call itself.
 *
 * Everything is recognised by syntax: client variables, the packages named in the file's own
 * imports, and the catalogue in `sinks.ts`. Nothing of the scanned code is ever loaded.
 */
import { ts } from './morph.js';
import type {
  ColumnName,
  CopiedColumn,
  DataCopied,
  DataSent,
  Fact,
  FlowStep,
  Sink,
  SourceLocation,
  TableName,
  ValueSource,
} from '../../facts.js';
import { createLineIndex } from '../../util/location.js';
import { analyseQuery } from '../sql/index.js';
import type { QueryShape, SqlFragment } from '../sql/index.js';
import {
  ValueTracker,
  elementOf,
  isTainted,
  leavesOf,
  propertyNameText,
  scalarOf,
  shortText,
  unwrap,
} from './data-flow.js';
import type { Leaf, Value } from './data-flow.js';
import {
  HTTP_CLIENTS,
  HTTP_DATA_PROPERTIES,
  HTTP_URL_PROPERTIES,
  LOGGER_FACTORIES,
  LOGGER_NAME,
  LOG_METHODS,
  NODE_HTTP_MODULES,
  PUBLIC_AZURE_ACCESS,
  PUBLIC_GCS_ACLS,
  PUBLIC_S3_ACLS,
  SDK_CATALOGUE,
  vendorOfHost,
} from './sinks.js';
import type { HttpCallShape, HttpClientEntry, SdkEntry } from './sinks.js';
import type { OrmExtractor, TsFileContext } from './types.js';
import { columnWrittenFact, judgeWrittenValue } from './write-protection.js';
import type { JudgeScope } from './write-protection.js';
import { isLimitError } from '../../util/budget.js';

/**
 * A read somewhere in the file: a query builder, an ORM find, or SELECT … FROM text. Generic
 * runners (`.query(`, `.raw(`, `.execute(`, `sql\``) are not hints by themselves: every migration
 * calls them for DDL, and a raw read this extractor can follow has its SELECT text in the file.
 */
const READ_HINT =
  /\.(?:select|first|pluck|where|selectFrom|find\w*|\$queryRaw\w*|many\w*|one\w*|any)\s*[(`]|\bselect\s[\s\S]{0,2000}?\bfrom\b/i;
/** A write or a send somewhere in the file. */
const WRITE_OR_SINK_HINT =
  /insert|update|upsert|create|save|bulk|console\.|log\w*\.|\.log\.|fetch|axios|got|https?\b|request|track|identify|capture|\.send\(|upload|putObject|execute|lists\.|contacts\./i;

/**
 * A write of the application (a Prisma `update`, a TypeORM `save`, a knex `insert`, raw INSERT):
 * each written value is judged hashed, encrypted or plain, whether or not a read precedes it.
 */
const STORED_WRITE_HINT =
  /\.(?:create|createMany|update|updateMany|upsert|save|insert|values|set|bulkCreate)\s*\(|\binsert\s+into\b|\bupdate\s+["`\w.]+\s+set\b/i;

export const dataScriptsExtractor: OrmExtractor = {
  name: 'data-scripts',
  applies: (text) =>
    (READ_HINT.test(text) && WRITE_OR_SINK_HINT.test(text)) || STORED_WRITE_HINT.test(text),
  extract(context) {
    try {
      return new DataScriptReader(context).read();
    } catch (error) {
      if (isLimitError(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      return [
        {
          kind: 'parse-error',
          at: context.locate(context.sourceFile),
          message: `data script not read: ${reason}`,
        },
      ];
    }
  },
};

// ── vocabulary of the recognisers ─────────────────────────────────────────────────────────────

const KNEX_WRITES = new Set([
  'insert',
  'update',
  'upsert',
  'del',
  'delete',
  'truncate',
  'increment',
  'decrement',
]);
const KNEX_AGGREGATES = new Set([
  'count',
  'countDistinct',
  'sum',
  'sumDistinct',
  'avg',
  'avgDistinct',
  'min',
  'max',
]);
const KNEX_READ_METHODS =
  /^(?:select|first|pluck|column|columns|distinct|from|table|where\w*|orWhere\w*|andWhere\w*|\w*[jJ]oin|orderBy|groupBy|having|limit|offset|as|clone|modify|withSchema|forUpdate|forShare|timeout|stream)$/;
const KNEX_COLUMN_METHODS = new Set(['select', 'first', 'column', 'columns', 'distinct', 'pluck']);
const KNEX_JOIN =
  /^(?:join|innerJoin|leftJoin|leftOuterJoin|rightJoin|rightOuterJoin|fullOuterJoin|crossJoin)$/;
const CLIENT_NAME = /(?:db|knex|trx|tx|sql|database|conn|connection|client|pool|pg|mysql)$/i;
const KYSELY_EXECUTE = /^(?:execute|executeTakeFirst|executeTakeFirstOrThrow|stream)$/;
const PRISMA_READS = /^(?:findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow)$/;
const PRISMA_WRITES = /^(?:create|createMany|createManyAndReturn|update|updateMany|upsert)$/;
const SEQUELIZE_READS = /^(?:findAll|findOne|findByPk|findAndCountAll)$/;
const SEQUELIZE_WRITES = /^(?:create|bulkCreate|update|upsert)$/;
const TYPEORM_READS =
  /^(?:find|findBy|findOne|findOneBy|findOneOrFail|findOneByOrFail|findAndCount|findAndCountBy)$/;
const TYPEORM_WRITES = /^(?:save|insert|update|upsert)$/;
/** Raw SQL methods and the shape of what they return. */
const RAW_RESULT: Record<string, 'result' | 'rows' | 'row' | 'none'> = {
  query: 'result',
  raw: 'result',
  execute: 'result',
  unsafe: 'rows',
  $queryRaw: 'rows',
  $queryRawUnsafe: 'rows',
  any: 'rows',
  many: 'rows',
  manyOrNone: 'rows',
  all: 'rows',
  one: 'row',
  oneOrNone: 'row',
  get: 'row',
  none: 'none',
  run: 'none',
  exec: 'none',
  $executeRaw: 'none',
  $executeRawUnsafe: 'none',
};
const SQL_TAGS = /^(?:sql|\$queryRaw|\$executeRaw|\$queryRawUnsafe)$/;
/** Prisma's raw writes: they return the number of rows changed, never rows. */
const EXECUTE_RAW = /^\$executeRaw(?:Unsafe)?$/;
/** Packages whose `sql` tag builds a query fragment instead of running it. */
const FRAGMENT_MODULES =
  /^(?:@prisma\/client(?:\/.*)?|drizzle-orm(?:\/.*)?|kysely|slonik|sql-template-strings|sql-template-tag|@databases\/\w+|pg-sql2|@sequelize\/core)$/;
const PERSON_TABLE =
  /patient|customer|member|user|account|cardholder|prescriber|doctor|employee|person|people|contact|subscriber|profile|client|lead|student|guest|owner/i;

interface ChainLink {
  name: string;
  call: ts.CallExpression;
  args: readonly ts.Expression[];
}

/** `root.a(…).b(…)`: the links innermost first and the expression they hang off. */
interface Chain {
  links: ChainLink[];
  root: ts.Expression;
}

function chainOf(expression: ts.Expression): Chain {
  const links: ChainLink[] = [];
  let node = expression;
  for (;;) {
    const inner = stripParentheses(node);
    if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression)) {
      links.unshift({ name: inner.expression.name.text, call: inner, args: inner.arguments });
      node = inner.expression.expression;
      continue;
    }
    return { links, root: inner };
  }
}

function stripParentheses(node: ts.Expression): ts.Expression {
  let current = node;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isNonNullExpression(current) ||
    ts.isAsExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

/** Property names from a member expression down to its root (`a.b.c` → root `a`, path `b.c`). */
function memberPath(expression: ts.Expression): { root: ts.Expression; path: string[] } {
  const path: string[] = [];
  let node = stripParentheses(expression);
  while (ts.isPropertyAccessExpression(node)) {
    path.unshift(node.name.text);
    node = stripParentheses(node.expression);
  }
  return { root: node, path };
}

/** What an imported name refers to: the package and the export (`*` namespace, `module` from `require`). */
interface ImportRef {
  module: string;
  exported: string;
}

interface SelectItem {
  output: string;
  table: TableName;
  column: string;
  at: SourceLocation;
}

interface WriteTarget {
  table: TableName;
  /** The value written as rows (an object or an array of objects). */
  data: ts.Expression | undefined;
  /** A single column written by `update('col', value)`. */
  column?: { name: string; value: ts.Expression };
  verb: string;
  /** More rows written by the same call: the `update` half of a Prisma `upsert`. */
  alsoData?: ts.Expression;
}

class DataScriptReader {
  private readonly sourceFile: ts.SourceFile;
  private readonly tracker: ValueTracker;
  private readonly lineIndex;
  private readonly imports = new Map<ts.Identifier, ImportRef>();
  /** Environment variables by client expression and by the client's declaring name. */
  private readonly environments = new Map<ts.Node, string[]>();
  private readonly facts: Fact[] = [];
  private readonly dialect: 'postgres' | 'mysql' | undefined;

  constructor(private readonly context: TsFileContext) {
    this.sourceFile = context.sourceFile.compilerNode as ts.SourceFile;
    this.lineIndex = createLineIndex(this.sourceFile.text);
    this.tracker = new ValueTracker(this.sourceFile, (node) => this.locate(node), {
      readAt: (node) => this.readAt(node),
      isBuilderCall: (call) => this.isBuilderCall(call),
      isWriteResult: (node) => this.isWriteResult(node),
    });
    this.dialect = /['"](?:mysql2?|mariadb)(?:\/promise)?['"]/.test(this.sourceFile.text)
      ? 'mysql'
      : undefined;
  }

  locate(node: ts.Node): SourceLocation {
    return this.lineIndex.range(
      this.context.file.path,
      node.getStart(this.sourceFile),
      node.getEnd(),
    );
  }

  read(): Fact[] {
    this.indexImports();
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        this.checkWrite(node);
        this.checkSend(node);
      } else if (ts.isNewExpression(node)) {
        this.checkConstructedSend(node);
      } else if (ts.isTaggedTemplateExpression(node)) {
        this.checkTaggedWrite(node);
      }
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
    return this.facts;
  }

  // ── imports ─────────────────────────────────────────────────────────────────────────────────

  private indexImports(): void {
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const module = node.moduleSpecifier.text;
        const clause = node.importClause;
        if (clause?.name) this.imports.set(clause.name, { module, exported: 'default' });
        const bindings = clause?.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) {
          this.imports.set(bindings.name, { module, exported: '*' });
        }
        if (bindings && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements) {
            const exported = (element.propertyName ?? element.name).text;
            this.imports.set(element.name, { module, exported });
          }
        }
      } else if (
        ts.isImportEqualsDeclaration(node) &&
        ts.isExternalModuleReference(node.moduleReference) &&
        ts.isStringLiteral(node.moduleReference.expression)
      ) {
        this.imports.set(node.name, {
          module: node.moduleReference.expression.text,
          exported: 'module',
        });
      } else if (ts.isVariableDeclaration(node) && node.initializer) {
        const required = this.requiredModule(node.initializer);
        if (required) {
          if (ts.isIdentifier(node.name)) {
            this.imports.set(node.name, required);
          } else if (ts.isObjectBindingPattern(node.name)) {
            for (const element of node.name.elements) {
              const exported = propertyNameText(element.propertyName ?? element.name);
              if (exported && ts.isIdentifier(element.name)) {
                this.imports.set(element.name, { module: required.module, exported });
              }
            }
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
  }

  /** `require('m')`, `require('m').X`, `await import('m')`. */
  private requiredModule(initializer: ts.Expression): ImportRef | undefined {
    const node = unwrap(initializer);
    if (ts.isCallExpression(node) && node.arguments.length === 1) {
      const [argument] = node.arguments;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if ((isRequire || isImport) && argument && ts.isStringLiteralLike(argument)) {
        return { module: argument.text, exported: isRequire ? 'module' : '*' };
      }
    }
    if (ts.isPropertyAccessExpression(node)) {
      const base = this.requiredModule(node.expression);
      if (base && (base.exported === 'module' || base.exported === '*')) {
        return { module: base.module, exported: node.name.text };
      }
    }
    return undefined;
  }

  private importOf(expression: ts.Expression): ImportRef | undefined {
    const node = stripParentheses(expression);
    if (!ts.isIdentifier(node)) return undefined;
    const declared = this.tracker.declarationOf(node);
    return declared ? this.imports.get(declared) : undefined;
  }

  /** The expression a `const` name stands for, followed through a few names. */
  private definitionOf(expression: ts.Expression, depth = 0): ts.Expression {
    const node = stripParentheses(expression);
    if (depth > 6) return node;
    if (ts.isAwaitExpression(node)) return this.definitionOf(node.expression, depth + 1);
    if (ts.isIdentifier(node) && !this.importOf(node)) {
      const initializer = this.tracker.initializerOf(node);
      if (initializer) return this.definitionOf(initializer, depth + 1);
    }
    return node;
  }

  /** The chain an expression is built from, following variables (`const file = bucket.file(k)`). */
  private fullChainOf(expression: ts.Expression): Chain {
    const chain = chainOf(this.definitionOf(expression));
    for (let depth = 0; depth < 6; depth++) {
      const root = this.definitionOf(chain.root);
      if (root === chain.root) break;
      const inner = chainOf(root);
      chain.links.unshift(...inner.links);
      chain.root = inner.root;
      if (inner.links.length === 0) break;
    }
    return chain;
  }

  // ── static text ─────────────────────────────────────────────────────────────────────────────

  private stringOf(expression: ts.Expression | undefined, depth = 0): string | undefined {
    if (!expression || depth > 4) return undefined;
    const node = stripParentheses(expression);
    if (ts.isStringLiteralLike(node)) return node.text;
    if (ts.isIdentifier(node)) {
      const initializer = this.tracker.initializerOf(node);
      return initializer ? this.stringOf(initializer, depth + 1) : undefined;
    }
    return undefined;
  }

  private stringListOf(expression: ts.Expression | undefined): string[] | undefined {
    if (!expression) return undefined;
    const node = this.definitionOf(expression);
    if (ts.isArrayLiteralExpression(node)) {
      const items = node.elements.map((item) => this.stringOf(item));
      return items.every((item): item is string => item !== undefined) ? items : undefined;
    }
    const single = this.stringOf(node);
    return single === undefined ? undefined : [single];
  }

  /** The URL text known before run time: a literal, a constant, or a template's fixed start. */
  private urlOf(expression: ts.Expression | undefined, depth = 0): string | undefined {
    if (!expression || depth > 4) return undefined;
    const node = stripParentheses(expression);
    if (ts.isStringLiteralLike(node)) return node.text;
    if (ts.isTemplateExpression(node)) {
      let text = node.head.text;
      for (const span of node.templateSpans) {
        const part = text === '' ? this.urlOf(span.expression, depth + 1) : undefined;
        if (part === undefined) return text === '' ? undefined : `${text}\${…}`;
        text += part + span.literal.text;
      }
      return text;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = this.urlOf(node.left, depth + 1);
      return left === undefined ? undefined : left + (this.urlOf(node.right, depth + 1) ?? '…');
    }
    if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'URL'
    ) {
      const [path, base] = node.arguments ?? [];
      const baseText = this.urlOf(base, depth + 1);
      const pathText = this.urlOf(path, depth + 1);
      if (baseText && pathText && !/^https?:/i.test(pathText)) return joinUrl(baseText, pathText);
      return pathText ?? baseText;
    }
    if (ts.isPropertyAccessExpression(node) && /^(?:href|toString)$/.test(node.name.text)) {
      return this.urlOf(node.expression, depth + 1);
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      if (node.expression.name.text === 'toString')
        return this.urlOf(node.expression.expression, depth + 1);
    }
    if (ts.isIdentifier(node)) {
      const initializer = this.tracker.initializerOf(node);
      return initializer ? this.urlOf(initializer, depth + 1) : undefined;
    }
    return undefined;
  }

  // ── connections ─────────────────────────────────────────────────────────────────────────────

  /** The client a query went through, by name: `ppsDb`, `this.db` → `db`, `trx` → its owner. */
  private connectionOf(expression: ts.Expression | undefined): string | undefined {
    if (!expression) return undefined;
    const node = stripParentheses(expression);
    if (ts.isIdentifier(node)) {
      const owner = this.transactionOwner(node);
      return owner ?? node.text;
    }
    // `dataSource.manager` and `db.client` reach the store of their owner.
    if (ts.isPropertyAccessExpression(node) && /^(?:manager|client)$/.test(node.name.text)) {
      return this.connectionOf(node.expression);
    }
    if (ts.isPropertyAccessExpression(node)) return node.name.text;
    if (ts.isCallExpression(node)) return this.connectionOf(node.expression);
    return undefined;
  }

  /** `krogerDb.transaction(async (trx) => …)`: `trx` reaches `krogerDb`. */
  private transactionOwner(identifier: ts.Identifier): string | undefined {
    const declared = this.tracker.declarationOf(identifier);
    const parameter = declared?.parent;
    if (!parameter || !ts.isParameter(parameter)) return undefined;
    const fn = parameter.parent;
    const call = fn.parent;
    if (!call || !ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) {
      return undefined;
    }
    if (!/^(?:transaction|\$transaction)$/.test(call.expression.name.text)) return undefined;
    return this.connectionOf(call.expression.expression);
  }

  /** Environment variables the client is built from (`knex({ connection: process.env.X })`). */
  private environmentOf(expression: ts.Expression | undefined): string[] {
    if (!expression) return [];
    const cached = this.environments.get(expression);
    if (cached) return cached;
    const names = this.findEnvironment(expression);
    this.environments.set(expression, names);
    return names;
  }

  private findEnvironment(expression: ts.Expression): string[] {
    let node = stripParentheses(expression);
    if (ts.isCallExpression(node)) node = stripParentheses(node.expression);
    while (
      ts.isPropertyAccessExpression(node) &&
      node.expression.kind !== ts.SyntaxKind.ThisKeyword
    ) {
      node = stripParentheses(node.expression);
    }
    if (!ts.isIdentifier(node)) return [];
    const owner = this.transactionOwnerNode(node);
    const client = this.tracker.declarationOf(owner ?? node);
    if (!client) return [];
    const known = this.environments.get(client);
    if (known) return known;
    const initializer = this.tracker.initializerOf(owner ?? node);
    const names = new Set<string>();
    const visit = (current: ts.Node, depth: number): void => {
      if (depth > 3) return;
      if (ts.isPropertyAccessExpression(current) && isProcessEnv(current.expression)) {
        names.add(current.name.text);
      } else if (
        ts.isElementAccessExpression(current) &&
        isProcessEnv(current.expression) &&
        ts.isStringLiteralLike(current.argumentExpression)
      ) {
        names.add(current.argumentExpression.text);
      } else if (ts.isIdentifier(current) && current !== node) {
        const declared = this.tracker.declarationOf(current);
        const binding = declared?.parent;
        if (binding && ts.isBindingElement(binding) && declared) {
          const declaration = binding.parent.parent;
          if (
            ts.isVariableDeclaration(declaration) &&
            declaration.initializer &&
            isProcessEnv(declaration.initializer)
          ) {
            names.add(propertyNameText(binding.propertyName ?? binding.name) ?? declared.text);
          }
        }
        const inner = this.tracker.initializerOf(current);
        if (inner) visit(inner, depth + 1);
      }
      ts.forEachChild(current, (child) => visit(child, depth));
    };
    if (initializer) visit(initializer, 0);
    const found = [...names];
    this.environments.set(client, found);
    return found;
  }

  private transactionOwnerNode(identifier: ts.Identifier): ts.Identifier | undefined {
    const declared = this.tracker.declarationOf(identifier);
    const parameter = declared?.parent;
    if (!parameter || !ts.isParameter(parameter)) return undefined;
    const call = parameter.parent.parent;
    if (!call || !ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) {
      return undefined;
    }
    const owner = stripParentheses(call.expression.expression);
    return ts.isIdentifier(owner) ? owner : undefined;
  }

  private tableName(text: string, via: ts.Expression | undefined): TableName {
    const trimmed = text.trim().split(/\s+as\s+|\s+/i)[0] ?? text;
    const dot = trimmed.lastIndexOf('.');
    const table: TableName =
      dot > 0 ? { name: trimmed.slice(dot + 1), schema: trimmed.slice(0, dot) } : { name: trimmed };
    const connection = this.connectionOf(via);
    if (connection) table.connection = connection;
    const aliases = this.environmentOf(via).filter((name) => name !== connection);
    if (aliases.length > 0) table.connectionAliases = aliases;
    return table;
  }

  // ── reads ───────────────────────────────────────────────────────────────────────────────────

  private readAt(node: ts.Expression): Value | undefined {
    if (ts.isTaggedTemplateExpression(node)) return this.taggedRead(node);
    if (!ts.isCallExpression(node)) return undefined;
    return (
      this.rawRead(node) ??
      this.prismaRead(node) ??
      this.kyselyRead(node) ??
      this.knexRead(node) ??
      this.modelRead(node)
    );
  }

  private readStep(node: ts.Node, columns: ColumnName[], connection: string | undefined): FlowStep {
    const listed = columns.map((column) => `${column.table.name}.${column.column}`).join(', ');
    return {
      at: this.locate(node),
      description: connection ? `read ${listed} through ${connection}` : `read ${listed}`,
    };
  }

  /** A row whose fields are the selected columns (or any column, for `*`). */
  private rowValue(node: ts.Node, items: SelectItem[], star: TableName | undefined): Value {
    const columns: ColumnName[] = items.map((item) => ({ table: item.table, column: item.column }));
    if (star) columns.push({ table: star, column: '*' });
    const connection = (star ?? items[0]?.table)?.connection;
    const step = this.readStep(node, columns, connection);
    const row: Value = {};
    if (items.length > 0) {
      row.fields = new Map(
        items.map((item) => [
          item.output,
          {
            leaf: {
              from: [{ table: item.table, column: item.column }],
              transform: 'copy',
              path: [step],
            },
            at: item.at,
          },
        ]),
      );
    }
    if (star) row.row = { table: star, template: { from: [], transform: 'copy', path: [step] } };
    return row;
  }

  private isClientLike(expression: ts.Expression): boolean {
    const node = stripParentheses(expression);
    const name = ts.isIdentifier(node)
      ? node.text
      : ts.isPropertyAccessExpression(node)
        ? node.name.text
        : undefined;
    if (name && CLIENT_NAME.test(name)) return true;
    const definition = this.definitionOf(node);
    if (ts.isCallExpression(definition)) {
      const callee = stripParentheses(definition.expression);
      const ref = this.importOf(callee);
      if (ref && /^(?:knex|kysely)$/.test(ref.module)) return true;
      if (ts.isCallExpression(callee) && this.requiredModule(callee)?.module === 'knex')
        return true;
    }
    return false;
  }

  /**
   * A Knex chain whose table call hangs off a property (`this.db('patients').select(…)`) parses as
   * a link named `db`; make that call the root again.
   */
  private knexChainOf(call: ts.CallExpression): Chain {
    const chain = chainOf(call);
    const [first, ...rest] = chain.links;
    if (
      first &&
      !ts.isCallExpression(chain.root) &&
      first.args.length === 1 &&
      !KNEX_READ_METHODS.test(first.name) &&
      !KNEX_WRITES.has(first.name) &&
      !/^(?:into|batchInsert|selectFrom|insertInto|updateTable|replaceInto)$/.test(first.name) &&
      this.stringOf(first.args[0]) !== undefined
    ) {
      return { links: rest, root: first.call };
    }
    return chain;
  }

  private knexRead(call: ts.CallExpression): Value | undefined {
    const { links, root } = this.knexChainOf(call);
    if (links.some((link) => KNEX_WRITES.has(link.name))) return this.knexReturning(call, links);
    if (links.some((link) => KNEX_AGGREGATES.has(link.name))) return undefined;
    if (links.some((link) => link.name === 'batchInsert' || link.name === 'selectFrom'))
      return undefined;
    if (!links.every((link) => KNEX_READ_METHODS.test(link.name))) return undefined;
    let tableText: string | undefined;
    let via: ts.Expression;
    const rootCall = ts.isCallExpression(root) ? root : undefined;
    if (rootCall) {
      tableText = this.stringOf(rootCall.arguments[0]);
      via = rootCall.expression;
      if (rootCall.arguments.length !== 1 || tableText === undefined) return undefined;
      if (!this.isClientLike(via) && !links.some((link) => KNEX_COLUMN_METHODS.has(link.name))) {
        return undefined;
      }
    } else {
      const from = links.find((link) => link.name === 'from' || link.name === 'table');
      tableText = this.stringOf(from?.args[0]);
      via = root;
      if (tableText === undefined || !this.isClientLike(root)) return undefined;
      if (!links.some((link) => KNEX_COLUMN_METHODS.has(link.name))) return undefined;
    }
    const schemaLink = links.find((link) => link.name === 'withSchema');
    const schema = this.stringOf(schemaLink?.args[0]);
    const table = this.tableName(schema ? `${schema}.${tableText}` : tableText, via);
    const tables = this.sourceTables(tableText, table, links, via, (name) => KNEX_JOIN.test(name));
    const items: SelectItem[] = [];
    let star: TableName | undefined;
    let sawColumns = false;
    for (const link of links) {
      if (!KNEX_COLUMN_METHODS.has(link.name)) continue;
      for (const argument of link.args) {
        const parsed = this.selectArguments(argument, tables, table);
        if (!parsed) {
          star = table;
          continue;
        }
        sawColumns ||= parsed.items.length > 0 || parsed.star !== undefined;
        items.push(...parsed.items);
        star ??= parsed.star;
      }
    }
    if (!sawColumns && items.length === 0) star = table;
    const row = this.rowValue(call, items, star);
    const pluck = links.find((link) => link.name === 'pluck');
    if (pluck) {
      const first = items[0];
      const field = first ? row.fields?.get(first.output) : undefined;
      return field ? { element: { leaf: field.leaf as Leaf } } : undefined;
    }
    return links.some((link) => link.name === 'first') ? row : { element: row };
  }

  /** `db('accounts').insert(row).returning(['id', 'email'])`: the returned columns of the target. */
  private knexReturning(call: ts.CallExpression, links: ChainLink[]): Value | undefined {
    const returning = links.find((link) => link.name === 'returning');
    const target = returning && this.knexWrite(call);
    if (!returning || !target) return undefined;
    const tables = new Map([[target.table.name, target.table]]);
    const items: SelectItem[] = [];
    let star: TableName | undefined;
    for (const argument of returning.args.slice(0, 1)) {
      const parsed = this.selectArguments(argument, tables, target.table);
      if (!parsed) return undefined;
      items.push(...parsed.items);
      star ??= parsed.star;
    }
    if (items.length === 0 && !star) return undefined;
    return { element: this.rowValue(call, items, star) };
  }

  /** Select-list arguments: `'a'`, `'t.a as b'`, `['a', 'b']`, `{ b: 'a' }`, `'*'`. */
  private selectArguments(
    argument: ts.Expression,
    tables: Map<string, TableName>,
    fallback: TableName,
  ): { items: SelectItem[]; star?: TableName } | undefined {
    const node = this.definitionOf(argument);
    const items: SelectItem[] = [];
    let star: TableName | undefined;
    const addText = (text: string, at: ts.Node, alias?: string) => {
      const [expression = '', named] = text.split(/\s+as\s+/i);
      const dot = expression.lastIndexOf('.');
      const qualifier = dot > 0 ? expression.slice(0, dot) : undefined;
      const column = dot > 0 ? expression.slice(dot + 1) : expression;
      const table = (qualifier && tables.get(qualifier)) || fallback;
      if (column === '*') {
        star = table;
        return;
      }
      items.push({ output: alias ?? named ?? column, table, column, at: this.locate(at) });
    };
    if (ts.isStringLiteralLike(node)) {
      addText(node.text, argument === node ? node : argument);
      return { items, star };
    }
    if (ts.isArrayLiteralExpression(node)) {
      for (const item of node.elements) {
        const parsed = this.selectArguments(item, tables, fallback);
        if (!parsed) return undefined;
        items.push(...parsed.items);
        star ??= parsed.star;
      }
      return { items, star };
    }
    if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (!ts.isPropertyAssignment(property)) return undefined;
        const alias = propertyNameText(property.name);
        const text = this.stringOf(property.initializer);
        if (alias === undefined || text === undefined) return undefined;
        addText(text, property, alias);
      }
      return { items, star };
    }
    return undefined;
  }

  /** The tables a builder read names, by alias and by name: its FROM table and every join. */
  private sourceTables(
    tableText: string,
    table: TableName,
    links: readonly ChainLink[],
    via: ts.Expression | undefined,
    isJoin: (method: string) => boolean,
  ): Map<string, TableName> {
    const tables = new Map<string, TableName>([
      [aliasOf(tableText), table],
      [table.name, table],
    ]);
    for (const link of links) {
      if (!isJoin(link.name)) continue;
      const joined = this.stringOf(link.args[0]);
      if (!joined) continue;
      const joinedTable = this.tableName(joined, via);
      tables.set(aliasOf(joined), joinedTable);
      tables.set(joinedTable.name, joinedTable);
    }
    return tables;
  }

  private kyselyRead(call: ts.CallExpression): Value | undefined {
    const { links, root } = chainOf(call);
    const from = links.find((link) => link.name === 'selectFrom');
    const last = links[links.length - 1];
    if (!from || !last || !KYSELY_EXECUTE.test(last.name)) return undefined;
    const tableText = this.stringOf(from.args[0]);
    if (tableText === undefined) return undefined;
    const table = this.tableName(tableText, root);
    const tables = this.sourceTables(
      tableText,
      table,
      links,
      root,
      (name) => name === 'join' || /Join$/i.test(name),
    );
    const items: SelectItem[] = [];
    let star: TableName | undefined;
    for (const link of links) {
      if (link.name === 'selectAll') star = table;
      if (link.name !== 'select') continue;
      for (const argument of link.args) {
        const parsed = this.selectArguments(argument, tables, table);
        if (!parsed) star = table;
        else {
          items.push(...parsed.items);
          star ??= parsed.star;
        }
      }
    }
    if (items.length === 0) star = table;
    const row = this.rowValue(call, items, star);
    return /TakeFirst/.test(last.name) ? row : { element: row };
  }

  private isPrismaClient(expression: ts.Expression): boolean {
    const node = stripParentheses(expression);
    const name = ts.isIdentifier(node)
      ? node.text
      : ts.isPropertyAccessExpression(node)
        ? node.name.text
        : '';
    if (/prisma/i.test(name)) return true;
    const definition = this.definitionOf(node);
    if (
      ts.isNewExpression(definition) &&
      /PrismaClient$/.test(definition.expression.getText(this.sourceFile))
    ) {
      return true;
    }
    return (
      ts.isIdentifier(node) && this.transactionOwner(node) !== undefined && /^tx|trx$/.test(name)
    );
  }

  /** `prisma.patient.findMany(…)` → the delegate's model; the model name is kept as Prisma writes it (`Patient`). */
  private prismaDelegate(call: ts.CallExpression, methods: RegExp) {
    const callee = stripParentheses(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !methods.test(callee.name.text)) return undefined;
    const delegate = stripParentheses(callee.expression);
    if (!ts.isPropertyAccessExpression(delegate)) return undefined;
    if (!this.isPrismaClient(delegate.expression)) return undefined;
    const model = delegate.name.text;
    if (model.startsWith('$')) return undefined;
    const name = model.charAt(0).toUpperCase() + model.slice(1);
    return { table: this.tableName(name, delegate.expression), method: callee.name.text };
  }

  private prismaRead(call: ts.CallExpression): Value | undefined {
    const target = this.prismaDelegate(call, PRISMA_READS);
    if (!target) return undefined;
    const options = this.definitionOf(call.arguments[0] ?? call);
    const select = ts.isObjectLiteralExpression(options)
      ? objectProperty(options, 'select')
      : undefined;
    const items: SelectItem[] = [];
    if (select && ts.isObjectLiteralExpression(select)) {
      for (const property of select.properties) {
        if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property))
          continue;
        const name = propertyNameText(property.name);
        if (!name) continue;
        if (
          ts.isPropertyAssignment(property) &&
          property.initializer.kind === ts.SyntaxKind.FalseKeyword
        ) {
          continue;
        }
        items.push({ output: name, table: target.table, column: name, at: this.locate(property) });
      }
    }
    const row = this.rowValue(call, items, items.length === 0 ? target.table : undefined);
    return target.method === 'findMany' ? { element: row } : row;
  }

  /** Sequelize models (`Patient.findAll({ attributes })`) and TypeORM repositories (`repo.find({ select })`). */
  private modelRead(call: ts.CallExpression): Value | undefined {
    const callee = stripParentheses(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    const receiver = stripParentheses(callee.expression);
    let table: TableName | undefined;
    let optionsArgument = call.arguments[0];
    let columnsKey = 'attributes';
    let many = /^(?:findAll|find|findBy)$/.test(method);
    if (SEQUELIZE_READS.test(method)) {
      table = this.sequelizeModel(receiver);
      if (method === 'findByPk') optionsArgument = call.arguments[1];
    }
    if (!table && TYPEORM_READS.test(method)) {
      table = this.typeormRepository(receiver);
      columnsKey = 'select';
      if (!table && /manager$/i.test(receiver.getText(this.sourceFile))) {
        const entity = call.arguments[0];
        const entityName =
          entity && (this.stringOf(entity) ?? (ts.isIdentifier(entity) ? entity.text : undefined));
        if (entityName) table = this.tableName(entityName, undefined);
        optionsArgument = call.arguments[1];
      }
    }
    if (!table) return undefined;
    const options = optionsArgument ? this.definitionOf(optionsArgument) : undefined;
    const listed =
      options && ts.isObjectLiteralExpression(options)
        ? objectProperty(options, columnsKey)
        : undefined;
    const items: SelectItem[] = [];
    const addColumn = (name: string, output: string, at: ts.Node) =>
      items.push({ output, table: table as TableName, column: name, at: this.locate(at) });
    if (listed && ts.isArrayLiteralExpression(listed)) {
      for (const item of listed.elements) {
        const text = this.stringOf(item);
        if (text !== undefined) addColumn(text, text, item);
        else if (ts.isArrayLiteralExpression(item)) {
          const [column, alias] = item.elements.map((part) => this.stringOf(part));
          if (column && alias) addColumn(column, alias, item);
        }
      }
    } else if (listed && ts.isObjectLiteralExpression(listed)) {
      for (const property of listed.properties) {
        const name = property.name && propertyNameText(property.name);
        if (name) addColumn(name, name, property);
      }
    }
    const row = this.rowValue(call, items, items.length === 0 ? table : undefined);
    if (method === 'findAndCountAll') return { fields: new Map([['rows', { element: row }]]) };
    if (/^findAndCount/.test(method)) return { fields: new Map([['0', { element: row }]]) };
    many ||= /^findAll$/.test(method);
    return many ? { element: row } : row;
  }

  private sequelizeModel(receiver: ts.Expression): TableName | undefined {
    if (!ts.isIdentifier(receiver)) return undefined;
    const definition = this.definitionOf(receiver);
    if (ts.isCallExpression(definition) && ts.isPropertyAccessExpression(definition.expression)) {
      if (definition.expression.name.text === 'define') {
        const options = definition.arguments[2] && this.definitionOf(definition.arguments[2]);
        const tableOption =
          options && ts.isObjectLiteralExpression(options)
            ? objectProperty(options, 'tableName')
            : undefined;
        const name = this.stringOf(tableOption) ?? this.stringOf(definition.arguments[0]);
        return name ? this.tableName(name, definition.expression.expression) : undefined;
      }
    }
    if (!/^[A-Z]/.test(receiver.text) || !/sequelize/i.test(this.sourceFile.text)) return undefined;
    return this.tableName(receiver.text, undefined);
  }

  private typeormRepository(receiver: ts.Expression): TableName | undefined {
    const definition = this.definitionOf(receiver);
    if (!ts.isCallExpression(definition)) return undefined;
    const callee = stripParentheses(definition.expression);
    const name = ts.isPropertyAccessExpression(callee)
      ? callee.name.text
      : ts.isIdentifier(callee)
        ? callee.text
        : '';
    if (name !== 'getRepository') return undefined;
    const entity = definition.arguments[0];
    if (!entity) return undefined;
    const entityName = this.stringOf(entity) ?? (ts.isIdentifier(entity) ? entity.text : undefined);
    if (!entityName) return undefined;
    return this.tableName(
      entityName,
      ts.isPropertyAccessExpression(callee) ? callee.expression : undefined,
    );
  }

  // ── raw SQL ─────────────────────────────────────────────────────────────────────────────────

  /** The SQL text handed to a call, with its positions in this file; `${…}` spans become `$n`. */
  private sqlFragmentOf(
    expression: ts.Expression | undefined,
  ): { fragment: SqlFragment; spans: ts.Expression[] } | undefined {
    if (!expression) return undefined;
    let node = stripParentheses(expression);
    if (ts.isIdentifier(node)) {
      const initializer = this.tracker.initializerOf(node);
      if (!initializer) return undefined;
      node = stripParentheses(initializer);
    }
    if (ts.isObjectLiteralExpression(node)) {
      const text = objectProperty(node, 'text') ?? objectProperty(node, 'sql');
      return text ? this.sqlFragmentOf(text) : undefined;
    }
    const template = ts.isTaggedTemplateExpression(node) ? node.template : node;
    const pieces: Array<{ text: string; fileOffset: number }> = [];
    const spans: ts.Expression[] = [];
    if (ts.isStringLiteralLike(template)) {
      pieces.push({ text: template.text, fileOffset: template.getStart(this.sourceFile) + 1 });
    } else if (ts.isTemplateExpression(template)) {
      pieces.push({
        text: template.head.text,
        fileOffset: template.head.getStart(this.sourceFile) + 1,
      });
      for (const span of template.templateSpans) {
        spans.push(span.expression);
        const placeholder = this.dialect === 'mysql' ? '?' : `$${spans.length}`;
        pieces.push({ text: placeholder, fileOffset: span.expression.getStart(this.sourceFile) });
        pieces.push({
          text: span.literal.text,
          fileOffset: span.literal.getStart(this.sourceFile) + 1,
        });
      }
    } else {
      return undefined;
    }
    const text = pieces.map((piece) => piece.text).join('');
    if (!/^\s*(?:select|with|insert|update|delete)\b/i.test(text)) return undefined;
    const starts: number[] = [];
    let offset = 0;
    for (const piece of pieces) {
      starts.push(offset);
      offset += piece.text.length;
    }
    const position = (textOffset: number) => {
      let index = 0;
      while (index + 1 < starts.length && (starts[index + 1] as number) <= textOffset) index++;
      const piece = pieces[index] as { fileOffset: number };
      return this.lineIndex.position(piece.fileOffset + textOffset - (starts[index] as number));
    };
    const fragment: SqlFragment = {
      text,
      file: this.context.file.path,
      position,
      ...(this.dialect ? { dialect: this.dialect } : {}),
    };
    return { fragment, spans };
  }

  private analyse(
    expression: ts.Expression | undefined,
  ): { shape: QueryShape; spans: ts.Expression[]; fragment: SqlFragment } | undefined {
    const sql = this.sqlFragmentOf(expression);
    if (!sql) return undefined;
    try {
      const shape = analyseQuery(sql.fragment);
      return shape ? { shape, spans: sql.spans, fragment: sql.fragment } : undefined;
    } catch {
      return undefined;
    }
  }

  /** True when the SQL handed over is an INSERT, UPDATE or DELETE (its result is a count). */
  private isWriteStatement(expression: ts.Expression | undefined): boolean {
    const sql = this.sqlFragmentOf(expression);
    if (!sql) return false;
    if (/^\s*(?:insert|update|delete)\b/i.test(sql.fragment.text)) return true;
    const kind = this.analyse(expression)?.shape.kind;
    return kind === 'insert' || kind === 'update';
  }

  /**
   * `INSERT … RETURNING id, email`: the returned columns are read back from the target table.
   * The parser's shape does not carry the list, so it is read from the text: plain column names,
   * `t.col`, `col AS alias` and `*`; computed items return no column.
   */
  private returningValue(
    node: ts.Node,
    shape: QueryShape,
    fragment: SqlFragment,
    via: ts.Expression,
  ): Value | undefined {
    if (shape.kind !== 'insert' && shape.kind !== 'update') return undefined;
    const text = fragment.text;
    const found = [...text.matchAll(/\breturning\b/gi)].pop();
    if (found?.index === undefined) return undefined;
    const table = this.tableName(
      shape.target.schema ? `${shape.target.schema}.${shape.target.name}` : shape.target.name,
      via,
    );
    const items: SelectItem[] = [];
    let star: TableName | undefined;
    let start = found.index + found[0].length;
    const end = text.replace(/[\s;]*$/, '').length;
    for (const part of `${text.slice(start, end)},`.split(',')) {
      const leading = part.length - part.trimStart().length;
      const item = part.trim();
      const itemStart = start + leading;
      start += part.length + 1;
      const match = /^(?:(?:"[^"]+"|\w+)\.)?(\*|"[^"]+"|\w+)(?:\s+(?:as\s+)?("[^"]+"|\w+))?$/i.exec(
        item,
      );
      if (!match) continue;
      const column = identifierOf(match[1] as string);
      if (column === '*') {
        star = table;
        continue;
      }
      const from = fragment.position(itemStart);
      const to = fragment.position(itemStart + item.length);
      items.push({
        output: match[2] ? identifierOf(match[2]) : column,
        table,
        column,
        at: { file: fragment.file, ...from, endLine: to.line, endColumn: to.column },
      });
    }
    if (items.length === 0 && !star) return undefined;
    return this.rowValue(node, items, star);
  }

  private selectValue(node: ts.Node, shape: QueryShape, via: ts.Expression): Value | undefined {
    if (shape.kind !== 'select') return undefined;
    const connection = this.connectionOf(via);
    const aliases = this.environmentOf(via).filter((name) => name !== connection);
    const bind = (column: ColumnName): ColumnName => {
      const table: TableName = { ...column.table };
      if (connection && !table.connection) table.connection = connection;
      if (aliases.length > 0 && !table.connectionAliases) table.connectionAliases = aliases;
      return { table, column: column.column };
    };
    const outputs = shape.outputs.map((output) => ({
      ...output,
      from: output.value.from.map(bind),
    }));
    const columns = outputs.flatMap((output) => output.from);
    if (columns.length === 0) return undefined;
    const step = this.readStep(node, columns, connection);
    const row: Value = {};
    const fields = new Map<string, Value>();
    for (const output of outputs) {
      const starColumn = output.from.find((column) => column.column === '*');
      if (output.name === '*' && starColumn) {
        row.row = {
          table: starColumn.table,
          template: { from: [], transform: 'copy', path: [step] },
        };
        continue;
      }
      if (output.from.length === 0) continue;
      const leaf: Leaf = { from: output.from, transform: output.value.transform, path: [step] };
      if (output.value.via) leaf.via = output.value.via;
      fields.set(output.name, { leaf, at: output.at });
    }
    if (fields.size > 0) row.fields = fields;
    return isTainted(row) ? row : undefined;
  }

  private rawRead(call: ts.CallExpression): Value | undefined {
    const callee = stripParentheses(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const shapeOfResult = Object.hasOwn(RAW_RESULT, callee.name.text)
      ? RAW_RESULT[callee.name.text]
      : undefined;
    if (!shapeOfResult || shapeOfResult === 'none') return undefined;
    const analysed = this.analyse(call.arguments[0]);
    if (!analysed) return undefined;
    const row =
      this.selectValue(call, analysed.shape, callee.expression) ??
      this.returningValue(call, analysed.shape, analysed.fragment, callee.expression);
    if (!row) return undefined;
    return resultShape(row, shapeOfResult);
  }

  private taggedRead(node: ts.TaggedTemplateExpression): Value | undefined {
    const tag = stripParentheses(node.tag);
    const name = ts.isIdentifier(tag)
      ? tag.text
      : ts.isPropertyAccessExpression(tag)
        ? tag.name.text
        : '';
    if (!SQL_TAGS.test(name) || EXECUTE_RAW.test(name)) return undefined;
    const analysed = this.analyse(node);
    if (!analysed) return undefined;
    const via = tagClient(tag);
    const row =
      this.selectValue(node, analysed.shape, via) ??
      this.returningValue(node, analysed.shape, analysed.fragment, via);
    return row ? { element: row } : undefined;
  }

  /**
   * Results that are counts or statuses: raw SQL writes without RETURNING (`$executeRaw` always),
   * Knex and Kysely writes without `returning`, Sequelize and TypeORM `update`. A log of such a
   * result is no finding, whatever values the write carried.
   */
  private isWriteResult(node: ts.Expression): boolean {
    if (ts.isTaggedTemplateExpression(node)) {
      const name = tagNameOf(node.tag);
      if (EXECUTE_RAW.test(name)) return true;
      if (!SQL_TAGS.test(name) || this.isFragmentBuilder(node.tag)) return false;
      return this.isWriteStatement(node);
    }
    if (!ts.isCallExpression(node)) return false;
    const callee = stripParentheses(node.expression);
    if (!ts.isPropertyAccessExpression(callee)) return false;
    const method = callee.name.text;
    if (EXECUTE_RAW.test(method)) return true;
    if (Object.hasOwn(RAW_RESULT, method) && this.isWriteStatement(node.arguments[0])) return true;
    const { links, root } = this.knexChainOf(node);
    if (links.some((link) => /^returning/.test(link.name))) return false;
    if (links.some((link) => /^(?:insertInto|replaceInto|updateTable|deleteFrom)$/.test(link.name)))
      return links.some((link) => KYSELY_EXECUTE.test(link.name));
    // Knex: `db('t').insert(…)`, `db.insert(…).into('t')`, `db.batchInsert(…)` on a client.
    const client = ts.isCallExpression(root) ? root.expression : root;
    if (
      links.some((link) => KNEX_WRITES.has(link.name) || link.name === 'batchInsert') &&
      this.isClientLike(client)
    ) {
      return true;
    }
    return this.modelWrite(node)?.verb === 'updated';
  }

  /** `Prisma.sql`, or a `sql` tag of a query-building package: it builds a fragment, runs nothing. */
  private isFragmentBuilder(tag: ts.Expression): boolean {
    const node = stripParentheses(tag);
    if (ts.isPropertyAccessExpression(node)) {
      const owner = stripParentheses(node.expression);
      return ts.isIdentifier(owner) && owner.text === 'Prisma';
    }
    const module = this.importOf(node)?.module;
    return module !== undefined && FRAGMENT_MODULES.test(module);
  }

  // ── writes ──────────────────────────────────────────────────────────────────────────────────

  /** Only the outermost call of a chain is a write (`db('t').insert(x).onConflict().merge()`). */
  private isOutermost(call: ts.CallExpression): boolean {
    const parent = call.parent;
    return !(
      ts.isPropertyAccessExpression(parent) &&
      parent.expression === call &&
      ts.isCallExpression(parent.parent) &&
      parent.parent.expression === parent
    );
  }

  private checkWrite(call: ts.CallExpression): void {
    const raw = this.rawWrite(call);
    if (raw) return;
    if (!this.isOutermost(call)) return;
    const target =
      this.kyselyWrite(call) ??
      this.knexWrite(call) ??
      this.prismaWrite(call) ??
      this.drizzleWrite(call) ??
      this.modelWrite(call);
    if (!target) return;
    this.emitCopy(call, target);
    this.emitWrittenColumns(call, target);
  }

  /** `db.insert(users).values({…})`, `db.update(users).set({…})` with a Drizzle table object. */
  private drizzleWrite(call: ts.CallExpression): WriteTarget | undefined {
    const { links, root } = chainOf(call);
    const into = links.find((link) => link.name === 'insert' || link.name === 'update');
    const data = links.find((link) => link.name === 'values' || link.name === 'set');
    const tableObject = into?.args[0];
    if (!into || !data || !tableObject || !ts.isIdentifier(stripParentheses(tableObject))) {
      return undefined;
    }
    const definition = this.definitionOf(tableObject);
    const declared =
      ts.isCallExpression(definition) &&
      /Table$/.test(definition.expression.getText(this.sourceFile))
        ? this.stringOf(definition.arguments[0])
        : undefined;
    const name = declared ?? (stripParentheses(tableObject) as ts.Identifier).text;
    return {
      table: this.tableName(name, root),
      data: data.args[0],
      verb: into.name === 'update' ? 'updated' : 'inserted into',
    };
  }

  /** How the file reads names for `judgeWrittenValue`: lexical scope and its own imports. */
  private judgeScope(): JudgeScope {
    return {
      sourceFile: this.sourceFile,
      declarationOf: (identifier) => this.tracker.declarationOf(identifier),
      importOf: (declared) => this.imports.get(declared),
    };
  }

  /** One `column-written` fact per column the call writes, with the value's protection. */
  private emitWrittenColumns(call: ts.Node, target: WriteTarget): void {
    const fields: Array<{ column: string; value: ts.Expression }> = [];
    if (target.column) fields.push({ column: target.column.name, value: target.column.value });
    for (const data of [target.data, target.alsoData]) {
      if (!data) continue;
      const literal = this.definitionOf(data);
      const rows = ts.isArrayLiteralExpression(literal) ? literal.elements : [literal];
      for (const row of rows) {
        const object = this.definitionOf(row);
        if (!ts.isObjectLiteralExpression(object)) continue;
        for (const property of object.properties) {
          if (ts.isPropertyAssignment(property)) {
            const column = propertyNameText(property.name);
            if (column) fields.push({ column, value: property.initializer });
          } else if (ts.isShorthandPropertyAssignment(property)) {
            fields.push({ column: property.name.text, value: property.name });
          }
        }
      }
    }
    this.emitJudgedWrites(call, target.table, `${target.verb} ${target.table.name}`, fields);
  }

  private emitJudgedWrites(
    call: ts.Node,
    table: TableName,
    writer: string,
    fields: ReadonlyArray<{ column: string; value: ts.Expression }>,
  ): void {
    const scope = this.judgeScope();
    for (const { column, value } of fields) {
      const judged = judgeWrittenValue(value, scope);
      if (judged === undefined) continue;
      this.facts.push(columnWrittenFact(this.locate(value), table, column, judged, writer));
    }
  }

  private knexWrite(call: ts.CallExpression): WriteTarget | undefined {
    const { links, root } = this.knexChainOf(call);
    const batch = links.find((link) => link.name === 'batchInsert');
    if (batch) {
      const tableText = this.stringOf(batch.args[0]);
      if (tableText === undefined) return undefined;
      return { table: this.tableName(tableText, root), data: batch.args[1], verb: 'inserted into' };
    }
    const write = links.find(
      (link) => link.name === 'insert' || link.name === 'update' || link.name === 'upsert',
    );
    if (!write) return undefined;
    if (links.some((link) => /^(?:insertInto|updateTable|selectFrom)$/.test(link.name)))
      return undefined;
    let tableText: string | undefined;
    let via: ts.Expression = root;
    if (ts.isCallExpression(root)) {
      tableText = this.stringOf(root.arguments[0]);
      via = root.expression;
    }
    const named = links.find((link) => /^(?:into|table|from)$/.test(link.name));
    tableText ??= this.stringOf(named?.args[0]);
    if (tableText === undefined) return undefined;
    if (!ts.isCallExpression(root) && !named) return undefined;
    const schema = this.stringOf(links.find((link) => link.name === 'withSchema')?.args[0]);
    const table = this.tableName(schema ? `${schema}.${tableText}` : tableText, via);
    const verb = write.name === 'update' ? 'updated' : 'inserted into';
    const [first, second] = write.args;
    if (write.name === 'update' && first && second && this.stringOf(first) !== undefined) {
      return {
        table,
        data: undefined,
        column: { name: this.stringOf(first) as string, value: second },
        verb,
      };
    }
    return { table, data: first, verb };
  }

  private kyselyWrite(call: ts.CallExpression): WriteTarget | undefined {
    const { links, root } = chainOf(call);
    const into = links.find((link) => /^(?:insertInto|replaceInto|updateTable)$/.test(link.name));
    if (!into) return undefined;
    const data = links.find((link) => link.name === 'values' || link.name === 'set');
    const tableText = this.stringOf(into.args[0]);
    if (!data || tableText === undefined) return undefined;
    return {
      table: this.tableName(tableText, root),
      data: data.args[0],
      verb: into.name === 'updateTable' ? 'updated' : 'inserted into',
    };
  }

  private prismaWrite(call: ts.CallExpression): WriteTarget | undefined {
    const target = this.prismaDelegate(call, PRISMA_WRITES);
    if (!target) return undefined;
    const options = call.arguments[0];
    const verb = /^update/.test(target.method) ? 'updated' : 'created in';
    if (!options) return undefined;
    const literal = this.definitionOf(options);
    if (ts.isObjectLiteralExpression(literal)) {
      const data = objectProperty(literal, target.method === 'upsert' ? 'create' : 'data');
      const alsoData = target.method === 'upsert' ? objectProperty(literal, 'update') : undefined;
      return { table: target.table, data, verb, ...(alsoData && { alsoData }) };
    }
    return { table: target.table, data: undefined, verb, column: undefined };
  }

  private modelWrite(call: ts.CallExpression): WriteTarget | undefined {
    const callee = stripParentheses(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    const receiver = stripParentheses(callee.expression);
    if (method === 'bulkInsert' || method === 'bulkUpdate') {
      const tableText = this.stringOf(call.arguments[0]);
      if (tableText === undefined) return undefined;
      return {
        table: this.tableName(tableText, undefined),
        data: call.arguments[1],
        verb: method === 'bulkUpdate' ? 'updated' : 'inserted into',
      };
    }
    if (SEQUELIZE_WRITES.test(method)) {
      const table = this.sequelizeModel(receiver);
      if (table) {
        return {
          table,
          data: call.arguments[0],
          verb: method === 'update' ? 'updated' : 'inserted into',
        };
      }
    }
    if (TYPEORM_WRITES.test(method)) {
      const table = this.typeormRepository(receiver);
      if (table) {
        const data = method === 'update' ? call.arguments[1] : call.arguments[0];
        return { table, data, verb: method === 'update' ? 'updated' : 'inserted into' };
      }
      if (/manager$/i.test(receiver.getText(this.sourceFile)) && call.arguments.length >= 2) {
        const entity = call.arguments[0];
        const entityName =
          entity && (this.stringOf(entity) ?? (ts.isIdentifier(entity) ? entity.text : undefined));
        if (entityName) {
          const data = method === 'update' ? call.arguments[2] : call.arguments[1];
          const verb = method === 'update' ? 'updated' : 'inserted into';
          return { table: this.tableName(entityName, receiver), data, verb };
        }
      }
    }
    return undefined;
  }

  /** A subquery handed to a builder (`insert(db('p').select(…))`) is the query builder reader's copy. */
  private isUnawaitedQuery(expression: ts.Expression): boolean {
    const node = stripParentheses(expression);
    return ts.isCallExpression(node) && this.readAt(node) !== undefined;
  }

  private emitCopy(call: ts.CallExpression, target: WriteTarget): void {
    const connection = target.table.connection;
    const description = `${target.verb} ${target.table.name}${connection ? ` through ${connection}` : ''}`;
    const writeStep: FlowStep = { at: this.locate(call), description };
    const columns: CopiedColumn[] = [];
    if (target.column) {
      const value = scalarOf(this.tracker.valueOf(target.column.value));
      if (value?.leaf) {
        columns.push({
          column: target.column.name,
          value: sourceOf(value.leaf, writeStep),
          at: this.locate(target.column.value),
        });
      }
    } else if (target.data) {
      if (this.isUnawaitedQuery(target.data)) return;
      const written = this.tracker.valueOf(target.data);
      const row = written?.element ?? written;
      for (const [name, field] of row?.fields ?? []) {
        const scalar = scalarOf(field);
        if (!scalar?.leaf) continue;
        columns.push({
          column: name,
          value: sourceOf(scalar.leaf, writeStep),
          at: field.at ?? this.locate(target.data),
        });
      }
      if (row?.row) {
        const leaf: Leaf = { ...row.row.template, from: [{ table: row.row.table, column: '*' }] };
        columns.push({
          column: '*',
          value: sourceOf(leaf, writeStep),
          at: this.locate(target.data),
        });
      }
    }
    if (columns.length === 0) return;
    const fact: DataCopied = {
      kind: 'data-copied',
      at: this.locate(call),
      target: target.table,
      via: 'script',
      columns,
    };
    this.facts.push(fact);
  }

  /** `client.query('INSERT INTO accounts (a, b) VALUES ($1, $2)', [x, y])`: the n-th parameter fills the n-th column. */
  private rawWrite(call: ts.CallExpression): boolean {
    const callee = stripParentheses(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !Object.hasOwn(RAW_RESULT, callee.name.text)) {
      return false;
    }
    const analysed = this.analyse(call.arguments[0]);
    if (!analysed || (analysed.shape.kind !== 'insert' && analysed.shape.kind !== 'update'))
      return false;
    const parameters = this.parametersOf(call, callee.name.text, analysed.spans);
    this.emitParameterisedCopy(call, analysed.shape, parameters, callee.expression);
    return true;
  }

  private checkTaggedWrite(node: ts.TaggedTemplateExpression): void {
    const tag = stripParentheses(node.tag);
    const name = ts.isIdentifier(tag)
      ? tag.text
      : ts.isPropertyAccessExpression(tag)
        ? tag.name.text
        : '';
    if (!SQL_TAGS.test(name)) return;
    const analysed = this.analyse(node);
    if (!analysed || (analysed.shape.kind !== 'insert' && analysed.shape.kind !== 'update')) return;
    const parameters = analysed.spans.map((span) => ({
      expression: span as ts.Expression,
      value: undefined,
    }));
    this.emitParameterisedCopy(node, analysed.shape, parameters, tagClient(tag));
  }

  /** The values bound to `$1…$n` / `?`: an array literal, `{ text, values }`, or further arguments. */
  private parametersOf(
    call: ts.CallExpression,
    method: string,
    spans: ts.Expression[],
  ): Array<{ expression?: ts.Expression; value?: Value }> {
    if (spans.length > 0) return spans.map((expression) => ({ expression }));
    if (method === '$executeRawUnsafe' || method === '$queryRawUnsafe') {
      return call.arguments.slice(1).map((expression) => ({ expression }));
    }
    const first = call.arguments[0] && this.definitionOf(call.arguments[0]);
    let list: ts.Expression | undefined = call.arguments[1];
    if (first && ts.isObjectLiteralExpression(first)) list = objectProperty(first, 'values');
    if (!list) return [];
    const literal = this.definitionOf(list);
    if (ts.isArrayLiteralExpression(literal)) {
      return literal.elements.map((expression) => ({ expression }));
    }
    const element = elementOf(this.tracker.valueOf(list));
    return element ? Array.from({ length: 64 }, () => ({ value: element, expression: list })) : [];
  }

  private emitParameterisedCopy(
    node: ts.Expression,
    shape: QueryShape,
    parameters: Array<{ expression?: ts.Expression; value?: Value }>,
    via: ts.Expression,
  ): void {
    if (shape.kind !== 'insert' && shape.kind !== 'update') return;
    const table: TableName = { ...shape.target };
    const connection = this.connectionOf(via);
    if (connection) table.connection = connection;
    const aliases = this.environmentOf(via).filter((name) => name !== connection);
    if (aliases.length > 0) table.connectionAliases = aliases;
    const verb = shape.kind === 'update' ? 'updated' : 'inserted into';
    const writeStep: FlowStep = {
      at: this.locate(node),
      description: `${verb} ${table.name}${connection ? ` through ${connection}` : ''}`,
    };
    const columns: CopiedColumn[] = [];
    const written: Array<{ column: string; value: ts.Expression }> = [];
    for (const column of shape.columns) {
      if (column.parameter === undefined) continue;
      const parameter = parameters[column.parameter - 1];
      if (!parameter) continue;
      if (parameter.expression && !parameter.value) {
        written.push({ column: column.column, value: parameter.expression });
      }
      const value = scalarOf(parameter.value ?? this.tracker.valueOf(parameter.expression));
      if (!value?.leaf) continue;
      columns.push({
        column: column.column,
        value: sourceOf(value.leaf, writeStep),
        at: parameter.expression ? this.locate(parameter.expression) : column.at,
      });
    }
    this.emitJudgedWrites(node, table, `${verb} ${table.name} (SQL)`, written);
    if (columns.length === 0) return;
    this.facts.push({
      kind: 'data-copied',
      at: this.locate(node),
      target: table,
      via: 'script',
      columns,
    });
  }

  // ── sends ───────────────────────────────────────────────────────────────────────────────────

  private emitSend(
    node: ts.Node,
    sink: Sink,
    description: string,
    carried: Value | undefined,
  ): void {
    const leaves = leavesOf(carried).filter((leaf) => !isOnlyOwnKey(leaf));
    if (leaves.length === 0) return;
    const step: FlowStep = { at: this.locate(node), description };
    const fact: DataSent = {
      kind: 'data-sent',
      at: this.locate(node),
      sink,
      values: leaves.map((leaf) => sourceOf(leaf, step)),
    };
    this.facts.push(fact);
  }

  private valuesOf(expressions: readonly (ts.Expression | undefined)[]): Value | undefined {
    let carried: Value | undefined;
    for (const expression of expressions) {
      const value = this.tracker.valueOf(expression);
      if (!value) continue;
      carried = carried
        ? {
            fields: new Map([
              ...(carried.fields ?? []),
              [String(carried.fields?.size ?? 0), value],
            ]),
          }
        : { fields: new Map([['0', value]]) };
    }
    return carried;
  }

  private checkSend(call: ts.CallExpression): void {
    if (this.checkLog(call)) return;
    if (this.checkSdk(call)) return;
    if (this.checkHttp(call)) return;
    this.checkObjectStore(call);
  }

  private isLogger(expression: ts.Expression, depth = 0): boolean {
    if (depth > 4) return false;
    const node = stripParentheses(expression);
    const name = ts.isIdentifier(node)
      ? node.text
      : ts.isPropertyAccessExpression(node)
        ? node.name.text
        : undefined;
    if (name && LOGGER_NAME.test(name)) {
      return !(
        ts.isIdentifier(node) &&
        name !== 'console' &&
        this.importOf(node) &&
        !this.isLoggerModule(node)
      );
    }
    const definition = this.definitionOf(node);
    if (
      definition !== node &&
      (ts.isCallExpression(definition) || ts.isNewExpression(definition))
    ) {
      const callee = stripParentheses(definition.expression);
      const factory = ts.isIdentifier(callee)
        ? callee.text
        : ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : '';
      if (LOGGER_FACTORIES.has(factory)) return true;
      if (ts.isPropertyAccessExpression(callee) && factory === 'child')
        return this.isLogger(callee.expression, depth + 1);
    }
    return false;
  }

  private isLoggerModule(identifier: ts.Identifier): boolean {
    const ref = this.importOf(identifier);
    return !ref || /pino|winston|bunyan|log/i.test(ref.module) || ref.module.startsWith('.');
  }

  private checkLog(call: ts.CallExpression): boolean {
    const callee = stripParentheses(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !LOG_METHODS.has(callee.name.text)) return false;
    if (!this.isLogger(callee.expression)) return false;
    const logger = shortText(callee.expression);
    this.emitSend(
      call,
      { type: 'log', logger },
      `logged with ${logger}.${callee.name.text}`,
      this.valuesOf(call.arguments),
    );
    return true;
  }

  // SDKs

  /** The catalogue entry whose client `expression` is, with the package it came from. */
  private sdkClientOf(
    expression: ts.Expression,
    depth = 0,
  ): { entry: SdkEntry; module: string } | undefined {
    if (depth > 4) return undefined;
    const node = stripParentheses(expression);
    const ref = this.importOf(node);
    if (ref) {
      const entry = entryOfPackage(ref.module);
      if (entry && entry.clients.some((recipe) => 'module' in recipe)) {
        if (ref.exported === 'default' || ref.exported === '*' || ref.exported === 'module') {
          return { entry, module: ref.module };
        }
      }
      return undefined;
    }
    const definition = this.definitionOf(node);
    if (ts.isNewExpression(definition)) return this.constructedSdk(definition);
    if (ts.isCallExpression(definition)) {
      const callee = stripParentheses(definition.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        const base = stripParentheses(callee.expression);
        const baseRef =
          this.importOf(base) ??
          (ts.isCallExpression(base) ? this.requiredModule(base) : undefined);
        const entry = baseRef && entryOfPackage(baseRef.module);
        if (
          baseRef &&
          entry &&
          entry.clients.some((recipe) => 'factory' in recipe && recipe.factory === callee.name.text)
        ) {
          return { entry, module: baseRef.module };
        }
        // A fluent chain on a constructed client (`new EventRequest(t, p).setEvents([e])`).
        const { root } = chainOf(definition);
        const rooted = this.definitionOf(root);
        if (ts.isNewExpression(rooted)) return this.constructedSdk(rooted);
        if (rooted !== definition) return this.sdkClientOf(rooted, depth + 1);
      }
    }
    return undefined;
  }

  private constructedSdk(node: ts.NewExpression): { entry: SdkEntry; module: string } | undefined {
    const constructor = stripParentheses(node.expression);
    let ref = this.importOf(constructor);
    let exported = ref?.exported;
    if (!ref && ts.isPropertyAccessExpression(constructor)) {
      const base = this.importOf(constructor.expression);
      if (
        base &&
        (base.exported === '*' || base.exported === 'module' || base.exported === 'default')
      ) {
        ref = base;
        exported = constructor.name.text;
      }
    }
    if (!ref || exported === undefined) return undefined;
    const entry = entryOfPackage(ref.module);
    if (!entry) return undefined;
    const constructs = entry.clients.some(
      (recipe) =>
        'construct' in recipe &&
        (recipe.construct === exported ||
          (recipe.construct === 'default' && (exported === 'default' || exported === 'module'))),
    );
    return constructs ? { entry, module: ref.module } : undefined;
  }

  private isBuilderCall(call: ts.CallExpression): boolean {
    const { root } = chainOf(call);
    const rooted = this.definitionOf(root);
    if (!ts.isNewExpression(rooted)) return false;
    const constructor = stripParentheses(rooted.expression);
    const name = ts.isPropertyAccessExpression(constructor)
      ? constructor.name.text
      : ts.isIdentifier(constructor)
        ? (this.importOf(constructor)?.exported ?? constructor.text)
        : '';
    const base = ts.isPropertyAccessExpression(constructor) ? constructor.expression : constructor;
    const ref = this.importOf(base);
    const entry = ref && entryOfPackage(ref.module);
    return Boolean(entry?.builders?.includes(name));
  }

  private checkSdk(call: ts.CallExpression): boolean {
    const callee = stripParentheses(call.expression);
    let match:
      { entry: SdkEntry; module: string; method: string; receiver?: ts.Expression } | undefined;
    if (ts.isIdentifier(callee)) {
      const ref = this.importOf(callee);
      const entry = ref && entryOfPackage(ref.module);
      if (ref && entry?.clients.some((recipe) => 'functions' in recipe)) {
        match = { entry, module: ref.module, method: ref.exported };
      }
    } else if (ts.isPropertyAccessExpression(callee)) {
      const { root, path } = memberPath(callee);
      for (let split = path.length - 1; split >= 0 && !match; split--) {
        const receiverPath = path.slice(0, split);
        const method = path.slice(split).join('.');
        if (receiverPath.length > 0) continue;
        const client = this.sdkClientOf(root);
        if (client) match = { ...client, method, receiver: root };
        else if (ts.isIdentifier(root)) {
          const entry = SDK_CATALOGUE.find((candidate) =>
            candidate.receiverNames?.includes(root.text),
          );
          if (entry && !this.tracker.initializerOf(root)) {
            match = { entry, module: entry.packages[0] ?? entry.vendor, method, receiver: root };
          }
        }
      }
      if (!match) {
        // A call on a fluent chain (`new EventRequest(t, p).setEvents([e]).execute()`).
        const { root: chainRoot } = chainOf(call);
        const constructed = ts.isNewExpression(chainRoot)
          ? this.constructedSdk(chainRoot)
          : undefined;
        if (constructed)
          match = { ...constructed, method: callee.name.text, receiver: callee.expression };
      }
    }
    if (!match) return false;
    const sdkCall = match.entry.calls.find((candidate) => candidate.method === match.method);
    if (!sdkCall) return false;
    const data = call.arguments.filter(
      (_, index) => !sdkCall.dataArguments || sdkCall.dataArguments.includes(index),
    );
    if (sdkCall.sendsReceiver && match.receiver) data.push(match.receiver);
    const sink: Sink = {
      type: 'sdk',
      sdk: match.module,
      vendor: match.entry.vendor,
      host: match.entry.host,
    };
    const { root: calleeRoot, path: calleePath } = memberPath(callee);
    const label = ts.isIdentifier(calleeRoot)
      ? [calleeRoot.text, ...calleePath].join('.')
      : match.method;
    this.emitSend(call, sink, `sent to ${match.entry.vendor} with ${label}`, this.valuesOf(data));
    return true;
  }

  // HTTP

  private httpClientOf(
    expression: ts.Expression,
  ): { entry: HttpClientEntry; base?: string } | undefined {
    const node = stripParentheses(expression);
    const ref = this.importOf(node);
    if (ref) {
      const entry = HTTP_CLIENTS.find((candidate) => candidate.packages.includes(ref.module));
      if (
        entry &&
        (ref.exported === 'default' ||
          ref.exported === 'module' ||
          ref.exported === '*' ||
          ref.exported === entry.client)
      ) {
        return { entry };
      }
      return undefined;
    }
    if (ts.isIdentifier(node) && !this.tracker.declarationOf(node)) {
      const global = HTTP_CLIENTS.find(
        (candidate) => candidate.global && candidate.client === node.text,
      );
      if (global) return { entry: global };
    }
    const definition = this.definitionOf(node);
    if (definition !== node && ts.isCallExpression(definition)) {
      const callee = stripParentheses(definition.expression);
      if (ts.isPropertyAccessExpression(callee) && /^(?:create|extend)$/.test(callee.name.text)) {
        const parent = this.httpClientOf(callee.expression);
        if (!parent) return undefined;
        const options = definition.arguments[0] && this.definitionOf(definition.arguments[0]);
        const base =
          options && ts.isObjectLiteralExpression(options)
            ? this.urlOf(objectProperty(options, 'baseURL') ?? objectProperty(options, 'prefixUrl'))
            : undefined;
        return base ? { entry: parent.entry, base } : { entry: parent.entry };
      }
    }
    return undefined;
  }

  private checkHttp(call: ts.CallExpression): boolean {
    const callee = stripParentheses(call.expression);
    let client: { entry: HttpClientEntry; base?: string } | undefined;
    let shape: HttpCallShape | undefined;
    client = this.httpClientOf(callee);
    if (client) shape = client.entry.call;
    else if (ts.isPropertyAccessExpression(callee)) {
      client = this.httpClientOf(callee.expression);
      shape = client?.entry.methods[callee.name.text];
    }
    if (client && shape) {
      this.emitHttp(call, client.entry.client, shape, client.base);
      return true;
    }
    return this.checkNodeHttp(call);
  }

  private emitHttp(
    call: ts.CallExpression,
    clientName: string,
    shape: HttpCallShape,
    base?: string,
  ): void {
    const args = call.arguments;
    const carried: Array<ts.Expression | undefined> = [];
    let url = shape.url !== undefined ? this.urlOf(args[shape.url]) : undefined;
    if (shape.url !== undefined) carried.push(args[shape.url]);
    for (const index of shape.body ?? []) carried.push(args[index]);
    const config = shape.config !== undefined ? args[shape.config] : undefined;
    const options = config && this.definitionOf(config);
    if (options && ts.isObjectLiteralExpression(options)) {
      for (const name of HTTP_DATA_PROPERTIES) carried.push(objectProperty(options, name));
      for (const name of HTTP_URL_PROPERTIES) {
        const property = objectProperty(options, name);
        if (!property) continue;
        carried.push(property);
        if (name === 'baseURL' || name === 'prefixUrl') base = this.urlOf(property) ?? base;
        else url ??= this.urlOf(property);
      }
    } else if (config && shape.config !== shape.url) {
      carried.push(config);
    }
    if (base && (!url || !/^https?:/i.test(url))) url = url ? joinUrl(base, url) : base;
    this.emitHttpSink(call, clientName, url, this.valuesOf(carried));
  }

  private emitHttpSink(
    node: ts.Node,
    client: string,
    url: string | undefined,
    carried: Value | undefined,
  ): void {
    const host = url ? hostOf(url) : undefined;
    const vendor = host ? vendorOfHost(host) : undefined;
    const target = host ?? url ?? 'an HTTP endpoint';
    if (vendor && host) {
      this.emitSend(
        node,
        { type: 'sdk', sdk: client, vendor, host },
        `sent to ${vendor} (${host}) with ${client}`,
        carried,
      );
      return;
    }
    const sink: Sink = { type: 'http', client };
    if (host) sink.host = host;
    if (url) sink.url = url;
    this.emitSend(node, sink, `sent to ${target} with ${client}`, carried);
  }

  /** `https.request(options)` and the `write`/`end` calls on the request it returns. */
  private checkNodeHttp(call: ts.CallExpression): boolean {
    const callee = stripParentheses(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return false;
    const method = callee.name.text;
    const ref = this.importOf(callee.expression);
    if (
      ref &&
      (NODE_HTTP_MODULES as readonly string[]).includes(ref.module) &&
      /^(?:request|get)$/.test(method)
    ) {
      const url = this.nodeHttpUrl(call);
      this.emitHttpSink(
        call,
        ref.module.replace(/^node:/, ''),
        url,
        this.valuesOf([call.arguments[0]]),
      );
      return true;
    }
    if (method !== 'write' && method !== 'end') return false;
    const request = this.definitionOf(callee.expression);
    if (!ts.isCallExpression(request)) return false;
    const requestCallee = stripParentheses(request.expression);
    if (!ts.isPropertyAccessExpression(requestCallee)) return false;
    const module = this.importOf(requestCallee.expression)?.module;
    if (!module || !(NODE_HTTP_MODULES as readonly string[]).includes(module)) return false;
    this.emitHttpSink(
      call,
      module.replace(/^node:/, ''),
      this.nodeHttpUrl(request),
      this.valuesOf(call.arguments),
    );
    return true;
  }

  private nodeHttpUrl(request: ts.CallExpression): string | undefined {
    const first = request.arguments[0];
    const url = this.urlOf(first);
    if (url) return url;
    const options = first && this.definitionOf(first);
    if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
    const host = this.stringOf(
      objectProperty(options, 'hostname') ?? objectProperty(options, 'host'),
    );
    const path = this.stringOf(objectProperty(options, 'path')) ?? '';
    return host ? `https://${host}${path}` : undefined;
  }

  // Object stores

  private checkConstructedSend(node: ts.NewExpression): void {
    const constructor = stripParentheses(node.expression);
    const name = ts.isIdentifier(constructor)
      ? constructor.text
      : ts.isPropertyAccessExpression(constructor)
        ? constructor.name.text
        : '';
    if (name !== 'Upload') return;
    const ref = this.importOf(
      ts.isPropertyAccessExpression(constructor) ? constructor.expression : constructor,
    );
    if (ref && ref.module !== '@aws-sdk/lib-storage') return;
    const options = node.arguments?.[0] && this.definitionOf(node.arguments[0]);
    const params =
      options && ts.isObjectLiteralExpression(options)
        ? objectProperty(options, 'params')
        : undefined;
    if (params) this.emitS3(node, params);
  }

  private emitS3(node: ts.Node, paramsExpression: ts.Expression): void {
    const params = this.definitionOf(paramsExpression);
    if (!ts.isObjectLiteralExpression(params)) return;
    const bucket = this.stringOf(objectProperty(params, 'Bucket'));
    const key = this.urlOf(objectProperty(params, 'Key'));
    const acl = this.stringOf(objectProperty(params, 'ACL'));
    const sink: Sink = {
      type: 'object-store',
      service: 's3',
      publicAcl: acl !== undefined && PUBLIC_S3_ACLS.has(acl),
    };
    if (bucket) sink.bucket = bucket;
    if (key) sink.key = key;
    const carried = this.valuesOf(
      ['Body', 'Key', 'Metadata'].map((name) => objectProperty(params, name)),
    );
    this.emitSend(node, sink, `uploaded to s3${bucket ? ` bucket ${bucket}` : ''}`, carried);
  }

  private checkObjectStore(call: ts.CallExpression): void {
    const callee = stripParentheses(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return;
    const method = callee.name.text;
    const receiver = callee.expression;
    if (method === 'send') {
      const command = call.arguments[0] && this.definitionOf(call.arguments[0]);
      if (
        command &&
        ts.isNewExpression(command) &&
        /PutObjectCommand$/.test(command.expression.getText(this.sourceFile))
      ) {
        const params = command.arguments?.[0];
        if (params) this.emitS3(call, params);
      }
      return;
    }
    if (method === 'putObject' || method === 'upload') {
      const params = call.arguments[0] && this.definitionOf(call.arguments[0]);
      if (
        params &&
        ts.isObjectLiteralExpression(params) &&
        objectProperty(params, 'Bucket') &&
        objectProperty(params, 'Body')
      ) {
        this.emitS3(call, params);
        return;
      }
    }
    const chain = this.fullChainOf(receiver);
    const last = chain.links[chain.links.length - 1];
    if (method === 'save' && last?.name === 'file') {
      this.emitGcs(call, chain, call.arguments[0], call.arguments[1], receiver);
    } else if (method === 'upload' && last?.name === 'bucket') {
      const options = call.arguments[1] && this.definitionOf(call.arguments[1]);
      const destination =
        options && ts.isObjectLiteralExpression(options)
          ? objectProperty(options, 'destination')
          : undefined;
      this.emitGcs(call, chain, call.arguments[0], call.arguments[1], receiver, destination);
    } else if (
      /^(?:upload|uploadData|uploadStream|uploadFile)$/.test(method) &&
      last &&
      /^get(?:Block)?BlobClient$/.test(last.name)
    ) {
      this.emitAzure(call, chain, call.arguments[0]);
    } else if (
      method === 'upload' &&
      last?.name === 'from' &&
      memberPath(chain.root).path.includes('storage')
    ) {
      const bucket = this.stringOf(last.args[0]);
      const key = this.urlOf(call.arguments[0]);
      const sink: Sink = { type: 'object-store', service: 'supabase', publicAcl: false };
      if (bucket) sink.bucket = bucket;
      if (key) sink.key = key;
      this.emitSend(
        call,
        sink,
        `uploaded to supabase storage${bucket ? ` bucket ${bucket}` : ''}`,
        this.valuesOf([call.arguments[1], call.arguments[0]]),
      );
    }
  }

  private emitGcs(
    call: ts.CallExpression,
    chain: Chain,
    data: ts.Expression | undefined,
    optionsArgument: ts.Expression | undefined,
    receiver: ts.Expression,
    destination?: ts.Expression,
  ): void {
    const bucket = this.stringOf(chain.links.find((link) => link.name === 'bucket')?.args[0]);
    const fileLink = chain.links.find((link) => link.name === 'file');
    const key = this.urlOf(fileLink?.args[0] ?? destination);
    const options = optionsArgument && this.definitionOf(optionsArgument);
    let publicAcl = false;
    if (options && ts.isObjectLiteralExpression(options)) {
      const isPublic = objectProperty(options, 'public');
      const predefined = this.stringOf(objectProperty(options, 'predefinedAcl'));
      publicAcl =
        isPublic?.kind === ts.SyntaxKind.TrueKeyword ||
        (predefined !== undefined && PUBLIC_GCS_ACLS.has(predefined));
    }
    publicAcl ||= this.madePublic(receiver);
    const sink: Sink = { type: 'object-store', service: 'gcs', publicAcl };
    if (bucket) sink.bucket = bucket;
    if (key) sink.key = key;
    this.emitSend(
      call,
      sink,
      `uploaded to gcs${bucket ? ` bucket ${bucket}` : ''}`,
      this.valuesOf([data, fileLink?.args[0]]),
    );
  }

  /** `file.makePublic()` anywhere in the file on the same variable. */
  private madePublic(receiver: ts.Expression): boolean {
    const node = stripParentheses(receiver);
    if (!ts.isIdentifier(node)) return false;
    const declared = this.tracker.declarationOf(node);
    if (!declared) return false;
    let found = false;
    const visit = (current: ts.Node): void => {
      if (found) return;
      if (
        ts.isCallExpression(current) &&
        ts.isPropertyAccessExpression(current.expression) &&
        current.expression.name.text === 'makePublic' &&
        ts.isIdentifier(current.expression.expression) &&
        this.tracker.declarationOf(current.expression.expression) === declared
      ) {
        found = true;
      }
      ts.forEachChild(current, visit);
    };
    visit(this.sourceFile);
    return found;
  }

  private emitAzure(call: ts.CallExpression, chain: Chain, data: ts.Expression | undefined): void {
    const containerLink = chain.links.find((link) => link.name === 'getContainerClient');
    const container = this.stringOf(containerLink?.args[0]);
    const blobLink = chain.links.find((link) => /^get(?:Block)?BlobClient$/.test(link.name));
    const key = this.urlOf(blobLink?.args[0]);
    const sink: Sink = {
      type: 'object-store',
      service: 'azure',
      publicAcl: container !== undefined && this.containerIsPublic(container),
    };
    if (container) sink.bucket = container;
    if (key) sink.key = key;
    this.emitSend(
      call,
      sink,
      `uploaded to azure${container ? ` container ${container}` : ''}`,
      this.valuesOf([data, blobLink?.args[0]]),
    );
  }

  /** `containerClient.create({ access: 'blob' })` or `setAccessPolicy('container')` on a container of that name. */
  private containerIsPublic(container: string): boolean {
    let found = false;
    const visit = (node: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        let access: string | undefined;
        if (method === 'create' || method === 'createIfNotExists') {
          const options = node.arguments[0] && this.definitionOf(node.arguments[0]);
          if (options && ts.isObjectLiteralExpression(options))
            access = this.stringOf(objectProperty(options, 'access'));
        } else if (method === 'setAccessPolicy') {
          access = this.stringOf(node.arguments[0]);
        }
        if (access && PUBLIC_AZURE_ACCESS.has(access)) {
          const chain = this.fullChainOf(node.expression.expression);
          const link = chain.links.find((candidate) => candidate.name === 'getContainerClient');
          if (link && this.stringOf(link.args[0]) === container) found = true;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
    return found;
  }
}

// ── helpers ───────────────────────────────────────────────────────────────────────────────────

function isProcessEnv(expression: ts.Expression): boolean {
  const node = stripParentheses(expression);
  return (
    ts.isPropertyAccessExpression(node) &&
    node.name.text === 'env' &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'process'
  );
}

function objectProperty(
  object: ts.ObjectLiteralExpression,
  name: string,
): ts.Expression | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === name) {
      return property.initializer;
    }
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name)
      return property.name;
  }
  return undefined;
}

/** The tag's name: `sql`, `$executeRaw` of `tx.$executeRaw`. */
function tagNameOf(tag: ts.Expression): string {
  const node = stripParentheses(tag);
  if (ts.isIdentifier(node)) return node.text;
  return ts.isPropertyAccessExpression(node) ? node.name.text : '';
}

/** The client a tag runs through: `tx` of `tx.$executeRaw`, the `sql` of postgres.js itself. */
function tagClient(tag: ts.Expression): ts.Expression {
  const node = stripParentheses(tag);
  return ts.isPropertyAccessExpression(node) && node.name.text.startsWith('$')
    ? node.expression
    : node;
}

/** A SQL identifier as the catalogue names it: quoted keeps its case, unquoted is lowercased. */
function identifierOf(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1) : text.toLowerCase();
}

/** `'patients as p'` → `p`; `'patients'` → `patients`. */
function aliasOf(text: string): string {
  const parts = text.trim().split(/\s+as\s+|\s+/i);
  return parts[parts.length - 1] ?? text;
}

function resultShape(row: Value, shape: 'result' | 'rows' | 'row' | 'none'): Value | undefined {
  const rows: Value = { element: row };
  if (shape === 'rows') return rows;
  if (shape === 'row') return row;
  if (shape === 'result') return { fields: new Map([['rows', rows]]), element: rows };
  return undefined;
}

function entryOfPackage(module: string): SdkEntry | undefined {
  return SDK_CATALOGUE.find((entry) => entry.packages.includes(module));
}

function hostOf(url: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/:?#$]+)/i.exec(url)?.[1]?.toLowerCase();
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function sourceOf(leaf: Leaf, finalStep: FlowStep): ValueSource {
  const source: ValueSource = {
    from: leaf.from,
    transform: leaf.transform,
    path: [...leaf.path, finalStep],
  };
  if (leaf.via) source.via = leaf.via;
  return source;
}

/** A table's own `id` says nothing about a person unless the table is about people (taxonomy.md). */
function isOnlyOwnKey(leaf: Leaf): boolean {
  return (
    leaf.from.length > 0 &&
    leaf.from.every((column) => column.column === 'id' && !PERSON_TABLE.test(column.table.name))
  );
}
