/**
 * What application code does to a value before it stores it: a hash (`bcrypt.hash`,
 * `crypto.createHash`, `argon2.hash`, `scrypt`), an encryption (`crypto.createCipheriv`, a cipher's
 * `encrypt`, a KMS or Vault client), or nothing. A name proves nothing on its own: a call decides
 * only when its function comes from a hashing or cipher package (by the file's own imports), or
 * when it is a function of the application, whose body the model reads wherever it is defined
 * (`protecting-function` facts). Everything is read from syntax; nothing is run.
 */
import { ts } from './morph.js';
import type { ColumnWritten, SourceLocation, TableName, WriteProtection } from '../../facts.js';
import { unwrap } from './data-flow.js';

/** An imported binding: the package and the export (`*` namespace, `module` for `require`). */
export interface ImportedFrom {
  module: string;
  exported: string;
}

/** What the judge needs to know about the file it reads. */
export interface JudgeScope {
  sourceFile: ts.SourceFile;
  /** The declaring identifier of a name, by lexical scope. */
  declarationOf(identifier: ts.Identifier): ts.Identifier | undefined;
  /** The package a declaring identifier was imported from. */
  importOf(declared: ts.Identifier): ImportedFrom | undefined;
  /**
   * What the file assigns to `object.field` before the write reads it: directly
   * (`user.password = await bcrypt.hash(…)`), or in a helper of the file called with it
   * (`hashPasswordInObject(user)` whose body sets `userObject.password`).
   */
  fieldAssignedBefore?(
    object: ts.Identifier,
    field: string,
    read: ts.Node,
  ): ts.Expression | undefined;
}

/** How a written value is stored, and the code that shows it. */
export interface Judgement {
  protection: WriteProtection;
  /** `bcrypt.hash`, `createCipheriv from node:crypto`, or the plain value as written. */
  via: string;
  /** An application function the value passes through: the model reads its body to decide. */
  helper?: string;
}

/** The fact for one judged write; `hook` marks a model hook or setter that runs on every save. */
export function columnWrittenFact(
  at: SourceLocation,
  table: TableName,
  column: string,
  judged: Judgement,
  writer: string,
  hook = false,
  tableDefinedIn?: string,
): ColumnWritten {
  return {
    kind: 'column-written',
    at,
    table,
    column,
    protection: judged.protection,
    via: judged.via,
    ...(judged.helper !== undefined && { helper: judged.helper }),
    writer,
    ...(hook && { hook }),
    ...(tableDefinedIn !== undefined && { tableDefinedIn }),
  };
}

/** Packages whose functions hash (`bcrypt.hash`, `argon2.hash`, `createHash` of `node:crypto`). */
const HASH_MODULES =
  /^(?:bcrypt|bcryptjs|bcrypt-ts|react-native-bcrypt|bcrypt-nodejs|@node-rs\/bcrypt|argon2|@node-rs\/argon2|argon2-browser|scrypt-js|scrypt-kdf|@noble\/hashes(?:\/.*)?|hash-wasm|js-sha256|js-sha512|sha\.js|crypto|node:crypto|pbkdf2|@phc\/\w+|oslo\/password|@oslojs\/crypto(?:\/.*)?)$/;
/** Functions of those packages that hash; `compare`/`verify` only read a hash. */
const HASH_FUNCTIONS =
  /^(?:hash|hashSync|genHash|createHash|createHmac|scrypt|scryptSync|scryptAsync|pbkdf2|pbkdf2Sync|argon2id|argon2i|argon2d|sha1|sha224|sha256|sha384|sha512|sha3_256|sha3_512|blake2b|blake2s|blake3|bcrypt)$/;

/** Packages whose functions encrypt: node's ciphers, field-encryption and KMS/Vault clients. */
const CIPHER_MODULES =
  /^(?:crypto|node:crypto|@noble\/ciphers(?:\/.*)?|crypto-js(?:\/.*)?|cryptr|@aws-sdk\/client-kms|aws-sdk(?:\/clients\/kms)?|@aws-crypto\/.+|@google-cloud\/kms|@azure\/keyvault-keys|node-vault|hashi-vault-js|tweetnacl|libsodium-wrappers(?:-sumo)?|sodium-native|jose|@47ng\/cloak|iron-webcrypto|@hapi\/iron|node-forge|aes-js|@prisma-field-encryption\/.+|prisma-field-encryption|typeorm-encrypted|sequelize-encrypted)$/;
/** Functions and constructors of those packages that encrypt (not `decrypt`). */
const CIPHER_FUNCTIONS =
  /^(?:createCipheriv|createCipher|publicEncrypt|privateEncrypt|encrypt\w*|seal|secretbox|box|crypto_secretbox_easy|crypto_box_seal|crypto_aead_\w+_encrypt|EncryptCommand|CompactEncrypt|EncryptJWT|GeneralEncrypt|FlattenedEncrypt|xchacha20poly1305|chacha20poly1305|gcm|siv|cbc|ctr)$/;

/** Calls that hand their argument on unchanged: the stored value is still the argument's. */
// prettier-ignore
const PASS_THROUGH = new Set([
  'String', 'Number', 'BigInt', 'stringify', 'parse', 'toString', 'trim', 'toLowerCase',
  'toUpperCase', 'normalize', 'from', 'join', 'slice', 'substring', 'replace', 'concat', 'encode',
  'encodeURIComponent', 'digest', 'update', 'final', 'toBase64', 'bytesToHex', 'toHex',
  'utf8ToBytes', 'hexToBytes', 'Buffer', 'resolve', 'map', 'filter', 'flat',
]);

/** Names that say a value was already hashed or encrypted (`hashedPassword`, `encryptedSecret`). */
const HASHED_NAME = /hash|digest|bcrypt|argon|scrypt/i;
const ENCRYPTED_NAME = /encrypt|cipher|sealed/i;
const REVERSE_NAME = /decrypt|decipher|unseal|compare|verify/i;

/** The name a call is known by: `hash` for `bcrypt.hash(…)`, `symmetricEncrypt` for `symmetricEncrypt(…)`. */
function calleeName(expression: ts.Expression): string | undefined {
  const callee = unwrap(expression);
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** The leftmost identifier of `a.b.c` or `a.b().c`. */
function rootIdentifier(expression: ts.Expression): ts.Identifier | undefined {
  let node: ts.Expression = unwrap(expression);
  for (;;) {
    if (ts.isIdentifier(node)) return node;
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      node = unwrap(node.expression);
    } else if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      node = unwrap(node.expression);
    } else if (node.kind === ts.SyntaxKind.ThisKeyword) {
      return undefined;
    } else {
      return undefined;
    }
  }
}

/** The package the callee's leftmost name was imported from; globals `crypto` and `bcrypt` count as theirs. */
function moduleOf(expression: ts.Expression, scope: JudgeScope): string | undefined {
  const root = rootIdentifier(expression);
  if (root === undefined) return undefined;
  const declared = scope.declarationOf(root);
  if (declared === undefined) {
    // `crypto.subtle.encrypt` and `crypto.createHash` without an import: the global Web Crypto.
    return root.text === 'crypto' ? 'crypto' : undefined;
  }
  const imported = scope.importOf(declared);
  if (imported !== undefined) return imported.module;
  // `const cipher = crypto.createCipheriv(…)`, `const chacha = managedNonce(xchacha20poly1305)(key)`:
  // a local built from a cipher package is that package's object.
  const declaration = declared.parent;
  if (ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined) {
    return packageInside(declaration.initializer, scope);
  }
  return undefined;
}

/** The first hashing or cipher package any identifier of the expression was imported from. */
function packageInside(expression: ts.Node, scope: JudgeScope, depth = 0): string | undefined {
  if (depth > 40) return undefined;
  if (ts.isIdentifier(expression)) {
    const declared = scope.declarationOf(expression);
    const module = declared ? scope.importOf(declared)?.module : undefined;
    if (module !== undefined && (CIPHER_MODULES.test(module) || HASH_MODULES.test(module))) {
      return module;
    }
    return undefined;
  }
  let found: string | undefined;
  ts.forEachChild(expression, (child) => {
    found ??= packageInside(child, scope, depth + 1);
  });
  return found;
}

/** Password-hash packages' checks of a typed value against a stored hash. */
const HASH_CHECK_MODULES =
  /^(?:bcrypt|bcryptjs|bcrypt-ts|bcrypt-nodejs|@node-rs\/bcrypt|argon2|@node-rs\/argon2)$/;
const HASH_CHECK_FUNCTIONS = /^(?:compare|compareSync|verify|verifySync)$/;

/**
 * `bcrypt.compare(input, user.password)`, `argon2.verify(user.password, input)`: the call that
 * checks a stored password hash (`compare from bcrypt`), by the file's imports; undefined for
 * anything else.
 */
export function hashCheckOf(node: ts.CallExpression, scope: JudgeScope): string | undefined {
  const name = calleeName(node.expression);
  if (name === undefined || !HASH_CHECK_FUNCTIONS.test(name)) return undefined;
  const module = moduleOf(node.expression, scope);
  return module !== undefined && HASH_CHECK_MODULES.test(module)
    ? `${name} from ${module}`
    : undefined;
}

/** A call or constructor of a hashing or cipher package, by the file's imports. */
export function primitiveOf(
  node: ts.CallExpression | ts.NewExpression,
  scope: JudgeScope,
): { protection: 'hash' | 'encrypt'; via: string } | undefined {
  const name = calleeName(node.expression);
  if (name === undefined || REVERSE_NAME.test(name)) return undefined;
  const module = moduleOf(node.expression, scope);
  if (module === undefined) return undefined;
  const streamed = streamedPrimitive(node, name, module, scope);
  if (streamed !== undefined) return streamed;
  const shown = `${name} from ${module}`;
  if (CIPHER_MODULES.test(module) && CIPHER_FUNCTIONS.test(name)) {
    return { protection: 'encrypt', via: shown };
  }
  if (HASH_MODULES.test(module) && HASH_FUNCTIONS.test(name)) {
    return { protection: 'hash', via: shown };
  }
  return undefined;
}

/**
 * `cipher.update(text) + cipher.final()` where `const cipher = createCipheriv(…)`: node's
 * streaming cipher and hash objects protect what passes through `update`/`final`/`digest`.
 */
function streamedPrimitive(
  node: ts.CallExpression | ts.NewExpression,
  name: string,
  module: string,
  scope: JudgeScope,
): { protection: 'hash' | 'encrypt'; via: string } | undefined {
  if (!/^(?:update|final|digest)$/.test(name)) return undefined;
  const root = rootIdentifier(node.expression);
  const declared = root && scope.declarationOf(root);
  const declaration = declared?.parent;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) {
    return undefined;
  }
  const made = callsIn(declaration.initializer)
    .map((call) => calleeName(call.expression))
    .find(
      (made) =>
        made !== undefined && /^(?:createCipheriv|createCipher|createHash|createHmac)$/.test(made),
    );
  if (made === undefined) return undefined;
  return { protection: /Cipher/.test(made) ? 'encrypt' : 'hash', via: `${made} from ${module}` };
}

/** Every call and `new` of an expression, outermost first, not entering nested functions. */
function callsIn(node: ts.Node, found: Array<ts.CallExpression | ts.NewExpression> = []) {
  if (ts.isCallExpression(node) || ts.isNewExpression(node)) found.push(node);
  ts.forEachChild(node, (child) => {
    if (ts.isFunctionLike(child)) return;
    callsIn(child, found);
  });
  return found;
}

/** The first hash or cipher call in a function's body (nested callbacks included). */
export function primitiveInBody(
  body: ts.Node,
  scope: JudgeScope,
): { protection: 'hash' | 'encrypt'; via: string } | undefined {
  const found: Array<{ protection: 'hash' | 'encrypt'; via: string }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const primitive = primitiveOf(node, scope);
      if (primitive) found.push(primitive);
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  // A body that hashes its key and then encrypts (`sha256(key)` before `chacha.encrypt`) encrypts.
  return found.find((entry) => entry.protection === 'encrypt') ?? found[0];
}

/** The function a call goes through, unless it only hands its argument on or reverses a protection. */
function helperOf(node: ts.CallExpression | ts.NewExpression): string | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const name = calleeName(node.expression);
  if (name === undefined || PASS_THROUGH.has(name) || REVERSE_NAME.test(name)) return undefined;
  // Whoever defines it (this application, a workspace package, a library), the model decides by
  // the body it finds, else by the name; a function that shows neither proves nothing.
  return name;
}

/** A short, one-line rendering of the written value for evidence (`input.password`). */
function shown(node: ts.Node, sourceFile: ts.SourceFile): string {
  const text = node.getText(sourceFile).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * How a value written to a column is stored. `undefined` when the code does not say: `null`, a
 * number, a date, a nested relation write, or a function the judge cannot place.
 */
export function judgeWrittenValue(
  expression: ts.Expression,
  scope: JudgeScope,
  depth = 0,
): Judgement | undefined {
  const node = unwrap(expression);
  if (depth > 6) return undefined;
  if (
    node.kind === ts.SyntaxKind.NullKeyword ||
    node.kind === ts.SyntaxKind.UndefinedKeyword ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    ts.isNumericLiteral(node) ||
    ts.isObjectLiteralExpression(node) ||
    ts.isArrayLiteralExpression(node) ||
    ts.isFunctionLike(node)
  ) {
    return undefined;
  }
  if (ts.isIdentifier(node) && node.text === 'undefined') return undefined;
  if (ts.isConditionalExpression(node)) {
    const branches = [node.whenTrue, node.whenFalse]
      .map((branch) => judgeWrittenValue(branch, scope, depth + 1))
      .filter((judged): judged is Judgement => judged !== undefined);
    return branches.find((judged) => judged.protection === 'plain') ?? branches[0];
  }
  if (ts.isTemplateExpression(node)) {
    // `${salt}:${digest}`: a stored hash often carries its salt beside it.
    const spans = node.templateSpans
      .map((span) => judgeWrittenValue(span.expression, scope, depth + 1))
      .filter((judged): judged is Judgement => judged !== undefined);
    return spans.find((judged) => judged.protection !== 'plain') ?? plain(node, scope);
  }
  const calls = callsIn(node);
  for (const call of calls) {
    const primitive = primitiveOf(call, scope);
    if (primitive) return primitive;
  }
  for (const call of calls) {
    const helper = helperOf(call);
    if (helper === undefined) continue;
    // The model reads the helper's body; until then the write is not judged plain.
    return { protection: 'plain', via: `${helper}(…)`, helper };
  }
  if (calls.length > 0) {
    // Only calls that hand their argument on (`JSON.stringify(codes)`, `email.trim()`) leave the
    // value as it was; any other call computes something this judge cannot place.
    const passesThrough = calls.every((call) => {
      const name = ts.isCallExpression(call) ? calleeName(call.expression) : undefined;
      return name !== undefined && PASS_THROUGH.has(name);
    });
    if (!passesThrough) return undefined;
    if (ts.isCallExpression(node)) {
      const callee = unwrap(node.expression);
      const carried =
        node.arguments[0] ??
        (ts.isPropertyAccessExpression(callee) ? callee.expression : undefined);
      return carried === undefined ? undefined : judgeWrittenValue(carried, scope, depth + 1);
    }
  }
  if (ts.isIdentifier(node)) return judgeName(node, scope, depth);
  if (ts.isPropertyAccessExpression(node)) {
    const named = byName(node.name.text, node, scope);
    if (named) return named;
    const object = unwrap(node.expression);
    const assigned = ts.isIdentifier(object)
      ? scope.fieldAssignedBefore?.(object, node.name.text, node)
      : undefined;
    if (assigned !== undefined && assigned !== node) {
      // The field was replaced in place before the write: that value is what is stored.
      const judged = judgeWrittenValue(assigned, scope, depth + 1);
      if (judged !== undefined && (judged.protection !== 'plain' || judged.helper !== undefined)) {
        return judged;
      }
    }
    return plain(node, scope);
  }
  if (ts.isElementAccessExpression(node)) return plain(node, scope);
  if (ts.isStringLiteralLike(node) && STORED_HASH.test(node.text)) {
    // A seed's default admin with a bcrypt hash written out: already a hash, not the password.
    return {
      protection: 'hash',
      via: `${shown(node, scope.sourceFile)} (a hash in modular crypt format)`,
    };
  }
  if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) return plain(node, scope);
  if (ts.isBinaryExpression(node)) {
    const operator = node.operatorToken.kind;
    if (
      operator === ts.SyntaxKind.QuestionQuestionToken ||
      operator === ts.SyntaxKind.BarBarToken
    ) {
      return judgeWrittenValue(node.left, scope, depth + 1);
    }
    if (operator === ts.SyntaxKind.PlusToken) return plain(node, scope);
  }
  return undefined;
}

/**
 * A password hash as libraries store it (modular crypt format): bcrypt `$2b$12$…`, argon2
 * `$argon2id$…`, scrypt `$scrypt$…`/`$7$…`, SHA-crypt `$5$…`/`$6$…`, Django's `pbkdf2_sha256$…`.
 */
const STORED_HASH =
  /^(?:\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}|\$argon2(?:id|i|d)\$\S+|\$(?:scrypt|7|5|6)\$\S{16,}|pbkdf2_sha(?:1|256|512)\$\d+\$\S+)$/;

function plain(node: ts.Node, scope: JudgeScope): Judgement {
  return { protection: 'plain', via: shown(node, scope.sourceFile) };
}

/** `hashedPassword`, `user.passwordHash`, `encryptedSecret`: a value whose name says it. */
function byName(name: string, node: ts.Node, scope: JudgeScope): Judgement | undefined {
  if (REVERSE_NAME.test(name)) return undefined;
  if (ENCRYPTED_NAME.test(name) && !/^(?:un|non|not)/i.test(name)) {
    return { protection: 'encrypt', via: `${shown(node, scope.sourceFile)} (by its name)` };
  }
  if (HASHED_NAME.test(name)) {
    return { protection: 'hash', via: `${shown(node, scope.sourceFile)} (by its name)` };
  }
  return undefined;
}

/** A variable's value is its initializer's; a parameter's is the caller's, known by its name only. */
function judgeName(
  identifier: ts.Identifier,
  scope: JudgeScope,
  depth: number,
): Judgement | undefined {
  const declared = scope.declarationOf(identifier);
  const declaration = declared?.parent;
  if (
    declaration &&
    ts.isVariableDeclaration(declaration) &&
    declaration.name === declared &&
    declaration.initializer !== undefined
  ) {
    const judged = judgeWrittenValue(declaration.initializer, scope, depth + 1);
    if (judged !== undefined) return judged;
  }
  if (declaration && ts.isBindingElement(declaration)) {
    const destructured = judgeDestructured(declaration, scope, depth);
    if (destructured !== 'plain') return destructured;
  }
  return byName(identifier.text, identifier, scope) ?? plain(identifier, scope);
}

/**
 * A name bound by destructuring: `const [a, b] = await Promise.all([encrypt(x), encrypt(y)])` is
 * the element at its index; a part of what a function of the application returns
 * (`const { secret } = await createSecret()`) is unknown; a part of an input (`req.body`, a
 * parameter) is as written ('plain', decided by its name).
 */
function judgeDestructured(
  element: ts.BindingElement,
  scope: JudgeScope,
  depth: number,
): Judgement | undefined | 'plain' {
  const pattern = element.parent;
  const declaration = pattern.parent;
  if (!ts.isVariableDeclaration(declaration) || declaration.initializer === undefined) {
    return 'plain';
  }
  const source = unwrap(declaration.initializer);
  if (ts.isArrayBindingPattern(pattern) && ts.isCallExpression(source)) {
    const callee = calleeName(source.expression);
    const list = source.arguments[0] && unwrap(source.arguments[0]);
    if (/^(?:all|allSettled)$/.test(callee ?? '') && list && ts.isArrayLiteralExpression(list)) {
      const item = list.elements[pattern.elements.indexOf(element)];
      return item === undefined ? undefined : judgeWrittenValue(item, scope, depth + 1);
    }
  }
  if (ts.isCallExpression(source)) {
    // `await req.json()`, `schema.parse(body)`: a request's fields as the person typed them.
    const callee = calleeName(source.expression) ?? '';
    return INPUT_READERS.test(callee) || PASS_THROUGH.has(callee) ? 'plain' : undefined;
  }
  return ts.isNewExpression(source) ? undefined : 'plain';
}

/** Calls that hand back a request's input as sent. */
const INPUT_READERS =
  /^(?:json|formData|text|body|parse|safeParse|parseAsync|validate|validateSync|getBody)$/;
