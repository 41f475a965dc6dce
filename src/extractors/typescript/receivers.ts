/**
 * Syntax-only recognition of the objects migrations call: which identifiers hold a Knex instance, a
 * schema builder, a TypeORM query runner, a Sequelize query interface, a Kysely database. Nothing is
 * type-checked or evaluated; an identifier is bound to a receiver kind by
 *
 * - its position in a migration function (`up(knex)`, `up(queryInterface, Sequelize)`),
 * - its name or type annotation (`knex: Knex`, `db: Kysely<any>`),
 * - destructuring in a migration function (`up({ context: queryInterface })`, umzug),
 * - aliases (`const schema = knex.schema`, `const { schema } = knex`),
 * - callbacks of receiver methods (`knex.transaction(async (trx) => …)`),
 * - helper functions of the same file called with a receiver (`addAuditColumns(knex, 'patients')`).
 *
 * Bindings are per file and by name: migration files are small and reuse names consistently.
 * Also here: the values of constants (`const TABLE = 'patients'`) that ORM calls name tables with,
 * and which direction (`up` or `down`) of a migration a node belongs to.
 */
import { importedDeclaration } from './imports.js';
import { Node, SyntaxKind, ts } from './morph.js';
import { syntaxIndexOf, unwrapRaw } from './syntax-index.js';
import type {
  ArrowFunction,
  CallExpression,
  FunctionDeclaration,
  FunctionExpression,
  ObjectLiteralExpression,
  PropertyAccessExpression,
  SourceFile,
} from 'ts-morph';

export interface ReceiverRules<Kind extends string> {
  /** Kinds of a migration direction function's parameters by position: `up(knex)`, `up(queryInterface, Sequelize)`. */
  migrationParameters?: readonly (Kind | undefined)[];
  /** Properties destructured from a migration function's parameter: umzug's `{ context }`. */
  destructured?: Readonly<Record<string, Kind>>;
  /** Names that mean a receiver wherever they are declared or used (`knex`, `queryInterface`). */
  names?: Readonly<Record<string, Kind>>;
  /** Type annotation names (`Knex`, `Knex.Transaction`, `Kysely`); generic arguments are ignored. */
  typeNames?: Readonly<Record<string, Kind>>;
  /** Receiver properties that are receivers themselves: `knex.schema`, `queryInterface.sequelize`. */
  properties?: Readonly<Partial<Record<Kind, Readonly<Record<string, Kind>>>>>;
  /** Receiver methods that return a receiver: `knex.schema.withSchema('audit')`. */
  methods?: Readonly<Partial<Record<Kind, Readonly<Record<string, Kind>>>>>;
  /** Receiver methods whose callback's first parameter is a receiver: `knex.transaction(async (trx) => …)`. */
  callbacks?: Readonly<Partial<Record<Kind, Readonly<Record<string, Kind>>>>>;
  /** Classes whose instances are receivers: `new Kysely<Database>(…)`. */
  constructors?: Readonly<Record<string, Kind>>;
  /** Factory functions that return a receiver when called with a configuration object: `knex({ client: 'pg' })`. */
  factories?: Readonly<Record<string, Kind>>;
  /**
   * Getters whose call returns a receiver even when their definition cannot be read (a function
   * passed in as a parameter, a method of a base class): `dbcon()`, `this.getKnex()`. Functions of
   * the project that return a receiver are recognised by what they return, whatever their name.
   */
  getters?: Readonly<Record<string, Kind>>;
  /** Members that hold a receiver on `this` or a context object: `this.knex`, `ctx.db`. */
  members?: Readonly<Record<string, Kind>>;
}

export interface ReceiverBindings<Kind extends string> {
  /** The receiver kind an expression evaluates to, or undefined when it is not a known receiver. */
  kindOf(expression: Node | undefined): Kind | undefined;
  /** `kindOf` on a raw compiler node: no wrapper is needed to ask. */
  rawKindOf(expression: ts.Expression | undefined): Kind | undefined;
  /** The root identifier of a receiver expression (`ppsDb` in `ppsDb.schema`), for connection names. */
  rootName(expression: Node | undefined): string | undefined;
  /** Identifier name → receiver kind, for tests and diagnostics. */
  readonly names: ReadonlyMap<string, Kind>;
}

/** `up` or `down` when the function is a migration direction: `function up`, `up: …`, `exports.up = …`, a method `up`. */
function directionOfRaw(fn: ts.Node): 'up' | 'down' | undefined {
  let name: string | undefined;
  if (ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) {
    name = fn.name && ts.isIdentifier(fn.name) ? fn.name.text : undefined;
  } else if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) {
    let holder: ts.Node = fn.parent;
    while (ts.isParenthesizedExpression(holder) || ts.isAsExpression(holder))
      holder = holder.parent;
    if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) name = holder.name.text;
    else if (ts.isPropertyAssignment(holder) && ts.isIdentifier(holder.name))
      name = holder.name.text;
    else if (
      ts.isBinaryExpression(holder) &&
      holder.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(holder.left)
    ) {
      name = holder.left.name.text;
    }
  }
  return name === 'up' || name === 'down' ? name : undefined;
}

/**
 * The migration direction a node belongs to: the nearest enclosing `up`/`down` function, or a
 * method of the migration class that only one of them calls (`down()` dispatching to
 * `this.postgresDownQueryRunner(queryRunner)` per database).
 */
export function migrationDirectionOf(node: Node): 'up' | 'down' | undefined {
  return rawMigrationDirectionOf(node.compilerNode);
}

function rawMigrationDirectionOf(node: ts.Node): 'up' | 'down' | undefined {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (ts.isFunctionLike(current)) {
      const direction = directionOfRaw(current) ?? delegatedDirection(current);
      if (direction) return direction;
    }
  }
  return undefined;
}

const delegatedDirections = new WeakMap<ts.Node, 'up' | 'down' | undefined>();

/** `up` or `down` when the method is called as `this.<name>(…)` from exactly one of them. */
function delegatedDirection(fn: ts.Node): 'up' | 'down' | undefined {
  if (!ts.isMethodDeclaration(fn) || !ts.isIdentifier(fn.name)) return undefined;
  if (delegatedDirections.has(fn)) return delegatedDirections.get(fn);
  const owner = fn.parent;
  if (!ts.isClassLike(owner)) return undefined;
  const name = fn.name.text;
  const callers = new Set<'up' | 'down'>();
  for (const member of owner.members) {
    if (!ts.isMethodDeclaration(member) || member === fn) continue;
    const direction = directionOfRaw(member);
    if (direction && member.body && callsThisMethod(member.body, name)) callers.add(direction);
  }
  const direction = callers.size === 1 ? [...callers][0] : undefined;
  delegatedDirections.set(fn, direction);
  return direction;
}

function callsThisMethod(body: ts.Node, name: string): boolean {
  const visit = (node: ts.Node): boolean =>
    (ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.expression.kind === ts.SyntaxKind.ThisKeyword &&
      node.expression.name.text === name) ||
    ts.forEachChild(node, visit) === true;
  return visit(body);
}

/** Only the forward direction is replayed (rules.md): code in `down` is never read. */
export function isInDownMigration(node: Node): boolean {
  return migrationDirectionOf(node) === 'down';
}

/** `isInDownMigration` on a raw compiler node. */
export function isRawNodeInDownMigration(node: ts.Node): boolean {
  return rawMigrationDirectionOf(node) === 'down';
}

/** Is this function an `up`/`down` migration function? */
export function migrationDirectionOfFunction(fn: Node): 'up' | 'down' | undefined {
  return directionOfRaw(fn.compilerNode);
}

function typeNameOfRaw(type: ts.TypeNode | undefined): string[] {
  if (!type) return [];
  if (ts.isTypeReferenceNode(type)) {
    const full = type.typeName.getText();
    const first = full.split('.')[0] ?? full;
    return first === full ? [full] : [full, first];
  }
  if (ts.isUnionTypeNode(type)) return type.types.flatMap(typeNameOfRaw);
  return [];
}

export function bindReceivers<Kind extends string>(
  sourceFile: SourceFile,
  rules: ReceiverRules<Kind>,
): ReceiverBindings<Kind> {
  const index = syntaxIndexOf(sourceFile.compilerNode);
  const names = new Map<string, Kind>();
  const bind = (name: ts.BindingName | undefined, kind: Kind | undefined): boolean => {
    if (!name || !kind || !ts.isIdentifier(name) || names.has(name.text)) return false;
    names.set(name.text, kind);
    return true;
  };

  const kindOfRaw = (expression: ts.Expression | undefined, depth = 0): Kind | undefined => {
    if (!expression || depth > 12) return undefined;
    const node = unwrapRaw(expression);
    if (ts.isIdentifier(node)) return names.get(node.text) ?? rules.names?.[node.text];
    if (ts.isPropertyAccessExpression(node)) {
      const owner = kindOfRaw(node.expression, depth + 1);
      if (owner) return rules.properties?.[owner]?.[node.name.text];
      return holdsReceiverMember(node) ? rules.members?.[node.name.text] : undefined;
    }
    if (ts.isCallExpression(node)) {
      const callee = unwrapRaw(node.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        const owner = kindOfRaw(callee.expression, depth + 1);
        if (owner) return rules.methods?.[owner]?.[callee.name.text];
        return node.arguments.length === 0 && holdsReceiverMember(callee)
          ? rules.getters?.[callee.name.text]
          : undefined;
      }
      if (ts.isIdentifier(callee)) {
        const first = node.arguments[0];
        const factory = rules.factories?.[callee.text];
        if (factory && first && isConfiguration(first)) return factory;
        if (names.has(callee.text)) return undefined;
        return getterKind(callee, depth);
      }
      return undefined;
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
      return rules.constructors?.[node.expression.text];
    }
    return undefined;
  };

  /**
   * What a call of a function returns: a function of this file or of an imported module whose
   * returned expression is a receiver (`const dbcon = () => knex(config)`), else a getter known by
   * name (`dbcon`, passed in as a parameter).
   */
  const getterKind = (callee: ts.Identifier, depth: number): Kind | undefined => {
    if (gettersInProgress.has(callee.text)) return undefined;
    gettersInProgress.add(callee.text);
    try {
      for (const fn of index.functionsByName.get(callee.text) ?? []) {
        for (const returned of returnedExpressions(fn)) {
          const kind = kindOfRaw(returned, depth + 1);
          if (kind) return kind;
        }
      }
      if (!index.functionsByName.has(callee.text) && importDepth < MAX_GETTER_IMPORT_DEPTH) {
        const imported = importedDeclaration(wrap(sourceFile, callee));
        if (imported && isFunctionLikeRaw(imported.compilerNode)) {
          importDepth++;
          try {
            const foreign = bindReceivers(imported.getSourceFile(), rules);
            for (const returned of returnedExpressions(imported.compilerNode)) {
              const kind = foreign.kindOf(wrap(imported.getSourceFile(), returned));
              if (kind) return kind;
            }
          } finally {
            importDepth--;
          }
        }
      }
      return rules.getters?.[callee.text];
    } finally {
      gettersInProgress.delete(callee.text);
    }
  };
  const gettersInProgress = new Set<string>();

  const bindParameters = (fn: ts.SignatureDeclaration): boolean => {
    let changed = false;
    const direction = directionOfRaw(fn);
    fn.parameters.forEach((parameter, position) => {
      const name = parameter.name;
      if (direction) {
        changed = bind(name, rules.migrationParameters?.[position]) || changed;
        if (ts.isObjectBindingPattern(name)) {
          for (const element of name.elements) {
            const property = element.propertyName ?? element.name;
            if (ts.isIdentifier(property) || ts.isStringLiteral(property)) {
              changed = bind(element.name, rules.destructured?.[property.text]) || changed;
            }
          }
        }
      }
      if (ts.isIdentifier(name)) {
        changed = bind(name, rules.names?.[name.text]) || changed;
        for (const typeName of typeNameOfRaw(parameter.type)) {
          changed = bind(name, rules.typeNames?.[typeName]) || changed;
        }
      }
    });
    return changed;
  };

  const bindVariable = (declaration: ts.VariableDeclaration): boolean => {
    if (!declaration.initializer) return false;
    if (ts.isIdentifier(declaration.name)) {
      const typed = typeNameOfRaw(declaration.type)
        .map((typeName) => rules.typeNames?.[typeName])
        .find(Boolean);
      return bind(declaration.name, typed ?? kindOfRaw(declaration.initializer));
    }
    if (ts.isObjectBindingPattern(declaration.name)) {
      const owner = kindOfRaw(declaration.initializer);
      if (!owner) return false;
      let changed = false;
      for (const element of declaration.name.elements) {
        const property = element.propertyName ?? element.name;
        if (ts.isIdentifier(property)) {
          changed = bind(element.name, rules.properties?.[owner]?.[property.text]) || changed;
        }
      }
      return changed;
    }
    return false;
  };

  const bindCall = (call: ts.CallExpression): boolean => {
    let changed = false;
    const callee = unwrapRaw(call.expression);
    if (ts.isPropertyAccessExpression(callee) && rules.callbacks) {
      const owner = kindOfRaw(callee.expression);
      const callbackKind = owner ? rules.callbacks[owner]?.[callee.name.text] : undefined;
      if (callbackKind) {
        for (const argument of call.arguments) {
          if (ts.isArrowFunction(argument) || ts.isFunctionExpression(argument)) {
            changed = bind(argument.parameters[0]?.name, callbackKind) || changed;
          }
        }
      }
    } else if (ts.isIdentifier(callee)) {
      const helpers = index.functionsByName.get(callee.text);
      if (!helpers) return false;
      call.arguments.forEach((argument, position) => {
        const kind = kindOfRaw(argument);
        if (!kind) return;
        for (const helper of helpers) {
          changed = bind(helper.parameters[position]?.name, kind) || changed;
        }
      });
    }
    return changed;
  };

  // A few passes reach a fixed point: each pass can only add bindings, and chains are short.
  for (let pass = 0; pass < 4; pass++) {
    let changed = false;
    for (const fn of index.functions) changed = bindParameters(fn) || changed;
    for (const declaration of index.variables) changed = bindVariable(declaration) || changed;
    for (const call of index.calls) changed = bindCall(call) || changed;
    if (!changed) break;
  }

  const rootNameRaw = (expression: ts.Expression): string | undefined => {
    const node = unwrapRaw(expression);
    if (ts.isIdentifier(node)) return node.text;
    if (ts.isPropertyAccessExpression(node)) return rootNameRaw(node.expression);
    if (ts.isCallExpression(node)) return rootNameRaw(node.expression);
    return undefined;
  };

  return {
    names,
    kindOf: (expression) =>
      expression ? kindOfRaw(expression.compilerNode as ts.Expression) : undefined,
    rawKindOf: (expression) => kindOfRaw(expression),
    rootName: (expression) =>
      expression ? rootNameRaw(expression.compilerNode as ts.Expression) : undefined,
  };
}

/** Imported getters are followed this many modules deep (a getter returning another module's getter). */
const MAX_GETTER_IMPORT_DEPTH = 2;
let importDepth = 0;

/** `this.knex`, `ctx.db`, `app.db`: a member of `this` or of a plain identifier. */
function holdsReceiverMember(access: ts.PropertyAccessExpression): boolean {
  const owner = unwrapRaw(access.expression);
  return owner.kind === ts.SyntaxKind.ThisKeyword || ts.isIdentifier(owner);
}

/** A factory's argument that configures a connection (`knex(config)`), not a table name (`knex('t')`). */
function isConfiguration(argument: ts.Expression): boolean {
  const value = unwrapRaw(argument);
  return (
    ts.isObjectLiteralExpression(value) ||
    ts.isElementAccessExpression(value) ||
    (ts.isPropertyAccessExpression(value) && /config|knexfile|options/i.test(value.getText())) ||
    (ts.isIdentifier(value) && /config|knexfile|options|settings/i.test(value.text))
  );
}

function isFunctionLikeRaw(node: ts.Node): node is ts.SignatureDeclaration {
  return (
    ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)
  );
}

/** The expressions a function returns: an arrow's expression body, or its `return` statements. */
export function returnedExpressions(fn: ts.Node): ts.Expression[] {
  if (ts.isArrowFunction(fn) && !ts.isBlock(fn.body)) return [fn.body];
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return [];
  const returned: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isReturnStatement(node) && node.expression) returned.push(node.expression);
    if (ts.isFunctionLike(node)) return; // an inner function's returns are its own
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return returned;
}

/** The function an identifier names in this file (a declaration or `const f = (…) => …`), if one. */
export function functionNamed(sourceFile: SourceFile, name: string): Node[] {
  const declarations = syntaxIndexOf(sourceFile.compilerNode).functionsByName.get(name) ?? [];
  return declarations.map((declaration) => wrap(sourceFile, declaration));
}

interface WrapperFactory {
  _getNodeFromCompilerNode?(node: ts.Node): Node;
}

/** Every call expression of the file as raw compiler nodes, in document (pre-)order. */
export function rawCallsOf(sourceFile: SourceFile): readonly ts.CallExpression[] {
  return syntaxIndexOf(sourceFile.compilerNode).calls;
}

/** The ts-morph wrapper of a raw compiler node of `sourceFile` (ts-morph keeps one per node). */
export function wrapNode(sourceFile: SourceFile, node: ts.Node): Node {
  return wrap(sourceFile, node);
}

function wrap(sourceFile: SourceFile, node: ts.Node): Node {
  const factory = sourceFile as unknown as WrapperFactory;
  if (typeof factory._getNodeFromCompilerNode === 'function') {
    return factory._getNodeFromCompilerNode(node);
  }
  const start = node.getStart(sourceFile.compilerNode);
  return sourceFile.getDescendantAtStartWithWidth(start, node.getEnd() - start) ?? sourceFile;
}

// ---- constants -------------------------------------------------------------------------------

/** The initializer of the `const` an identifier names in its file (first declaration of that name). */
export function constInitializerOf(identifier: Node): Node | undefined {
  const sourceFile = identifier.getSourceFile();
  const initializer = syntaxIndexOf(sourceFile.compilerNode).constants.get(identifier.getText());
  if (initializer) return wrap(sourceFile, initializer);
  // A constant imported from another module of the project: `import { PATIENTS } from './tables'`.
  const imported = Node.isIdentifier(identifier) ? importedDeclaration(identifier) : undefined;
  return imported && Node.isExpression(imported) ? imported : undefined;
}

function unwrap(node: Node): Node {
  let current = node;
  while (
    Node.isParenthesizedExpression(current) ||
    Node.isAsExpression(current) ||
    Node.isSatisfiesExpression(current) ||
    Node.isNonNullExpression(current) ||
    Node.isAwaitExpression(current)
  ) {
    current = current.getExpression();
  }
  return current;
}

/** The string a node holds: a literal, a `const` naming one, `TABLES.patients`, or a template of those. */
export function stringValue(node: Node | undefined, depth = 0): string | undefined {
  if (!node || depth > 6) return undefined;
  const value = unwrap(node);
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) {
    return value.getLiteralText();
  }
  if (Node.isIdentifier(value)) return stringValue(constInitializerOf(value), depth + 1);
  if (Node.isPropertyAccessExpression(value)) {
    const owner = unwrap(value.getExpression());
    if (owner.getKind() === SyntaxKind.ThisKeyword) {
      return stringValue(classFieldInitializer(value), depth + 1);
    }
    const object = Node.isIdentifier(owner) ? constInitializerOf(owner) : undefined;
    if (object && Node.isObjectLiteralExpression(unwrap(object))) {
      return stringValue(
        objectProperty(unwrap(object) as ObjectLiteralExpression, value.getName()),
        depth + 1,
      );
    }
    return undefined;
  }
  if (Node.isTemplateExpression(value)) {
    let text = value.getHead().getLiteralText();
    for (const span of value.getTemplateSpans()) {
      const part = stringValue(span.getExpression(), depth + 1);
      if (part === undefined) return undefined;
      text += part + span.getLiteral().getLiteralText();
    }
    return text;
  }
  return undefined;
}

/**
 * The initializer of the field `this.name` reads, in the class around it: AdonisJS migrations name
 * their table once, `protected tableName = 'patients'`, and use `this.tableName` in `up` and `down`.
 */
function classFieldInitializer(access: Node): Node | undefined {
  if (!Node.isPropertyAccessExpression(access)) return undefined;
  const owner = access.getFirstAncestor(
    (node) => Node.isClassDeclaration(node) || Node.isClassExpression(node),
  );
  if (!owner || !(Node.isClassDeclaration(owner) || Node.isClassExpression(owner)))
    return undefined;
  return owner.getProperty(access.getName())?.getInitializer();
}

/** Strings of an array literal (or a `const` naming one), or a single string as a one-element list. */
export function stringList(node: Node | undefined): string[] {
  if (!node) return [];
  let value = unwrap(node);
  if (Node.isIdentifier(value)) value = unwrap(constInitializerOf(value) ?? value);
  if (Node.isArrayLiteralExpression(value)) {
    return value.getElements().flatMap((element) => {
      const text = stringValue(element);
      return text === undefined ? [] : [text];
    });
  }
  const single = stringValue(value);
  return single === undefined ? [] : [single];
}

export function numberValue(node: Node | undefined): number | undefined {
  if (!node) return undefined;
  const value = unwrap(node);
  if (Node.isNumericLiteral(value)) return value.getLiteralValue();
  if (Node.isStringLiteral(value) && /^\d+$/.test(value.getLiteralText())) {
    return Number(value.getLiteralText());
  }
  if (Node.isIdentifier(value)) return numberValue(constInitializerOf(value));
  return undefined;
}

export function booleanValue(node: Node | undefined): boolean | undefined {
  if (!node) return undefined;
  const kind = unwrap(node).getKind();
  if (kind === SyntaxKind.TrueKeyword) return true;
  if (kind === SyntaxKind.FalseKeyword) return false;
  return undefined;
}

/**
 * The name of an object literal member as written (`name`, `'name'`, `[‘name’]` with a literal).
 * Read on the raw nodes: only a computed name is wrapped, to follow its expression.
 */
export function propertyNameOf(member: Node): string | undefined {
  const raw = member.compilerNode;
  if (
    !ts.isPropertyAssignment(raw) &&
    !ts.isShorthandPropertyAssignment(raw) &&
    !ts.isMethodDeclaration(raw)
  ) {
    return undefined;
  }
  const nameNode = raw.name;
  if (ts.isIdentifier(nameNode)) return nameNode.getText(member.getSourceFile().compilerNode);
  if (ts.isStringLiteral(nameNode) || ts.isNumericLiteral(nameNode)) return nameNode.text;
  if (ts.isComputedPropertyName(nameNode)) {
    return stringValue(wrap(member.getSourceFile(), nameNode.expression));
  }
  return undefined;
}

/** The value of an object literal's property (`{ name: 'x' }` → the `'x'` node; shorthand → the name). */
export function objectProperty(object: Node | undefined, name: string): Node | undefined {
  const value = rawObjectProperty(object, name);
  return value && object ? wrap(object.getSourceFile(), value) : undefined;
}

/**
 * `stringValue(objectProperty(object, name))`, the property's literal read on the raw nodes: the
 * columns of an options object (`{ name: 'email', type: 'text' }`) are the hot path, and wrapping
 * a value wraps its property and object too. Anything but a literal goes the wrapped way.
 */
export function stringProperty(object: Node | undefined, name: string): string | undefined {
  const value = rawObjectProperty(object, name);
  if (!value || !object) return undefined;
  const inner = unwrapRaw(value as ts.Expression);
  if (ts.isStringLiteral(inner) || ts.isNoSubstitutionTemplateLiteral(inner)) return inner.text;
  return stringValue(wrap(object.getSourceFile(), value));
}

/** `numberValue(objectProperty(object, name))`, a literal read on the raw nodes (see `stringProperty`). */
export function numberProperty(object: Node | undefined, name: string): number | undefined {
  const value = rawObjectProperty(object, name);
  if (!value || !object) return undefined;
  const inner = unwrapRaw(value as ts.Expression);
  if (ts.isNumericLiteral(inner)) return numericLiteralValue(inner);
  return numberValue(wrap(object.getSourceFile(), value));
}

/** `booleanValue(objectProperty(object, name))`, read on the raw nodes. */
export function booleanProperty(object: Node | undefined, name: string): boolean | undefined {
  const value = rawObjectProperty(object, name);
  if (!value) return undefined;
  const kind = unwrapRaw(value as ts.Expression).kind;
  if (kind === SyntaxKind.TrueKeyword) return true;
  if (kind === SyntaxKind.FalseKeyword) return false;
  return undefined;
}

/** ts-morph's `NumericLiteral.getLiteralValue()`, on the raw node. */
function numericLiteralValue(literal: ts.NumericLiteral): number {
  const text = literal.text;
  return text.includes('.') ? parseFloat(text) : parseInt(text, 10);
}

/** The raw value node `objectProperty` wraps. */
function rawObjectProperty(object: Node | undefined, name: string): ts.Node | undefined {
  if (!object) return undefined;
  const literal = unwrap(object);
  if (!Node.isObjectLiteralExpression(literal)) return undefined;
  // Matched on the raw nodes: wrapping every property of every options object is the hot path.
  for (const member of literal.compilerNode.properties) {
    const memberName = member.name;
    const written =
      memberName &&
      (ts.isIdentifier(memberName) ||
        ts.isStringLiteral(memberName) ||
        ts.isNumericLiteral(memberName))
        ? memberName.text
        : undefined;
    if (written === undefined) {
      const wrapped = wrap(literal.getSourceFile(), member);
      if (propertyNameOf(wrapped) !== name) continue;
    } else if (written !== name) {
      continue;
    }
    if (ts.isPropertyAssignment(member)) return member.initializer;
    if (ts.isShorthandPropertyAssignment(member)) return member.name;
    return member;
  }
  return undefined;
}

/** `access.getName()` without wrapping the name node: the member's name as written. */
export function memberName(access: PropertyAccessExpression): string {
  return access.compilerNode.name.getText(access.getSourceFile().compilerNode);
}

/** The expression inside parentheses, `await`, `as`, `!` and `satisfies`. */
export function unwrapExpression(node: Node): Node {
  return unwrap(node);
}

// ---- call chains -----------------------------------------------------------------------------

/** One call of a fluent chain: `.addColumn('email', 'text')`; `name` is '' for a called root (`knex('patients')`). */
export interface ChainLink {
  name: string;
  call: CallExpression;
  /** The method name (or the called root identifier), where the link's own text starts. */
  nameNode: Node;
}

export interface CallChain {
  /** What the first call is made on: `knex.schema`, `db`, `queryInterface`, or the called identifier. */
  root: Node;
  /** Calls in execution order. */
  links: ChainLink[];
}

/** The calls of a fluent chain up to and including `call`, in execution order. */
export function callChainOf(call: CallExpression): CallChain {
  const links: ChainLink[] = [];
  let current: Node = call;
  for (let depth = 0; depth < 200; depth++) {
    if (!Node.isCallExpression(current)) break;
    const callee: Node = unwrap(current.getExpression());
    if (Node.isPropertyAccessExpression(callee)) {
      links.unshift({ name: callee.getName(), call: current, nameNode: callee.getNameNode() });
      current = unwrap(callee.getExpression());
    } else {
      if (Node.isIdentifier(callee)) links.unshift({ name: '', call: current, nameNode: callee });
      current = callee;
      break;
    }
  }
  return { root: current, links };
}

/** The last call of the chain `call` belongs to (`….execute()`), the whole write statement. */
export function outermostChainCall(call: CallExpression): CallExpression {
  let current = call;
  for (let depth = 0; depth < 200; depth++) {
    const access = current.getParent();
    if (!Node.isPropertyAccessExpression(access)) break;
    const next = access.getParent();
    if (!Node.isCallExpression(next) || next.getExpression() !== access) break;
    current = next;
  }
  return current;
}

/** The function an argument is, directly or by naming a function of the same file. */
export function functionArgument(node: Node | undefined): FunctionLikeNode | undefined {
  if (!node) return undefined;
  const value = unwrap(node);
  if (Node.isArrowFunction(value) || Node.isFunctionExpression(value)) return value;
  if (Node.isIdentifier(value)) {
    const [declaration] = functionNamed(value.getSourceFile(), value.getText()).concat(
      importedFunctionNamed(value),
    );
    if (
      declaration &&
      (Node.isArrowFunction(declaration) ||
        Node.isFunctionExpression(declaration) ||
        Node.isFunctionDeclaration(declaration))
    ) {
      return declaration;
    }
  }
  return undefined;
}

export type FunctionLikeNode = ArrowFunction | FunctionExpression | FunctionDeclaration;

/** A helper imported from another module of the project, when the name is not declared here. */
function importedFunctionNamed(identifier: Node): Node[] {
  if (functionNamed(identifier.getSourceFile(), identifier.getText()).length > 0) return [];
  const imported = importedDeclaration(identifier);
  return imported ? [imported] : [];
}

/** The name of a function's parameter at `position` when it is a plain identifier. */
export function parameterName(fn: FunctionLikeNode, position: number): string | undefined {
  const parameter = fn.getParameters()[position];
  const name = parameter?.getNameNode();
  return name && Node.isIdentifier(name) ? name.getText() : undefined;
}

/**
 * Calls inside `node` that pass `accept`, found on the raw compiler nodes and wrapped only when
 * accepted (ts-morph's own descendant walks scan comments and wrap every node on the way).
 */
export function descendantCallsOf(
  node: Node,
  accept: (call: ts.CallExpression) => boolean = () => true,
): CallExpression[] {
  const sourceFile = node.getSourceFile();
  const calls: CallExpression[] = [];
  const visit = (current: ts.Node): void => {
    if (ts.isCallExpression(current) && accept(current)) {
      calls.push(wrap(sourceFile, current) as CallExpression);
    }
    ts.forEachChild(current, visit);
  };
  ts.forEachChild(node.compilerNode, visit);
  return calls;
}

/** Is the raw call `<name>.<method>(…)` (any method when `method` is omitted)? */
export function isCallOn(call: ts.CallExpression, name: string, method?: string): boolean {
  const callee = call.expression;
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === name &&
    (method === undefined || callee.name.text === method)
  );
}

/** Is the raw call `.<method>(…)` on anything? */
export function isMethodCall(call: ts.CallExpression, methods: ReadonlySet<string>): boolean {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) && methods.has(callee.name.text);
}
