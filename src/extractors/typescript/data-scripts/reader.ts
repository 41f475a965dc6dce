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
import { isPassedInTable } from '../../../facts.js';
import { ts } from '../morph.js';
import type { Node } from '../morph.js';
import { wrapNode } from '../receivers.js';
import type {
  CopiedColumn,
  DataCopied,
  Fact,
  FlowStep,
  SourceLocation,
  TableName,
  ColumnName,
} from '../../../facts.js';
import { isLimitError } from '../../../util/budget.js';
import { createLineIndex } from '../../../util/location.js';
import type { LineIndex } from '../../../util/location.js';
import { ValueTracker, propertyNameText, unwrap } from '../data-flow.js';
import { leavesOf, scalarOf, tableLeaves, withoutPassedIn } from '../data-flow/values.js';
import type { Leaf, Value } from '../data-flow/values.js';
import { syntaxIndexOf } from '../syntax-index.js';
import { scriptClients } from '../tools.js';
import type { OrmExtractor, TsFileContext } from '../types.js';
import { columnWrittenFact, hashCheckOf, judgeWrittenValue } from '../write-protection.js';
import type { JudgeScope } from '../write-protection.js';
import { checkConstructedSend } from './object-stores.js';
import type { Script } from './script.js';
import { checkSend, isBuilderCall } from './sends.js';
import { aliasOf, chainOf, isProcessEnv, joinUrl, sourceOf, stripParentheses } from './syntax.js';
import type { Chain, ChainLink, ImportRef, SelectItem, WriteTarget } from './syntax.js';
import { REQUEST_BODY_HINT } from '../data-flow/request-bodies.js';

/**
 * A read somewhere in the file: a query builder, an ORM find, or SELECT … FROM text. Generic
 * runners (`.query(`, `.raw(`, `.execute(`, `sql\``) are not hints by themselves: every migration
 * calls them for DDL, and a raw read this extractor can follow has its SELECT text in the file.
 */
const READ_HINT =
  /\.(?:select|first|pluck|where|selectFrom|find\w*|\$queryRaw\w*|many\w*|one\w*|any|listUsers|getUserById|getUser)\s*[(`]|\bselect\s[\s\S]{0,2000}?\bfrom\b/i;
/** A send that is no database write: a log, a request, an SDK call, an upload, a file. */
const SEND_HINT =
  /console\.|log\w*\.|\blog(?:Error|Warn|Info|Debug)\s*\(|\.log\.|fetch|axios|got|https?\b|request|track|identify|capture|\.send\(|upload|putObject|lists\.|contacts\.|writeFile|appendFile|outputFile|outputJson|writeJson|WriteStream/i;
/** A write or a send somewhere in the file. */
const WRITE_OR_SINK_HINT = new RegExp(
  `insert|update|upsert|create|save|bulk|execute|writeTo|${SEND_HINT.source}`,
  'i',
);

/** A function other files call (see `argumentFromOtherFiles` in data-flow.ts). */
const EXPORTED_FUNCTION_HINT = /\bexport\s|\bexports\b/;
/**
 * Names a helper's personal parameters usually have: only a file that spells one is read for
 * what its exported functions are handed (a third of a large app's exporting files).
 */
const PERSONAL_NAME_HINT =
  /e-?mail|phone|mobile|first_?name|last_?name|full_?name|patient|user_?name|birth|\bdob\b|address|password|diagnos|\bssn\b|\bcpf\b/i;

/**
 * A write of the application (a Prisma `update`, a TypeORM `save`, a knex `insert`, raw INSERT):
 * each written value is judged hashed, encrypted or plain, whether or not a read precedes it.
 */
const STORED_WRITE_HINT =
  /\.(?:create|createMany|update|updateMany|upsert|save|insert|values|set|bulkCreate)\s*\(|\binsert\s+into\b|\bupdate\s+["`\w.]+\s+set\b/i;

/** A login that checks a stored password hash: `bcrypt.compare(password, user.password)`. */
const HASH_PACKAGE_HINT = /\b(?:bcrypt|argon2)/;
const HASH_CHECK_HINT = /\.(?:compare|verify)(?:Sync)?\s*\(/;

export const dataScriptsExtractor: OrmExtractor = {
  name: 'data-scripts',
  applies: (text) =>
    ((READ_HINT.test(text) || REQUEST_BODY_HINT.test(text)) &&
      (WRITE_OR_SINK_HINT.test(text) ||
        (HASH_PACKAGE_HINT.test(text) && HASH_CHECK_HINT.test(text)))) ||
    STORED_WRITE_HINT.test(text) ||
    (EXPORTED_FUNCTION_HINT.test(text) && SEND_HINT.test(text) && PERSONAL_NAME_HINT.test(text)),
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

/**
 * One file's data-script reading: the file's imports and constants, the dispatch of every call to
 * the tools' client calls (`tools.ts`), and the facts of what they read and write.
 */
class DataScriptReader implements Script {
  readonly sourceFile: ts.SourceFile;
  readonly file: string;
  readonly tracker: ValueTracker;
  readonly lineIndex: LineIndex;
  readonly dialect: 'postgres' | 'mysql' | undefined;
  private readonly imports = new Map<ts.Identifier, ImportRef>();
  /** Environment variables by client expression and by the client's declaring name. */
  private readonly environments = new Map<ts.Node, string[]>();
  private readonly facts: Fact[] = [];
  private readonly mentioned = new Map<RegExp, boolean>();

  constructor(private readonly context: TsFileContext) {
    this.sourceFile = context.sourceFile.compilerNode as ts.SourceFile;
    this.file = context.file.path;
    this.lineIndex = createLineIndex(this.sourceFile.text);
    this.tracker = new ValueTracker(this.sourceFile, (node) => this.locate(node), {
      readAt: (node) => this.readAt(node),
      isBuilderCall: (call) => isBuilderCall(this, call),
      isWriteResult: (node) => this.isWriteResult(node),
    });
    this.dialect = /['"](?:mysql2?|mariadb)(?:\/promise)?['"]/.test(this.sourceFile.text)
      ? 'mysql'
      : undefined;
  }

  mentions(pattern: RegExp): boolean {
    let found = this.mentioned.get(pattern);
    if (found === undefined) {
      found = pattern.test(this.sourceFile.text);
      this.mentioned.set(pattern, found);
    }
    return found;
  }

  locate(node: ts.Node): SourceLocation {
    return this.lineIndex.range(this.file, node.getStart(this.sourceFile), node.getEnd());
  }

  read(): Fact[] {
    this.indexImports();
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        this.checkWrite(node);
        checkSend(this, node);
        this.checkHashCheck(node);
      } else if (ts.isNewExpression(node)) {
        checkConstructedSend(this, node);
      } else if (ts.isTaggedTemplateExpression(node)) {
        this.checkTaggedWrite(node);
      }
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
    return this.facts;
  }

  emit(fact: Fact): void {
    this.facts.push(fact);
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
  requiredModule(initializer: ts.Expression): ImportRef | undefined {
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

  importOf(expression: ts.Expression): ImportRef | undefined {
    const node = stripParentheses(expression);
    if (!ts.isIdentifier(node)) return undefined;
    const declared = this.tracker.declarationOf(node);
    return declared ? this.imports.get(declared) : undefined;
  }

  /** The expression a `const` name stands for, followed through a few names. */
  definitionOf(expression: ts.Expression, depth = 0): ts.Expression {
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
  fullChainOf(expression: ts.Expression): Chain {
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

  stringOf(expression: ts.Expression | undefined, depth = 0): string | undefined {
    if (!expression || depth > 4) return undefined;
    const node = stripParentheses(expression);
    if (ts.isStringLiteralLike(node)) return node.text;
    if (ts.isIdentifier(node)) {
      const initializer = this.tracker.initializerOf(node);
      return initializer ? this.stringOf(initializer, depth + 1) : undefined;
    }
    return undefined;
  }

  /** The URL text known before run time: a literal, a constant, or a template's fixed start. */
  urlOf(expression: ts.Expression | undefined, depth = 0): string | undefined {
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
    // `process.env.SMS_URL || 'https://api.sms.example/send'`: the written fallback is where the
    // data goes unless the deployment says otherwise, and the only host the code names.
    if (
      ts.isBinaryExpression(node) &&
      (node.operatorToken.kind === ts.SyntaxKind.BarBarToken ||
        node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)
    ) {
      return this.urlOf(node.left, depth + 1) ?? this.urlOf(node.right, depth + 1);
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
  connectionOf(expression: ts.Expression | undefined): string | undefined {
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
  transactionOwner(identifier: ts.Identifier): string | undefined {
    const declared = this.tracker.declarationOf(identifier);
    const parameter = declared?.parent;
    if (!parameter || !ts.isParameter(parameter)) return undefined;
    const fn = parameter.parent;
    const call = fn.parent;
    if (!call || !ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) {
      return undefined;
    }
    if (!/^(?:transaction|\$transaction|begin)$/.test(call.expression.name.text)) return undefined;
    return this.connectionOf(call.expression.expression);
  }

  /** Environment variables the client is built from (`knex({ connection: process.env.X })`). */
  environmentOf(expression: ts.Expression | undefined): string[] {
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

  tableName(text: string, via: ts.Expression | undefined): TableName {
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

  /** The value a read returns, from the first tool whose client reads this call or tagged template. */
  readAt(node: ts.Expression): Value | undefined {
    if (!ts.isTaggedTemplateExpression(node) && !ts.isCallExpression(node)) return undefined;
    for (const client of scriptClients) {
      const value = client.read?.(node, this);
      if (value) return value;
    }
    return undefined;
  }

  wrap(node: ts.Node): Node {
    return wrapNode(this.context.sourceFile, node);
  }

  readStep(node: ts.Node, columns: ColumnName[], connection: string | undefined): FlowStep {
    const listed = columns.map((column) => `${column.table.name}.${column.column}`).join(', ');
    return {
      at: this.locate(node),
      description: connection ? `read ${listed} through ${connection}` : `read ${listed}`,
    };
  }

  /** A row whose fields are the selected columns (or any column, for `*`). */
  rowValue(node: ts.Node, items: SelectItem[], star: TableName | undefined): Value {
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

  /** Select-list arguments: `'a'`, `'t.a as b'`, `['a', 'b']`, `{ b: 'a' }`, `'*'`. */
  selectArguments(
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
  sourceTables(
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

  /**
   * Results that are counts or statuses: raw SQL writes without RETURNING (`$executeRaw` always),
   * Knex and Kysely writes without `returning`, Sequelize and TypeORM `update`. A log of such a
   * result is no finding, whatever values the write carried.
   */
  private isWriteResult(node: ts.Expression): boolean {
    if (!ts.isTaggedTemplateExpression(node) && !ts.isCallExpression(node)) return false;
    for (const client of scriptClients) {
      const answer = client.returnsCount?.(node, this);
      if (answer !== undefined) return answer;
    }
    return false;
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
    // SQL text is a whole statement wherever it sits in a chain; a builder writes at its outermost call.
    if (scriptClients.some((client) => client.writeSql?.(call, this))) return;
    if (!this.isOutermost(call)) return;
    for (const client of scriptClients) {
      const target = client.write?.(call, this);
      if (!target) continue;
      this.emitCopy(call, target);
      this.emitWrittenColumns(call, target);
      return;
    }
  }

  private checkTaggedWrite(node: ts.TaggedTemplateExpression): void {
    for (const client of scriptClients) if (client.writeSql?.(node, this)) return;
  }

  /** How the file reads names for `judgeWrittenValue`: lexical scope and its own imports. */
  private judgeScope(): JudgeScope {
    return {
      sourceFile: this.sourceFile,
      declarationOf: (identifier) => this.tracker.declarationOf(identifier),
      importOf: (declared) => this.imports.get(declared),
      fieldAssignedBefore: (object, field, read) => this.fieldAssignedBefore(object, field, read),
    };
  }

  /**
   * The value last assigned to `object.field` before `read`: in the object's own scope, or by a
   * function of this file that the file calls with an object of that name and that sets the field
   * on its first parameter (`await hashPasswordInObject(validUserData)`, then an inner
   * `runInsertQuery(validUserData)` writes `validUserData.password`). Names are matched as
   * written: the object handed on to an inner function keeps its name far more often than not.
   */
  private fieldAssignedBefore(
    object: ts.Identifier,
    field: string,
    read: ts.Node,
  ): ts.Expression | undefined {
    const declared = this.tracker.declarationOf(object);
    const direct = declared
      ? this.assignedBefore(declared, read)
          .filter((assigned) => assigned.name === field)
          .at(-1)?.value
      : undefined;
    if (direct !== undefined) return direct;
    const index = syntaxIndexOf(this.sourceFile);
    for (const call of index.calls) {
      const argument = call.arguments[0] && stripParentheses(call.arguments[0]);
      if (!ts.isIdentifier(call.expression) || !argument || !ts.isIdentifier(argument)) continue;
      if (argument.text !== object.text) continue;
      for (const helper of index.functionsByName.get(call.expression.text) ?? []) {
        const parameter = helper.parameters[0]?.name;
        if (parameter === undefined || !ts.isIdentifier(parameter)) continue;
        const value = this.tracker
          .fieldAssignments(parameter)
          .filter((assigned) => assigned.name === field)
          .at(-1)?.value;
        if (value !== undefined) return value;
      }
    }
    return undefined;
  }

  /** `updates.iban = …`: the fields assigned to the object `declared` names before `node`. */
  private assignedBefore(
    declared: ts.Identifier,
    node: ts.Node,
  ): Array<{ name: string; value: ts.Expression }> {
    const before = node.getStart(this.sourceFile);
    return this.tracker
      .fieldAssignments(declared)
      .filter((assigned) => assigned.value.getStart(this.sourceFile) < before);
  }

  /**
   * `bcrypt.compare(input, doctor.password)` where `doctor` is a row read from a table: the column
   * holds a password hash, whoever writes it (accounts made by hand or by another service). Only
   * a value read from one column counts: `user.password || user.password_hash` hedges between a
   * hash and a legacy plain-text column.
   */
  private checkHashCheck(call: ts.CallExpression): void {
    const via = hashCheckOf(call, this.judgeScope());
    if (via === undefined) return;
    for (const argument of call.arguments) {
      // The typed-in password of a login form is the other argument, not a stored column.
      const sources = leavesOf(this.tracker.valueOf(argument))
        .flatMap((leaf) => (leaf.transform === 'copy' ? leaf.from : []))
        .filter((source) => !isPassedInTable(source.table.name));
      const source = sources[0];
      const oneColumn = sources.every(
        (other) => other.column === source?.column && other.table.name === source.table.name,
      );
      if (source === undefined || source.column === '*' || !oneColumn) continue;
      this.facts.push({
        ...columnWrittenFact(
          this.locate(argument),
          source.table,
          source.column,
          { protection: 'hash', via },
          `checked as a hash by ${via}`,
        ),
        checked: true,
      });
    }
  }

  /** One `column-written` fact per column the call writes, with the value's protection. */
  private emitWrittenColumns(call: ts.Node, target: WriteTarget): void {
    const fields: Array<{ column: string; value: ts.Expression }> = [];
    if (target.column) fields.push({ column: target.column.name, value: target.column.value });
    for (const data of [target.data, target.alsoData]) {
      if (!data) continue;
      fields.push(...this.fieldsAssignedBefore(call, data, target));
      const literal = this.definitionOf(data);
      const rows = ts.isArrayLiteralExpression(literal)
        ? literal.elements
        : (mappedRows(literal) ?? [literal]);
      for (const row of rows) {
        const object = this.definitionOf(row);
        if (!ts.isObjectLiteralExpression(object)) continue;
        for (const property of object.properties) {
          if (ts.isPropertyAssignment(property)) {
            const column = propertyNameText(property.name);
            if (column)
              fields.push({ column: columnOf(target, column), value: property.initializer });
          } else if (ts.isShorthandPropertyAssignment(property)) {
            fields.push({ column: columnOf(target, property.name.text), value: property.name });
          }
        }
      }
    }
    const writer = `${target.verb} ${target.table.name}`;
    this.emitJudgedWrites(call, target.table, writer, fields, target.definedIn);
  }

  /**
   * `const updates = { account_id: id }; updates.iban = apiAccount.iban; ….update(updates)`: the
   * fields assigned to the written object before the call.
   */
  private fieldsAssignedBefore(
    call: ts.Node,
    data: ts.Expression,
    target: WriteTarget,
  ): Array<{ column: string; value: ts.Expression }> {
    const object = stripParentheses(data);
    const declared = ts.isIdentifier(object) ? this.tracker.declarationOf(object) : undefined;
    if (declared === undefined) return [];
    return this.assignedBefore(declared, call).map((field) => ({
      column: columnOf(target, field.name),
      value: field.value,
    }));
  }

  emitJudgedWrites(
    call: ts.Node,
    table: TableName,
    writer: string,
    fields: ReadonlyArray<{ column: string; value: ts.Expression }>,
    definedIn?: string,
  ): void {
    const scope = this.judgeScope();
    for (const { column, value } of fields) {
      const judged = judgeWrittenValue(value, scope);
      if (judged === undefined) continue;
      // `user.password` read from another row and stored again (a password history, an audit
      // envelope) is a copy of what the source column holds, not a password typed in: the copy
      // is followed as a flow and judged by its source, never as a plain write of a secret.
      // What the request carried is typed in, not copied: judged here as any plain write.
      const copied = tableLeaves(leavesOf(this.tracker.valueOf(value)));
      if (judged.protection === 'plain' && copied.length > 0) {
        continue;
      }
      const at = this.locate(value);
      this.facts.push(columnWrittenFact(at, table, column, judged, writer, false, definedIn));
    }
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
      // Both halves of an upsert write rows: its `create` and its `update`.
      for (const data of [target.data, target.alsoData]) {
        if (data) columns.push(...this.copiedColumns(data, target, writeStep));
      }
    }
    const copied = withoutPassedIn(columns);
    if (copied.length === 0) return;
    const fact: DataCopied = {
      kind: 'data-copied',
      at: this.locate(call),
      target: target.table,
      via: 'script',
      columns: copied,
    };
    this.facts.push(fact);
  }

  /** The columns one written value fills: its tainted fields, or a whole row of a read table. */
  private copiedColumns(
    data: ts.Expression,
    target: WriteTarget,
    writeStep: FlowStep,
  ): CopiedColumn[] {
    const columns: CopiedColumn[] = [];
    const written = this.tracker.valueOf(data);
    const row = written?.element ?? written;
    for (const [name, field] of row?.fields ?? []) {
      // `{ doctor: doctor, patient }` in an ORM write: a whole row given to a relation property
      // stores that row's key, not its columns (TypeORM, Sequelize, MikroORM relations).
      if (!field.leaf && (field.fields !== undefined || field.row !== undefined)) continue;
      const scalar = scalarOf(field);
      if (!scalar?.leaf) continue;
      columns.push({
        column: columnOf(target, name),
        value: sourceOf(scalar.leaf, writeStep),
        at: field.at ?? this.locate(data),
      });
    }
    if (row?.row) {
      const leaf: Leaf = { ...row.row.template, from: [{ table: row.row.table, column: '*' }] };
      columns.push({ column: '*', value: sourceOf(leaf, writeStep), at: this.locate(data) });
    }
    return columns;
  }
}

/**
 * `accounts.map((account) => ({ iban: encrypt(account.iban), … }))`: the rows a mapped list
 * writes are what its callback returns (an expression body, or each `return` of a block body).
 */
function mappedRows(expression: ts.Expression): ts.Expression[] | undefined {
  const call = stripParentheses(expression);
  if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression))
    return undefined;
  if (call.expression.name.text !== 'map') return undefined;
  const callback = call.arguments[0] && stripParentheses(call.arguments[0]);
  if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) {
    return undefined;
  }
  if (!ts.isBlock(callback.body)) return [stripParentheses(callback.body)];
  const returned: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isReturnStatement(node) && node.expression)
      returned.push(stripParentheses(node.expression));
    // A nested function's `return` is its own.
    else if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  ts.forEachChild(callback.body, visit);
  return returned;
}

/** The column a written key lands in (a Drizzle table maps `displayName` to `display_name`). */
function columnOf(target: WriteTarget, key: string): string {
  return target.columnOf?.(key) ?? key;
}
