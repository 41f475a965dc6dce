/**
 * Only SQL is parsed as SQL: a string literal is a statement when it reaches something that runs
 * SQL, not because it starts with SQL words. Test expectations (`expect(sql).toBe('SELECT …')`),
 * error messages (`new Error('UPDATE patients SET … failed')`) and log lines are left alone.
 *
 * A literal reaches a runner when it is (through parentheses, `as`, `+` concatenation):
 * - an argument of a call whose method or function is a runner: `query`, `raw`, `execute`,
 *   `addSql`, `runSql`, `sql`, `unsafe`, Prisma's `$executeRaw…`, pg-promise's `none`/`one`/`many`…;
 * - the template of a tagged template whose tag is one (`sql\`…\``, `prisma.$queryRaw\`…\``,
 *   slonik's `sql.type(row)\`…\``);
 * - the value of a `text`/`sql`/`query` property (`client.query({ text, values })`);
 * - held by a `const` (or an array or object of them) that is passed to a runner in this file, or
 *   whose name says it is SQL (`CREATE_PATIENTS_SQL`, `migrations`, `statements`, `up`).
 */
import { ts } from './morph.js';

const RUNNER_NAMES: ReadonlySet<string> = new Set([
  ...['query', 'queryRaw', 'rawQuery', 'queryOne', 'queryAll', 'queryAsync', 'querySync'],
  ...['raw', 'execute', 'executeRaw', 'executeSql', 'executeQuery', 'exec', 'execSql'],
  ...['runSql', 'runQuery', 'addSql', 'sql', 'unsafe', 'prepare', 'batch', 'multi'],
  ...['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe'],
  // pg-promise
  ...['none', 'one', 'oneOrNone', 'many', 'manyOrNone', 'any', 'result', 'map', 'each'],
]);

/** Names of variables and properties that hold SQL to be run elsewhere. */
const SQL_HOLDER_NAME =
  /sql|query|queries|statement|ddl|dml|migration|^(?:up|down|text|script|seed)$/i;

/** Does the literal reach a runner of SQL (see the module comment)? */
export function reachesSqlRunner(literal: ts.Node, sourceFile: ts.SourceFile): boolean {
  let node = literal;
  for (let depth = 0; depth < 8; depth++) {
    const parent = node.parent;
    if (!parent) return false;
    if (
      ts.isParenthesizedExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isNonNullExpression(parent) ||
      ts.isSatisfiesExpression(parent) ||
      ts.isAwaitExpression(parent) ||
      ts.isArrayLiteralExpression(parent) ||
      ts.isConditionalExpression(parent) ||
      (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.PlusToken) ||
      ts.isTemplateSpan(parent) ||
      ts.isTemplateExpression(parent)
    ) {
      node = parent;
      continue;
    }
    if (ts.isTaggedTemplateExpression(parent)) return isRunner(parent.tag);
    // `for (const statement of STATEMENTS) await db.query(statement)`
    if (ts.isForOfStatement(parent) && parent.expression === node) {
      const variable = loopVariableOf(parent.initializer);
      return variable !== undefined && passedToRunner(variable, sourceFile);
    }
    // `STATEMENTS.forEach((statement) => db.query(statement))`, `.map(…)`, `.reduce(…)`
    if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
      const call = parent.parent;
      const callback = ts.isCallExpression(call) ? call.arguments[0] : undefined;
      const parameter =
        callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))
          ? callback.parameters[callback.parameters.length === 1 ? 0 : 1]?.name
          : undefined;
      return (
        parameter !== undefined &&
        ts.isIdentifier(parameter) &&
        passedToRunner(parameter.text, sourceFile)
      );
    }
    if (ts.isCallExpression(parent)) {
      return parent.expression !== node && isRunner(parent.expression);
    }
    if (ts.isPropertyAssignment(parent)) {
      const name = propertyName(parent.name);
      if (name !== undefined && SQL_HOLDER_NAME.test(name)) return true;
      node = parent.parent; // an object of statements passed to a runner
      continue;
    }
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
      const name = parent.name.text;
      return SQL_HOLDER_NAME.test(name) || passedToRunner(name, sourceFile);
    }
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      // exports.up = 'CREATE TABLE …', this.sql = '…'
      const target = parent.left;
      const name = ts.isPropertyAccessExpression(target)
        ? target.name.text
        : ts.isIdentifier(target)
          ? target.text
          : undefined;
      return name !== undefined && SQL_HOLDER_NAME.test(name);
    }
    if (ts.isReturnStatement(parent) || ts.isArrowFunction(parent)) {
      // A function that returns the SQL (`up: () => 'CREATE TABLE …'`, a query builder helper).
      return enclosingFunctionNameSaysSql(parent);
    }
    return false;
  }
  return false;
}

/** The callee or tag names a runner: `db.query`, `query`, `sql.type(row)`, `prisma.$executeRaw`. */
function isRunner(callee: ts.Expression): boolean {
  if (ts.isIdentifier(callee)) return RUNNER_NAMES.has(callee.text);
  if (ts.isPropertyAccessExpression(callee)) {
    return RUNNER_NAMES.has(callee.name.text) || isSqlObject(callee.expression);
  }
  if (ts.isCallExpression(callee)) return isRunner(callee.expression); // sql.type(row)`…`
  return false;
}

/** `sql.unsafe`, `sql.fragment`, `Prisma.sql`: a property of something named `sql`. */
function isSqlObject(expression: ts.Expression): boolean {
  return ts.isIdentifier(expression) && /^sql$/i.test(expression.text);
}

/** Names being followed, so `const a = b` chains end. */
const following = new Set<string>();

/** Is an identifier called `name` an argument of a runner call somewhere in the file? */
function passedToRunner(name: string, sourceFile: ts.SourceFile): boolean {
  if (following.has(name) || following.size > 4) return false;
  following.add(name);
  try {
    return identifierReachesRunner(name, sourceFile);
  } finally {
    following.delete(name);
  }
}

function identifierReachesRunner(name: string, sourceFile: ts.SourceFile): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && node.text === name && !ts.isVariableDeclaration(node.parent)) {
      if (reachesSqlRunner(node, sourceFile)) found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function loopVariableOf(initializer: ts.Node): string | undefined {
  if (!ts.isVariableDeclarationList(initializer)) return undefined;
  const name = initializer.declarations[0]?.name;
  return name && ts.isIdentifier(name) ? name.text : undefined;
}

function enclosingFunctionNameSaysSql(node: ts.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isFunctionDeclaration(current) || ts.isMethodDeclaration(current)) {
      const name = current.name && propertyName(current.name);
      return name !== undefined && SQL_HOLDER_NAME.test(name);
    }
    if (ts.isPropertyAssignment(current) || ts.isVariableDeclaration(current)) {
      const name = propertyName(current.name);
      return name !== undefined && SQL_HOLDER_NAME.test(name);
    }
    if (ts.isSourceFile(current)) return false;
  }
  return false;
}

function propertyName(name: ts.Node): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) {
    return name.text;
  }
  return undefined;
}
