/**
 * Sequelize as a client in data scripts: models (`Patient.findAll({ attributes })`,
 * `Patient.bulkCreate(rows)`, models made by `sequelize.define`) and the query interface's
 * `bulkInsert('patients', rows)` / `bulkUpdate` of seeders.
 */
import { ts } from '../morph.js';
import type { TableName } from '../../../facts.js';
import type { Script } from '../data-scripts/script.js';
import { modelRowsOf } from '../data-scripts/model-reads.js';
import { objectProperty, stripParentheses } from '../data-scripts/syntax.js';
import type { WriteTarget } from '../data-scripts/syntax.js';
import type { ClientCalls } from '../tool.js';

const SEQUELIZE_READS = /^(?:findAll|findOne|findByPk|findAndCountAll)$/;
const SEQUELIZE_WRITES = /^(?:create|bulkCreate|update|upsert)$/;
const SEQUELIZE_TEXT = /sequelize/i;

export function sequelizeModel(script: Script, receiver: ts.Expression): TableName | undefined {
  if (!ts.isIdentifier(receiver)) return undefined;
  const definition = script.definitionOf(receiver);
  if (ts.isCallExpression(definition) && ts.isPropertyAccessExpression(definition.expression)) {
    if (definition.expression.name.text === 'define') {
      const options = definition.arguments[2] && script.definitionOf(definition.arguments[2]);
      const tableOption =
        options && ts.isObjectLiteralExpression(options)
          ? objectProperty(options, 'tableName')
          : undefined;
      const name = script.stringOf(tableOption) ?? script.stringOf(definition.arguments[0]);
      return name ? script.tableName(name, definition.expression.expression) : undefined;
    }
  }
  if (!/^[A-Z]/.test(receiver.text)) return undefined;
  // `import { User } from '@server/models'`: a capitalised class of the models folder is the
  // model in a file that never names Sequelize itself.
  const module = script.importOf(receiver)?.module;
  const fromModels = module !== undefined && /(?:^|[/@])models?(?:\/|$)/i.test(module);
  if (!fromModels && !script.mentions(SEQUELIZE_TEXT)) return undefined;
  return script.tableName(receiver.text, undefined);
}

function sequelizeRead(script: Script, call: ts.CallExpression) {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (!SEQUELIZE_READS.test(method)) return undefined;
  const table = sequelizeModel(script, stripParentheses(callee.expression));
  if (!table) return undefined;
  const options = method === 'findByPk' ? call.arguments[1] : call.arguments[0];
  return modelRowsOf(script, call, table, method, options, 'attributes');
}

function sequelizeWrite(script: Script, call: ts.CallExpression): WriteTarget | undefined {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (method === 'bulkInsert' || method === 'bulkUpdate') {
    const tableText = script.stringOf(call.arguments[0]);
    if (tableText === undefined) return undefined;
    return {
      table: script.tableName(tableText, undefined),
      data: call.arguments[1],
      verb: method === 'bulkUpdate' ? 'updated' : 'inserted into',
    };
  }
  if (!SEQUELIZE_WRITES.test(method)) return undefined;
  const table = sequelizeModel(script, stripParentheses(callee.expression));
  if (!table) return undefined;
  return {
    table,
    data: call.arguments[0],
    verb: method === 'update' ? 'updated' : 'inserted into',
  };
}

export const sequelizeClient: ClientCalls = {
  read: (node, script) => (ts.isCallExpression(node) ? sequelizeRead(script, node) : undefined),
  write: (call, script) => sequelizeWrite(script, call),
  /** `Model.update(…)` returns the count of rows changed. */
  returnsCount(node, script) {
    if (!ts.isCallExpression(node)) return undefined;
    const target = sequelizeWrite(script, node);
    return target ? target.verb === 'updated' : undefined;
  },
};
