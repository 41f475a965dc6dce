/**
 * TypeORM as a client in data scripts: repositories (`dataSource.getRepository(Patient)`) and the
 * entity manager (`manager.find(Patient, { select })`, `manager.save(Account, rows)`).
 */
import { ts } from '../morph.js';
import type { TableName } from '../../../facts.js';
import type { Script } from '../data-scripts/script.js';
import { decoratorOption, entityClassOf, snakeCase } from '../data-scripts/entities.js';
import { modelRowsOf } from '../data-scripts/model-reads.js';
import { propertyNameText } from '../data-flow.js';
import { stripParentheses } from '../data-scripts/syntax.js';
import type { WriteTarget } from '../data-scripts/syntax.js';
import type { ClientCalls } from '../tool.js';
import { lastNameOf } from '../syntax-index.js';

const TYPEORM_READS =
  /^(?:find|findBy|findOne|findOneBy|findOneOrFail|findOneByOrFail|findAndCount|findAndCountBy)$/;
const TYPEORM_WRITES = /^(?:save|insert|update|upsert)$/;

/** A table an entity is stored in, with the column each of its properties lands in. */
interface EntityTarget {
  table: TableName;
  columnOf?: (key: string) => string;
}

/**
 * The table of an entity named in a script (`getRepository(Patient)`, `manager.save(Patient, …)`):
 * `@Entity('patients')` or TypeORM's default (`PatientRecord` → `patient_record`) when the project
 * declares the class, with `@Column({ name })` for its columns; the name as written otherwise.
 */
function entityTarget(
  script: Script,
  entity: ts.Expression | undefined,
  via: ts.Expression | undefined,
): EntityTarget | undefined {
  if (!entity) return undefined;
  const node = stripParentheses(entity);
  const written = script.stringOf(entity) ?? (ts.isIdentifier(node) ? node.text : undefined);
  if (!written) return undefined;
  const declaration = ts.isIdentifier(node) ? entityClassOf(script, node) : undefined;
  if (!declaration) return { table: script.tableName(written, via) };
  const columns = new Map<string, string>();
  for (const member of declaration.members) {
    if (!ts.isPropertyDeclaration(member)) continue;
    const key = propertyNameText(member.name);
    const named = decoratorOption(member, 'Column', ['name']);
    if (key && named) columns.set(key, named);
  }
  const table = decoratorOption(declaration, 'Entity', ['', 'name']) ?? snakeCase(written);
  return { table: script.tableName(table, via), columnOf: (key) => columns.get(key) ?? key };
}

/** `dataSource.getRepository(Patient)`, `manager.getRepository('patient')`: the entity's table. */
export function typeormRepository(
  script: Script,
  receiver: ts.Expression,
): EntityTarget | undefined {
  const definition = script.definitionOf(receiver);
  if (!ts.isCallExpression(definition)) return undefined;
  const callee = stripParentheses(definition.expression);
  const name = lastNameOf(callee);
  if (name !== 'getRepository') return undefined;
  return entityTarget(
    script,
    definition.arguments[0],
    ts.isPropertyAccessExpression(callee) ? callee.expression : undefined,
  );
}

function typeormRead(script: Script, call: ts.CallExpression) {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (!TYPEORM_READS.test(method)) return undefined;
  const receiver = stripParentheses(callee.expression);
  let target = typeormRepository(script, receiver);
  let options = call.arguments[0];
  if (!target && /manager$/i.test(receiver.getText(script.sourceFile))) {
    target = entityTarget(script, call.arguments[0], undefined);
    options = call.arguments[1];
  }
  if (!target) return undefined;
  return modelRowsOf(script, call, target.table, method, options, 'select', target.columnOf);
}

function typeormWrite(script: Script, call: ts.CallExpression): WriteTarget | undefined {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (!TYPEORM_WRITES.test(method)) return undefined;
  const receiver = stripParentheses(callee.expression);
  const verb = method === 'update' ? 'updated' : 'inserted into';
  const repository = typeormRepository(script, receiver);
  if (repository) {
    const data = method === 'update' ? call.arguments[1] : call.arguments[0];
    return { ...repository, data, verb };
  }
  if (/manager$/i.test(receiver.getText(script.sourceFile)) && call.arguments.length >= 2) {
    const target = entityTarget(script, call.arguments[0], receiver);
    if (target) {
      const data = method === 'update' ? call.arguments[2] : call.arguments[1];
      return { ...target, data, verb };
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
