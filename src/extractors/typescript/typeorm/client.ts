/**
 * TypeORM as a client in data scripts: repositories (`dataSource.getRepository(Patient)`) and the
 * entity manager (`manager.find(Patient, { select })`, `manager.save(Account, rows)`).
 */
import { ts } from '../morph.js';
import type { TableName } from '../../../facts.js';
import type { Script } from '../data-scripts/script.js';
import { modelRowsOf } from '../data-scripts/model-reads.js';
import { stripParentheses } from '../data-scripts/syntax.js';
import type { WriteTarget } from '../data-scripts/syntax.js';
import type { ClientCalls } from '../tool.js';

const TYPEORM_READS =
  /^(?:find|findBy|findOne|findOneBy|findOneOrFail|findOneByOrFail|findAndCount|findAndCountBy)$/;
const TYPEORM_WRITES = /^(?:save|insert|update|upsert)$/;

export function typeormRepository(script: Script, receiver: ts.Expression): TableName | undefined {
  const definition = script.definitionOf(receiver);
  if (!ts.isCallExpression(definition)) return undefined;
  const callee = stripParentheses(definition.expression);
  const name = ts.isPropertyAccessExpression(callee)
    ? callee.name.text
    : ts.isIdentifier(callee)
      ? callee.text
      : '';
  if (name !== 'getRepository') return undefined;
  const entity = definition.arguments[0];
  if (!entity) return undefined;
  const entityName = script.stringOf(entity) ?? (ts.isIdentifier(entity) ? entity.text : undefined);
  if (!entityName) return undefined;
  return script.tableName(
    entityName,
    ts.isPropertyAccessExpression(callee) ? callee.expression : undefined,
  );
}

/** `manager.find(Patient, …)`: the entity named by the first argument. */
function managerEntity(script: Script, entity: ts.Expression | undefined): string | undefined {
  return entity && (script.stringOf(entity) ?? (ts.isIdentifier(entity) ? entity.text : undefined));
}

function typeormRead(script: Script, call: ts.CallExpression) {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (!TYPEORM_READS.test(method)) return undefined;
  const receiver = stripParentheses(callee.expression);
  let table: TableName | undefined = typeormRepository(script, receiver);
  let options = call.arguments[0];
  if (!table && /manager$/i.test(receiver.getText(script.sourceFile))) {
    const entityName = managerEntity(script, call.arguments[0]);
    if (entityName) table = script.tableName(entityName, undefined);
    options = call.arguments[1];
  }
  if (!table) return undefined;
  return modelRowsOf(script, call, table, method, options, 'select');
}

function typeormWrite(script: Script, call: ts.CallExpression): WriteTarget | undefined {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (!TYPEORM_WRITES.test(method)) return undefined;
  const receiver = stripParentheses(callee.expression);
  const verb = method === 'update' ? 'updated' : 'inserted into';
  const table = typeormRepository(script, receiver);
  if (table) {
    const data = method === 'update' ? call.arguments[1] : call.arguments[0];
    return { table, data, verb };
  }
  if (/manager$/i.test(receiver.getText(script.sourceFile)) && call.arguments.length >= 2) {
    const entityName = managerEntity(script, call.arguments[0]);
    if (entityName) {
      const data = method === 'update' ? call.arguments[2] : call.arguments[1];
      return { table: script.tableName(entityName, receiver), data, verb };
    }
  }
  return undefined;
}

export const typeormClient: ClientCalls = {
  read: (node, script) => (ts.isCallExpression(node) ? typeormRead(script, node) : undefined),
  write: (call, script) => typeormWrite(script, call),
  /** `repository.update(…)` returns an `UpdateResult`, not rows. */
  returnsCount(node, script) {
    if (!ts.isCallExpression(node)) return undefined;
    const target = typeormWrite(script, node);
    return target ? target.verb === 'updated' : undefined;
  },
};
