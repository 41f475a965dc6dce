/**
 * Entity classes of decorator ORMs (TypeORM, MikroORM) as a data script names them: the class a
 * name refers to, in the script or in a module of the project it imports, and the string options
 * of its decorators (`@Entity('patients')`, `@Column({ name: 'full_name' })`).
 */
import { ts } from '../morph.js';
import { importedDeclaration } from '../imports.js';
import type { Script } from './script.js';
import { objectProperty } from './syntax.js';

/** `PatientRecord` → `patient_record`, `fullName` → `full_name`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** The class a name refers to: declared in the script or imported from a module of the project. */
export function entityClassOf(
  script: Script,
  identifier: ts.Identifier,
): ts.ClassDeclaration | undefined {
  const declared = script.tracker.declarationOf(identifier);
  if (declared?.parent && ts.isClassDeclaration(declared.parent)) return declared.parent;
  const imported = importedDeclaration(script.wrap(identifier))?.compilerNode;
  return imported && ts.isClassDeclaration(imported) ? imported : undefined;
}

/** A decorator as written: `@Encrypted` and `@Encrypted()` both name `Encrypted`. */
export interface DecoratorUse {
  name: string;
  arguments: readonly ts.Expression[];
  node: ts.Decorator;
}

/** The decorators of a node named by an identifier, with their arguments (none for `@Name`). */
export function decoratorsOf(node: ts.Node): DecoratorUse[] {
  const decorators = ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : [];
  return decorators.flatMap((decorator): DecoratorUse[] => {
    const expression = decorator.expression;
    if (ts.isCallExpression(expression) && ts.isIdentifier(expression.expression)) {
      const { text } = expression.expression;
      return [{ name: text, arguments: expression.arguments, node: decorator }];
    }
    if (ts.isIdentifier(expression))
      return [{ name: expression.text, arguments: [], node: decorator }];
    return [];
  });
}

/**
 * A string option of a decorator: `@Entity({ tableName: 'patients' })`, `@Column('text', { name })`;
 * `''` among the keys also takes a string first argument (`@Entity('patients')`). Any decorator
 * when `name` is undefined.
 */
export function decoratorOption(
  node: ts.HasDecorators,
  name: string | undefined,
  keys: readonly string[],
): string | undefined {
  for (const decorator of ts.getDecorators(node) ?? []) {
    const call = decorator.expression;
    if (!ts.isCallExpression(call)) continue;
    if (name && !(ts.isIdentifier(call.expression) && call.expression.text === name)) continue;
    const [first] = call.arguments;
    if (first && ts.isStringLiteralLike(first) && keys.includes('')) return first.text;
    for (const options of call.arguments) {
      if (!ts.isObjectLiteralExpression(options)) continue;
      for (const key of keys) {
        const value = key === '' ? undefined : objectProperty(options, key);
        if (value && ts.isStringLiteralLike(value)) return value.text;
      }
    }
  }
  return undefined;
}
