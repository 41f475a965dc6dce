/**
 * Value tracking for data scripts: which database columns a JavaScript value carries, and the
 * steps it took from the read. Intra-file and flow-insensitive: a variable's value is the join of
 * everything ever assigned to it, and a function's parameter the join of every argument passed
 * to it in the file. That is enough for one-off scripts (read, map, loop, write) while keeping
 * counts, ids and status strings untainted so logging them is no finding.
 *
 * Works on the raw TypeScript compiler nodes (`ts` from ts-morph): the walk visits every
 * expression of a script and the wrappers would only slow it down. Bindings are resolved by
 * lexical scope, without the type checker (design.md).
 */
import { ts } from './morph.js';
import type { ColumnName, FlowStep, SourceLocation, TableName, Transform } from '../../facts.js';
import { fileBudget } from '../../util/budget.js';
import { unwrapRaw } from './receivers.js';

/** A value computed from columns as a whole: a string built from them, a serialised row. */
export interface Leaf {
  from: ColumnName[];
  transform: Transform;
  /** The call that decided the transform (`createHash`). */
  via?: string;
  path: FlowStep[];
}

/**
 * What a JavaScript value carries. A row is an object whose fields are columns; an array of rows
 * has that row as `element`; a row read with `*` has `row`: any property of it is a column of
 * that table. Absent parts carry nothing.
 */
export interface Value {
  leaf?: Leaf;
  fields?: ReadonlyMap<string, Value>;
  row?: { table: TableName; template: Leaf };
  element?: Value;
  /** Where this value was defined as a field: the object property or select-list item. */
  at?: SourceLocation;
}

const TRANSFORM_RANK: Record<Transform, number> = {
  copy: 5,
  decrypt: 5,
  hash: 3,
  mask: 3,
  generalize: 3,
  tokenize: 1,
  encrypt: 1,
  drop: 0,
};

/** Keeps the first occurrence of each step, in order. */
export function mergePaths(a: readonly FlowStep[], b: readonly FlowStep[]): FlowStep[] {
  const seen = new Set<string>();
  const merged: FlowStep[] = [];
  for (const step of [...a, ...b]) {
    const key = `${step.at.line}:${step.at.column}:${step.description}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(step);
  }
  return merged;
}

function sameColumn(a: ColumnName, b: ColumnName): boolean {
  return (
    a.column === b.column &&
    a.table.name === b.table.name &&
    a.table.schema === b.table.schema &&
    a.table.connection === b.table.connection
  );
}

function mergeColumns(a: readonly ColumnName[], b: readonly ColumnName[]): ColumnName[] {
  const merged = [...a];
  for (const column of b)
    if (!merged.some((known) => sameColumn(known, column))) merged.push(column);
  return merged;
}

/** Joining keeps the most revealing transform: a hashed email beside a plain name is plain. */
export function joinLeaves(a: Leaf | undefined, b: Leaf | undefined): Leaf | undefined {
  if (!a) return b;
  if (!b) return a;
  const stronger = TRANSFORM_RANK[b.transform] > TRANSFORM_RANK[a.transform] ? b : a;
  const leaf: Leaf = {
    from: mergeColumns(a.from, b.from),
    transform: stronger.transform,
    path: mergePaths(a.path, b.path),
  };
  if (stronger.via) leaf.via = stronger.via;
  return leaf;
}

export function join(a: Value | undefined, b: Value | undefined): Value | undefined {
  if (!a || !isTainted(a)) return b && isTainted(b) ? b : undefined;
  if (!b || !isTainted(b)) return a;
  const result: Value = {};
  const leaf = joinLeaves(a.leaf, b.leaf);
  if (leaf) result.leaf = leaf;
  if (a.fields || b.fields) {
    const fields = new Map(a.fields ?? []);
    for (const [name, value] of b.fields ?? []) {
      const joined = join(fields.get(name), value);
      if (joined) fields.set(name, joined);
    }
    result.fields = fields;
  }
  const row = a.row ?? b.row;
  if (row) result.row = row;
  const element = join(a.element, b.element);
  if (element) result.element = element;
  const at = a.at ?? b.at;
  if (at) result.at = at;
  return result;
}

export function joinAll(values: Iterable<Value | undefined>): Value | undefined {
  let result: Value | undefined;
  for (const value of values) result = join(result, value);
  return result;
}

export function isTainted(value: Value | undefined, depth = 0): boolean {
  if (!value || depth > 8) return false;
  if (value.leaf || value.row) return true;
  if (value.element && isTainted(value.element, depth + 1)) return true;
  for (const field of value.fields?.values() ?? []) if (isTainted(field, depth + 1)) return true;
  return false;
}

/** The same value with one more step on every part of it. */
export function withStep(value: Value | undefined, step: FlowStep, depth = 0): Value | undefined {
  if (!value || depth > 8) return value;
  const result: Value = {};
  if (value.leaf) result.leaf = { ...value.leaf, path: mergePaths(value.leaf.path, [step]) };
  if (value.row) {
    result.row = {
      table: value.row.table,
      template: { ...value.row.template, path: mergePaths(value.row.template.path, [step]) },
    };
  }
  if (value.fields) {
    const fields = new Map<string, Value>();
    for (const [name, field] of value.fields) {
      const stepped = withStep(field, step, depth + 1);
      if (stepped) fields.set(name, stepped);
    }
    result.fields = fields;
  }
  if (value.element) {
    const element = withStep(value.element, step, depth + 1);
    if (element) result.element = element;
  }
  if (value.at) result.at = value.at;
  return result;
}

/** `row.email`: the field when known, else that column of a `*` row; `length` is a count. */
export function propertyOf(value: Value | undefined, name: string): Value | undefined {
  if (!value) return undefined;
  const field = value.fields?.get(name);
  if (field) return field;
  if (name === 'length') return undefined;
  if (value.row) {
    return { leaf: { ...value.row.template, from: [{ table: value.row.table, column: name }] } };
  }
  if (value.leaf && !value.fields && !value.element) return { leaf: value.leaf };
  return undefined;
}

export function elementOf(value: Value | undefined): Value | undefined {
  return value?.element;
}

/** Every column-carrying part of a value, each once (what a log line or request body carries). */
export function leavesOf(value: Value | undefined, depth = 0): Leaf[] {
  if (!value || depth > 8) return [];
  const leaves: Leaf[] = [];
  if (value.leaf) leaves.push(value.leaf);
  if (value.row)
    leaves.push({ ...value.row.template, from: [{ table: value.row.table, column: '*' }] });
  for (const field of value.fields?.values() ?? []) leaves.push(...leavesOf(field, depth + 1));
  leaves.push(...leavesOf(value.element, depth + 1));
  return dedupeLeaves(leaves);
}

function dedupeLeaves(leaves: Leaf[]): Leaf[] {
  const byKey = new Map<string, Leaf>();
  for (const leaf of leaves) {
    const key = leaf.from
      .map((column) => `${column.table.connection ?? ''}/${column.table.name}.${column.column}`)
      .sort()
      .join(',');
    const previous = byKey.get(key);
    byKey.set(key, previous ? (joinLeaves(previous, leaf) as Leaf) : leaf);
  }
  return [...byKey.values()];
}

/** The whole value as one scalar: a string built from it, `JSON.stringify(row)`. */
export function scalarOf(value: Value | undefined, step?: FlowStep): Value | undefined {
  let leaf: Leaf | undefined;
  for (const part of leavesOf(value)) leaf = joinLeaves(leaf, part);
  if (!leaf) return undefined;
  return { leaf: step ? { ...leaf, path: mergePaths(leaf.path, [step]) } : leaf };
}

export function transformed(value: Value | undefined, transform: Transform, via: string) {
  const scalar = scalarOf(value);
  if (!scalar?.leaf) return undefined;
  return { leaf: { ...scalar.leaf, transform, via } } satisfies Value;
}

/** Hooks through which the extractor tells the tracker what reads are. */
export interface TrackerHooks {
  /** The rows a read produces (`db('patients').select(…)`, `client.query('SELECT …')`), if `node` is one. */
  readAt(node: ts.Expression): Value | undefined;
  /** True when `call` is a method of an SDK builder that accumulates its arguments (`new UserData().setEmail(x)`). */
  isBuilderCall(call: ts.CallExpression): boolean;
  /**
   * True when `node` runs a write whose result is a count or a status, never the values written
   * (`$executeRaw`, an INSERT/UPDATE/DELETE without RETURNING, Knex `.insert()`/`.update()`).
   * Asked only after `readAt`, which answers for the rows a RETURNING clause reads back.
   */
  isWriteResult(node: ts.Expression): boolean;
}

type ScopeNode = ts.Node;

type Mutation =
  | { kind: 'assign'; value: ts.Expression }
  | { kind: 'field'; path: string[]; value: ts.Expression; at: ts.Node }
  | { kind: 'element'; value: ts.Expression; spread?: boolean }
  | { kind: 'mixin'; value: ts.Expression };

const ITERATING_METHODS = new Set([
  'forEach',
  'map',
  'flatMap',
  'filter',
  'find',
  'findLast',
  'some',
  'every',
  'findIndex',
  'findLastIndex',
]);
const SAME_ROWS_METHODS = new Set([
  'filter',
  'slice',
  'sort',
  'reverse',
  'toSorted',
  'toReversed',
  'concat',
  'values',
  'flat',
]);
const ONE_ROW_METHODS = new Set(['find', 'findLast', 'at', 'pop', 'shift']);
/** Results that are numbers or booleans about a value, never the value itself. */
const NOT_DATA_METHODS = new Set([
  'some',
  'every',
  'includes',
  'indexOf',
  'lastIndexOf',
  'findIndex',
  'findLastIndex',
  'startsWith',
  'endsWith',
  'test',
  'has',
  'localeCompare',
  'search',
  'keys',
  'forEach',
  'getTime',
  'valueOf',
]);
const PREDICATE_NAME = /^(?:is|has|can|should|count|size|len|validate)(?:[A-Z_]|$)|Count$/;
const PASS_THROUGH_GLOBALS = new Set([
  'String',
  'Number',
  'parseInt',
  'parseFloat',
  'encodeURIComponent',
  'encodeURI',
  'decodeURIComponent',
  'structuredClone',
  'BigInt',
]);
const NOT_DATA_GLOBALS = new Set(['Boolean', 'isNaN', 'isFinite', 'setTimeout', 'setInterval']);
const TRANSFORM_NAMES: Array<[RegExp, Transform]> = [
  [/decrypt|unseal|decipher/i, 'decrypt'],
  [/encrypt|seal|cipher/i, 'encrypt'],
  [/tokeni[sz]e/i, 'tokenize'],
  [/hash|sha(?:1|224|256|384|512)|md5|digest|hmac|bcrypt|argon|scrypt|pseudonymi[sz]e/i, 'hash'],
  [/mask|redact|obfuscat|anonymi[sz]e/i, 'mask'],
  [/generali[sz]e/i, 'generalize'],
];

/** The transform a function name implies (`sha256` → hash), if any. */
export function transformOfName(name: string): Transform | undefined {
  return TRANSFORM_NAMES.find(([pattern]) => pattern.test(name))?.[1];
}

export function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** Looks through parentheses, `await`, `as`, `!` and `satisfies`. */
export const unwrap = unwrapRaw;

export function propertyNameText(name: ts.PropertyName | ts.BindingName): string | undefined {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const inner = name.expression;
    if (ts.isStringLiteralLike(inner) || ts.isNumericLiteral(inner)) return inner.text;
  }
  return undefined;
}

const SCOPE_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.SourceFile,
  ts.SyntaxKind.Block,
  ts.SyntaxKind.ModuleBlock,
  ts.SyntaxKind.CaseClause,
  ts.SyntaxKind.DefaultClause,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
  ts.SyntaxKind.ForStatement,
  ts.SyntaxKind.ForOfStatement,
  ts.SyntaxKind.ForInStatement,
  ts.SyntaxKind.CatchClause,
]);

function collectBindingNames(name: ts.BindingName, into: Map<string, ts.Identifier>): void {
  if (ts.isIdentifier(name)) {
    into.set(name.text, name);
    return;
  }
  for (const element of name.elements) {
    if (ts.isBindingElement(element)) collectBindingNames(element.name, into);
  }
}

function statementsOf(scope: ts.Node): readonly ts.Statement[] {
  if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope))
    return scope.statements;
  if (ts.isCaseClause(scope) || ts.isDefaultClause(scope)) return scope.statements;
  return [];
}

/**
 * Tracks values through one file. Created once per file; everything is computed lazily and
 * memoised, and a value that depends on itself (a loop-carried assignment) stops at the cycle.
 */
export class ValueTracker {
  private readonly scopeNames = new Map<ScopeNode, Map<string, ts.Identifier>>();
  private readonly declarations = new Map<ts.Identifier, ts.Identifier | null>();
  private readonly valueCache = new Map<ts.Node, Value | null>();
  private readonly returnCache = new Map<ts.Node, Value | null>();
  private readonly bindingCache = new Map<ts.Node, Value | null>();
  private readonly inProgress = new Map<Map<ts.Node, Value | null>, Set<ts.Node>>();
  private mutations: Map<ts.Identifier, Mutation[]> | undefined;
  private callSites: Map<ts.Identifier, ts.Node[]> | undefined;

  constructor(
    readonly sourceFile: ts.SourceFile,
    readonly locate: (node: ts.Node) => SourceLocation,
    private readonly hooks: TrackerHooks,
  ) {}

  // ── bindings ────────────────────────────────────────────────────────────────────────────────

  private namesOf(scope: ScopeNode): Map<string, ts.Identifier> {
    let names = this.scopeNames.get(scope);
    if (names) return names;
    names = new Map();
    for (const statement of statementsOf(scope)) {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          collectBindingNames(declaration.name, names);
        }
      } else if (
        (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) &&
        statement.name
      ) {
        names.set(statement.name.text, statement.name);
      } else if (ts.isImportDeclaration(statement)) {
        const clause = statement.importClause;
        if (clause?.name) names.set(clause.name.text, clause.name);
        const bindings = clause?.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings))
          names.set(bindings.name.text, bindings.name);
        if (bindings && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements) names.set(element.name.text, element.name);
        }
      } else if (ts.isImportEqualsDeclaration(statement)) {
        names.set(statement.name.text, statement.name);
      }
    }
    if (isFunctionLike(scope)) {
      for (const parameter of scope.parameters) collectBindingNames(parameter.name, names);
      if (ts.isFunctionExpression(scope) && scope.name) names.set(scope.name.text, scope.name);
    }
    if (ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) {
      const initializer = scope.initializer;
      if (initializer && ts.isVariableDeclarationList(initializer)) {
        for (const declaration of initializer.declarations) {
          collectBindingNames(declaration.name, names);
        }
      }
    }
    if (ts.isCatchClause(scope) && scope.variableDeclaration) {
      collectBindingNames(scope.variableDeclaration.name, names);
    }
    this.scopeNames.set(scope, names);
    return names;
  }

  /** The identifier that declares what `identifier` refers to, by lexical scope. */
  declarationOf(identifier: ts.Identifier): ts.Identifier | undefined {
    const cached = this.declarations.get(identifier);
    if (cached !== undefined) return cached ?? undefined;
    let found: ts.Identifier | undefined;
    for (let node: ts.Node | undefined = identifier.parent; node && !found; node = node.parent) {
      if (SCOPE_KINDS.has(node.kind)) found = this.namesOf(node).get(identifier.text);
    }
    this.declarations.set(identifier, found ?? null);
    return found;
  }

  /** The initializer of a `const`/`let` that `identifier` names (`const X_URL = '…'`). */
  initializerOf(identifier: ts.Identifier): ts.Expression | undefined {
    const declared = this.declarationOf(identifier);
    const declaration = declared?.parent;
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.name === declared) {
      return declaration.initializer;
    }
    return undefined;
  }

  /** The function a name refers to: `function f() {}`, `const f = () => …`, `const f = function () {}`. */
  functionOf(identifier: ts.Identifier): ts.FunctionLikeDeclaration | undefined {
    const declared = this.declarationOf(identifier);
    const parent = declared?.parent;
    if (!parent) return undefined;
    if (ts.isFunctionDeclaration(parent)) return parent;
    if (ts.isVariableDeclaration(parent) && parent.initializer) {
      const initializer = unwrap(parent.initializer);
      if (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer))
        return initializer;
    }
    return undefined;
  }

  /** The method `this.name(…)` calls inside the enclosing class. */
  methodOf(call: ts.CallExpression): ts.MethodDeclaration | undefined {
    const callee = call.expression;
    if (
      !ts.isPropertyAccessExpression(callee) ||
      callee.expression.kind !== ts.SyntaxKind.ThisKeyword
    ) {
      return undefined;
    }
    let node: ts.Node | undefined = call.parent;
    while (node && !ts.isClassLike(node)) node = node.parent;
    if (!node || !ts.isClassLike(node)) return undefined;
    for (const member of node.members) {
      if (
        ts.isMethodDeclaration(member) &&
        member.name &&
        propertyNameText(member.name) === callee.name.text
      ) {
        return member;
      }
    }
    return undefined;
  }

  private indexFile(): void {
    if (this.mutations && this.callSites) return;
    const mutations = new Map<ts.Identifier, Mutation[]>();
    const callSites = new Map<ts.Identifier, ts.Node[]>();
    const add = (root: ts.Expression, mutation: Mutation) => {
      const inner = unwrap(root);
      if (!ts.isIdentifier(inner)) return;
      const declared = this.declarationOf(inner);
      if (!declared) return;
      const list = mutations.get(declared) ?? [];
      list.push(mutation);
      mutations.set(declared, list);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isBinaryExpression(node) && isAssignmentOperator(node.operatorToken.kind)) {
        const target = unwrap(node.left);
        if (ts.isIdentifier(target)) {
          add(target, { kind: 'assign', value: node.right });
        } else if (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) {
          const path: string[] = [];
          let root: ts.Expression = target;
          let dynamic = false;
          while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) {
            if (ts.isPropertyAccessExpression(root)) path.unshift(root.name.text);
            else if (ts.isStringLiteralLike(root.argumentExpression))
              path.unshift(root.argumentExpression.text);
            else dynamic = true;
            root = root.expression;
          }
          if (dynamic && path.length === 0) add(root, { kind: 'element', value: node.right });
          else if (dynamic) add(root, { kind: 'mixin', value: node.right });
          else add(root, { kind: 'field', path, value: node.right, at: node });
        }
      } else if (ts.isCallExpression(node)) {
        const callee = node.expression;
        if (ts.isPropertyAccessExpression(callee)) {
          const method = callee.name.text;
          if (method === 'push' || method === 'unshift') {
            for (const argument of node.arguments) {
              if (ts.isSpreadElement(argument)) {
                add(callee.expression, {
                  kind: 'element',
                  value: argument.expression,
                  spread: true,
                });
              } else {
                add(callee.expression, { kind: 'element', value: argument });
              }
            }
          } else if (
            (method === 'set' || method === 'append') &&
            ts.isPropertyAccessExpression(callee.expression) &&
            callee.expression.name.text === 'searchParams'
          ) {
            const value = node.arguments[1];
            if (value) add(callee.expression.expression, { kind: 'mixin', value });
          } else if (
            method === 'assign' &&
            ts.isIdentifier(callee.expression) &&
            callee.expression.text === 'Object'
          ) {
            const [target, ...sources] = node.arguments;
            if (target) for (const source of sources) add(target, { kind: 'mixin', value: source });
          }
        }
        const target = unwrap(callee);
        if (ts.isIdentifier(target)) {
          const declared = this.declarationOf(target);
          if (declared) {
            const list = callSites.get(declared) ?? [];
            list.push(node);
            callSites.set(declared, list);
          }
        }
        // A function passed by name as a callback (`rows.map(toAccount)`) is called with elements.
        for (const argument of node.arguments) {
          if (!ts.isIdentifier(argument)) continue;
          const declared = this.declarationOf(argument);
          if (!declared) continue;
          const list = callSites.get(declared) ?? [];
          list.push(argument);
          callSites.set(declared, list);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
    this.mutations = mutations;
    this.callSites = callSites;
  }

  // ── values ──────────────────────────────────────────────────────────────────────────────────

  private memo(
    cache: Map<ts.Node, Value | null>,
    node: ts.Node,
    compute: () => Value | undefined,
  ): Value | undefined {
    const cached = cache.get(node);
    if (cached !== undefined) return cached ?? undefined;
    let running = this.inProgress.get(cache);
    if (!running) this.inProgress.set(cache, (running = new Set()));
    if (running.has(node)) return undefined;
    running.add(node);
    let value: Value | undefined;
    try {
      // Value tracking recurses through helpers and bindings: bounded per file (src/util/budget.ts).
      fileBudget.spend();
      value = fileBudget.deeper(compute);
    } finally {
      running.delete(node);
    }
    const kept = isTainted(value) ? value : undefined;
    cache.set(node, kept ?? null);
    return kept;
  }

  step(node: ts.Node, description: string): FlowStep {
    return { at: this.locate(node), description };
  }

  /** What the expression carries; undefined when it carries no column. */
  valueOf(expression: ts.Expression | undefined): Value | undefined {
    if (!expression) return undefined;
    return this.memo(this.valueCache, expression, () => this.compute(expression));
  }

  private compute(node: ts.Expression): Value | undefined {
    if (
      ts.isParenthesizedExpression(node) ||
      ts.isAwaitExpression(node) ||
      ts.isAsExpression(node) ||
      ts.isNonNullExpression(node) ||
      ts.isTypeAssertionExpression(node) ||
      ts.isSatisfiesExpression(node)
    ) {
      return this.valueOf(node.expression);
    }
    if (ts.isIdentifier(node)) {
      const declared = this.declarationOf(node);
      return declared ? this.bindingValue(declared) : undefined;
    }
    if (ts.isPropertyAccessExpression(node)) {
      return propertyOf(this.valueOf(node.expression), node.name.text);
    }
    if (ts.isElementAccessExpression(node)) {
      const object = this.valueOf(node.expression);
      const key = node.argumentExpression;
      if (ts.isStringLiteralLike(key)) return propertyOf(object, key.text);
      if (ts.isNumericLiteral(key)) return object?.fields?.get(key.text) ?? elementOf(object);
      return elementOf(object) ?? scalarOf(object);
    }
    if (ts.isCallExpression(node)) return this.callValue(node);
    if (ts.isNewExpression(node)) return this.newValue(node);
    if (ts.isTaggedTemplateExpression(node)) {
      const read = this.hooks.readAt(node);
      if (read) return read;
      // A write returns a count; other tags (`Prisma.sql`, `html`) build a value from their parts.
      if (this.hooks.isWriteResult(node)) return undefined;
      return this.valueOf(node.template as ts.Expression);
    }
    if (ts.isTemplateExpression(node)) {
      return scalarOf(joinAll(node.templateSpans.map((span) => this.valueOf(span.expression))));
    }
    if (ts.isObjectLiteralExpression(node)) return this.objectValue(node);
    if (ts.isArrayLiteralExpression(node)) {
      const element = joinAll(
        node.elements.map((item) =>
          ts.isSpreadElement(item) ? elementOf(this.valueOf(item.expression)) : this.valueOf(item),
        ),
      );
      return element ? { element } : undefined;
    }
    if (ts.isConditionalExpression(node)) {
      return join(this.valueOf(node.whenTrue), this.valueOf(node.whenFalse));
    }
    if (ts.isBinaryExpression(node)) return this.binaryValue(node);
    if (ts.isPrefixUnaryExpression(node)) {
      if (node.operator === ts.SyntaxKind.MinusToken || node.operator === ts.SyntaxKind.PlusToken) {
        return this.valueOf(node.operand);
      }
      return undefined;
    }
    return undefined;
  }

  private binaryValue(node: ts.BinaryExpression): Value | undefined {
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.PlusToken:
      case ts.SyntaxKind.MinusToken:
      case ts.SyntaxKind.AsteriskToken:
      case ts.SyntaxKind.SlashToken:
        return scalarOf(join(this.valueOf(node.left), this.valueOf(node.right)));
      case ts.SyntaxKind.BarBarToken:
      case ts.SyntaxKind.QuestionQuestionToken:
        return join(this.valueOf(node.left), this.valueOf(node.right));
      case ts.SyntaxKind.AmpersandAmpersandToken:
      case ts.SyntaxKind.CommaToken:
        return this.valueOf(node.right);
      default:
        if (isAssignmentOperator(node.operatorToken.kind)) return this.valueOf(node.right);
        return undefined;
    }
  }

  private objectValue(node: ts.ObjectLiteralExpression): Value | undefined {
    const fields = new Map<string, Value>();
    let rest: Value | undefined;
    for (const property of node.properties) {
      if (ts.isSpreadAssignment(property)) {
        const spread = this.valueOf(property.expression);
        if (spread?.fields) for (const [name, value] of spread.fields) fields.set(name, value);
        if (spread?.row) rest = join(rest, { row: spread.row });
        if (spread?.leaf && !spread.fields && !spread.row) rest = join(rest, { leaf: spread.leaf });
        continue;
      }
      let name: string | undefined;
      let value: Value | undefined;
      if (ts.isPropertyAssignment(property)) {
        name = propertyNameText(property.name);
        value = this.valueOf(property.initializer);
      } else if (ts.isShorthandPropertyAssignment(property)) {
        name = property.name.text;
        value = this.valueOf(property.name);
      } else {
        continue;
      }
      if (!value) {
        if (name !== undefined) fields.delete(name);
        continue;
      }
      if (name === undefined) {
        rest = join(rest, scalarOf(value));
        continue;
      }
      const renamed =
        value.leaf && !value.leaf.from.some((column) => column.column === name)
          ? withStep(value, this.step(property, `mapped to ${name}`))
          : value;
      fields.set(name, { ...renamed, at: this.locate(property) });
    }
    const result: Value = { ...rest };
    if (fields.size > 0) result.fields = fields;
    return isTainted(result) ? result : undefined;
  }

  private newValue(node: ts.NewExpression): Value | undefined {
    const args = node.arguments ?? [];
    return joinAll(args.map((argument) => this.valueOf(argument)));
  }

  private callValue(call: ts.CallExpression): Value | undefined {
    const read = this.hooks.readAt(call);
    if (read) return read;
    if (this.hooks.isWriteResult(call)) return undefined;
    const callee = unwrap(call.expression);
    const args = call.arguments;

    if (ts.isIdentifier(callee)) {
      const name = callee.text;
      const fn = this.functionOf(callee);
      if (fn) return this.returnValue(fn);
      if (NOT_DATA_GLOBALS.has(name) || PREDICATE_NAME.test(name)) return undefined;
      const transform = transformOfName(name);
      const joined = joinAll(args.map((argument) => this.valueOf(argument)));
      if (transform) return transformed(joined, transform, name);
      if (PASS_THROUGH_GLOBALS.has(name)) return scalarOf(joined);
      return joined;
    }
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    const receiverNode = callee.expression;

    const ownMethod = this.methodOf(call);
    if (ownMethod) return this.returnValue(ownMethod);

    if (ts.isIdentifier(receiverNode)) {
      const global = receiverNode.text;
      if (global === 'JSON' && method === 'stringify') {
        return scalarOf(this.valueOf(args[0]), this.step(call, 'serialised with JSON.stringify'));
      }
      if (global === 'JSON' && method === 'parse') return this.valueOf(args[0]);
      if (global === 'Object') {
        if (method === 'keys') return undefined;
        if (method === 'values' || method === 'entries') {
          const scalar = scalarOf(this.valueOf(args[0]));
          return scalar ? { element: scalar } : undefined;
        }
        return joinAll(args.map((argument) => this.valueOf(argument)));
      }
      if (global === 'Promise' || global === 'Array' || global === 'Buffer') {
        if (method === 'isArray' || method === 'isBuffer') return undefined;
        return joinAll(args.map((argument) => this.valueOf(argument)));
      }
      if (global === 'Math') return undefined;
    }

    const receiver = this.valueOf(receiverNode);
    const transform = transformOfName(method);
    if (transform) {
      return transformed(
        join(receiver, this.chainArguments(call)),
        transform,
        this.chainHead(call) ?? method,
      );
    }
    if (this.hooks.isBuilderCall(call)) {
      return join(receiver, joinAll(args.map((argument) => this.valueOf(argument))));
    }
    if (receiver) return this.methodOnValue(call, method, receiver);
    // A function of an imported module (`util.format`, `_.pick`) returns what it was given.
    if (ts.isIdentifier(receiverNode) && this.isImportBinding(receiverNode)) {
      if (PREDICATE_NAME.test(method)) return undefined;
      return joinAll(args.map((argument) => this.valueOf(argument)));
    }
    return undefined;
  }

  /** Values passed anywhere along a call chain (`createHash('sha256').update(x).digest('hex')`). */
  private chainArguments(call: ts.CallExpression): Value | undefined {
    let result: Value | undefined;
    let node: ts.Expression = call;
    for (let depth = 0; depth < 16; depth++) {
      const inner = unwrap(node);
      if (!ts.isCallExpression(inner)) break;
      result = join(result, joinAll(inner.arguments.map((argument) => this.valueOf(argument))));
      const callee = unwrap(inner.expression);
      if (!ts.isPropertyAccessExpression(callee)) break;
      node = callee.expression;
    }
    return result;
  }

  /** The first function called in a chain (`createHash` in `createHash('sha256').update(x).digest()`). */
  private chainHead(call: ts.CallExpression): string | undefined {
    let node: ts.Expression = call;
    let head: string | undefined;
    for (let depth = 0; depth < 16; depth++) {
      const inner = unwrap(node);
      if (!ts.isCallExpression(inner)) break;
      const callee = unwrap(inner.expression);
      if (ts.isIdentifier(callee)) return callee.text;
      if (!ts.isPropertyAccessExpression(callee)) break;
      head = callee.name.text;
      node = callee.expression;
    }
    return head;
  }

  isImportBinding(identifier: ts.Identifier): boolean {
    const declared = this.declarationOf(identifier);
    const parent = declared?.parent;
    if (!parent) return false;
    if (ts.isImportClause(parent) || ts.isNamespaceImport(parent) || ts.isImportSpecifier(parent)) {
      return true;
    }
    if (ts.isImportEqualsDeclaration(parent)) return true;
    if (ts.isVariableDeclaration(parent) && parent.initializer) {
      const initializer = unwrap(parent.initializer);
      return (
        ts.isCallExpression(initializer) &&
        ts.isIdentifier(initializer.expression) &&
        initializer.expression.text === 'require'
      );
    }
    return false;
  }

  private methodOnValue(
    call: ts.CallExpression,
    method: string,
    receiver: Value,
  ): Value | undefined {
    const args = call.arguments;
    if (NOT_DATA_METHODS.has(method)) return undefined;
    if (method === 'map' || method === 'flatMap') {
      const returned = this.callbackReturn(args[0]);
      if (!returned) return undefined;
      return {
        element: method === 'flatMap' ? (join(elementOf(returned), returned) as Value) : returned,
      };
    }
    if (method === 'reduce' || method === 'reduceRight') return undefined;
    if (method === 'then') return this.callbackReturn(args[0]);
    if (method === 'join') return scalarOf(elementOf(receiver) ?? receiver);
    if (method === 'split') return receiver.leaf ? { element: { leaf: receiver.leaf } } : undefined;
    if (SAME_ROWS_METHODS.has(method) && receiver.element) {
      return method === 'concat'
        ? join(receiver, joinAll(args.map((argument) => this.valueOf(argument))))
        : receiver;
    }
    if (ONE_ROW_METHODS.has(method) && receiver.element) return elementOf(receiver);
    if (receiver.element) return undefined;
    // String and date methods (`toLowerCase`, `trim`, `slice`, `toISOString`) keep the data.
    if (receiver.leaf) {
      const joined = join(receiver, joinAll(args.map((argument) => this.valueOf(argument))));
      return scalarOf(joined);
    }
    return undefined;
  }

  /** What a callback returns (`p => ({ … })`, `function (p) { return … }`, a function's name). */
  private callbackReturn(callback: ts.Expression | undefined): Value | undefined {
    if (!callback) return undefined;
    const inner = unwrap(callback);
    if (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner)) return this.returnValue(inner);
    if (ts.isIdentifier(inner)) {
      const fn = this.functionOf(inner);
      return fn ? this.returnValue(fn) : undefined;
    }
    return undefined;
  }

  /** The join of what a function returns, with its parameters bound to every argument it receives. */
  returnValue(fn: ts.FunctionLikeDeclaration): Value | undefined {
    return this.memo(this.returnCache, fn, () => {
      const body = fn.body;
      if (!body) return undefined;
      if (!ts.isBlock(body)) return this.valueOf(body);
      let result: Value | undefined;
      const visit = (node: ts.Node): void => {
        if (isFunctionLike(node) || ts.isClassLike(node)) return;
        if (ts.isReturnStatement(node) && node.expression) {
          result = join(result, this.valueOf(node.expression));
        }
        ts.forEachChild(node, visit);
      };
      ts.forEachChild(body, visit);
      return result;
    });
  }

  /** The value of the variable, parameter or destructured name declared by `declared`. */
  bindingValue(declared: ts.Identifier): Value | undefined {
    return this.memo(this.bindingCache, declared, () =>
      join(this.declaredValue(declared), this.mutatedValue(declared)),
    );
  }

  private declaredValue(declared: ts.Identifier): Value | undefined {
    const parent = declared.parent;
    if (ts.isVariableDeclaration(parent)) return this.variableSource(parent, declared);
    if (ts.isParameter(parent)) return this.parameterValue(parent, declared);
    if (ts.isBindingElement(parent)) return this.bindingElementValue(parent);
    return undefined;
  }

  /** The value a variable declaration's name (or pattern) receives. */
  private variableSource(declaration: ts.VariableDeclaration, named?: ts.Node): Value | undefined {
    const list = declaration.parent;
    const statement = list.parent;
    if (ts.isForOfStatement(statement) && statement.initializer === list) {
      const iterated = this.valueOf(statement.expression);
      const element = elementOf(iterated);
      const label = ts.isIdentifier(declaration.name) ? declaration.name.text : 'each row';
      return withStep(
        element,
        this.step(
          named ?? declaration.name,
          `each item of ${shortText(statement.expression)} as ${label}`,
        ),
      );
    }
    if (ts.isForInStatement(statement) && statement.initializer === list) return undefined;
    return this.valueOf(declaration.initializer);
  }

  private bindingElementValue(element: ts.BindingElement): Value | undefined {
    const pattern = element.parent;
    const source = this.patternSource(pattern);
    let value: Value | undefined;
    if (element.dotDotDotToken) {
      value = source;
    } else if (ts.isObjectBindingPattern(pattern)) {
      const key = propertyNameText(element.propertyName ?? element.name);
      value = key === undefined ? scalarOf(source) : propertyOf(source, key);
    } else {
      const index = pattern.elements.indexOf(element);
      value = source?.fields?.get(String(index)) ?? elementOf(source);
    }
    return join(value, this.valueOf(element.initializer));
  }

  private patternSource(pattern: ts.BindingPattern): Value | undefined {
    const owner = pattern.parent;
    if (ts.isVariableDeclaration(owner)) return this.variableSource(owner);
    if (ts.isParameter(owner)) return this.parameterValue(owner);
    if (ts.isBindingElement(owner)) return this.bindingElementValue(owner);
    return undefined;
  }

  private parameterValue(
    parameter: ts.ParameterDeclaration,
    named?: ts.Identifier,
  ): Value | undefined {
    const fn = parameter.parent;
    if (!isFunctionLike(fn)) return undefined;
    const index = fn.parameters.indexOf(parameter);
    const label = named?.text ?? (ts.isIdentifier(parameter.name) ? parameter.name.text : 'row');
    const stepNode = named ?? parameter.name;
    const parent = fn.parent;
    if (ts.isCallExpression(parent) && parent.arguments.includes(fn as ts.Expression)) {
      return this.callbackParameter(parent, index, stepNode, label);
    }
    if (ts.isMethodDeclaration(fn)) return this.methodArguments(fn, index);
    // A named function: every call in the file (and every place it is passed as a callback).
    const name = this.nameOfFunction(fn);
    if (!name) return undefined;
    this.indexFile();
    let result: Value | undefined;
    for (const site of this.callSites?.get(name) ?? []) {
      if (ts.isCallExpression(site)) {
        const argument = site.arguments[index];
        if (!argument || ts.isSpreadElement(argument)) continue;
        result = join(
          result,
          withStep(this.valueOf(argument), this.step(argument, `passed to ${name.text}`)),
        );
      } else if (ts.isIdentifier(site) && ts.isCallExpression(site.parent)) {
        result = join(result, this.callbackParameter(site.parent, index, stepNode, label));
      }
    }
    return result;
  }

  private methodArguments(method: ts.MethodDeclaration, index: number): Value | undefined {
    const name = method.name && propertyNameText(method.name);
    if (!name) return undefined;
    let result: Value | undefined;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && this.methodOf(node) === method) {
        const argument = node.arguments[index];
        if (argument && !ts.isSpreadElement(argument)) {
          result = join(
            result,
            withStep(this.valueOf(argument), this.step(argument, `passed to ${name}`)),
          );
        }
      }
      ts.forEachChild(node, visit);
    };
    if (method.parent) visit(method.parent);
    return result;
  }

  private nameOfFunction(fn: ts.FunctionLikeDeclaration): ts.Identifier | undefined {
    if (ts.isFunctionDeclaration(fn) && fn.name) return fn.name;
    const parent = fn.parent;
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name;
    if (
      (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent)) &&
      ts.isVariableDeclaration(parent.parent) &&
      ts.isIdentifier(parent.parent.name)
    ) {
      return parent.parent.name;
    }
    return undefined;
  }

  /** A callback's parameter: rows of `rows.forEach(p => …)`, the result of `query.then(rows => …)`. */
  private callbackParameter(
    call: ts.CallExpression,
    index: number,
    stepNode: ts.Node,
    label: string,
  ): Value | undefined {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    const receiverNode = callee.expression;
    if (ITERATING_METHODS.has(method) || method === 'reduce' || method === 'reduceRight') {
      const elementIndex = method.startsWith('reduce') ? 1 : 0;
      if (index !== elementIndex) return undefined;
      return withStep(
        elementOf(this.valueOf(receiverNode)),
        this.step(stepNode, `each item of ${shortText(receiverNode)} as ${label}`),
      );
    }
    if (method === 'then' && index === 0) return this.valueOf(receiverNode);
    if (method === 'on' && index === 0) {
      const event = call.arguments[0];
      if (event && ts.isStringLiteralLike(event) && /^(?:data|row|result)$/.test(event.text)) {
        return withStep(
          elementOf(this.valueOf(receiverNode)),
          this.step(stepNode, `each item of ${shortText(receiverNode)} as ${label}`),
        );
      }
    }
    return undefined;
  }

  private mutatedValue(declared: ts.Identifier): Value | undefined {
    this.indexFile();
    const list = this.mutations?.get(declared);
    if (!list) return undefined;
    let result: Value | undefined;
    for (const mutation of list) {
      const value = this.valueOf(mutation.value);
      if (!value) continue;
      switch (mutation.kind) {
        case 'assign':
          result = join(result, value);
          break;
        case 'element':
          result = join(result, { element: mutation.spread ? (elementOf(value) ?? value) : value });
          break;
        case 'mixin':
          result = join(result, value.fields || value.row ? value : scalarOf(value));
          break;
        case 'field': {
          let nested: Value = { ...value, at: this.locate(mutation.at) };
          for (let i = mutation.path.length - 1; i >= 0; i--) {
            nested = { fields: new Map([[mutation.path[i] as string, nested]]) };
          }
          result = join(result, nested);
          break;
        }
      }
    }
    return result;
  }
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** Source text of a small expression for step descriptions (`patients`, `result.rows`). */
export function shortText(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
