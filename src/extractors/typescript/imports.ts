/**
 * Following a name into another module of the scanned project, statically: `import { createTable }
 * from '../helpers'`, `const { dbcon } = require('./db')`, `export { x } from './y'`, and through
 * the project's tsconfig path aliases (`from '@src/db/schema'`, see `path-aliases.ts`). Specifiers
 * resolve only to files the scan itself read (see `project-files.ts`), and only a few modules
 * deep: a helper's own imports are followed, a whole dependency graph is not.
 *
 * A module read this way is parsed once per scan and kept (in a project of its own, so the shared
 * project's recycling never frees a tree a reader still holds).
 */
import { dirname, resolve } from 'node:path';
import { Project, ts } from './morph.js';
import type { Node } from './morph.js';
import type { SourceFile } from 'ts-morph';
import type { ScannedFile } from '../types.js';
import { forgetWithProjectFiles, projectFile } from '../project-files.js';
import { aliasedPaths } from './path-aliases.js';
import { hasModifier } from './syntax-index.js';

/** How many modules a name is followed through (`a` imports `b` re-exporting `c`). */
const MAX_IMPORT_DEPTH = 3;
/** Modules kept parsed per scan; a project with more helper modules than this is unusual. */
const MAX_MODULES = 200;

const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const INDEX_FILES = ['/index.ts', '/index.js', '/index.mjs'];
/** Modules are code: a `tsconfig.json` the scan read for its aliases is never one. */
const CODE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** The scanned file a parsed source file was made from (the scanned file itself or an imported module). */
const scannedFileOf = new WeakMap<ts.SourceFile, ScannedFile>();

let moduleProject: Project | undefined;
const parsedModules = new Map<string, SourceFile>();

/** Records which scanned file a parsed tree belongs to, so names in it can be followed. */
export function registerScannedFile(sourceFile: ts.SourceFile, file: ScannedFile): void {
  scannedFileOf.set(sourceFile, file);
}

/** The scanned file a node's tree was parsed from, when known. */
export function scannedFileOfNode(node: Node): ScannedFile | undefined {
  return scannedFileOf.get(node.getSourceFile().compilerNode);
}

/** Is this node in another module than `sourceFile` (a helper followed through an import)? */
export function isForeignNode(node: Node, sourceFile: SourceFile): boolean {
  return node.getSourceFile().compilerNode !== sourceFile.compilerNode;
}

/**
 * The declaration an identifier names, when it is imported from a module of the scanned project:
 * a function declaration, a `const`'s initializer (an arrow function, an object, `new Table({…})`,
 * an array), a class, or a default export. Undefined for packages and names not found.
 */
export function importedDeclaration(identifier: Node, depth = 0): Node | undefined {
  if (depth > MAX_IMPORT_DEPTH) return undefined;
  const sourceFile = identifier.getSourceFile();
  const importer = scannedFileOf.get(sourceFile.compilerNode);
  if (!importer) return undefined;
  const name = identifier.getText();
  const binding = importBindingOf(sourceFile.compilerNode, name);
  if (!binding) return undefined;
  const module = moduleAt(importer.absolutePath, binding.specifier);
  if (!module) return undefined;
  return exportedDeclaration(module, binding.exported, depth + 1);
}

interface ImportBinding {
  specifier: string;
  /** The exported name (`default` for a default import, `*` for a namespace). */
  exported: string;
}

/** Which module and exported name a local name comes from: ES imports and `require` destructuring. */
function importBindingOf(sourceFile: ts.SourceFile, local: string): ImportBinding | undefined {
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const specifier = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (!clause) continue;
      if (clause.name?.text === local) return { specifier, exported: 'default' };
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          if (element.name.text === local) {
            return { specifier, exported: (element.propertyName ?? element.name).text };
          }
        }
      }
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const specifier = requiredSpecifier(declaration.initializer);
        if (specifier === undefined) continue;
        if (ts.isIdentifier(declaration.name) && declaration.name.text === local) {
          return { specifier, exported: 'default' };
        }
        if (ts.isObjectBindingPattern(declaration.name)) {
          for (const element of declaration.name.elements) {
            if (ts.isIdentifier(element.name) && element.name.text === local) {
              const property = element.propertyName;
              const exported = property && ts.isIdentifier(property) ? property.text : local;
              return { specifier, exported };
            }
          }
        }
      }
    }
  }
  return undefined;
}

/** `require('./db')` → './db'. */
function requiredSpecifier(expression: ts.Expression | undefined): string | undefined {
  if (!expression || !ts.isCallExpression(expression)) return undefined;
  const callee = expression.expression;
  const [first] = expression.arguments;
  if (!ts.isIdentifier(callee) || callee.text !== 'require' || !first) return undefined;
  return ts.isStringLiteral(first) ? first.text : undefined;
}

/** The parsed module a specifier names, among the files the scan read. */
function moduleAt(importerPath: string, specifier: string): SourceFile | undefined {
  const file = moduleFileAt(importerPath, specifier);
  return file && parsedModule(file);
}

/**
 * The project file a specifier of this parsed file names: relative to it, or through the path
 * aliases of its tsconfig. Undefined for packages and for modules the scan did not read.
 */
export function importedProjectFile(
  sourceFile: ts.SourceFile,
  specifier: string,
): ScannedFile | undefined {
  const importer = scannedFileOf.get(sourceFile);
  return importer && moduleFileAt(importer.absolutePath, specifier);
}

function moduleFileAt(importerPath: string, specifier: string): ScannedFile | undefined {
  // An absolute specifier names a file of the machine that built the project, not of the scan.
  if (specifier.startsWith('/')) return undefined;
  const bases = specifier.startsWith('.')
    ? [resolve(dirname(importerPath), specifier)]
    : aliasedPaths(importerPath, specifier);
  for (const base of bases) {
    // `./db.js` in TypeScript sources names `./db.ts`.
    const spellings = /\.(m|c)?js$/.test(base) ? [base, base.replace(/\.(m|c)?js$/, '')] : [base];
    for (const spelling of spellings) {
      for (const suffix of [...EXTENSIONS, ...INDEX_FILES]) {
        const file = projectFile(spelling + suffix);
        if (file && CODE_FILE.test(file.absolutePath)) return file;
      }
    }
  }
  return undefined;
}

function parsedModule(file: ScannedFile): SourceFile | undefined {
  const cached = parsedModules.get(file.absolutePath);
  if (cached) return cached;
  if (parsedModules.size >= MAX_MODULES) return undefined;
  moduleProject ??= new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    skipLoadingLibFiles: true,
    compilerOptions: { allowJs: true, noLib: true, noResolve: true },
  });
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  const kind = /\.(js|mjs|cjs)$/i.test(name) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sourceFile = moduleProject.createSourceFile(
    `/piilint-modules/${parsedModules.size}-${name}`,
    file.text,
    { scriptKind: kind },
  );
  scannedFileOf.set(sourceFile.compilerNode, file);
  parsedModules.set(file.absolutePath, sourceFile);
  return sourceFile;
}

/** Forgets the modules parsed for one scan (the next scan may read other versions of them). */
function forgetImportedModules(): void {
  parsedModules.clear();
  moduleProject = undefined;
}
forgetWithProjectFiles(forgetImportedModules);

/** The declaration a module exports under `name`, following one re-export or local alias. */
function exportedDeclaration(module: SourceFile, name: string, depth: number): Node | undefined {
  const raw = module.compilerNode;
  const wrap = (node: ts.Node): Node => wrapIn(module, node);
  for (const statement of raw.statements) {
    if (name === 'default' && ts.isExportAssignment(statement)) {
      return localDeclaration(module, statement.expression, depth);
    }
    if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) {
      const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
      const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
      if (exported && ((isDefault && name === 'default') || statement.name?.text === name)) {
        return wrap(statement);
      }
    }
    if (ts.isVariableStatement(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === name) {
          return declaration.initializer ? wrap(declaration.initializer) : undefined;
        }
      }
    }
    if (ts.isExportDeclaration(statement) && statement.exportClause) {
      if (!ts.isNamedExports(statement.exportClause)) continue;
      for (const element of statement.exportClause.elements) {
        if (element.name.text !== name) continue;
        const local = (element.propertyName ?? element.name).text;
        const specifier = statement.moduleSpecifier;
        if (specifier && ts.isStringLiteral(specifier)) {
          const file = scannedFileOf.get(raw);
          const next = file && moduleAt(file.absolutePath, specifier.text);
          return next && depth <= MAX_IMPORT_DEPTH
            ? exportedDeclaration(next, local, depth + 1)
            : undefined;
        }
        return localDeclaration(module, ts.factory.createIdentifier(local), depth, local);
      }
    }
    // module.exports = { dbcon } / exports.dbcon = …
    if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression)) {
      const { left, right } = statement.expression;
      if (statement.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
      const target = left.getText(raw);
      if (target === `exports.${name}` || target === `module.exports.${name}`) {
        return localDeclaration(module, right, depth);
      }
      if (target === 'module.exports') {
        if (name === 'default') return localDeclaration(module, right, depth);
        if (ts.isObjectLiteralExpression(right)) {
          for (const property of right.properties) {
            if (property.name && ts.isIdentifier(property.name) && property.name.text === name) {
              if (ts.isShorthandPropertyAssignment(property)) {
                return localDeclaration(module, property.name, depth, name);
              }
              if (ts.isPropertyAssignment(property)) {
                return localDeclaration(module, property.initializer, depth);
              }
              return wrap(property);
            }
          }
        }
      }
    }
  }
  return undefined;
}

/** An exported expression that names a local function or `const` resolves to that declaration. */
function localDeclaration(
  module: SourceFile,
  expression: ts.Expression,
  depth: number,
  knownName?: string,
): Node | undefined {
  const name = knownName ?? (ts.isIdentifier(expression) ? expression.text : undefined);
  if (name === undefined) return wrapIn(module, expression);
  for (const statement of module.compilerNode.statements) {
    if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) &&
      statement.name?.text === name
    ) {
      return wrapIn(module, statement);
    }
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === name) {
          return declaration.initializer ? wrapIn(module, declaration.initializer) : undefined;
        }
      }
    }
  }
  // Imported into the module and exported again.
  const binding = importBindingOf(module.compilerNode, name);
  const file = scannedFileOf.get(module.compilerNode);
  if (!binding || !file || depth > MAX_IMPORT_DEPTH) return undefined;
  const next = moduleAt(file.absolutePath, binding.specifier);
  return next ? exportedDeclaration(next, binding.exported, depth + 1) : undefined;
}

interface WrapperFactory {
  _getNodeFromCompilerNode?(node: ts.Node): Node;
}

function wrapIn(sourceFile: SourceFile, node: ts.Node): Node {
  const factory = sourceFile as unknown as WrapperFactory;
  if (typeof factory._getNodeFromCompilerNode === 'function') {
    return factory._getNodeFromCompilerNode(node);
  }
  const start = node.getStart(sourceFile.compilerNode);
  return sourceFile.getDescendantAtStartWithWidth(start, node.getEnd() - start) ?? sourceFile;
}
