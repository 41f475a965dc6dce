/**
 * The SQL types drizzle-kit writes for drizzle's column builders, and the `customType`s a schema
 * file declares (with whether their `toDriver` encrypts).
 */
import { Node, SyntaxKind } from '../morph.js';
import type { CallExpression } from 'ts-morph';
import { normaliseWrittenType } from '../query-flows.js';
import { booleanProperty, numberProperty, objectProperty, stringValue } from '../receivers.js';

export type Dialect = 'pg' | 'mysql' | 'sqlite';

export const ENCRYPTED_NAME = /encrypt|cipher/i;

/** A `customType` declared in the file. */
export interface CustomType {
  dataType?: string;
  encryption?: string;
}

export function readCustomType(name: string, call: CallExpression): CustomType {
  const config = call.getArguments()[0];
  const dataTypeMethod = objectProperty(config, 'dataType');
  const returned = dataTypeMethod
    ?.getFirstDescendantByKind(SyntaxKind.ReturnStatement)
    ?.getExpression();
  const arrowBody =
    dataTypeMethod && Node.isArrowFunction(dataTypeMethod) ? dataTypeMethod.getBody() : undefined;
  const declared = stringValue(returned ?? arrowBody);
  const toDriver = objectProperty(config, 'toDriver');
  const encryptingCall = toDriver
    ?.getDescendantsOfKind(SyntaxKind.CallExpression)
    .find(
      (inner) =>
        ENCRYPTED_NAME.test(inner.getExpression().getText()) ||
        /\bseal\b/i.test(inner.getExpression().getText()),
    );
  const encryption = encryptingCall
    ? `drizzle customType ${name} encrypts in toDriver (${encryptingCall.getExpression().getText()})`
    : ENCRYPTED_NAME.test(name)
      ? `drizzle customType ${name}`
      : undefined;
  return {
    ...(declared !== undefined && { dataType: normaliseWrittenType(declared) }),
    ...(encryption !== undefined && { encryption }),
  };
}

/**
 * The SQL type drizzle-kit writes for a builder. Unknown builders (custom or from another
 * file) have no type.
 */
export function builderType(
  builder: string,
  options: Node | undefined,
  dialect: Dialect,
): string | undefined {
  const length = numberProperty(options, 'length');
  const precision = numberProperty(options, 'precision');
  const scale = numberProperty(options, 'scale');
  const withTimezone = booleanProperty(options, 'withTimezone') === true;
  const sized = (base: string, size: number | undefined) =>
    size === undefined ? base : `${base}(${size})`;
  switch (builder) {
    case 'serial':
    case 'bigserial':
    case 'smallserial':
    case 'integer':
    case 'smallint':
    case 'bigint':
    case 'boolean':
    case 'date':
    case 'json':
    case 'jsonb':
    case 'uuid':
    case 'inet':
    case 'cidr':
    case 'macaddr':
    case 'macaddr8':
    case 'interval':
    case 'real':
    case 'point':
    case 'line':
    case 'tinyint':
    case 'mediumint':
    case 'double':
    case 'float':
    case 'year':
    case 'tinytext':
    case 'mediumtext':
    case 'longtext':
    case 'blob':
    case 'bytea':
      return normaliseWrittenType(builder);
    case 'int':
      return 'integer';
    case 'text':
      return 'text';
    case 'doublePrecision':
      return 'double precision';
    case 'varchar':
    case 'char':
    case 'binary':
    case 'varbinary':
    case 'bit':
    case 'vector':
    case 'halfvec':
      return sized(builder, length ?? numberProperty(options, 'dimensions'));
    case 'timestamp':
    case 'time':
    case 'datetime': {
      if (dialect === 'sqlite') return 'integer';
      const base = builder === 'datetime' ? 'datetime' : `${builder}${withTimezone ? 'tz' : ''}`;
      return sized(base, precision ?? numberProperty(options, 'fsp'));
    }
    case 'numeric':
    case 'decimal':
      if (precision === undefined) return 'numeric';
      return `numeric(${precision}${scale === undefined ? '' : `,${scale}`})`;
    case 'mysqlEnum':
    case 'sqliteEnum':
      return 'enum';
    default:
      return undefined;
  }
}
