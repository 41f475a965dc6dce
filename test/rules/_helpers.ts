/**
 * Hand-built facts and data maps for model and rule tests, so these tests do not depend on the
 * extractors. Every fact gets an exact location from `at(file, line, column)`.
 */
import { DEFAULT_CONFIG, type Config } from '../../src/config/types.js';
import type {
  ColumnDecl,
  DataMap,
  Exposure,
  MappingDecl,
  PartnerAllow,
  Policy,
  StoreDecl,
  StoreKind,
  TableDecl,
} from '../../src/datamap/types.js';
import type {
  ColumnName,
  CopiedColumn,
  DataCopied,
  Fact,
  Sink,
  SourceLocation,
  TableName,
  Transform,
  ValueSource,
} from '../../src/facts.js';
import type { FindingDraft } from '../../src/findings.js';
import { buildModel } from '../../src/model/build.js';
import { defaultPolicy } from '../../src/model/policy.js';
import type { Model } from '../../src/model/types.js';
import type { Rule } from '../../src/rules/types.js';

export function at(file: string, line: number, column = 1, length = 10): SourceLocation {
  return { file, line, column, endLine: line, endColumn: column + length };
}

/** `pps.patients` (store qualifier), `public.accounts` or `accounts`. */
export function tableName(name: string, connection?: string): TableName {
  const dot = name.lastIndexOf('.');
  const table: TableName =
    dot === -1 ? { name } : { name: name.slice(dot + 1), schema: name.slice(0, dot) };
  if (connection !== undefined) table.connection = connection;
  return table;
}

export function col(table: string, column: string): ColumnName {
  return { table: tableName(table), column };
}

export const facts = {
  table(file: string, line: number, name: string, extra: { declared?: boolean } = {}): Fact {
    return {
      kind: 'table-created',
      at: at(file, line),
      table: tableName(name),
      objectType: 'table',
      ...extra,
    };
  },
  view(file: string, line: number, name: string): Fact {
    return {
      kind: 'table-created',
      at: at(file, line),
      table: tableName(name),
      objectType: 'view',
    };
  },
  column(
    file: string,
    line: number,
    table: string,
    column: string,
    dataType = 'text',
    extra: { references?: ColumnName; encryption?: string; primaryKey?: boolean } = {},
  ): Fact {
    return {
      kind: 'column-defined',
      at: at(file, line, 3),
      table: tableName(table),
      column,
      dataType,
      ...extra,
    };
  },
  renameColumn(file: string, line: number, table: string, column: string, newName: string): Fact {
    return { kind: 'column-renamed', at: at(file, line), table: tableName(table), column, newName };
  },
  renameTable(file: string, line: number, table: string, newName: string): Fact {
    return { kind: 'table-renamed', at: at(file, line), table: tableName(table), newName };
  },
  retype(
    file: string,
    line: number,
    table: string,
    column: string,
    dataType: string,
    using?: ValueSource,
  ): Fact {
    return {
      kind: 'column-retyped',
      at: at(file, line),
      table: tableName(table),
      column,
      dataType,
      ...(using ? { using } : {}),
    };
  },
  dropColumn(file: string, line: number, table: string, column: string): Fact {
    return { kind: 'column-dropped', at: at(file, line), table: tableName(table), column };
  },
  dropTable(file: string, line: number, table: string): Fact {
    return { kind: 'table-dropped', at: at(file, line), table: tableName(table) };
  },
  copy(
    file: string,
    line: number,
    target: string,
    columns: CopiedColumn[],
    via: DataCopied['via'] = 'insert',
  ): Fact {
    return {
      kind: 'data-copied',
      at: at(file, line, 1, 40),
      target: tableName(target),
      via,
      columns,
    };
  },
  grant(
    file: string,
    line: number,
    table: string,
    roles: string[],
    extra: { privileges?: string[]; columns?: string[]; revoke?: boolean } = {},
  ): Fact {
    return {
      kind: extra.revoke ? 'access-revoked' : 'access-granted',
      at: at(file, line),
      table: tableName(table),
      roles,
      privileges: extra.privileges ?? ['select'],
      ...(extra.columns ? { columns: extra.columns } : {}),
    };
  },
  rls(file: string, line: number, table: string, enabled: boolean): Fact {
    return { kind: 'row-security-changed', at: at(file, line), table: tableName(table), enabled };
  },
  policy(
    file: string,
    line: number,
    table: string,
    roles: string[],
    usingAlwaysTrue: boolean,
    command: 'all' | 'select' = 'select',
  ): Fact {
    return {
      kind: 'policy-created',
      at: at(file, line),
      table: tableName(table),
      name: 'read',
      roles,
      command,
      permissive: true,
      using: usingAlwaysTrue ? 'true' : '(auth.uid() = user_id)',
      usingAlwaysTrue,
    };
  },
  bucket(file: string, line: number, bucket: string, isPublic: boolean): Fact {
    return { kind: 'bucket-changed', at: at(file, line), bucket, public: isPublic };
  },
  supabase(file: string, line: number): Fact {
    return {
      kind: 'platform-hint',
      at: at(file, line),
      platform: 'supabase',
      evidence: 'auth.uid()',
    };
  },
  send(file: string, line: number, sink: Sink, values: ValueSource[]): Fact {
    return { kind: 'data-sent', at: at(file, line, 5, 30), sink, values };
  },
};

/** One copied column: `target ← sources` at its select item. */
export function item(
  file: string,
  line: number,
  column: string,
  from: ColumnName[],
  transform: Transform = 'copy',
  extra: { via?: string; path?: ValueSource['path'] } = {},
): CopiedColumn {
  return { column, at: at(file, line, 10, 12), value: { from, transform, ...extra } };
}

export function value(from: ColumnName[], transform: Transform = 'copy'): ValueSource {
  return { from, transform };
}

type ColumnSpec =
  string | string[] | Record<string, never> | { category: string | string[]; encrypted?: boolean };

interface TableSpec {
  exposure?: Exposure;
  subject?: string;
  context?: 'health';
  columns?: Record<string, ColumnSpec>;
}

interface StoreSpec {
  kind?: StoreKind;
  exposure: Exposure;
  context?: 'health';
  hosts?: string[];
  connections?: string[];
  migrations?: string[];
  encryptedAtRest?: boolean;
  tables?: Record<string, TableSpec>;
}

const MAP_FILE = 'datamap.yaml';

function columnDecl(name: string, spec: ColumnSpec, line: number): ColumnDecl {
  const where = at(MAP_FILE, line, 9);
  if (spec === 'none') return { name, status: 'none', categories: [], encrypted: false, at: where };
  if (typeof spec === 'string' || Array.isArray(spec)) {
    const categories = typeof spec === 'string' ? [spec] : spec;
    return { name, status: 'classified', categories, encrypted: false, at: where };
  }
  if (!('category' in spec))
    return { name, status: 'unknown', categories: [], encrypted: false, at: where };
  const categories = typeof spec.category === 'string' ? [spec.category] : spec.category;
  return { name, status: 'classified', categories, encrypted: spec.encrypted ?? false, at: where };
}

/** A loaded data map; map nodes are located on increasing lines of `datamap.yaml`. */
export function dataMap(
  stores: Record<string, StoreSpec>,
  options: {
    mappings?: MappingDecl[];
    policy?: Partial<Policy>;
    partnerAllow?: PartnerAllow[];
  } = {},
): DataMap {
  let line = 1;
  const storeDecls = new Map<string, StoreDecl>();
  for (const [id, spec] of Object.entries(stores)) {
    const tables = new Map<string, TableDecl>();
    const storeAt = at(MAP_FILE, line++, 3);
    for (const [tableKey, tableSpec] of Object.entries(spec.tables ?? {})) {
      const tableAt = at(MAP_FILE, line++, 5);
      const columns = new Map<string, ColumnDecl>();
      for (const [name, columnSpec] of Object.entries(tableSpec.columns ?? {})) {
        columns.set(name, columnDecl(name, columnSpec, line++));
      }
      tables.set(tableKey, {
        name: tableKey,
        columns,
        at: tableAt,
        ...(tableSpec.exposure ? { exposure: tableSpec.exposure } : {}),
        ...(tableSpec.subject ? { subject: tableSpec.subject } : {}),
        ...(tableSpec.context ? { context: tableSpec.context } : {}),
      });
    }
    storeDecls.set(id, {
      id,
      kind: spec.kind ?? 'database',
      exposure: spec.exposure,
      encryptedAtRest: spec.encryptedAtRest ?? false,
      migrations: spec.migrations ?? [],
      baseDir: '/repo',
      connections: spec.connections ?? [],
      hosts: spec.hosts ?? [],
      tables,
      at: storeAt,
      ...(spec.context ? { context: spec.context } : {}),
    });
  }
  const policy = defaultPolicy();
  if (options.policy?.public) policy.public = options.policy.public;
  if (options.policy?.encryption) policy.encryption = options.policy.encryption;
  if (options.partnerAllow) policy.partner.allow = options.partnerAllow;
  return { files: [MAP_FILE], stores: storeDecls, mappings: options.mappings ?? [], policy };
}

export function mapping(
  id: string,
  from: string,
  to: string,
  fields: Array<[target: string, source: string, transform?: Transform, line?: number]>,
): MappingDecl {
  const [fromStore = '', fromTable = ''] = from.split('.');
  const [toStore = '', toTable = ''] = to.split('.');
  return {
    id,
    from: { store: fromStore, table: fromTable },
    to: { store: toStore, table: toTable },
    fields: fields.map(([target, source, transform = 'copy', line = 50]) => ({
      target,
      source,
      transform,
      at: at(MAP_FILE, line, 7),
    })),
    at: at(MAP_FILE, 48, 5),
  };
}

export function config(extra: Partial<Config> = {}): Config {
  return { ...DEFAULT_CONFIG, ...extra };
}

export function model(input: Fact[], options: { dataMap?: DataMap; config?: Config } = {}): Model {
  return buildModel({
    facts: input,
    config: options.config ?? config(),
    cwd: '/repo',
    ...(options.dataMap ? { dataMap: options.dataMap } : {}),
  });
}

export function check(
  rule: Rule,
  input: Fact[],
  options: { dataMap?: DataMap; config?: Config } = {},
): FindingDraft[] {
  return rule.check({
    model: model(input, options),
    config: options.config ?? config(),
    mapProblems: [],
    parseProblems: [],
    ...(options.dataMap ? { dataMap: options.dataMap } : {}),
  });
}

/** Start of a finding's location as `file:line:column`, for exact assertions. */
export function where(finding: FindingDraft | undefined): string {
  return finding === undefined
    ? 'none'
    : `${finding.at.file}:${finding.at.line}:${finding.at.column}`;
}
