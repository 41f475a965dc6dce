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
import type { FlowStep, SourceLocation, Transform } from '../../facts.js';
import { fileBudget } from '../../util/budget.js';
import { hasModifier, isWrapperExpression, lastNameOf, unwrapRaw } from './syntax-index.js';
import { LexicalScopes, isFunctionLike } from './data-flow/scopes.js';
import {
  elementOf,
  isTainted,
  join,
  joinAll,
  propertyOf,
  scalarOf,
  transformed,
  withStep,
} from './data-flow/values.js';
import type { Leaf, Value } from './data-flow/values.js';
import { REQUEST_BODY, isRequestBody, requestFieldNames } from './data-flow/request-bodies.js';
import {
  FUNCTION_ARGUMENTS,
  exportedNamesOf,
  isCommonJsExport,
} from './data-flow/exported-functions.js';
import {
  HTTP_CLIENT_NAMES,
  ITERATING_METHODS,
  NOT_DATA_GLOBALS,
  NOT_DATA_METHODS,
  ONE_ROW_METHODS,
  PASS_THROUGH_GLOBALS,
  PREDICATE_NAME,
  SAME_ROWS_METHODS,
  TRANSFORM_NAMES,
} from './data-flow/vocabulary.js';

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

type Mutation =
  | { kind: 'assign'; value: ts.Expression }
  | { kind: 'field'; path: string[]; value: ts.Expression; at: ts.Node }
  | { kind: 'element'; value: ts.Expression; spread?: boolean }
  | { kind: 'mixin'; value: ts.Expression };

/** The transform a function name implies (`sha256` → hash), if any. */
export function transformOfName(name: string): Transform | undefined {
  return TRANSFORM_NAMES.find(([pattern]) => pattern.test(name))?.[1];
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

/** A helper call read with its parameters bound to the values of its arguments. */
interface CallFrame {
  fn: ts.FunctionLikeDeclaration;
  args: Array<Value | undefined>;
}

/** Helpers up to this many characters are read once per call; longer ones once per file. */
const MAX_BOUND_HELPER_LENGTH = 2000;
/** Bound helper calls inside one another: deeper ones join every call (the work stays linear). */
const MAX_BOUND_CALLS = 3;

/**
 * Tracks values through one file. Created once per file; everything is computed lazily and
 * memoised, and a value that depends on itself (a loop-carried assignment) stops at the cycle.
 */
export class ValueTracker {
  private readonly scopes = new LexicalScopes();
  private readonly valueCache = new Map<ts.Node, Value | null>();
  private readonly returnCache = new Map<ts.Node, Value | null>();
  private readonly bindingCache = new Map<ts.Node, Value | null>();
  private readonly inProgress = new Map<Map<ts.Node, Value | null>, Set<ts.Node>>();
  private mutations: Map<ts.Identifier, Mutation[]> | undefined;
  private callSites: Map<ts.Identifier, ts.Node[]> | undefined;
  /** Local names the file exports by list or through `module.exports`, once asked for. */
  private exportedNames: Set<string> | undefined;
  /** The names the file reads from request bodies, once asked for (`request-bodies.ts`). */
  private requestFields: string[] | undefined;
  /** Calls of small local helpers being read with their parameters bound (see `returnValueAt`). */
  private readonly frames: CallFrame[] = [];

  constructor(
    readonly sourceFile: ts.SourceFile,
    readonly locate: (node: ts.Node) => SourceLocation,
    private readonly hooks: TrackerHooks,
  ) {}

  // ── bindings ────────────────────────────────────────────────────────────────────────────────

  /** The identifier that declares what `identifier` refers to, by lexical scope. */
  declarationOf(identifier: ts.Identifier): ts.Identifier | undefined {
    return this.scopes.declarationOf(identifier);
  }

  /** `updates.iban = …`: the fields assigned one level deep to the object `declared` names. */
  fieldAssignments(declared: ts.Identifier): Array<{ name: string; value: ts.Expression }> {
    this.indexFile();
    return (this.mutations?.get(declared) ?? []).flatMap((mutation) =>
      mutation.kind === 'field' && mutation.path.length === 1
        ? [{ name: mutation.path[0] as string, value: mutation.value }]
        : [],
    );
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

  /** A variable made by `new URLSearchParams(…)` or `new FormData()`: a form to post. */
  private isFormBuilder(expression: ts.Expression): boolean {
    const inner = unwrap(expression);
    if (!ts.isIdentifier(inner)) return false;
    const declaration = this.declarationOf(inner)?.parent;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) {
      return false;
    }
    const made = unwrap(declaration.initializer);
    return (
      ts.isNewExpression(made) &&
      ts.isIdentifier(made.expression) &&
      (made.expression.text === 'URLSearchParams' || made.expression.text === 'FormData')
    );
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
            (method === 'set' || method === 'append') &&
            node.arguments.length >= 2 &&
            this.isFormBuilder(callee.expression)
          ) {
            // `form.append('To', phone)` on a `new URLSearchParams()` or `new FormData()`: the
            // form, posted as a request body, carries the value under its key.
            const [key, value] = node.arguments as unknown as [ts.Expression, ts.Expression];
            if (ts.isStringLiteralLike(key)) {
              add(callee.expression, { kind: 'field', path: [key.text], value, at: node });
            } else add(callee.expression, { kind: 'mixin', value });
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
    // Inside a helper read for one call, values hold for that call only: neither read nor kept.
    const forOneCall = this.frames.length > 0 && this.frameAround(node) !== undefined;
    const cached = forOneCall ? undefined : cache.get(node);
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
    if (!forOneCall) cache.set(node, kept ?? null);
    return kept;
  }

  /** The innermost helper call being read whose function holds `node`. */
  private frameAround(node: ts.Node): CallFrame | undefined {
    for (let index = this.frames.length - 1; index >= 0; index--) {
      const frame = this.frames[index] as CallFrame;
      if (node.pos >= frame.fn.pos && node.end <= frame.fn.end) return frame;
    }
    return undefined;
  }

  /**
   * What a call of a local function returns. A small helper (`const dim = (s) => \`…${s}…\``) is
   * read with its parameters bound to this call's arguments: `dim('Report')` holds nothing even
   * when another call passes a patient's name. Bigger functions, recursion and deep nesting keep
   * the join over every call, which bounds the work.
   */
  private returnValueAt(
    fn: ts.FunctionLikeDeclaration,
    call: ts.CallExpression,
  ): Value | undefined {
    if (
      fn.parameters.length === 0 ||
      fn.end - fn.pos > MAX_BOUND_HELPER_LENGTH ||
      this.frames.length >= MAX_BOUND_CALLS ||
      this.frames.some((frame) => frame.fn === fn)
    ) {
      return this.returnValue(fn);
    }
    const name =
      (ts.isMethodDeclaration(fn) ? propertyNameText(fn.name) : this.nameOfFunction(fn)?.text) ??
      'the function';
    const passed = (argument: ts.Expression | undefined) =>
      argument === undefined || ts.isSpreadElement(argument)
        ? undefined
        : withStep(this.valueOf(argument), this.step(argument, `passed to ${name}`));
    const args = fn.parameters.map((parameter, index) =>
      parameter.dotDotDotToken
        ? joinAll(call.arguments.slice(index).map(passed))
        : passed(call.arguments[index]),
    );
    this.frames.push({ fn, args });
    try {
      return this.returnValue(fn);
    } finally {
      this.frames.pop();
    }
  }

  /** The body of the request a handler serves, with the fields the file reads from it. */
  private requestBody(node: ts.Expression): Value {
    this.requestFields ??= requestFieldNames(this.sourceFile);
    const template: Leaf = {
      from: [],
      transform: 'copy',
      path: [this.step(node, 'read from the request body')],
    };
    const fields = new Map<string, Value>();
    for (const name of this.requestFields) {
      // A field that holds an object (`patientInfo.allergies`) has fields of its own, read by
      // their names like the body's.
      fields.set(name, {
        leaf: { ...template, from: [{ table: REQUEST_BODY, column: name }] },
        row: { table: REQUEST_BODY, template },
      });
    }
    return { row: { table: REQUEST_BODY, template }, fields };
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
    if (isWrapperExpression(node)) return this.valueOf(node.expression);
    if ((ts.isPropertyAccessExpression(node) || ts.isCallExpression(node)) && isRequestBody(node)) {
      return this.requestBody(node);
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
      return scalarOf(
        joinAll(node.templateSpans.map((span) => asString(this.valueOf(span.expression)))),
      );
    }
    if (ts.isObjectLiteralExpression(node)) return this.objectValue(node);
    if (ts.isArrayLiteralExpression(node)) {
      const values = node.elements.map((item) =>
        ts.isSpreadElement(item) ? elementOf(this.valueOf(item.expression)) : this.valueOf(item),
      );
      const element = joinAll(values);
      if (!element) return undefined;
      const tuple = !node.elements.some((item) => ts.isSpreadElement(item));
      return tuple ? { element, items: values } : { element };
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
        return scalarOf(
          join(asString(this.valueOf(node.left)), asString(this.valueOf(node.right))),
        );
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
      if (fn) return this.returnValueAt(fn, call);
      if (NOT_DATA_GLOBALS.has(name) || PREDICATE_NAME.test(name)) return undefined;
      const transform = transformOfName(name);
      const joined = joinAll(args.map((argument) => this.valueOf(argument)));
      if (HTTP_CLIENT_NAMES.has(name)) return httpResponse(joined);
      if (transform) return transformed(joined, transform, name);
      if (PASS_THROUGH_GLOBALS.has(name)) return scalarOf(joined);
      return joined;
    }
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    const receiverNode = callee.expression;

    const ownMethod = this.methodOf(call);
    if (ownMethod) return this.returnValueAt(ownMethod, call);

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

    // `decipher.update(stored, 'hex', 'utf8')`: what the cipher made from the value it is fed.
    const cipher = (method === 'update' || method === 'final') && this.cipherOf(receiverNode);
    if (cipher) {
      return transformed(joinAll(args.map((argument) => this.valueOf(argument))), cipher, method);
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
      const joined = joinAll(args.map((argument) => this.valueOf(argument)));
      return HTTP_CLIENT_NAMES.has(receiverNode.text) ? httpResponse(joined) : joined;
    }
    return undefined;
  }

  /** `decrypt` for a Node cipher made by `createDecipheriv` (or `createDecipher`), `encrypt` for `createCipheriv`. */
  private cipherOf(receiver: ts.Expression): Transform | undefined {
    const node = unwrap(receiver);
    const made = ts.isIdentifier(node) ? this.initializerOf(node) : node;
    const call = made && unwrap(made);
    if (!call || !ts.isCallExpression(call)) return undefined;
    const callee = unwrap(call.expression);
    const name = lastNameOf(callee);
    if (/^createDecipher(?:iv)?$/.test(name)) return 'decrypt';
    if (/^createCipher(?:iv)?$/.test(name)) return 'encrypt';
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
      // `[first, ...rest]` of a tuple: the positions after the named ones.
      const rest = ts.isArrayBindingPattern(pattern)
        ? source?.items?.slice(pattern.elements.indexOf(element))
        : undefined;
      const restElement = rest && joinAll(rest);
      value = rest ? restElement && { element: restElement, items: rest } : source;
    } else if (ts.isObjectBindingPattern(pattern)) {
      const key = propertyNameText(element.propertyName ?? element.name);
      value = key === undefined ? scalarOf(source) : propertyOf(source, key);
    } else {
      const index = pattern.elements.indexOf(element);
      value = source?.items
        ? source.items[index]
        : (source?.fields?.get(String(index)) ?? elementOf(source));
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
    const bound = this.frames.findLast((frame) => frame.fn === fn);
    if (bound) return bound.args[index];
    const label = named?.text ?? (ts.isIdentifier(parameter.name) ? parameter.name.text : 'row');
    const stepNode = named ?? parameter.name;
    const parent = fn.parent;
    if (ts.isCallExpression(parent) && parent.arguments.includes(fn as ts.Expression)) {
      return this.callbackParameter(parent, index, stepNode, label);
    }
    if (ts.isMethodDeclaration(fn)) {
      const { value, called } = this.methodArguments(fn, index);
      return called ? value : this.argumentFromOtherFiles(fn, parameter, named);
    }
    // A named function: every call in the file (and every place it is passed as a callback).
    const name = this.nameOfFunction(fn);
    if (!name) return this.argumentFromOtherFiles(fn, parameter, named);
    this.indexFile();
    const sites = this.callSites?.get(name) ?? [];
    if (sites.length === 0) return this.argumentFromOtherFiles(fn, parameter, named);
    let result: Value | undefined;
    for (const site of sites) {
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

  private methodArguments(
    method: ts.MethodDeclaration,
    index: number,
  ): { value: Value | undefined; called: boolean } {
    const name = method.name && propertyNameText(method.name);
    if (!name) return { value: undefined, called: false };
    let result: Value | undefined;
    let called = false;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && this.methodOf(node) === method) {
        called = true;
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
    return { value: result, called };
  }

  /**
   * A parameter of a function other files call (exported, never called in this file): what it
   * holds is read by its name, as a column of the function's arguments (`sendReminder(phone)`,
   * `notify({ email, fullName })`, `patient.phone`), so that a helper which logs or sends what
   * it is handed is judged where it does so. Keys and names that say nothing stay silent.
   */
  private argumentFromOtherFiles(
    fn: ts.FunctionLikeDeclaration,
    parameter: ts.ParameterDeclaration,
    named: ts.Identifier | undefined,
  ): Value | undefined {
    const exported = this.exportedFunctionName(fn);
    if (exported === undefined) return undefined;
    const label = shortText(parameter.name);
    const template: Leaf = {
      from: [],
      transform: 'copy',
      path: [
        this.step(named ?? parameter.name, `${label}, as ${exported} is called from other files`),
      ],
    };
    const row = { table: FUNCTION_ARGUMENTS, template };
    if (!ts.isIdentifier(parameter.name)) return { row };
    return {
      leaf: { ...template, from: [{ table: FUNCTION_ARGUMENTS, column: parameter.name.text }] },
      row,
    };
  }

  /** The name under which other files call `fn`, if it is exported from this file. */
  private exportedFunctionName(fn: ts.FunctionLikeDeclaration): string | undefined {
    this.exportedNames ??= exportedNamesOf(this.sourceFile);
    if (ts.isMethodDeclaration(fn)) {
      const owner = fn.parent;
      const name = propertyNameText(fn.name);
      const hidden =
        ts.isPrivateIdentifier(fn.name) ||
        hasModifier(fn, ts.SyntaxKind.PrivateKeyword) ||
        hasModifier(fn, ts.SyntaxKind.ProtectedKeyword);
      if (!ts.isClassDeclaration(owner) || !owner.name || hidden || name === undefined) {
        return undefined;
      }
      return hasModifier(owner, ts.SyntaxKind.ExportKeyword) ||
        this.exportedNames.has(owner.name.text)
        ? `${owner.name.text}.${name}`
        : undefined;
    }
    if (hasModifier(fn, ts.SyntaxKind.ExportKeyword)) {
      return this.nameOfFunction(fn)?.text ?? 'the default export';
    }
    if (ts.isExportAssignment(fn.parent)) return 'the default export';
    // `exports.notify = (patient) => …`, `module.exports = async (to) => …`
    const assigned = fn.parent;
    if (
      ts.isBinaryExpression(assigned) &&
      assigned.right === fn &&
      isCommonJsExport(assigned.left)
    ) {
      return ts.isPropertyAccessExpression(assigned.left) && assigned.left.name.text !== 'exports'
        ? assigned.left.name.text
        : 'the module export';
    }
    const name = this.nameOfFunction(fn);
    if (!name) return undefined;
    const declaration = name.parent;
    if (
      ts.isVariableDeclaration(declaration) &&
      ts.isVariableStatement(declaration.parent.parent) &&
      hasModifier(declaration.parent.parent, ts.SyntaxKind.ExportKeyword)
    ) {
      return name.text;
    }
    return this.exportedNames.has(name.text) ? name.text : undefined;
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

/**
 * What a value prints as inside a string (`'rows: ' + rows`, `` `${patient}` ``): a scalar itself,
 * an array its elements joined by commas, but an object `[object Object]`, which names nobody.
 */
function asString(value: Value | undefined, depth = 0): Value | undefined {
  if (!value || depth > 4) return undefined;
  if (value.leaf) return { leaf: value.leaf };
  if (value.element) return asString(value.element, depth + 1);
  return undefined;
}

/**
 * The response of an HTTP request: its body, status and headers are the server's answer, but the
 * response object keeps the request (fetch's `response.url`, axios's `response.config`), so
 * logging it whole (`console.log(response)`) prints the URL and data that were sent.
 */
function httpResponse(request: Value | undefined): Value | undefined {
  const sent = scalarOf(request);
  if (!sent) return undefined;
  return {
    fields: new Map([
      ['url', sent],
      ['config', sent],
      ['request', sent],
    ]),
  };
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** Source text of a small expression for step descriptions (`patients`, `result.rows`). */
export function shortText(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
