/**
 * One walk of a file's raw syntax tree that every reader of the file shares: its functions,
 * variables, calls, `const` values and literals. Walking the compiler's own nodes costs a fraction
 * of ts-morph's descendant walks, which wrap every node they pass.
 */
import { ts } from './morph.js';

/** Functions, variables, calls and literals of a file, collected in one walk of the raw syntax tree. */
export interface SyntaxIndex {
  functions: ts.SignatureDeclaration[];
  variables: ts.VariableDeclaration[];
  calls: ts.CallExpression[];
  /** `const` name → initializer (first declaration wins). */
  constants: Map<string, ts.Expression>;
  /** Function name → its declarations (function declarations and `const f = (…) => …`). */
  functionsByName: Map<string, ts.SignatureDeclaration[]>;
  /**
   * String literals, no-substitution templates and template expressions, in document (pre-)order,
   * except those of imports, exports, interfaces and type aliases: where the embedded-SQL pass
   * looks for statements.
   */
  literals: ts.Node[];
}

const indexCache = new WeakMap<ts.SourceFile, SyntaxIndex>();

export function syntaxIndexOf(sourceFile: ts.SourceFile): SyntaxIndex {
  const cached = indexCache.get(sourceFile);
  if (cached) return cached;
  const index: SyntaxIndex = {
    functions: [],
    variables: [],
    calls: [],
    constants: new Map(),
    functionsByName: new Map(),
    literals: [],
  };
  const addFunction = (name: string, fn: ts.SignatureDeclaration) => {
    const list = index.functionsByName.get(name);
    if (list) list.push(fn);
    else index.functionsByName.set(name, [fn]);
  };
  let inTypeOrModuleDeclaration = 0;
  const visit = (node: ts.Node): void => {
    switch (node.kind) {
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      case ts.SyntaxKind.TemplateExpression:
        if (inTypeOrModuleDeclaration === 0) index.literals.push(node);
        break;
      case ts.SyntaxKind.ImportDeclaration:
      case ts.SyntaxKind.ExportDeclaration:
      case ts.SyntaxKind.InterfaceDeclaration:
      case ts.SyntaxKind.TypeAliasDeclaration:
        inTypeOrModuleDeclaration++;
        ts.forEachChild(node, visit);
        inTypeOrModuleDeclaration--;
        return;
    }
    if (ts.isCallExpression(node)) index.calls.push(node);
    else if (ts.isVariableDeclaration(node)) {
      index.variables.push(node);
      if (ts.isIdentifier(node.name) && node.initializer) {
        const initializer = unwrapRaw(node.initializer);
        if (node.parent.flags & ts.NodeFlags.Const && !index.constants.has(node.name.text)) {
          index.constants.set(node.name.text, node.initializer);
        }
        if (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) {
          addFunction(node.name.text, initializer);
        }
      }
    } else if (ts.isFunctionDeclaration(node) && node.name) addFunction(node.name.text, node);
    if (ts.isFunctionLike(node) && node.parameters.length > 0) index.functions.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  indexCache.set(sourceFile, index);
  return index;
}

/** Parentheses, `await`, `as`, `!`, `<T>` or `satisfies`: the value is its inner expression's. */
export function isWrapperExpression(
  node: ts.Node,
): node is ts.Expression & { expression: ts.Expression } {
  return (
    ts.isParenthesizedExpression(node) ||
    ts.isAwaitExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node)
  );
}

/** Whether a declaration carries a modifier (`export`, `default`, `private`). */
export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return (
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((entry) => entry.kind === kind)
  );
}

/** The name a call or constructor is made by: `f` of `f(…)`, `create` of `db.users.create(…)`; '' otherwise. */
export function lastNameOf(node: ts.Expression): string {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return '';
}

/** Looks through parentheses, `await`, `as`, `!`, `<T>` and `satisfies` on a raw compiler node. */
export function unwrapRaw(node: ts.Expression): ts.Expression {
  let current = node;
  for (;;) {
    if (isWrapperExpression(current)) {
      current = current.expression;
    } else {
      return current;
    }
  }
}
