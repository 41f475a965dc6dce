/**
 * Where an application protects what it stores, outside the write call itself:
 *
 * - functions whose body hashes or encrypts (`hashPassword` calls `bcrypt.hash`,
 *   `symmetricEncrypt` calls a cipher): `protecting-function` facts, so a write through them in
 *   any file is judged by the body, not the name;
 * - model hooks that rewrite a column before it is stored: TypeORM `@BeforeInsert`/`@BeforeUpdate`
 *   methods (`this.password = await bcrypt.hash(this.password, 10)`), Sequelize attribute `set()`
 *   (`this.setDataValue('password', hashSync(value))`) and `beforeCreate`/`beforeSave` hooks;
 * - TypeORM entities filled field by field and saved (`user.password = hashed; repo.save(user)`).
 *
 * The model joins these with the writes of `data-scripts.ts` (`column-written` facts).
 */
import { ts } from './morph.js';
import type { Fact, TableName } from '../../facts.js';
import { createLineIndex } from '../../util/location.js';
import { ValueTracker, propertyNameText, transformOfName, unwrap } from './data-flow.js';
import { decoratorsOf } from './data-scripts/entities.js';
import type { OrmExtractor, TsFileContext } from './types.js';
import { columnWrittenFact, judgeWrittenValue, primitiveInBody } from './write-protection.js';
import type { ImportedFrom, JudgeScope } from './write-protection.js';
import { lastNameOf } from './syntax-index.js';

/** Files that may define a protecting function or a hook: they name a hash or cipher, or a hook. */
const PROTECTION_HINT =
  /bcrypt|argon|scrypt|pbkdf2|createHash|createHmac|createCipher|encrypt|cipher|kms|vault|sodium|nacl|@noble|\$extends|defineExtension|BeforeInsert|BeforeUpdate|setDataValue|beforeCreate|beforeSave|beforeUpdate|\.save\(/i;

export const protectingFunctionsExtractor: OrmExtractor = {
  name: 'protecting-functions',
  applies: (text) => PROTECTION_HINT.test(text),
  extract: (context) => new ProtectionReader(context).read(),
};

const TYPEORM_HOOKS = new Set(['BeforeInsert', 'BeforeUpdate']);
const SEQUELIZE_HOOKS = /^(?:beforeCreate|beforeUpdate|beforeSave|beforeBulkCreate|beforeUpsert)$/;

class ProtectionReader {
  private readonly sourceFile: ts.SourceFile;
  private readonly lineIndex;
  private readonly tracker: ValueTracker;
  private readonly imports = new Map<ts.Identifier, ImportedFrom>();
  private readonly facts: Fact[] = [];
  private readonly scope: JudgeScope;

  constructor(private readonly context: TsFileContext) {
    this.sourceFile = context.sourceFile.compilerNode as ts.SourceFile;
    this.lineIndex = createLineIndex(this.sourceFile.text);
    const locate = (node: ts.Node) => this.locate(node);
    this.tracker = new ValueTracker(this.sourceFile, locate, {
      readAt: () => undefined,
      isBuilderCall: () => false,
      isWriteResult: () => false,
    });
    this.scope = {
      sourceFile: this.sourceFile,
      declarationOf: (identifier) => this.tracker.declarationOf(identifier),
      importOf: (declared) => this.imports.get(declared),
    };
  }

  private locate(node: ts.Node) {
    return this.lineIndex.range(
      this.context.file.path,
      node.getStart(this.sourceFile),
      node.getEnd(),
    );
  }

  read(): Fact[] {
    this.indexImports();
    const extendsPrisma = /\$extends|defineExtension/.test(this.sourceFile.text);
    // Read once: an entity assigned field by field counts only in a file that saves entities.
    const savesEntities = /\.save\(/.test(this.sourceFile.text);
    const visit = (node: ts.Node): void => {
      this.checkFunction(node);
      if (ts.isClassDeclaration(node)) this.checkEntityHooks(node);
      if (ts.isCallExpression(node)) this.checkSequelizeModel(node);
      if (savesEntities && ts.isExpressionStatement(node)) this.checkEntityAssignment(node);
      if (extendsPrisma && ts.isBinaryExpression(node)) this.checkPrismaExtension(node);
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
    return this.facts;
  }

  private indexImports(): void {
    for (const statement of this.sourceFile.statements) {
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        const module = statement.moduleSpecifier.text;
        const clause = statement.importClause;
        if (clause?.name) this.imports.set(clause.name, { module, exported: 'default' });
        const bindings = clause?.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) {
          this.imports.set(bindings.name, { module, exported: '*' });
        } else if (bindings) {
          for (const element of bindings.elements) {
            this.imports.set(element.name, {
              module,
              exported: (element.propertyName ?? element.name).text,
            });
          }
        }
      } else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          this.indexRequire(declaration);
        }
      }
    }
  }

  /** `const bcrypt = require('bcrypt')`, `const { hash } = require('bcryptjs')`. */
  private indexRequire(declaration: ts.VariableDeclaration): void {
    const initializer = declaration.initializer && unwrap(declaration.initializer);
    if (
      !initializer ||
      !ts.isCallExpression(initializer) ||
      !ts.isIdentifier(initializer.expression) ||
      initializer.expression.text !== 'require'
    ) {
      // `const { hash } = bcrypt` where `bcrypt` was imported: the same package's functions.
      if (
        initializer &&
        ts.isIdentifier(initializer) &&
        ts.isObjectBindingPattern(declaration.name)
      ) {
        const declared = this.tracker.declarationOf(initializer);
        const from = declared && this.imports.get(declared);
        if (from) this.bindElements(declaration.name, from.module);
      }
      return;
    }
    const argument = initializer.arguments[0];
    if (!argument || !ts.isStringLiteralLike(argument)) return;
    if (ts.isIdentifier(declaration.name)) {
      this.imports.set(declaration.name, { module: argument.text, exported: 'module' });
    } else if (ts.isObjectBindingPattern(declaration.name)) {
      this.bindElements(declaration.name, argument.text);
    }
  }

  private bindElements(pattern: ts.ObjectBindingPattern, module: string): void {
    for (const element of pattern.elements) {
      const exported = propertyNameText(element.propertyName ?? element.name);
      if (exported && ts.isIdentifier(element.name)) {
        this.imports.set(element.name, { module, exported });
      }
    }
  }

  // ── protecting functions ───────────────────────────────────────────────────────────────────

  /** The name a function is called by: its declaration, the variable or property holding it. */
  private functionName(node: ts.Node): { name: string; at: ts.Node } | undefined {
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) {
      const name = propertyNameText(node.name);
      return name ? { name, at: node.name } : undefined;
    }
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      const holder = node.parent;
      if (
        (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder)) &&
        !ts.isArrayBindingPattern(holder.name) &&
        !ts.isObjectBindingPattern(holder.name)
      ) {
        const name = propertyNameText(holder.name);
        return name ? { name, at: holder.name } : undefined;
      }
    }
    return undefined;
  }

  private checkFunction(node: ts.Node): void {
    if (!ts.isFunctionLike(node)) return;
    const body = (node as ts.FunctionLikeDeclaration).body;
    const named = body && this.functionName(node);
    if (!body || !named) return;
    // A function that reverses or checks a protection (`decrypt`, `verifyPassword`) stores nothing.
    if (/decrypt|decipher|compare|verify|check|validate/i.test(named.name)) return;
    const primitive = primitiveInBody(body, this.scope);
    const byName = transformOfName(named.name);
    if (primitive) {
      const protection = byName === 'hash' || byName === 'encrypt' ? byName : primitive.protection;
      this.facts.push({
        kind: 'protecting-function',
        at: this.locate(named.at),
        name: named.name,
        protection,
        via: primitive.via,
      });
      return;
    }
    // `hashPassword` that calls `hashSync` of the application's own module: the model follows it.
    if (byName !== 'hash' && byName !== 'encrypt') return;
    const called = this.calledApplicationFunction(body, named.name);
    if (called === undefined) return;
    this.facts.push({
      kind: 'protecting-function',
      at: this.locate(named.at),
      name: named.name,
      protection: byName,
      via: `${called}(…)`,
      calls: called,
    });
  }

  /** The first other function of the application a body calls whose name says it protects. */
  private calledApplicationFunction(body: ts.Node, self: string): string | undefined {
    let found: string | undefined;
    const visit = (node: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(node)) {
        const callee = unwrap(node.expression);
        const name = lastNameOf(callee) || undefined;
        const transform = name ? transformOfName(name) : undefined;
        if (name && name !== self && (transform === 'hash' || transform === 'encrypt')) {
          found = name;
          return;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(body);
    return found;
  }

  // ── model hooks ────────────────────────────────────────────────────────────────────────────

  /** `@Entity('users') class User { @BeforeInsert() hash() { this.password = … } }`. */
  private checkEntityHooks(node: ts.ClassDeclaration): void {
    const entity = decoratorsOf(node).find((decorator) => decorator.name === 'Entity');
    if (!entity && node.name && extendsSequelizeModel(node)) {
      // `class User extends Model { async setPassword(pw) { this.password = await hash(pw) } }`
      const model = node.name.text;
      for (const member of node.members) {
        if (!ts.isMethodDeclaration(member) || !member.body) continue;
        this.emitAssignments(
          member.body,
          { name: model },
          `method of model ${model}`,
          (target) => target.kind === ts.SyntaxKind.ThisKeyword,
          false,
        );
      }
      return;
    }
    if (!entity || !node.name) return;
    const tableText = entity.arguments[0];
    const table: TableName = {
      name: tableText && ts.isStringLiteralLike(tableText) ? tableText.text : node.name.text,
    };
    for (const member of node.members) {
      if (!ts.isMethodDeclaration(member) || !member.body) continue;
      const hook = decoratorsOf(member).find((decorator) => TYPEORM_HOOKS.has(decorator.name));
      if (!hook) continue;
      this.emitAssignments(
        member.body,
        table,
        `TypeORM @${hook.name} of ${node.name.text}`,
        (target) => target.kind === ts.SyntaxKind.ThisKeyword,
      );
    }
  }

  /** The object literal a top-level `const` of this file is initialised with. */
  private constObject(name: string): ts.Expression | undefined {
    for (const statement of this.sourceFile.statements) {
      const list = ts.isVariableStatement(statement) ? statement.declarationList : undefined;
      if (!list || !(list.flags & ts.NodeFlags.Const)) continue;
      for (const declaration of list.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === name) {
          const value = declaration.initializer && unwrap(declaration.initializer);
          return value && ts.isObjectLiteralExpression(value) ? value : undefined;
        }
      }
    }
    return undefined;
  }

  /**
   * `sequelize.define('user', { password: { set(value) { this.setDataValue('password', …) } } },
   * { hooks: { beforeCreate(user) { user.password = … } } })` and `User.init(…)`.
   */
  private checkSequelizeModel(call: ts.CallExpression): void {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return;
    const method = callee.name.text;
    let table: TableName | undefined;
    let attributes: ts.Expression | undefined;
    let options: ts.Expression | undefined;
    if (method === 'define') {
      const name = call.arguments[0];
      if (!name || !ts.isStringLiteralLike(name)) return;
      table = { name: name.text };
      attributes = call.arguments[1];
      options = call.arguments[2];
    } else if (method === 'init' && ts.isIdentifier(unwrap(callee.expression))) {
      table = { name: (unwrap(callee.expression) as ts.Identifier).text };
      attributes = call.arguments[0];
      options = call.arguments[1];
    } else if (method === 'init' && callee.expression.kind === ts.SyntaxKind.SuperKeyword) {
      // `static initModel() { super.init({…}, { hooks }) }` inside `class User extends Model`.
      let owner: ts.Node | undefined = call.parent;
      while (owner && !ts.isClassDeclaration(owner)) owner = owner.parent;
      const name = owner && ts.isClassDeclaration(owner) ? owner.name?.text : undefined;
      if (name === undefined) return;
      table = { name };
      attributes = call.arguments[0];
      options = call.arguments[1];
    } else if (SEQUELIZE_HOOKS.test(method) && ts.isIdentifier(unwrap(callee.expression))) {
      // `User.beforeCreate(async (user) => { user.password = await hash(user.password) })`
      const model = (unwrap(callee.expression) as ts.Identifier).text;
      const hook = call.arguments.find((argument) => ts.isFunctionLike(argument));
      if (hook && /^[A-Z]/.test(model))
        this.emitHook(hook as ts.FunctionLikeDeclaration, { name: model }, method);
      return;
    } else {
      return;
    }
    // `const attributes = { … }; User.init(attributes, { sequelize })`: attributes of this file.
    if (attributes && ts.isIdentifier(attributes)) attributes = this.constObject(attributes.text);
    if (!attributes || !ts.isObjectLiteralExpression(attributes)) return;
    const tableOption =
      options && ts.isObjectLiteralExpression(options) ? property(options, 'tableName') : undefined;
    if (tableOption && ts.isStringLiteralLike(tableOption)) table = { name: tableOption.text };
    for (const attribute of attributes.properties) {
      if (
        !ts.isPropertyAssignment(attribute) ||
        !ts.isObjectLiteralExpression(attribute.initializer)
      )
        continue;
      const setter = attribute.initializer.properties.find(
        (entry) =>
          (ts.isMethodDeclaration(entry) || ts.isPropertyAssignment(entry)) &&
          propertyNameText(entry.name) === 'set',
      );
      const body = setter && functionBody(setter);
      if (body) this.emitSetDataValue(body, table, `Sequelize set() of ${table.name}`);
    }
    const hooks =
      options && ts.isObjectLiteralExpression(options) ? property(options, 'hooks') : undefined;
    if (hooks && ts.isObjectLiteralExpression(hooks)) {
      for (const entry of hooks.properties) {
        const name = entry.name && propertyNameText(entry.name);
        if (!name || !SEQUELIZE_HOOKS.test(name)) continue;
        const hook = ts.isMethodDeclaration(entry)
          ? entry
          : ts.isPropertyAssignment(entry) && ts.isFunctionLike(entry.initializer)
            ? (entry.initializer as ts.FunctionLikeDeclaration)
            : undefined;
        if (hook) this.emitHook(hook, table, name);
      }
    }
  }

  /** A hook's first parameter is the instance: `user.password = …` writes its column. */
  private emitHook(hook: ts.FunctionLikeDeclaration, table: TableName, name: string): void {
    const instance = hook.parameters[0]?.name;
    if (!hook.body || !instance || !ts.isIdentifier(instance)) return;
    this.emitAssignments(
      hook.body,
      table,
      `Sequelize ${name} hook of ${table.name}`,
      (target) => ts.isIdentifier(target) && target.text === instance.text,
    );
    this.emitSetDataValue(hook.body, table, `Sequelize ${name} hook of ${table.name}`);
  }

  /** `this.setDataValue('password', hashSync(value))` (also `user.setDataValue(…)`). */
  private emitSetDataValue(body: ts.Node, table: TableName, writer: string, hook = true): void {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = unwrap(node.expression);
        const [column, value] = node.arguments;
        if (
          ts.isPropertyAccessExpression(callee) &&
          callee.name.text === 'setDataValue' &&
          column &&
          ts.isStringLiteralLike(column) &&
          value
        ) {
          this.emitJudged(value, table, column.text, writer, hook);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(body);
  }

  /** `target.column = value` statements of a body, for targets `isInstance` accepts. */
  private emitAssignments(
    body: ts.Node,
    table: TableName,
    writer: string,
    isInstance: (target: ts.Expression) => boolean,
    hook = true,
  ): void {
    const visit = (node: ts.Node): void => {
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isPropertyAccessExpression(node.left) &&
        isInstance(unwrap(node.left.expression))
      ) {
        this.emitJudged(node.right, table, node.left.name.text, writer, hook);
      }
      ts.forEachChild(node, visit);
    };
    visit(body);
  }

  /**
   * `const user = new User(); user.password = await hash(p); await repo.save(user)`: an entity
   * filled field by field, in a file that saves entities (`read` checks that once).
   */
  private checkEntityAssignment(statement: ts.ExpressionStatement): void {
    const expression = statement.expression;
    if (
      !ts.isBinaryExpression(expression) ||
      expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken ||
      !ts.isPropertyAccessExpression(expression.left)
    ) {
      return;
    }
    const instance = unwrap(expression.left.expression);
    if (!ts.isIdentifier(instance)) return;
    const declared = this.tracker.declarationOf(instance);
    const declaration = declared?.parent;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return;
    const entity = entityOf(unwrap(declaration.initializer));
    if (entity === undefined) return;
    this.emitJudged(
      expression.right,
      { name: entity },
      expression.left.name.text,
      `entity ${entity} assigned and saved`,
    );
  }

  // ── Prisma client extensions ────────────────────────────────────────────────────────────────

  /**
   * A Prisma client extension's query hook that rewrites what is stored:
   * `$extends({ query: { user: { create({ args, query }) { args.data.password = hash(…) } } } })`,
   * or a data-driven one (`data[field] = encryptToken(value)` for each field of a list such as
   * `{ user: ['aiApiKey', 'webhookSecret'] }`). Every write through the extended client passes it.
   */
  private checkPrismaExtension(node: ts.BinaryExpression): void {
    if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const target = node.left;
    const holder =
      ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)
        ? target.expression
        : undefined;
    if (!holder || !/(?:^|\.)(?:data|create|update)$/.test(holder.getText(this.sourceFile))) return;
    const judged = judgeWrittenValue(node.right, this.scope);
    if (judged === undefined || (judged.protection === 'plain' && judged.helper === undefined)) {
      return;
    }
    const writer = 'Prisma client extension';
    if (ts.isPropertyAccessExpression(target)) {
      const model = this.extensionModel(node);
      if (model) {
        this.facts.push(
          columnWrittenFact(
            this.locate(node.right),
            { name: model },
            target.name.text,
            judged,
            writer,
            true,
          ),
        );
      }
      return;
    }
    for (const [model, field] of this.fieldLists()) {
      this.facts.push(
        columnWrittenFact(this.locate(node.right), { name: model }, field, judged, writer, true),
      );
    }
  }

  /** The model key of `query: { user: { create() { … } } }` around a hook's statement. */
  private extensionModel(node: ts.Node): string | undefined {
    for (let current: ts.Node = node; current.parent; current = current.parent) {
      const operation = current.parent;
      if (!ts.isObjectLiteralExpression(operation)) continue;
      const model = operation.parent;
      const query = model.parent;
      if (
        ts.isPropertyAssignment(model) &&
        ts.isObjectLiteralExpression(query) &&
        ts.isPropertyAssignment(query.parent) &&
        propertyNameText(query.parent.name) === 'query'
      ) {
        return propertyNameText(model.name);
      }
    }
    return undefined;
  }

  /** `{ user: ['aiApiKey', 'webhookSecret'], account: ['access_token'] }` objects of the file. */
  private fieldLists(): Array<[string, string]> {
    const pairs: Array<[string, string]> = [];
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAssignment(node)) {
        const list = unwrap(node.initializer);
        const model = propertyNameText(node.name);
        const fields =
          ts.isArrayLiteralExpression(list) && list.elements.length > 0
            ? list.elements.map((element) =>
                ts.isStringLiteralLike(element) ? element.text : undefined,
              )
            : [];
        if (model && fields.length > 0 && fields.every((field) => field !== undefined)) {
          for (const field of fields) pairs.push([model, field as string]);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
    return pairs;
  }

  private emitJudged(
    value: ts.Expression,
    table: TableName,
    column: string,
    writer: string,
    hook = false,
  ): void {
    const judged = judgeWrittenValue(value, this.scope);
    if (judged === undefined) return;
    this.facts.push(columnWrittenFact(this.locate(value), table, column, judged, writer, hook));
  }
}

/** `class User extends Model` (Sequelize) — not a TypeORM entity, which has `@Entity`. */
function extendsSequelizeModel(node: ts.ClassDeclaration): boolean {
  return (node.heritageClauses ?? []).some((clause) =>
    clause.types.some((type) => /^(?:Model|Sequelize\.Model)$/.test(type.expression.getText())),
  );
}

/**
 * The entity class an instance was made or loaded from: `new User()`, `User.create(…)`,
 * `await this.models.User.findOne(…)`, `repo.create(…)` is not (its entity is elsewhere).
 */
function entityOf(initializer: ts.Expression): string | undefined {
  if (ts.isNewExpression(initializer) && ts.isIdentifier(initializer.expression)) {
    return /^[A-Z]/.test(initializer.expression.text) ? initializer.expression.text : undefined;
  }
  let node: ts.Expression = initializer;
  // `User.create(data).save()`: the chain's owner is still `User`.
  while (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const owner = unwrap(node.expression.expression);
    if (ts.isIdentifier(owner)) return /^[A-Z][a-z]/.test(owner.text) ? owner.text : undefined;
    if (ts.isPropertyAccessExpression(owner) && /^[A-Z][a-z]/.test(owner.name.text)) {
      return owner.name.text;
    }
    node = owner;
  }
  return undefined;
}

function property(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const entry of object.properties) {
    if (ts.isPropertyAssignment(entry) && propertyNameText(entry.name) === name) {
      return entry.initializer;
    }
  }
  return undefined;
}

function functionBody(entry: ts.ObjectLiteralElementLike): ts.Node | undefined {
  if (ts.isMethodDeclaration(entry)) return entry.body;
  if (ts.isPropertyAssignment(entry) && ts.isFunctionLike(entry.initializer)) {
    return (entry.initializer as ts.FunctionLikeDeclaration).body;
  }
  return undefined;
}
