/**
 * Lexical scopes of one file, without the type checker: which declaration a name refers to
 * (`const`, `let`, parameters, function and class names, imports, loop and catch variables).
 */
import { ts } from '../morph.js';

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

// ── bindings ────────────────────────────────────────────────────────────────────────────────

export class LexicalScopes {
  private readonly scopeNames = new Map<ts.Node, Map<string, ts.Identifier>>();
  private readonly declarations = new Map<ts.Identifier, ts.Identifier | null>();

  private namesOf(scope: ts.Node): Map<string, ts.Identifier> {
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
}
