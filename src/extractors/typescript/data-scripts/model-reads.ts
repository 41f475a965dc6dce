/**
 * The rows a model-style ORM read returns, shared by Sequelize (`Patient.findAll({ attributes })`)
 * and TypeORM (`repo.find({ select })`): the listed columns, or every column when none is listed.
 */
import { ts } from '../morph.js';
import type { TableName } from '../../../facts.js';
import { propertyNameText } from '../data-flow.js';
import type { Value } from '../data-flow/values.js';
import type { Script } from './script.js';
import { objectProperty } from './syntax.js';
import type { SelectItem } from './syntax.js';

export function modelRowsOf(
  script: Script,
  call: ts.CallExpression,
  table: TableName,
  method: string,
  optionsArgument: ts.Expression | undefined,
  columnsKey: 'attributes' | 'select',
  columnOf: (key: string) => string = (key) => key,
): Value {
  const options = optionsArgument ? script.definitionOf(optionsArgument) : undefined;
  const listed =
    options && ts.isObjectLiteralExpression(options)
      ? objectProperty(options, columnsKey)
      : undefined;
  const items: SelectItem[] = [];
  const addColumn = (name: string, output: string, at: ts.Node) =>
    items.push({ output, table, column: columnOf(name), at: script.locate(at) });
  if (listed && ts.isArrayLiteralExpression(listed)) {
    for (const item of listed.elements) {
      const text = script.stringOf(item);
      if (text !== undefined) addColumn(text, text, item);
      else if (ts.isArrayLiteralExpression(item)) {
        const [column, alias] = item.elements.map((part) => script.stringOf(part));
        if (column && alias) addColumn(column, alias, item);
      }
    }
  } else if (listed && ts.isObjectLiteralExpression(listed)) {
    for (const property of listed.properties) {
      const name = property.name && propertyNameText(property.name);
      if (name) addColumn(name, name, property);
    }
  }
  const row = script.rowValue(call, items, items.length === 0 ? table : undefined);
  if (method === 'findAndCountAll') return { fields: new Map([['rows', { element: row }]]) };
  if (/^findAndCount/.test(method)) return { fields: new Map([['0', { element: row }]]) };
  return /^(?:findAll|find|findBy)$/.test(method) ? { element: row } : row;
}
