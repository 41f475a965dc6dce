/**
 * Replays the facts of every file in migration order to build the data-flow model: each store's
 * tables and columns in their final state, categories with evidence, copies and sends with the
 * path the data took, public access events judged after each file, and decryptions.
 */
import type { Config } from '../config/types.js';
import type { DataMap, Exposure, MappingDecl, StoreDecl, TableDecl } from '../datamap/types.js';
import { implicitStoreId, resolveTable } from '../datamap/resolve.js';
import type {
  AccessChanged,
  ColumnDefined,
  ColumnName,
  ColumnRetyped,
  DataCopied,
  DataSent,
  Fact,
  PolicyCreated,
  SourceLocation,
  TableName,
  Transform,
  ValueSource,
} from '../facts.js';
import type { PathStep } from '../findings.js';
import { isPhiCategory } from '../taxonomy/categories.js';
import type { Classification } from '../taxonomy/types.js';
import {
  classifyColumn,
  compileExtraPatterns,
  encryptionEvidenceFromName,
  isPersonLinked,
  isPersonTableName,
} from '../taxonomy/classifier.js';
import { formatLocation, formatRef, orderPath, pathStep } from './describe.js';
import { orderFacts } from './order.js';
import { defaultPolicy } from './policy.js';
import type {
  CategoryEvidence,
  ColumnRef,
  CopiedColumnResult,
  DecryptionEvent,
  Model,
  ModelColumn,
  ModelStore,
  ModelTable,
  PublicAccessEvent,
  PublicCause,
  ResolvedCopy,
  ResolvedSend,
} from './types.js';

export interface BuildModelInput {
  facts: Fact[];
  dataMap?: DataMap;
  config: Config;
  cwd: string;
}

export function buildModel(input: BuildModelInput): Model {
  return new ModelBuilder(input).build();
}

/** A moment in the replay: later events have a larger `seq`. */
interface Stamp {
  at: SourceLocation;
  seq: number;
  description: string;
}

/** What the replay knows about a column beyond what rules read. */
interface ColumnState {
  /** Categories the column had under an earlier name (renames keep categories). */
  carried: CategoryEvidence[];
  /** Categories received from copies, in order. */
  flows: CategoryEvidence[];
  /** Encryption evidence from the column's type or transformer. */
  typeEncryption?: string;
}

interface AccessState {
  /** Grants of SELECT/ALL to anonymous roles: role -> grant (columns undefined = whole table). */
  grants: Map<string, Stamp & { columns?: Set<string> }>;
  rlsDisabled?: Stamp;
  policies: Map<string, Stamp & { fact: PolicyCreated }>;
  /** `REVOKE … FROM anon` on Supabase removes the platform's default grant. */
  defaultRevoked: boolean;
  created: Stamp;
  wasPublic: boolean;
  reportedColumns: Set<string>;
}

interface ResolvedName {
  store: ModelStore;
  key: string;
  declared?: TableDecl;
  /** No store of the map claims the name: the store is named after the file's folder. */
  implicit: boolean;
}

const COPY_DESCRIPTIONS: Record<DataCopied['via'], string> = {
  insert: 'INSERT … SELECT',
  update: 'UPDATE … FROM',
  'create-table-as': 'CREATE TABLE … AS',
  view: 'view definition',
  orm: 'ORM insert',
  script: 'data script',
  mapping: 'mapping',
};

const ORIGIN_RANK = { map: 0, flow: 1, classifier: 2 } as const;

class ModelBuilder {
  private readonly stores = new Map<string, ModelStore>();
  private readonly columnStates = new WeakMap<ModelColumn, ColumnState>();
  private readonly accessStates = new WeakMap<ModelTable, AccessState>();
  private readonly resolved = new Map<string, ResolvedName>();
  private readonly anonymousRoles: Set<string>;
  private readonly extraPatterns: ReturnType<typeof compileExtraPatterns>;
  private readonly copies: ResolvedCopy[] = [];
  private readonly sends: ResolvedSend[] = [];
  private readonly publicAccessEvents: PublicAccessEvent[] = [];
  private readonly decryptions: Array<DecryptionEvent & { column: ModelColumn }> = [];
  private readonly buckets = new Map<
    string,
    { public: boolean; stamp: Stamp; wasPublic: boolean }
  >();
  private readonly copyTables = new WeakMap<ResolvedCopy, ModelTable>();
  private supabaseEverywhere = false;
  private seq = 0;
  /** Tables a fact of the current file touched: only their access can have changed. */
  private readonly touched = new Set<ModelTable>();
  /** Bumped whenever a fact touches a table, so its classifications are cached between changes. */
  private readonly tableVersions = new WeakMap<ModelTable, number>();
  private readonly classifications = new WeakMap<
    ModelTable,
    { version: number; personLinked: boolean; byColumn: Map<string, Classification[]> }
  >();

  constructor(private readonly input: BuildModelInput) {
    this.anonymousRoles = new Set([
      ...input.config.anonymousRoles.map((role) => role.toLowerCase()),
      'public',
    ]);
    this.extraPatterns = safely(
      () => compileExtraPatterns(input.config.classifier.extraPatterns),
      [],
    );
  }

  build(): Model {
    const files = orderFacts(this.input.facts);
    this.supabaseEverywhere = this.input.facts.some((fact) => fact.kind === 'platform-hint');
    this.declareMapStores();
    const pendingSends: DataSent[] = [];
    files.forEach((group, fileIndex) => {
      const fileStart = this.seq;
      const fileCopies: ResolvedCopy[] = [];
      for (const fact of group.facts) {
        this.seq++;
        if (fact.kind === 'data-sent') pendingSends.push(fact);
        else if (fact.kind === 'data-copied') {
          const copy = this.applyCopy(fact, fileIndex);
          if (copy !== undefined) fileCopies.push(copy);
        } else this.apply(fact);
      }
      this.judgeAccessAtEndOfFile(group.file, fileStart);
      for (const copy of fileCopies) this.settleCopyExposure(copy, fileStart);
    });
    for (const mapping of this.input.dataMap?.mappings ?? []) {
      this.seq++;
      const copy = this.applyMapping(mapping, files.length);
      if (copy !== undefined) this.settleCopyExposure(copy, this.seq);
    }
    for (const fact of pendingSends) this.resolveSend(fact);
    this.finalize();
    return {
      stores: this.stores,
      copies: this.copies,
      sends: this.sends,
      publicAccessEvents: this.publicAccessEvents,
      decryptions: this.decryptions.map(({ column: _column, ...event }) => event),
      fileOrder: files.map((group) => group.file),
      policy: this.input.dataMap?.policy ?? defaultPolicy(),
      hasDataMap: this.input.dataMap !== undefined,
    };
  }

  // ---------------------------------------------------------------- stores and names

  /** Every store, table and column the data map declares exists before the first migration. */
  private declareMapStores(): void {
    for (const decl of this.input.dataMap?.stores.values() ?? []) {
      const store = this.storeFor(decl.id, decl);
      for (const tableDecl of decl.tables.values()) {
        const table = this.createTable(
          store,
          tableDecl.name,
          tableDecl,
          tableDecl.at,
          'table',
          false,
        );
        for (const columnDecl of tableDecl.columns.values()) {
          const column = this.createColumn(table, columnDecl.name, columnDecl.at, false);
          column.declared = columnDecl;
        }
      }
    }
  }

  private storeFor(id: string, decl?: StoreDecl): ModelStore {
    let store = this.stores.get(id);
    if (store === undefined) {
      decl ??= this.input.dataMap?.stores.get(id);
      store = {
        id,
        kind: decl?.kind ?? 'database',
        exposure: decl?.exposure ?? 'internal',
        hosts: decl?.hosts ?? [],
        context: decl?.context,
        encryptedAtRest: decl?.encryptedAtRest ?? false,
        declared: decl !== undefined,
        decl,
        tables: new Map(),
        droppedTables: [],
      };
      this.stores.set(id, store);
    }
    return store;
  }

  private resolveName(name: TableName, file: string, lookElsewhere = true): ResolvedName {
    const cacheKey = `${file}\u0000${name.schema ?? ''}\u0000${name.name}\u0000${name.connection ?? ''}`;
    let resolvedName = this.resolved.get(cacheKey);
    if (resolvedName === undefined) {
      const result = safely(
        () => resolveTable(name, file, { dataMap: this.input.dataMap, cwd: this.input.cwd }),
        undefined,
      );
      resolvedName = {
        store: this.storeFor(result?.store ?? implicitStoreId(file), result?.storeDecl),
        key: result?.declared?.name ?? result?.table ?? name.name,
        declared: result?.declared,
        implicit: result?.implicit ?? true,
      };
      this.resolved.set(cacheKey, resolvedName);
    }
    // A CREATE TABLE builds the table where its file says, even if another store has the name.
    return lookElsewhere ? this.elsewhereIfImplicit(resolvedName) : resolvedName;
  }

  /**
   * A data script or ORM file outside every migration folder names tables the migrations built:
   * when its implicit store does not have the table, the one store that does is meant.
   */
  private elsewhereIfImplicit(resolved: ResolvedName): ResolvedName {
    if (!resolved.implicit || resolved.store.tables.has(resolved.key)) return resolved;
    const holders = [...this.stores.values()].filter((store) => store.tables.has(resolved.key));
    const only = holders.length === 1 ? holders[0] : undefined;
    if (only === undefined) return resolved;
    return { ...resolved, store: only, declared: only.tables.get(resolved.key)?.declared };
  }

  private createTable(
    store: ModelStore,
    key: string,
    declared: TableDecl | undefined,
    at: SourceLocation,
    objectType: ModelTable['objectType'],
    inCode: boolean,
    schema?: string,
  ): ModelTable {
    const healthContext =
      store.context === 'health' ||
      declared?.context === 'health' ||
      declared?.subject === 'patient';
    const declaredExposure: Exposure = declared?.exposure ?? store.exposure;
    const table: ModelTable = {
      store: store.id,
      name: key,
      schema,
      objectType,
      columns: new Map(),
      droppedColumns: [],
      declared,
      definedAt: at,
      definedInCode: inCode,
      lastChangedAt: at,
      subject: declared?.subject,
      healthContext,
      declaredExposure,
      exposure: declaredExposure,
      rowLevelSecurity: false,
      onSupabase: this.supabaseEverywhere || /(^|\/)supabase\//.test(at.file),
    };
    store.tables.set(key, table);
    this.touch(table);
    this.accessStates.set(table, {
      grants: new Map(),
      policies: new Map(),
      defaultRevoked: false,
      created: { at, seq: this.seq, description: '' },
      wasPublic: false,
      reportedColumns: new Set(),
    });
    return table;
  }

  /**
   * The table a fact names, created when the scan has not seen it yet (defined outside the scan).
   * `inCode` false for a table first seen in an INSERT or UPDATE: writing rows is no evidence that
   * a migration of the scan builds the table.
   */
  private tableFor(
    name: TableName,
    at: SourceLocation,
    objectType: ModelTable['objectType'] = 'table',
    lookElsewhere = true,
    inCode = true,
  ) {
    const resolved = this.resolveName(name, at.file, lookElsewhere);
    const existing = resolved.store.tables.get(resolved.key);
    if (existing !== undefined) {
      this.touch(existing);
      return existing;
    }
    return this.createTable(
      resolved.store,
      resolved.key,
      resolved.declared ?? resolved.store.decl?.tables.get(resolved.key),
      at,
      objectType,
      inCode,
      name.schema,
    );
  }

  private findTable(name: TableName, file: string): ModelTable | undefined {
    const resolved = this.resolveName(name, file);
    const table = resolved.store.tables.get(resolved.key);
    if (table !== undefined) this.touch(table);
    return table;
  }

  private createColumn(
    table: ModelTable,
    name: string,
    at: SourceLocation,
    inCode: boolean,
  ): ModelColumn {
    const column: ModelColumn = {
      store: table.store,
      table: table.name,
      name,
      primaryKey: false,
      categories: [],
      declared: table.declared?.columns.get(name),
      encryption: { encrypted: false },
      definedAt: at,
      definedInCode: inCode,
      lastChangedAt: at,
      phi: false,
    };
    table.columns.set(name, column);
    this.columnStates.set(column, { carried: [], flows: [] });
    this.touch(table);
    return column;
  }

  private touch(table: ModelTable): void {
    this.touched.add(table);
    this.tableVersions.set(table, (this.tableVersions.get(table) ?? 0) + 1);
  }

  private state(column: ModelColumn): ColumnState {
    let state = this.columnStates.get(column);
    if (state === undefined) {
      state = { carried: [], flows: [] };
      this.columnStates.set(column, state);
    }
    return state;
  }

  private access(table: ModelTable): AccessState {
    return this.accessStates.get(table) as AccessState;
  }

  // ---------------------------------------------------------------- schema facts

  private apply(fact: Fact): void {
    switch (fact.kind) {
      case 'table-created':
        return this.applyTableCreated(fact.table, fact.objectType, fact.at);
      case 'table-renamed':
        return this.applyTableRenamed(fact.table, fact.newName, fact.at);
      case 'table-dropped': {
        const table = this.findTable(fact.table, fact.at.file);
        if (table === undefined) return;
        table.droppedAt = fact.at;
        this.stores.get(table.store)?.tables.delete(table.name);
        this.stores.get(table.store)?.droppedTables.push(table);
        return;
      }
      case 'column-defined':
        return this.applyColumnDefined(fact);
      case 'column-renamed':
        return this.applyColumnRenamed(fact.table, fact.column, fact.newName, fact.at);
      case 'column-retyped':
        return this.applyColumnRetyped(fact);
      case 'column-dropped': {
        const table = this.findTable(fact.table, fact.at.file);
        const column = table?.columns.get(fact.column);
        if (table === undefined || column === undefined) return;
        column.droppedAt = fact.at;
        table.columns.delete(fact.column);
        table.droppedColumns.push(column);
        return;
      }
      case 'access-granted':
      case 'access-revoked':
        return this.applyAccess(fact);
      case 'row-security-changed': {
        const table = this.tableFor(fact.table, fact.at);
        table.rowLevelSecurity = fact.enabled;
        const stamp = { at: fact.at, seq: this.seq, description: '' };
        this.access(table).rlsDisabled = fact.enabled
          ? undefined
          : { ...stamp, description: `ALTER TABLE ${table.name} DISABLE ROW LEVEL SECURITY` };
        return;
      }
      case 'policy-created': {
        const table = this.tableFor(fact.table, fact.at);
        const roles = fact.roles.length === 0 ? 'every role' : fact.roles.join(', ');
        this.access(table).policies.set(fact.name, {
          at: fact.at,
          seq: this.seq,
          description: `policy "${fact.name}" on ${table.name} lets ${roles} read every row (USING ${fact.using ?? 'true'})`,
          fact,
        });
        return;
      }
      case 'policy-dropped': {
        const table = this.findTable(fact.table, fact.at.file);
        if (table !== undefined) this.access(table).policies.delete(fact.name);
        return;
      }
      case 'bucket-changed': {
        const existing = this.buckets.get(fact.bucket);
        const stamp = {
          at: fact.at,
          seq: this.seq,
          description: `bucket ${fact.bucket} made public`,
        };
        this.buckets.set(fact.bucket, {
          public: fact.public,
          stamp,
          wasPublic: existing?.wasPublic ?? false,
        });
        return;
      }
      default:
        return; // platform hints were read up front; parse problems reach rules directly.
    }
  }

  private applyTableCreated(
    name: TableName,
    objectType: ModelTable['objectType'],
    at: SourceLocation,
  ): void {
    const resolved = this.resolveName(name, at.file, false);
    const existing = resolved.store.tables.get(resolved.key);
    if (existing === undefined) {
      this.tableFor(name, at, objectType, false);
      return;
    }
    // A view is redefined as a whole (CREATE OR REPLACE VIEW); a table already known (from the data
    // map or a declared schema file) is the same table: keep what is known about it.
    if (objectType !== 'table') {
      for (const column of existing.columns.values()) existing.droppedColumns.push(column);
      existing.columns.clear();
    }
    existing.objectType = objectType;
    existing.schema ??= name.schema;
    if (!existing.definedInCode) {
      existing.definedAt = at;
      existing.definedInCode = true;
      existing.onSupabase ||= /(^|\/)supabase\//.test(at.file);
      this.access(existing).created = { at, seq: this.seq, description: '' };
    }
    existing.lastChangedAt = at;
  }

  private applyTableRenamed(name: TableName, newName: string, at: SourceLocation): void {
    const table = this.findTable(name, at.file);
    if (table === undefined) {
      this.tableFor({ ...name, name: newName }, at);
      return;
    }
    const store = this.stores.get(table.store) as ModelStore;
    const qualified = name.schema !== undefined ? `${name.schema}.${newName}` : newName;
    const declared = store.decl?.tables.get(qualified) ?? store.decl?.tables.get(newName);
    const key = declared?.name ?? newName;
    store.tables.delete(table.name);
    table.name = key;
    table.declared = declared ?? table.declared;
    table.lastChangedAt = at;
    for (const column of table.columns.values()) {
      column.table = key;
      column.declared = table.declared?.columns.get(column.name) ?? column.declared;
    }
    store.tables.set(key, table);
  }

  private applyColumnDefined(fact: ColumnDefined): void {
    const table = this.tableFor(fact.table, fact.at);
    let column = table.columns.get(fact.column);
    if (column === undefined) column = this.createColumn(table, fact.column, fact.at, true);
    else if (!column.definedInCode) {
      column.definedAt = fact.at;
      column.lastChangedAt = fact.at;
      column.definedInCode = true;
    }
    if (fact.dataType !== undefined) column.dataType = fact.dataType;
    column.primaryKey = fact.primaryKey === true || column.primaryKey;
    if (fact.references !== undefined) {
      const target = this.resolveName(fact.references.table, fact.at.file);
      column.references = { table: target.key, column: fact.references.column };
    }
    if (fact.encryption !== undefined) this.state(column).typeEncryption = fact.encryption;
  }

  private applyColumnRenamed(
    name: TableName,
    oldName: string,
    newName: string,
    at: SourceLocation,
  ): void {
    const table = this.findTable(name, at.file);
    const column = table?.columns.get(oldName);
    if (table === undefined || column === undefined) return;
    const state = this.state(column);
    // The column keeps what it held: its own categories under the old name travel with it.
    const own = this.currentCategories(table, column).filter((entry) => entry.origin !== 'flow');
    state.carried = own.map((entry) => ({
      ...entry,
      evidence: `${entry.evidence} (as ${oldName}, renamed at ${formatLocation(at)})`,
    }));
    const reordered = [...table.columns.entries()].map(([key, value]): [string, ModelColumn] =>
      key === oldName ? [newName, value] : [key, value],
    );
    table.columns.clear();
    for (const [key, value] of reordered) table.columns.set(key, value);
    column.name = newName;
    column.declared = table.declared?.columns.get(newName);
    column.lastChangedAt = at;
  }

  private applyColumnRetyped(fact: ColumnRetyped): void {
    const table = this.findTable(fact.table, fact.at.file);
    const column = table?.columns.get(fact.column);
    if (table === undefined || column === undefined) return;
    const before = this.encryptionOf(column);
    const previousType = column.dataType;
    const state = this.state(column);
    column.dataType = fact.dataType;
    column.lastChangedAt = fact.at;
    state.typeEncryption = undefined; // a new type: the old type's encryption no longer applies
    const transform = fact.using?.transform;
    if (transform === 'encrypt') {
      column.encryptedWriteAt = fact.at;
      return;
    }
    const explicitDecrypt = transform === 'decrypt';
    const lostByType =
      before.encrypted &&
      (before.kind === 'type' || (isBinaryType(previousType) && !isBinaryType(fact.dataType)));
    if (!explicitDecrypt && !lostByType) return;
    column.encryptedWriteAt = undefined;
    column.encryptionRemovedAt = fact.at;
    this.decryptions.push({
      kind: 'retype',
      at: fact.at,
      source: refOf(column),
      target: refOf(column),
      explicitDecrypt,
      targetEncryptedAfter: false,
      previousEncryption: before.evidence,
      categories: [],
      retype: fact,
      column,
    });
  }

  private applyAccess(fact: AccessChanged): void {
    const readable = fact.privileges.some(
      (privilege) => privilege === 'select' || privilege === 'all',
    );
    const roles = fact.roles.filter((role) => this.anonymousRoles.has(role));
    if (!readable || roles.length === 0) return;
    const tables =
      fact.table.name === '*'
        ? this.tablesInSchema(fact.table, fact.at.file)
        : [this.tableFor(fact.table, fact.at)];
    for (const table of tables) {
      const access = this.access(table);
      for (const role of roles) {
        if (fact.kind === 'access-revoked') {
          const grant = access.grants.get(role);
          if (fact.columns !== undefined && grant?.columns !== undefined) {
            for (const column of fact.columns) grant.columns.delete(column);
            if (grant.columns.size === 0) access.grants.delete(role);
          } else if (fact.columns === undefined) access.grants.delete(role);
          if (role === 'anon' || role === 'public') access.defaultRevoked = true;
          continue;
        }
        const existing = access.grants.get(role);
        if (existing !== undefined && existing.columns === undefined) continue; // already whole-table
        const columnList = fact.columns === undefined ? '' : ` (${fact.columns.join(', ')})`;
        const stamp = {
          at: fact.at,
          seq: this.seq,
          description: `GRANT ${fact.privileges.join(', ').toUpperCase()}${columnList} ON ${table.name} TO ${roles.join(', ')}`,
        };
        // More columns for a role that already had some: the first grant still made it public.
        access.grants.set(
          role,
          fact.columns === undefined
            ? stamp
            : {
                ...(existing ?? stamp),
                columns: new Set([...(existing?.columns ?? []), ...fact.columns]),
              },
        );
      }
    }
  }

  /** `GRANT … ON ALL TABLES IN SCHEMA s`: the tables of that schema that exist now. */
  private tablesInSchema(name: TableName, file: string): ModelTable[] {
    const store = this.resolveName(name, file).store;
    const schema = name.schema ?? 'public';
    const tables = [...store.tables.values()].filter(
      (table) => (table.schema ?? 'public') === schema,
    );
    for (const table of tables) this.touch(table);
    return tables;
  }

  // ---------------------------------------------------------------- access, judged per file

  /** Why the table is readable by everyone now, or undefined when it is not. */
  private publicCause(table: ModelTable): (Stamp & { columns?: Set<string> }) | undefined {
    const access = this.access(table);
    const reach: Array<Stamp & { columns?: Set<string> }> = [...access.grants.values()];
    // Only tables the migrations build: a table the data map alone declares is not on the platform.
    const supabaseDefault =
      table.onSupabase &&
      table.definedInCode &&
      !access.defaultRevoked &&
      (table.schema ?? 'public') === 'public';
    if (supabaseDefault) {
      reach.push({
        ...access.created,
        description: `${table.name} is in the public schema on Supabase, where anon can read every table, and row-level security is off`,
      });
    }
    if (reach.length === 0) return undefined;
    const firstReach = reach.reduce((a, b) => (b.seq < a.seq ? b : a));
    const wholeTable = reach.some((stamp) => stamp.columns === undefined);
    const columns = wholeTable
      ? undefined
      : new Set(reach.flatMap((stamp) => [...(stamp.columns ?? [])]));
    const conditions: Stamp[] = [firstReach];
    if (table.objectType === 'table') {
      if (table.rowLevelSecurity) {
        const open = [...access.policies.values()]
          .filter(({ fact }) => this.policyOpensToEveryone(fact))
          .sort((a, b) => a.seq - b.seq)[0];
        if (open === undefined) return undefined;
        conditions.push(open);
      } else if (access.rlsDisabled !== undefined) conditions.push(access.rlsDisabled);
    }
    const cause = conditions.reduce((a, b) => (b.seq > a.seq ? b : a));
    return { ...cause, columns };
  }

  private policyOpensToEveryone(policy: PolicyCreated): boolean {
    return (
      policy.permissive &&
      policy.usingAlwaysTrue &&
      (policy.command === 'select' || policy.command === 'all') &&
      (policy.roles.length === 0 || policy.roles.some((role) => this.anonymousRoles.has(role)))
    );
  }

  private judgeAccessAtEndOfFile(file: string, fileStart: number): void {
    const tables = [...this.touched].filter((table) => table.droppedAt === undefined);
    this.touched.clear();
    for (const table of tables) {
      const access = this.access(table);
      const cause = this.publicCause(table);
      table.publicCause =
        cause === undefined ? undefined : { at: cause.at, description: cause.description };
      if (cause === undefined) {
        access.wasPublic = false;
        access.reportedColumns.clear();
        continue;
      }
      const exposed = [...table.columns.values()].filter(
        (column) =>
          (cause.columns === undefined || cause.columns.has(column.name)) &&
          this.currentCategories(table, column).length > 0,
      );
      // Once public, only columns this file adds are new exposure; data copied into existing
      // columns is `pii-public-exposure` at the copy.
      const fresh = exposed.filter(
        (column) => !access.reportedColumns.has(column.name) && column.definedAt.file === file,
      );
      const alreadyPublic = access.wasPublic;
      if (!alreadyPublic || fresh.length > 0) {
        const snapshot = (alreadyPublic ? fresh : exposed).map((column) =>
          this.snapshot(table, column),
        );
        const at = alreadyPublic ? (fresh[0] as ModelColumn).lastChangedAt : cause.at;
        this.publicAccessEvents.push({
          objectKind: table.objectType,
          store: table.store,
          name: table.name,
          at,
          description: alreadyPublic
            ? `${table.name} is already readable by everyone (${cause.description}, ${formatLocation(cause.at)})`
            : cause.description,
          exposedColumns: snapshot,
          alreadyPublic,
          file,
        });
      }
      for (const column of exposed) access.reportedColumns.add(column.name);
      access.wasPublic = true;
    }
    for (const [bucket, state] of this.buckets) {
      if (state.stamp.seq <= fileStart) continue;
      if (state.public && !state.wasPublic) {
        this.publicAccessEvents.push({
          objectKind: 'bucket',
          name: bucket,
          at: state.stamp.at,
          description: state.stamp.description,
          exposedColumns: [],
          alreadyPublic: false,
          file,
        });
      }
      state.wasPublic = state.public;
    }
  }

  /** A copy of the column as it is now, for events judged before the end of the replay. */
  private snapshot(table: ModelTable, column: ModelColumn): ModelColumn {
    const categories = this.currentCategories(table, column);
    return { ...column, categories, phi: categories.some((entry) => entry.phi) };
  }

  private settleCopyExposure(copy: ResolvedCopy, fileStart: number): void {
    const table = this.copyTables.get(copy) as ModelTable;
    const cause = this.publicCause(table);
    copy.target.exposure = cause !== undefined ? 'public' : table.declaredExposure;
    const causeSeq = cause?.seq ?? -1;
    // Made public by this very file: `public-access-grant` reports the table there, once.
    if (cause !== undefined && causeSeq > fileStart && table.declaredExposure !== 'public') {
      copy.target.exposureReportedAt = cause.at;
    }
  }

  // ---------------------------------------------------------------- categories

  /** The column's categories now: the map's, then flows, then the classifier (or what a rename carried). */
  private currentCategories(table: ModelTable, column: ModelColumn): CategoryEvidence[] {
    const state = this.state(column);
    const own: CategoryEvidence[] = [];
    const declared = column.declared;
    const self = refOf(column);
    if (declared?.status === 'classified') {
      for (const category of declared.categories) {
        own.push(
          this.ownCategory(
            table,
            column,
            category,
            'map',
            `declared in the data map (${formatLocation(declared.at)})`,
            self,
          ),
        );
      }
    } else if (declared === undefined) {
      own.push(...state.carried);
      for (const found of this.classify(table, column.name, column)) {
        own.push(
          this.ownCategory(
            table,
            column,
            found.category,
            'classifier',
            `classifier: ${found.reason}`,
            self,
          ),
        );
      }
    }
    return strongestFirst([...own, ...state.flows]);
  }

  private ownCategory(
    table: ModelTable,
    column: ModelColumn,
    category: string,
    origin: 'map' | 'classifier',
    evidence: string,
    from: ColumnRef,
  ): CategoryEvidence {
    return {
      category,
      origin,
      evidence,
      pseudonymous: false,
      phi: isPhiCategory(category, table.healthContext),
      from,
      at: column.definedAt,
      path: [],
    };
  }

  private classify(table: ModelTable, name: string, column?: ModelColumn): Classification[] {
    let cache = this.classifications.get(table);
    const version = this.tableVersions.get(table) ?? 0;
    if (cache === undefined || cache.version !== version) {
      cache = {
        version,
        personLinked: safely(
          () =>
            isPersonLinked(
              bareTableName(table.name),
              [...table.columns.values()].map((entry) => ({
                name: entry.name,
                dataType: entry.dataType,
                referencesTable: entry.references?.table,
              })),
            ),
          false,
        ),
        byColumn: new Map(),
      };
      this.classifications.set(table, cache);
    }
    const cacheKey = column === undefined ? `?${name}` : name;
    const cached = cache.byColumn.get(cacheKey);
    if (cached !== undefined) return cached;
    const personLinked = cache.personLinked;
    const found = safely(
      () =>
        classifyColumn({
          table: bareTableName(table.name),
          column: name,
          dataType: column?.dataType,
          primaryKey: column?.primaryKey,
          referencesTable: column?.references?.table,
          siblingColumns: [...table.columns.keys()],
          personLinked,
          healthContext: table.healthContext,
          extraPatterns: this.extraPatterns,
        }),
      [],
    );
    cache.byColumn.set(cacheKey, found);
    return found;
  }

  /** Categories of a column named in code, whether or not the scan defined it. */
  private sourceCategories(name: ColumnName, file: string): CategoryEvidence[] {
    const resolved = this.resolveName(name.table, file);
    const table = resolved.store.tables.get(resolved.key);
    if (table !== undefined) {
      const columns =
        name.column === '*' ? [...table.columns.values()] : [table.columns.get(name.column)];
      if (columns.some((column) => column !== undefined)) {
        return columns.flatMap((column) =>
          column === undefined ? [] : this.currentCategories(table, column),
        );
      }
    }
    if (name.column === '*') return [];
    // A table or column defined outside the scan: the classifier reads its name in what context we have.
    const healthContext = resolved.store.context === 'health';
    const tableName = bareTableName(resolved.key);
    const found = table
      ? this.classify(table, name.column)
      : safely(
          () =>
            classifyColumn({
              table: tableName,
              column: name.column,
              siblingColumns: [],
              personLinked: safely(() => isPersonTableName(tableName), false),
              healthContext,
              extraPatterns: this.extraPatterns,
            }),
          [],
        );
    const from = { store: resolved.store.id, table: resolved.key, column: name.column };
    return found.map((entry) => ({
      category: entry.category,
      origin: 'classifier' as const,
      evidence: `classifier: ${entry.reason}`,
      pseudonymous: false,
      phi: isPhiCategory(entry.category, table?.healthContext ?? healthContext),
      from,
      at: table?.definedAt ?? { file, line: 1, column: 1, endLine: 1, endColumn: 1 },
      path: [],
    }));
  }

  // ---------------------------------------------------------------- copies and sends

  private applyCopy(fact: DataCopied, fileIndex: number): ResolvedCopy | undefined {
    // Only CREATE TABLE AS and views define their columns through the copy; an INSERT, UPDATE,
    // ORM or script write into a column the scan has not seen fills a column defined elsewhere.
    const definesTarget = fact.via === 'view' || fact.via === 'create-table-as';
    const objectType = fact.via === 'view' ? 'view' : 'table';
    const table = this.tableFor(fact.target, fact.at, objectType, !definesTarget, definesTarget);
    const description = COPY_DESCRIPTIONS[fact.via];
    const file = fact.at.file;
    const columns: CopiedColumnResult[] = [];
    for (const copied of fact.columns) {
      const starSources = copied.value.from.filter((source) => source.column === '*');
      if (copied.column === '*' && starSources.length > 0) {
        for (const source of starSources) {
          const sourceTable = this.findTable(source.table, file);
          for (const sourceColumn of [...(sourceTable?.columns.keys() ?? [])]) {
            const value = {
              ...copied.value,
              from: [{ table: source.table, column: sourceColumn }],
            };
            columns.push(
              this.copyColumn(
                table,
                sourceColumn,
                copied.at,
                value,
                description,
                file,
                undefined,
                definesTarget,
              ),
            );
          }
        }
        continue;
      }
      if (copied.column === '*') continue;
      columns.push(
        this.copyColumn(
          table,
          copied.column,
          copied.at,
          copied.value,
          description,
          file,
          undefined,
          definesTarget,
        ),
      );
    }
    return this.recordCopy(fact, fact.at, description, table, columns, fileIndex);
  }

  private recordCopy(
    fact: DataCopied,
    at: SourceLocation,
    description: string,
    table: ModelTable,
    columns: CopiedColumnResult[],
    fileIndex: number,
  ): ResolvedCopy {
    const store = this.stores.get(table.store) as ModelStore;
    const copy: ResolvedCopy = {
      fact,
      at,
      description,
      target: {
        store: table.store,
        table: table.name,
        storeKind: store.kind,
        exposure: table.declaredExposure,
        healthContext: table.healthContext,
      },
      columns,
      fileIndex,
    };
    this.copies.push(copy);
    this.copyTables.set(copy, table);
    return copy;
  }

  /** One target column of a copy: define it if needed, resolve its sources, pass categories on. */
  private copyColumn(
    table: ModelTable,
    name: string,
    at: SourceLocation,
    value: ValueSource,
    description: string,
    file: string,
    sourceResolver: (source: ColumnName) => CategoryEvidence[] = (source) =>
      this.sourceCategories(source, file),
    /** The copy defines the column (CREATE TABLE AS, a view); other copies fill existing ones. */
    inCode = false,
  ): CopiedColumnResult {
    let column = table.columns.get(name);
    if (column === undefined) column = this.createColumn(table, name, at, inCode);
    const target = refOf(column);
    const sources = value.from.map((source) => this.refOfName(source, file));
    const stepDescription = `${sources.length > 0 ? `${sources.map(formatRef).join(', ')} ` : ''}copied into ${formatRef(target)} (${description}${value.via !== undefined ? `, ${value.via}` : ''})`;
    const step = pathStep(at, stepDescription);
    const scriptSteps = (value.path ?? []).map((entry) => pathStep(entry.at, entry.description));
    // A script's steps end at its write call: that step closes the path, not the model's own.
    const callAt = scriptSteps.at(-1) ?? step;
    const received: CategoryEvidence[] = [];
    const incomingFrom = value.from.flatMap((source, index) =>
      sourceResolver(source).map((entry) => ({ entry, copiedFrom: sources[index] as ColumnRef })),
    );
    const incoming = incomingFrom.map(({ entry }) => entry);
    for (const { entry, copiedFrom } of incomingFrom) {
      const category = transformCategory(entry.category, value.transform);
      if (category === undefined) continue;
      received.push({
        category,
        origin: 'flow',
        evidence: flowEvidence(entry, copiedFrom, at),
        pseudonymous: entry.pseudonymous || isPseudonymising(value.transform),
        phi: entry.phi || isPhiCategory(category, table.healthContext),
        from: entry.from,
        at,
        path: orderPath(
          [historyBefore(entry.path, scriptSteps), scriptSteps],
          scriptSteps,
          step,
          callAt,
        ),
      });
    }
    const state = this.state(column);
    for (const entry of received) {
      const duplicate = state.flows.some(
        (known) =>
          known.category === entry.category &&
          known.pseudonymous === entry.pseudonymous &&
          formatRef(known.from) === formatRef(entry.from),
      );
      if (!duplicate) state.flows.push(entry);
    }
    if (value.transform === 'encrypt') column.encryptedWriteAt = at;
    if (value.transform === 'decrypt') {
      column.encryptedWriteAt = undefined;
      this.decryptions.push({
        kind: 'copy',
        at,
        source: sources[0],
        target,
        explicitDecrypt: true,
        targetEncryptedAfter: false,
        categories: [...new Set(incoming.map((entry) => entry.category))],
        column,
      });
    }
    return {
      column: name,
      at,
      transform: value.transform,
      via: value.via,
      sources,
      categories: received,
      path: orderPath(
        [...received.map((entry) => entry.path), scriptSteps],
        scriptSteps,
        step,
        callAt,
      ),
    };
  }

  private refOfName(name: ColumnName, file: string): ColumnRef {
    const resolved = this.resolveName(name.table, file);
    return { store: resolved.store.id, table: resolved.key, column: name.column };
  }

  /** A declared mapping is a copy applied after every migration, located at each target field. */
  private applyMapping(mapping: MappingDecl, fileIndex: number): ResolvedCopy | undefined {
    const sourceStore = this.storeFor(mapping.from.store);
    const targetStore = this.storeFor(mapping.to.store);
    // The map declares both tables; a migration may not have created them.
    const tableOf = (store: ModelStore, name: string): ModelTable =>
      store.tables.get(name) ??
      this.createTable(store, name, store.decl?.tables.get(name), mapping.at, 'table', false);
    const sourceTable = tableOf(sourceStore, mapping.from.table);
    const targetTable = tableOf(targetStore, mapping.to.table);
    const description = `mapping ${mapping.id}`;
    const sourceName: TableName = { name: sourceTable.name, schema: sourceStore.id };
    const resolveSource = (source: ColumnName): CategoryEvidence[] => {
      const column = sourceTable.columns.get(source.column);
      if (column !== undefined) return this.currentCategories(sourceTable, column);
      return this.classify(sourceTable, source.column).map((found) => ({
        category: found.category,
        origin: 'classifier' as const,
        evidence: `classifier: ${found.reason}`,
        pseudonymous: false,
        phi: isPhiCategory(found.category, sourceTable.healthContext),
        from: { store: sourceStore.id, table: sourceTable.name, column: source.column },
        at: mapping.at,
        path: [],
      }));
    };
    const fact: DataCopied = {
      kind: 'data-copied',
      at: mapping.at,
      target: { name: targetTable.name, schema: targetStore.id },
      via: 'mapping',
      columns: mapping.fields.map((field) => ({
        column: field.target,
        at: field.at,
        value: { from: [{ table: sourceName, column: field.source }], transform: field.transform },
      })),
    };
    const columns = mapping.fields.map((field) => {
      const value = {
        from: [{ table: sourceName, column: field.source }],
        transform: field.transform,
      };
      const result = this.copyColumn(
        targetTable,
        field.target,
        field.at,
        value,
        description,
        '',
        resolveSource,
        false,
      );
      result.sources = [{ store: sourceStore.id, table: sourceTable.name, column: field.source }];
      return result;
    });
    return this.recordCopy(fact, mapping.at, description, targetTable, columns, fileIndex);
  }

  private resolveSend(fact: DataSent): void {
    const file = fact.at.file;
    const sink = fact.sink;
    const host =
      sink.type === 'http'
        ? (sink.host ?? hostOf(sink.url))
        : sink.type === 'sdk'
          ? sink.host
          : undefined;
    let store = host !== undefined ? this.storeByHost(host) : undefined;
    if (store === undefined && sink.type === 'sdk') {
      store = this.stores.get(sink.vendor.toLowerCase()) ?? this.stores.get(sink.sdk.toLowerCase());
    }
    const inside =
      store !== undefined && (store.exposure === 'internal' || store.exposure === 'restricted');
    const thirdParty =
      (sink.type === 'sdk' && !inside) || (sink.type === 'http' && host !== undefined && !inside);
    const stepDescription = describeSink(fact);
    const sendStep = pathStep(fact.at, stepDescription);
    const categories: CategoryEvidence[] = [];
    const sources: ColumnRef[] = [];
    const paths: PathStep[][] = [];
    const scriptFinals: PathStep[] = [];
    for (const value of fact.values) {
      const scriptSteps = (value.path ?? []).map((entry) => pathStep(entry.at, entry.description));
      // A value's own steps go in through its categories' paths, after their history, so the
      // path stays in execution order; a value that carries nothing still shows its steps.
      const valuePaths: PathStep[][] = [];
      const scriptFinal = scriptSteps.at(-1);
      if (scriptFinal !== undefined) scriptFinals.push(scriptFinal);
      for (const source of value.from) {
        const sentFrom = this.refOfName(source, file);
        sources.push(sentFrom);
        for (const entry of this.sourceCategories(source, file)) {
          const category = transformCategory(entry.category, value.transform);
          if (category === undefined) continue;
          const path = orderPath(
            [historyBefore(entry.path, scriptSteps), scriptSteps],
            scriptSteps,
            sendStep,
            fact.at,
          );
          valuePaths.push(path);
          categories.push({
            ...entry,
            category,
            origin: 'flow',
            evidence: flowEvidence(entry, sentFrom, fact.at),
            pseudonymous: entry.pseudonymous || isPseudonymising(value.transform),
            at: fact.at,
            path,
          });
        }
      }
      paths.push(...(valuePaths.length > 0 ? valuePaths : [scriptSteps]));
    }
    this.sends.push({
      fact,
      at: fact.at,
      sink,
      host,
      store:
        store === undefined
          ? undefined
          : { id: store.id, kind: store.kind, exposure: store.exposure },
      thirdParty,
      categories,
      sources,
      path: orderPath(paths, scriptFinals.slice(0, 1), sendStep, fact.at),
    });
  }

  private storeByHost(host: string): ModelStore | undefined {
    const wanted = host.toLowerCase();
    for (const store of this.stores.values()) {
      for (const listed of store.hosts) {
        const known = listed.toLowerCase();
        if (wanted === known || wanted.endsWith(`.${known}`)) return store;
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------- final state

  private finalize(): void {
    for (const store of this.stores.values()) {
      for (const table of [...store.tables.values(), ...store.droppedTables]) {
        for (const column of [...table.columns.values(), ...table.droppedColumns]) {
          column.categories = this.currentCategories(table, column);
          column.phi = column.categories.some((entry) => entry.phi);
          column.encryption = this.encryptionOf(column);
        }
        const cause = this.publicCause(table);
        table.publicCause =
          cause === undefined
            ? undefined
            : ({ at: cause.at, description: cause.description } satisfies PublicCause);
        table.exposure = cause !== undefined ? 'public' : table.declaredExposure;
      }
    }
    for (const event of this.decryptions) {
      const encryption =
        event.column.droppedAt === undefined ? event.column.encryption : { encrypted: false };
      event.targetEncryptedAfter = encryption.encrypted && encryption.kind !== 'name';
      if (event.categories.length === 0) {
        event.categories = [...new Set(event.column.categories.map((entry) => entry.category))];
      }
    }
  }

  private encryptionOf(column: ModelColumn): ModelColumn['encryption'] {
    if (column.declared?.encrypted === true) {
      return { encrypted: true, kind: 'map', evidence: 'data map: encrypted: true' };
    }
    const state = this.state(column);
    if (state.typeEncryption !== undefined) {
      return {
        encrypted: true,
        kind: 'type',
        evidence: `encrypted type or transformer: ${state.typeEncryption}`,
      };
    }
    if (column.encryptedWriteAt !== undefined) {
      return {
        encrypted: true,
        kind: 'function',
        evidence: `an encryption function writes it (${formatLocation(column.encryptedWriteAt)})`,
      };
    }
    const byName = safely(
      () => encryptionEvidenceFromName(column.name, column.dataType),
      undefined,
    );
    if (byName !== undefined) {
      return { encrypted: true, kind: 'name', evidence: `${byName} (name only: weaker evidence)` };
    }
    return { encrypted: false };
  }
}

// ---------------------------------------------------------------- helpers

function refOf(column: ModelColumn): ColumnRef {
  return { store: column.store, table: column.table, column: column.name };
}

/** What a transform leaves of a category (datamap.md, "Transforms"); undefined: no longer personal. */
export function transformCategory(category: string, transform: Transform): string | undefined {
  switch (transform) {
    case 'encrypt':
    case 'tokenize':
    case 'drop':
      return undefined;
    case 'generalize':
      return category === 'demographic.birth_date' ? 'demographic.birth_year' : category;
    default:
      return category;
  }
}

function isPseudonymising(transform: Transform): boolean {
  return transform === 'hash' || transform === 'mask' || transform === 'generalize';
}

/** Keeps one entry per category and source, the strongest evidence first (map, flow, classifier). */
function strongestFirst(entries: CategoryEvidence[]): CategoryEvidence[] {
  const sorted = [...entries].sort((a, b) => ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin]);
  const kept: CategoryEvidence[] = [];
  const seen = new Set<string>();
  for (const entry of sorted) {
    if (seen.has(entry.category)) continue;
    seen.add(entry.category);
    kept.push(entry);
  }
  return kept;
}

/**
 * The part of a source column's history that can reach a value read in a script: steps in other
 * files (earlier migrations), and steps in the script itself before its first step (the read). A
 * write the script makes to that column later (`UPDATE "User" …` at line 6 after reading at
 * line 4) did not feed the value read, and listing it would put the path out of order.
 */
function historyBefore(history: readonly PathStep[], scriptSteps: readonly PathStep[]): PathStep[] {
  const read = scriptSteps[0];
  if (read === undefined) return [...history];
  return history.filter(
    (step) =>
      step.file !== read.file ||
      step.line < read.line ||
      (step.line === read.line && step.column < read.column),
  );
}

function bareTableName(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot === -1 ? key : key.slice(dot + 1);
}

function isBinaryType(dataType: string | undefined): boolean {
  return (
    dataType !== undefined && /^(bytea|blob|binary|varbinary|longblob|mediumblob)/.test(dataType)
  );
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(url);
  return match?.[1]?.toLowerCase();
}

function describeSink(fact: DataSent): string {
  const sink = fact.sink;
  switch (sink.type) {
    case 'log':
      return `logged by ${sink.logger}`;
    case 'http':
      return `sent to ${sink.host ?? hostOf(sink.url) ?? 'an HTTP endpoint'} by ${sink.client}`;
    case 'sdk':
      return `sent to ${sink.vendor} by ${sink.sdk}`;
    case 'object-store':
      return `uploaded to ${sink.service} bucket ${sink.bucket ?? '(unknown)'}${sink.publicAcl ? ' with a public ACL' : ''}`;
  }
}

/** Bad input never stops the model: a helper that throws is treated as knowing nothing. */
function safely<T>(run: () => T, fallback: T): T {
  try {
    return run();
  } catch {
    return fallback;
  }
}

/**
 * Why a flowed category is believed: the copy from the column it came through, and what made the
 * data personal in the first place (`flow from pps.patients.email (002.sql:3); pps.patients.email:
 * declared in the data map (datamap.yaml:16)`). Multi-step flows list every hop, latest first.
 */
function flowEvidence(source: CategoryEvidence, copiedFrom: ColumnRef, at: SourceLocation): string {
  const copied = `flow from ${formatRef(copiedFrom)} (${formatLocation(at)})`;
  return source.origin === 'flow'
    ? `${copied}; ${source.evidence}`
    : `${copied}; ${formatRef(source.from)}: ${source.evidence}`;
}
