/**
 * Definitions a migration creates in a loop: `for (const table of TABLES) await
 * queryRunner.createTable(table)`, `Object.values(tables).forEach((t) => …)`, where the list is a
 * constant of this file or of a module of the project. Each element is read as if the call had
 * been written once per element.
 */
import { Node } from './morph.js';
import type { ObjectLiteralExpression } from 'ts-morph';
import { constInitializerOf, unwrapExpression } from './receivers.js';

/** The most elements a loop is unrolled to: a longer list is data, not table definitions. */
const MAX_ELEMENTS = 100;

/**
 * The values an identifier takes when it is the variable of a `for … of` loop or the parameter of
 * a `forEach`/`map` callback over a constant list; [] when it is not such a variable.
 */
export function loopedValuesOf(identifier: Node): Node[] {
  if (!Node.isIdentifier(identifier)) return [];
  const name = identifier.getText();
  for (let node: Node | undefined = identifier.getParent(); node; node = node.getParent()) {
    if (Node.isForOfStatement(node)) {
      const declared = node.getInitializer();
      const variable = Node.isVariableDeclarationList(declared)
        ? declared.getDeclarations()[0]?.getNameNode()
        : undefined;
      if (variable && Node.isIdentifier(variable) && variable.getText() === name) {
        return elementsOfList(node.getExpression());
      }
    }
    if (Node.isArrowFunction(node) || Node.isFunctionExpression(node)) {
      const parameter = node.getParameters()[0]?.getNameNode();
      if (!parameter || !Node.isIdentifier(parameter) || parameter.getText() !== name) continue;
      const call = node.getParent();
      if (!Node.isCallExpression(call)) return [];
      const callee = call.getExpression();
      if (!Node.isPropertyAccessExpression(callee)) return [];
      if (!['forEach', 'map', 'flatMap'].includes(callee.getName())) return [];
      return elementsOfList(callee.getExpression());
    }
  }
  return [];
}

/**
 * Elements of an array literal, or property values of an object (`Object.values(tables)`), through
 * `const` names (of this file or imported) and spreads: `[...baseColumns, { name: 'ssn' }]`.
 */
export function elementsOfList(list: Node, depth = 0): Node[] {
  if (depth > 4) return [];
  const value = unwrapExpression(list);
  if (Node.isIdentifier(value)) {
    const initializer = constInitializerOf(value);
    return initializer ? elementsOfList(initializer, depth + 1) : [];
  }
  if (Node.isArrayLiteralExpression(value)) {
    return value
      .getElements()
      .slice(0, MAX_ELEMENTS)
      .flatMap((element) =>
        Node.isSpreadElement(element)
          ? elementsOfList(element.getExpression(), depth + 1)
          : [element],
      );
  }
  if (Node.isCallExpression(value)) {
    const callee = value.getExpression();
    const argument = value.getArguments()[0];
    // `columns.map((column) => new TableColumn(column))`: each element, wrapped as written.
    if (
      argument &&
      Node.isPropertyAccessExpression(callee) &&
      callee.getName() === 'map' &&
      wrapsItsParameter(argument)
    ) {
      return elementsOfList(callee.getExpression(), depth + 1);
    }
    if (
      argument &&
      Node.isPropertyAccessExpression(callee) &&
      callee.getExpression().getText() === 'Object' &&
      callee.getName() === 'values'
    ) {
      const object = unwrapExpression(argument);
      const literal = Node.isIdentifier(object) ? constInitializerOf(object) : object;
      if (literal && Node.isObjectLiteralExpression(unwrapExpression(literal))) {
        return (unwrapExpression(literal) as ObjectLiteralExpression)
          .getProperties()
          .slice(0, MAX_ELEMENTS)
          .flatMap((property) =>
            Node.isPropertyAssignment(property)
              ? [property.getInitializerOrThrow()]
              : Node.isShorthandPropertyAssignment(property)
                ? [property.getNameNode()]
                : [],
          );
      }
    }
  }
  return [];
}

/** `(column) => new TableColumn(column)`, `(c) => c`: a callback that keeps each element as it is. */
function wrapsItsParameter(callback: Node): boolean {
  if (!Node.isArrowFunction(callback) && !Node.isFunctionExpression(callback)) return false;
  const parameter = callback.getParameters()[0]?.getNameNode();
  if (!parameter || !Node.isIdentifier(parameter)) return false;
  let body: Node | undefined = callback.getBody();
  if (Node.isBlock(body)) {
    const statements = body.getStatements();
    const only = statements.length === 1 ? statements[0] : undefined;
    body = only && Node.isReturnStatement(only) ? only.getExpression() : undefined;
  }
  if (!body) return false;
  const value = unwrapExpression(body);
  if (Node.isIdentifier(value)) return value.getText() === parameter.getText();
  if (!Node.isNewExpression(value)) return false;
  const [first] = value.getArguments();
  return first !== undefined && first.getText() === parameter.getText();
}
