/**
 * Functions other files call. A helper module (`lib/sms.ts`, a Nest service) is handed its data
 * by callers the file cannot see, so a parameter it logs or sends is read by its name, as a
 * column of the function's arguments (see `argumentFromOtherFiles` in data-flow.ts).
 */
import type { TableName } from '../../../facts.js';
import { FUNCTION_ARGUMENTS_TABLE } from '../../../facts.js';
import { ts } from '../morph.js';

/** The table an exported function's parameters are columns of, in the findings' words. */
export const FUNCTION_ARGUMENTS: TableName = { name: FUNCTION_ARGUMENTS_TABLE };

/** `module.exports`, `exports`, `module.exports.send` or `exports.send`. */
export function isCommonJsExport(node: ts.Expression): boolean {
  if (ts.isIdentifier(node)) return node.text === 'exports';
  if (!ts.isPropertyAccessExpression(node)) return false;
  const object = node.expression;
  if (ts.isIdentifier(object) && object.text === 'module') return node.name.text === 'exports';
  return isCommonJsExport(object);
}

/**
 * Local names a file exports other than by an `export` keyword on their declaration: `export {
 * send, notify as notifyPatient }`, `export default send`, `module.exports = { send }`,
 * `module.exports = send`, `exports.notify = notify`. Read from top-level statements only.
 */
export function exportedNamesOf(sourceFile: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const addValue = (value: ts.Expression): void => {
    if (ts.isIdentifier(value)) names.add(value.text);
    else if (ts.isObjectLiteralExpression(value)) {
      for (const property of value.properties) {
        if (ts.isShorthandPropertyAssignment(property)) names.add(property.name.text);
        else if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.initializer)) {
          names.add(property.initializer.text);
        }
      }
    }
  };
  for (const statement of sourceFile.statements) {
    if (
      ts.isExportDeclaration(statement) &&
      !statement.moduleSpecifier &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const element of statement.exportClause.elements) {
        names.add((element.propertyName ?? element.name).text);
      }
    } else if (ts.isExportAssignment(statement)) {
      addValue(statement.expression);
    } else if (
      ts.isExpressionStatement(statement) &&
      ts.isBinaryExpression(statement.expression) &&
      statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      isCommonJsExport(statement.expression.left)
    ) {
      addValue(statement.expression.right);
    }
  }
  return names;
}
