/**
 * Columns an authentication library writes itself, declared by the application's configuration:
 * better-auth's `betterAuth({ emailAndPassword, plugins: [twoFactor(), apiKey()] })`. The writes
 * happen inside the library, which the scan never reads, so the configuration is the evidence of
 * how they are stored, as the library documents it:
 *
 * - `account.password`: hashed (scrypt), or by the application's own `password.hash` option;
 * - `twoFactor.secret`: the TOTP seed, encrypted with the auth secret (`symmetricEncrypt`);
 * - `twoFactor.backupCodes`: encrypted, unless `backupCodeOptions.storeBackupCodes: 'plain'`;
 * - `apikey.key`: hashed (SHA-256), unless `disableKeyHashing: true`;
 * - `account.accessToken`, `refreshToken`, `idToken` (an OAuth provider's tokens): encrypted with
 *   the auth secret under `account: { encryptOAuthTokens: true }`, stored as they come otherwise.
 *
 * Each becomes a `column-written` fact at the call that turns the feature on; the model joins it to
 * the table the application defines for the library (`two_factor`, `account`, `apikey`).
 */
import { ts } from './morph.js';
import type { Fact, TableName } from '../../facts.js';
import { createLineIndex } from '../../util/location.js';
import { propertyNameText, unwrap } from './data-flow.js';
import type { OrmExtractor, TsFileContext } from './types.js';
import { returnedExpressions } from './receivers.js';
import { columnWrittenFact, judgeWrittenValue, primitiveInBody } from './write-protection.js';
import type { Judgement, JudgeScope } from './write-protection.js';

const BETTER_AUTH_MODULE = /^(?:better-auth(?:\/.*)?|@better-auth\/[\w-]+)$/;

export const authLibraryWritesExtractor: OrmExtractor = {
  name: 'auth-library-writes',
  applies: (text) => /better-auth/.test(text),
  extract: (context) => new BetterAuthReader(context).read(),
};

/** The property `name` of an object literal, unwrapped; a method counts as its function. */
function property(object: ts.ObjectLiteralExpression, name: string): ts.Node | undefined {
  for (const element of object.properties) {
    // `...defaults` has no name of its own.
    if (element.name === undefined || propertyNameText(element.name) !== name) continue;
    if (ts.isPropertyAssignment(element)) return unwrap(element.initializer);
    if (ts.isMethodDeclaration(element)) return element;
    if (ts.isShorthandPropertyAssignment(element)) return element.name;
  }
  return undefined;
}

function objectArgument(call: ts.CallExpression): ts.ObjectLiteralExpression | undefined {
  const first = call.arguments[0] && unwrap(call.arguments[0]);
  return first && ts.isObjectLiteralExpression(first) ? first : undefined;
}

function literalText(node: ts.Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (ts.isStringLiteralLike(node)) return node.text;
  if (node.kind === ts.SyntaxKind.TrueKeyword) return 'true';
  if (node.kind === ts.SyntaxKind.FalseKeyword) return 'false';
  return undefined;
}

class BetterAuthReader {
  private readonly sourceFile: ts.SourceFile;
  private readonly lineIndex;
  /** Local names imported from a package, by name (the files that configure better-auth are flat). */
  private readonly imports = new Map<string, { identifier: ts.Identifier; module: string }>();
  private readonly facts: Fact[] = [];
  private readonly scope: JudgeScope;

  constructor(private readonly context: TsFileContext) {
    this.sourceFile = context.sourceFile.compilerNode as ts.SourceFile;
    this.lineIndex = createLineIndex(this.sourceFile.text);
    this.scope = {
      sourceFile: this.sourceFile,
      declarationOf: (identifier) => this.imports.get(identifier.text)?.identifier,
      importOf: (declared) => {
        const imported = this.imports.get(declared.text);
        return imported ? { module: imported.module, exported: declared.text } : undefined;
      },
    };
  }

  read(): Fact[] {
    for (const statement of this.sourceFile.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) {
        continue;
      }
      const module = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (clause?.name) this.imports.set(clause.name.text, { identifier: clause.name, module });
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        this.imports.set(bindings.name.text, { identifier: bindings.name, module });
      } else if (bindings) {
        for (const element of bindings.elements) {
          this.imports.set(element.name.text, { identifier: element.name, module });
        }
      }
    }
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) this.checkCall(node);
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
    return this.facts;
  }

  /** The better-auth export a call invokes (`betterAuth`, `twoFactor`), by the file's imports. */
  private libraryFunction(call: ts.CallExpression): string | undefined {
    const callee = unwrap(call.expression);
    if (!ts.isIdentifier(callee)) return undefined;
    const imported = this.imports.get(callee.text);
    return imported && BETTER_AUTH_MODULE.test(imported.module) ? callee.text : undefined;
  }

  private checkCall(call: ts.CallExpression): void {
    const name = this.libraryFunction(call);
    if (name === 'betterAuth') {
      this.checkPasswords(call);
      this.checkOAuthTokens(call);
    }
    if (name === 'twoFactor') this.checkTwoFactor(call);
    if (name === 'apiKey') this.checkApiKeys(call);
  }

  private emit(at: ts.Node, table: string, column: string, judged: Judgement, writer: string) {
    const location = this.lineIndex.range(
      this.context.file.path,
      at.getStart(this.sourceFile),
      at.getEnd(),
    );
    const written: TableName = { name: table };
    this.facts.push(
      columnWrittenFact(location, written, column, judged, writer, false, 'any store'),
    );
  }

  /** `emailAndPassword: { enabled: true, password: { hash } }`: better-auth hashes account.password. */
  private checkPasswords(call: ts.CallExpression): void {
    const options = objectArgument(call);
    const emailAndPassword = options && property(options, 'emailAndPassword');
    if (!emailAndPassword || !ts.isObjectLiteralExpression(emailAndPassword)) return;
    if (literalText(property(emailAndPassword, 'enabled')) === 'false') return;
    const writer = 'better-auth emailAndPassword';
    const password = property(emailAndPassword, 'password');
    const hash =
      password && ts.isObjectLiteralExpression(password) ? property(password, 'hash') : undefined;
    if (hash === undefined) {
      const judged: Judgement = {
        protection: 'hash',
        via: 'better-auth’s own password hash (scrypt)',
      };
      this.emit(emailAndPassword, 'account', 'password', judged, writer);
      return;
    }
    // The application's own hash function: its body decides, like any helper of the application.
    const body = ts.isFunctionLike(hash) ? hash : undefined;
    const primitive = body && primitiveInBody(body, this.scope);
    // `hash: hashSecret` or `hash: (password) => hashSecret(password)`: a helper decides.
    const helper = ts.isIdentifier(hash) ? hash.text : body && helperReturnedBy(body, this.scope);
    const judged: Judgement = primitive
      ? { protection: primitive.protection, via: `password.hash option calls ${primitive.via}` }
      : helper !== undefined
        ? { protection: 'plain', via: `${helper}(…)`, helper }
        : { protection: 'plain', via: 'a password.hash option that neither hashes nor encrypts' };
    this.emit(hash, 'account', 'password', judged, writer);
  }

  /** `account: { encryptOAuthTokens: true }`: better-auth encrypts a provider's tokens (setTokenUtil). */
  private checkOAuthTokens(call: ts.CallExpression): void {
    const options = objectArgument(call);
    const account = options && property(options, 'account');
    if (!account || !ts.isObjectLiteralExpression(account)) return;
    const encrypt = property(account, 'encryptOAuthTokens');
    if (encrypt === undefined || literalText(encrypt) !== 'true') return;
    const judged: Judgement = {
      protection: 'encrypt',
      via: 'encryptOAuthTokens: true (symmetricEncrypt with the auth secret)',
    };
    for (const column of ['accessToken', 'refreshToken', 'idToken']) {
      this.emit(encrypt, 'account', column, judged, 'better-auth account options');
    }
  }

  /** `twoFactor({ backupCodeOptions: { storeBackupCodes } })`: the seed and the backup codes. */
  private checkTwoFactor(call: ts.CallExpression): void {
    const writer = 'better-auth twoFactor plugin';
    this.emit(
      call,
      'twoFactor',
      'secret',
      {
        protection: 'encrypt',
        via: 'better-auth’s twoFactor plugin (symmetricEncrypt with the auth secret)',
      },
      writer,
    );
    const options = objectArgument(call);
    const backup = options && property(options, 'backupCodeOptions');
    const store =
      backup && ts.isObjectLiteralExpression(backup)
        ? property(backup, 'storeBackupCodes')
        : undefined;
    const stored = literalText(store);
    const judged: Judgement =
      stored === 'plain'
        ? { protection: 'plain', via: "storeBackupCodes: 'plain'" }
        : store !== undefined && ts.isObjectLiteralExpression(store)
          ? { protection: 'encrypt', via: 'the storeBackupCodes encrypt option' }
          : {
              protection: 'encrypt',
              via: 'better-auth’s twoFactor plugin (backup codes encrypted by default)',
            };
    this.emit(store ?? call, 'twoFactor', 'backupCodes', judged, writer);
  }

  /** `apiKey({ disableKeyHashing })`: better-auth stores a SHA-256 of each key unless told not to. */
  private checkApiKeys(call: ts.CallExpression): void {
    const options = objectArgument(call);
    const disabled = options && property(options, 'disableKeyHashing');
    const judged: Judgement =
      literalText(disabled) === 'true'
        ? { protection: 'plain', via: 'disableKeyHashing: true' }
        : { protection: 'hash', via: 'better-auth’s apiKey plugin (SHA-256 of each key)' };
    this.emit(disabled ?? call, 'apikey', 'key', judged, 'better-auth apiKey plugin');
  }
}

/**
 * The helper a hash option's only returned value goes through (`(p) => hashSecret(p)`), as a
 * written value's judge names it.
 */
function helperReturnedBy(body: ts.Node, scope: JudgeScope): string | undefined {
  const returned = returnedExpressions(body);
  return returned.length === 1 && returned[0] !== undefined
    ? judgeWrittenValue(returned[0], scope)?.helper
    : undefined;
}
