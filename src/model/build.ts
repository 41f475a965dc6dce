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
  FunctionAccessChanged,
  FunctionCreated,
  PolicyCreated,
  TableCreated,
  SourceLocation,
  TableName,
  Transform,
  ValueSource,
} from '../facts.js';
import { isPassedInTable } from '../facts.js';
import type { PathStep } from '../findings.js';
import { flatString, sharedString } from '../util/shared-strings.js';
import { isPhiCategory } from '../taxonomy/categories.js';
import {
  classifyColumn,
  compileExtraPatterns,
  encryptionEvidenceFromName,
  isPersonTableName,
} from '../taxonomy/classifier.js';
import { ColumnClassifications, bareTableName } from './classifications.js';
import { formatLocation, formatRef, orderPath, pathStep } from './describe.js';
import { relativeToRoot } from '../project-root.js';
import { migrationDateFromName } from './migration-date.js';
import { inSequencedMigration } from '../migration-place.js';
import { orderFacts } from './order.js';
import type {
  AccessState,
  DefaultPrivileges,
  FunctionState,
  Opening,
  Reach,
  Stamp,
  SupabaseEvidence,
} from './access-state.js';
import { SIGNED_IN_ROLE, functionKey } from './access-state.js';
import { judgeFinalAccess } from './final-access.js';
import { safely } from './safely.js';
import { checkDeadline } from '../util/budget.js';
import { attachApplicationWrites } from './writes.js';
import type { ApplicationWriteFact } from './writes.js';
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
  /** The repository root: implicit store names derive from paths relative to it. */
  root?: string;
  /**
   * Folders whose files belong to the store of another file (root-relative): drizzle-kit writes
   * its migrations to `out`, and they build the tables of its `schema` file.
   */
  sameStoreFolders?: Array<{ folder: string; schemaFile: string }>;
  /** When a file's name carries no date: when the repository first saw it (git), if known. */
  fileDate?: (file: string) => Date | undefined;
  /**
   * The caller hands the facts over: the replay empties `facts` and lets go of each file's facts
   * once they are replayed, so on a big scan memory goes down as the model goes up (at 20,000
   * files the facts are about 155 MB). `scan` does; `init` reads the facts again afterwards.
   */
  releaseFacts?: boolean;
}

/** Files of a Supabase project's own folder: its migrations, declarative schemas and seed. */
const SUPABASE_FOLDER = /(^|\/)supabase\/(migrations|schemas)\/|(^|\/)supabase\/seed\.sql$/;

export function buildModel(input: BuildModelInput): Model {
  return new ModelBuilder(input).build();
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

/** Supabase granted new `public` tables to anon and authenticated until this day (its changelog, 2026-04-28). */
export const SUPABASE_DEFAULT_GRANTS_ENDED = Date.UTC(2026, 9, 30);

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

// Most columns hold no personal data, are not encrypted, are never written by the application and
// need no replay state of their own: they share these (frozen, so a change to one fails loudly
// instead of changing them all). At 20,000 files that is 230,000 columns, about 45 MB of heap.
const NO_CATEGORIES = Object.freeze([]) as unknown as CategoryEvidence[];
const NO_STEPS = Object.freeze([]) as unknown as PathStep[];
const NO_WRITES = Object.freeze([]) as unknown as ModelColumn['writes'];
const NOT_ENCRYPTED: ModelColumn['encryption'] = Object.freeze({ encrypted: false });
const NO_STATE: Readonly<ColumnState> = Object.freeze({
  carried: NO_CATEGORIES,
  flows: NO_CATEGORIES,
});

class ModelBuilder {
  private readonly stores = new Map<string, ModelStore>();
  private readonly columnStates = new WeakMap<ModelColumn, ColumnState>();
  private readonly accessStates = new WeakMap<ModelTable, AccessState>();
  private readonly resolved = new Map<string, ResolvedName>();
  /** The statement of a `CREATE TABLE IF NOT EXISTS` that did nothing: its column facts are skipped. */
  private skippedCreate: SourceLocation | undefined;
  /** Tables a CREATE statement made (not ones known only from an INSERT or a reference to them). */
  private readonly createdByStatement = new WeakSet<ModelTable>();
  private readonly anonymousRoles: Set<string>;
  private readonly extraPatterns: ReturnType<typeof compileExtraPatterns>;
  private readonly copies: ResolvedCopy[] = [];
  private readonly sends: ResolvedSend[] = [];
  private readonly publicAccessEvents: PublicAccessEvent[] = [];
  private readonly decryptions: Array<DecryptionEvent & { column: ModelColumn }> = [];
  /** Buckets and the statement that last made each public (or private). */
  private readonly buckets = new Map<string, { public: boolean; stamp: Stamp }>();
  private readonly copyTables = new WeakMap<ResolvedCopy, ModelTable>();
  /** Supabase evidence per store, read from every fact before the replay. */
  private readonly supabaseStores = new Map<string, SupabaseEvidence>();
  /** `ALTER DEFAULT PRIVILEGES … GRANT` in force per store. */
  private readonly defaultPrivileges = new Map<string, DefaultPrivileges>();
  /** Anonymous roles whose Supabase platform default a store revoked (`ALTER DEFAULT PRIVILEGES … REVOKE`). */
  private readonly platformDefaultRevoked = new Map<string, Set<string>>();
  /** Statements of the current file that may open a table; judged when the file ends. */
  private openings: Opening[] = [];
  private readonly functions = new Map<string, FunctionState>();
  /** `ALTER DEFAULT PRIVILEGES … ON FUNCTIONS` per store, in order: what new functions start with. */
  private readonly functionDefaults = new Map<string, FunctionAccessChanged[]>();
  /** The tables a view reads, for views that run with the caller's rights. */
  private readonly viewSources = new WeakMap<ModelTable, Set<ModelTable>>();
  private readonly exposedSchemas: Set<string>;
  private readonly migrationDates = new Map<string, Date | undefined>();
  private readonly fileStores = new Map<string, string>();
  private seq = 0;
  /** Events of tables opened to everyone, with the replay position of the file that opened them. */
  private readonly tableOpenings: Array<{
    event: PublicAccessEvent;
    table: ModelTable;
    fileIndex: number;
  }> = [];
  /**
   * Files at whose end a table stopped being readable by everyone, in replay order, by store and
   * name: a view dropped and created again is the same object to its readers.
   */
  private readonly closings = new Map<string, Array<{ file: string; fileIndex: number }>>();
  /** Tables a fact of the current file touched: only their access can have changed. */
  private readonly touched = new Set<ModelTable>();
  /** The classifier's answers per column, kept while what each depends on is unchanged. */
  private readonly classifications: ColumnClassifications;

  constructor(private readonly input: BuildModelInput) {
    this.anonymousRoles = new Set([
      ...input.config.anonymousRoles.map((role) => role.toLowerCase()),
      'public',
    ]);
    this.exposedSchemas = new Set(
      input.config.exposedSchemas.map((schema) => schema.toLowerCase()),
    );
    this.extraPatterns = safely(
      () => compileExtraPatterns(input.config.classifier.extraPatterns),
      [],
    );
    this.classifications = new ColumnClassifications(this.extraPatterns, (table, name) =>
      this.stores.get(table.store)?.tables.get(name),
    );
  }

  build(): Model {
    const files = orderFacts(this.input.facts);
    this.readPlatforms();
    const release = this.input.releaseFacts === true;
    if (release) this.input.facts.length = 0;
    this.declareMapStores();
    const pendingSends: DataSent[] = [];
    const applicationWrites: ApplicationWriteFact[] = [];
    files.forEach((group, fileIndex) => {
      // `--timeout` holds during the replay too, one check per migration.
      checkDeadline();
      const fileStart = this.seq;
      const fileCopies: ResolvedCopy[] = [];
      for (const fact of group.facts) {
        this.seq++;
        if (fact.kind === 'data-sent') pendingSends.push(fact);
        else if (fact.kind === 'column-written' || fact.kind === 'protecting-function') {
          applicationWrites.push(fact);
        } else if (fact.kind === 'data-copied') {
          const copy = this.applyCopy(fact, fileIndex);
          if (copy !== undefined) fileCopies.push(copy);
        } else this.apply(fact);
      }
      if (release) group.facts = [];
      this.judgeAccessAtEndOfFile(group.file, fileIndex);
      this.classifications.nextFile();
      for (const copy of fileCopies) this.settleCopyExposure(copy, fileStart);
    });
    for (const mapping of this.input.dataMap?.mappings ?? []) {
      this.seq++;
      const copy = this.applyMapping(mapping, files.length);
      if (copy !== undefined) this.settleCopyExposure(copy, this.seq);
    }
    for (const fact of pendingSends) this.resolveSend(fact);
    attachApplicationWrites(applicationWrites, (name, file) => {
      const resolved = this.resolveName(name, file);
      const table = resolved.store.tables.get(resolved.key);
      if (!resolved.implicit) return table ? [table] : [];
      // Several stores may have the table (a schema's and its migrations', a server's and an
      // app's `users`): writes.ts picks the ones defined nearest the writing file.
      return [...this.stores.values()].flatMap((store) => {
        const held = store.tables.get(resolved.key);
        return held ? [held] : [];
      });
    });
    this.lowerClosedOpenings();
    this.finalize();
    this.publicAccessEvents.push(
      ...judgeFinalAccess({
        stores: [...this.stores.values()],
        earlierEvents: this.publicAccessEvents,
        access: (table) => this.access(table),
        functions: this.functions,
        buckets: this.buckets,
        copies: this.copies,
        tableOfCopy: (copy) => this.copyTables.get(copy),
        tableNamed: (name, file) => {
          const resolved = this.resolveName(name, file);
          return resolved.store.tables.get(resolved.key);
        },
        anonymousRoles: this.anonymousRoles,
        exposedSchemas: this.exposedSchemas,
      }),
    );
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
        () =>
          resolveTable(name, file, {
            dataMap: this.input.dataMap,
            cwd: this.input.cwd,
            storePath: (path) => this.fromRoot(path),
          }),
        undefined,
      );
      resolvedName = {
        store: this.storeFor(
          result?.store ?? implicitStoreId(this.fromRoot(file)),
          result?.storeDecl,
        ),
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
    // A table another script only wrote to (a seed run before the migrations) is no second
    // holder: the store whose code builds it is meant.
    const built = holders.filter((store) => store.tables.get(resolved.key)?.definedInCode);
    const only = holders.length === 1 ? holders[0] : built.length === 1 ? built[0] : undefined;
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
      onSupabase: this.onSupabase(store.id),
    };
    store.tables.set(key, table);
    this.touch(table);
    this.accessStates.set(table, {
      reaches: [],
      policies: new Map(),
      created: { at, seq: this.seq, description: '' },
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
    // A policy, grant or ALTER on a table an earlier file dropped, with no CREATE between: the
    // files were applied in another order than their names say (a drop stamped after the create
    // that replaced the table), so the statement meets the table as it last stood, not an empty one.
    // Only a statement that refers to a table (`lookElsewhere`) revives it; one that defines it
    // (CREATE TABLE, a view, CREATE TABLE AS) makes a new one.
    const dropped = lookElsewhere
      ? resolved.store.droppedTables.findLast((table) => table.name === resolved.key)
      : undefined;
    if (dropped !== undefined) {
      resolved.store.droppedTables.splice(resolved.store.droppedTables.indexOf(dropped), 1);
      dropped.droppedAt = undefined;
      resolved.store.tables.set(resolved.key, dropped);
      this.touch(dropped);
      return dropped;
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
      categories: NO_CATEGORIES,
      declared: table.declared?.columns.get(name),
      encryption: NOT_ENCRYPTED,
      writes: NO_WRITES,
      definedAt: at,
      definedInCode: inCode,
      lastChangedAt: at,
      phi: false,
    };
    table.columns.set(name, column);
    this.touch(table);
    return column;
  }

  private touch(table: ModelTable): void {
    this.touched.add(table);
    this.classifications.changed(table);
  }

  /** What the replay knows of the column, to read: most columns never need a state of their own. */
  private stateOf(column: ModelColumn): Readonly<ColumnState> {
    return this.columnStates.get(column) ?? NO_STATE;
  }

  /** The column's own state, to change: made on first use. */
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
        return this.applyTableCreated(fact);
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
        const access = this.access(table);
        if (fact.enabled) {
          access.rlsDisabled = undefined;
          return;
        }
        access.rlsDisabled = {
          at: fact.at,
          seq: this.seq,
          description: `ALTER TABLE ${table.name} DISABLE ROW LEVEL SECURITY`,
        };
        this.openings.push({ kind: 'rls-disabled', table, stamp: access.rlsDisabled });
        return;
      }
      case 'policy-created': {
        const table = this.tableFor(fact.table, fact.at);
        const roles = fact.roles.length === 0 ? 'every role' : fact.roles.join(', ');
        const stamp = {
          at: fact.at,
          seq: this.seq,
          description: `policy "${fact.name}" on ${table.name} lets ${roles} read every row (USING ${fact.using ?? 'true'})`,
          fact,
        };
        this.access(table).policies.set(fact.name, stamp);
        if (this.policyOpensToEveryone(fact)) {
          this.openings.push({ kind: 'policy', table, stamp, policy: fact.name });
        }
        return;
      }
      case 'policy-dropped': {
        const table = this.findTable(fact.table, fact.at.file);
        if (table !== undefined) this.access(table).policies.delete(fact.name);
        return;
      }
      case 'bucket-changed': {
        const stamp = {
          at: fact.at,
          seq: this.seq,
          description: `bucket ${fact.bucket} made public`,
        };
        this.buckets.set(fact.bucket, { public: fact.public, stamp });
        if (fact.public) {
          // Every statement that makes a bucket public is reported where it stands.
          this.publicAccessEvents.push({
            objectKind: 'bucket',
            kind: 'bucket',
            name: fact.bucket,
            at: fact.at,
            description: stamp.description,
            exposedColumns: [],
            alreadyPublic: false,
            file: fact.at.file,
          });
        }
        return;
      }
      case 'view-security-changed': {
        const table = this.findTable(fact.table, fact.at.file);
        if (table !== undefined) table.securityInvoker = fact.securityInvoker;
        return;
      }
      case 'function-created':
        return this.applyFunctionCreated(fact);
      case 'function-access-granted':
      case 'function-access-revoked':
        return this.applyFunctionAccess(fact);
      default:
        return; // platform hints were read up front; parse problems reach rules directly.
    }
  }

  private applyTableCreated(fact: TableCreated): void {
    const { table: name, objectType, at } = fact;
    const resolved = this.resolveName(name, at.file, false);
    const existing = resolved.store.tables.get(resolved.key);
    this.skippedCreate = undefined;
    if (
      existing !== undefined &&
      this.createdByStatement.has(existing) &&
      fact.ifNotExists &&
      objectType === 'table' &&
      inSequencedMigration(at.file)
    ) {
      // `CREATE TABLE IF NOT EXISTS` of a table an earlier migration made does nothing: the
      // columns it lists (a "consolidated schema" file's) are not the table's. Only in a numbered
      // migration, whose place in the order is known: loose setup scripts (`azure-setup.sql`)
      // are run by hand on some database or other, and their columns may well be real.
      this.skippedCreate = at;
      return;
    }
    if (existing === undefined) {
      const table = this.tableFor(name, at, objectType, false);
      this.createdByStatement.add(table);
      this.createdInCode(table, fact);
      return;
    }
    this.createdByStatement.add(existing);
    // A view is redefined as a whole (CREATE OR REPLACE VIEW); a table already known (from the data
    // map or a declared schema file) is the same table: keep what is known about it.
    if (objectType !== 'table') {
      for (const column of existing.columns.values()) existing.droppedColumns.push(column);
      existing.columns.clear();
      this.classifications.changed(existing);
    }
    existing.objectType = objectType;
    existing.schema ??= name.schema;
    if (!existing.definedInCode) {
      existing.definedAt = at;
      existing.definedInCode = true;
      this.access(existing).created = { at, seq: this.seq, description: '' };
      this.createdInCode(existing, fact);
    } else {
      if (fact.securityInvoker !== undefined) existing.securityInvoker = fact.securityInvoker;
      // `CREATE OR REPLACE VIEW`: the new definition's filter is the view's.
      existing.callerScoped = fact.callerScoped === true;
    }
    existing.lastChangedAt = at;
  }

  /**
   * A table or view a migration creates: it gets the default privileges in force (the store's
   * `ALTER DEFAULT PRIVILEGES`, and on Supabase the platform's default grant to anon when the
   * migration predates 2026-10-30), each an opening judged when the file ends.
   */
  private createdInCode(table: ModelTable, fact: TableCreated): void {
    table.temporary = fact.temporary === true;
    table.callerScoped = fact.callerScoped === true;
    if (fact.securityInvoker !== undefined) table.securityInvoker = fact.securityInvoker;
    if (table.temporary) return;
    const schema = (table.schema ?? 'public').toLowerCase();
    const access = this.access(table);
    const defaults = this.defaultPrivileges.get(table.store);
    for (const key of [schema, '*']) {
      for (const [role, stamp] of defaults?.get(key) ?? []) {
        const reach: Reach = {
          origin: 'default-privileges',
          role,
          at: fact.at,
          seq: this.seq,
          setAt: stamp.at,
          description: `${stamp.description} (${formatLocation(stamp.at)}) covers ${table.name}, created here`,
        };
        access.reaches.push(reach);
        const sameFile = stamp.at.file === fact.at.file;
        // In the file that set them, the defaults statement is what the reviewer changes.
        const shown = sameFile ? { ...reach, at: stamp.at, description: stamp.description } : reach;
        this.openings.push({ kind: 'default-privileges', table, stamp: shown, reach });
      }
    }
    // An export's tables say nothing of grants: who may read them is not known from it.
    if (!fact.snapshot && this.platformDefaultApplies(table, fact.at.file)) {
      const revoked = this.platformDefaultRevoked.get(table.store);
      for (const role of ['anon', 'authenticated']) {
        if (revoked?.has(role)) continue;
        const reach: Reach = {
          origin: 'platform-default',
          role,
          at: fact.at,
          seq: this.seq,
          description: `${table.name} is created in the public schema of a Supabase project, whose default privileges (for tables created before 2026-10-30) grant it to anon, and row-level security is not enabled`,
        };
        access.reaches.push(reach);
        if (this.anonymousRoles.has(role))
          this.openings.push({ kind: 'platform-default', table, stamp: reach, reach });
      }
    }
  }

  /**
   * Supabase granted every new table of its `public` schema to anon and authenticated until
   * 2026-10-30; since then (and for projects created after 2026-05-30) new tables need a grant.
   * `supabase.defaultGrants` decides: by the migration's date (`auto`), always, or never.
   */
  private platformDefaultApplies(table: ModelTable, file: string): boolean {
    if (!this.onSupabase(table.store)) return false;
    const schema = (table.schema ?? 'public').toLowerCase();
    if (schema !== 'public' || !this.exposedSchemas.has('public')) return false;
    const setting = this.input.config.supabase.defaultGrants;
    if (setting !== 'auto') return setting === 'always';
    const date = this.migrationDate(file);
    // No date at all (an ad-hoc script of an older project): the old default.
    return date === undefined || date.getTime() < SUPABASE_DEFAULT_GRANTS_ENDED;
  }

  private migrationDate(file: string): Date | undefined {
    if (!this.migrationDates.has(file)) {
      const date =
        migrationDateFromName(file) ?? safely(() => this.input.fileDate?.(file), undefined);
      this.migrationDates.set(file, date);
    }
    return this.migrationDates.get(file);
  }

  /** Supabase evidence per store, from every file of that store. */
  private readPlatforms(): void {
    for (const fact of this.input.facts) {
      const storeId = this.storeIdOfFile(fact.at.file);
      if (this.supabaseStores.has(storeId)) continue;
      if (fact.kind === 'platform-hint') {
        this.supabaseStores.set(storeId, { evidence: fact.evidence, at: fact.at });
      } else if (SUPABASE_FOLDER.test(fact.at.file)) {
        this.supabaseStores.set(storeId, { evidence: 'a supabase/ folder', at: fact.at });
      }
    }
  }

  /** The file's path from the repository root, which names implicit stores wherever piilint runs. */
  private fromRoot(file: string): string {
    const root = this.input.root;
    const path = root === undefined ? file : relativeToRoot(root, this.input.cwd, file);
    // drizzle-kit's output folder belongs to the store its schema file names.
    for (const { folder, schemaFile } of this.input.sameStoreFolders ?? []) {
      if (path.startsWith(`${folder}/`)) return schemaFile;
    }
    return path;
  }

  private onSupabase(storeId: string): boolean {
    return this.supabaseStores.has(storeId);
  }

  /** The store a file's unqualified tables belong to: the map's migration globs, else its folder. */
  private storeIdOfFile(file: string): string {
    let storeId = this.fileStores.get(file);
    if (storeId === undefined) {
      storeId = this.computeStoreIdOfFile(file);
      this.fileStores.set(file, storeId);
    }
    return storeId;
  }

  private computeStoreIdOfFile(file: string): string {
    return (
      safely(
        () =>
          resolveTable({ name: '' }, file, {
            dataMap: this.input.dataMap,
            cwd: this.input.cwd,
            storePath: (path) => this.fromRoot(path),
          }).store,
        undefined,
      ) ?? implicitStoreId(this.fromRoot(file))
    );
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
    if (this.skippedCreate !== undefined && within(fact.at, this.skippedCreate)) return;
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
      evidence: flatString(`${entry.evidence} (as ${oldName}, renamed at ${formatLocation(at)})`),
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
    // Signed-in users are tracked too: a view of auth.users granted to them hands out every account.
    const roles = fact.roles.filter(
      (role) => this.anonymousRoles.has(role) || role === SIGNED_IN_ROLE,
    );
    if (!readable || roles.length === 0) return;
    if (fact.defaultPrivileges === true) {
      const anonymous = roles.filter((role) => this.anonymousRoles.has(role));
      if (anonymous.length > 0) this.applyDefaultPrivileges(fact, anonymous);
      return;
    }
    const tables =
      fact.table.name === '*'
        ? this.tablesInSchema(fact.table, fact.at.file)
        : [this.tableFor(fact.table, fact.at)];
    const columnList = fact.columns === undefined ? '' : ` (${fact.columns.join(', ')})`;
    for (const table of tables) {
      const access = this.access(table);
      if (fact.kind === 'access-revoked') {
        access.reaches = access.reaches.filter((reach) => {
          if (!roles.includes(reach.role)) return true;
          if (fact.columns === undefined) return false;
          // A column-level REVOKE narrows column grants; it leaves a whole-table grant alone.
          if (reach.columns !== undefined) {
            for (const column of fact.columns) reach.columns.delete(column);
            return reach.columns.size > 0;
          }
          return true;
        });
        continue;
      }
      const target =
        fact.table.name === '*'
          ? `ALL TABLES IN SCHEMA ${fact.table.schema ?? 'public'}`
          : table.name;
      const anonymous = roles.filter((role) => this.anonymousRoles.has(role));
      const stamp = {
        at: fact.at,
        seq: this.seq,
        description: `GRANT ${fact.privileges.join(', ').toUpperCase()}${columnList} ON ${target} TO ${(anonymous.length > 0 ? anonymous : roles).join(', ')}`,
      };
      for (const role of roles) {
        const reach: Reach = {
          ...stamp,
          origin: 'grant',
          role,
          ...(fact.columns !== undefined ? { columns: new Set(fact.columns) } : {}),
        };
        access.reaches.push(reach);
        if (this.anonymousRoles.has(role))
          this.openings.push({ kind: 'grant', table, stamp, reach });
      }
    }
  }

  /** `ALTER DEFAULT PRIVILEGES [IN SCHEMA s] GRANT|REVOKE … ON TABLES`: replayed for tables created later. */
  private applyDefaultPrivileges(fact: AccessChanged, roles: string[]): void {
    const storeId = this.storeIdOfFile(fact.at.file);
    let defaults = this.defaultPrivileges.get(storeId);
    if (defaults === undefined) {
      defaults = new Map();
      this.defaultPrivileges.set(storeId, defaults);
    }
    const schema = (fact.table.schema ?? '*').toLowerCase();
    let bySchema = defaults.get(schema);
    if (bySchema === undefined) {
      bySchema = new Map();
      defaults.set(schema, bySchema);
    }
    for (const role of roles) {
      if (fact.kind === 'access-revoked') {
        bySchema.delete(role);
        if (schema === 'public' || schema === '*') {
          let revoked = this.platformDefaultRevoked.get(storeId);
          if (revoked === undefined) {
            revoked = new Set();
            this.platformDefaultRevoked.set(storeId, revoked);
          }
          revoked.add(role);
        }
        continue;
      }
      const inSchema = fact.table.schema === undefined ? '' : ` IN SCHEMA ${fact.table.schema}`;
      bySchema.set(role, {
        at: fact.at,
        seq: this.seq,
        description: `ALTER DEFAULT PRIVILEGES${inSchema} GRANT ${fact.privileges.join(', ').toUpperCase()} ON TABLES TO ${roles.join(', ')}`,
      });
    }
  }

  /** `GRANT … ON ALL TABLES IN SCHEMA s`: the tables of that schema that exist now. */
  private tablesInSchema(name: TableName, file: string): ModelTable[] {
    const store = this.resolveName(name, file).store;
    const schema = name.schema ?? 'public';
    const tables = [...store.tables.values()].filter(
      (table) => (table.schema ?? 'public') === schema && table.temporary !== true,
    );
    for (const table of tables) this.touch(table);
    return tables;
  }

  // ---------------------------------------------------------------- access, judged per file

  /**
   * Who can read the table now, as Postgres decides it: an anonymous role's grant, and for a table
   * with row-level security on, a permissive always-true policy for that role. A view that runs
   * with its caller's rights (`security_invoker`) is only as readable as every table it reads.
   * Returns the reaches that work and the columns they cover (undefined: every column).
   */
  private readableNow(
    table: ModelTable,
    depth = 0,
  ): { reaches: Reach[]; columns?: Set<string> } | undefined {
    const access = this.access(table);
    let reaches = access.reaches.filter((reach) => this.anonymousRoles.has(reach.role));
    if (reaches.length === 0) return undefined;
    if (table.objectType === 'table' && table.rowLevelSecurity) {
      const open = [...access.policies.values()].filter(({ fact }) =>
        this.policyOpensToEveryone(fact),
      );
      // A policy `TO public` (or with no TO) applies to every role, anon's grant included.
      reaches = reaches.filter((reach) =>
        open.some(
          ({ fact }) =>
            fact.roles.length === 0 ||
            fact.roles.includes('public') ||
            fact.roles.includes(reach.role),
        ),
      );
      if (reaches.length === 0) return undefined;
    }
    if (table.objectType === 'view' && table.callerScoped === true) return undefined;
    if (table.objectType === 'view' && table.securityInvoker === true) {
      const sources = [...(this.viewSources.get(table) ?? [])];
      if (depth > 8 || sources.some((source) => this.readableNow(source, depth + 1) === undefined))
        return undefined;
    }
    if (reaches.some((reach) => reach.columns === undefined)) return { reaches };
    return { reaches, columns: new Set(reaches.flatMap((reach) => [...(reach.columns ?? [])])) };
  }

  /** Why the table is readable by everyone now (its earliest working reach), or undefined. */
  private publicCause(table: ModelTable): Stamp | undefined {
    const readable = this.readableNow(table);
    if (readable === undefined) return undefined;
    return readable.reaches.reduce((a, b) => (b.seq < a.seq ? b : a));
  }

  private policyOpensToEveryone(policy: PolicyCreated): boolean {
    return (
      policy.permissive &&
      policy.usingAlwaysTrue &&
      (policy.command === 'select' || policy.command === 'all') &&
      (policy.roles.length === 0 || policy.roles.some((role) => this.anonymousRoles.has(role)))
    );
  }

  /**
   * Every statement of the file that opens a table to an anonymous role is reported where it
   * stands, with the personal columns it exposes, even when the table was readable before: the
   * model's state decides which columns are personal, it never swallows a later opening.
   * A file that opens nothing but adds personal columns to a readable table reports each column.
   */
  private judgeAccessAtEndOfFile(file: string, fileIndex: number): void {
    const openings = this.openings;
    this.openings = [];
    const droppedReadable = [...this.touched].filter(
      (table) => table.droppedAt !== undefined && table.publicCause !== undefined,
    );
    const tables = [...this.touched].filter((table) => table.droppedAt === undefined);
    this.touched.clear();
    const opened = new Set<ModelTable>();
    const grantedHere = new Set(
      openings
        .filter((opening) => opening.kind === 'grant' || opening.kind === 'default-privileges')
        .map((opening) => opening.table),
    );
    for (const opening of openings) {
      const { table } = opening;
      if (table.droppedAt !== undefined) continue;
      // The file's own grant (or default privileges) is the line to change; the platform default
      // adds nothing to it. With row-level security on, a default grant opens nothing by itself:
      // the policy that lets everyone in is the statement to report.
      if (opening.kind === 'platform-default' && grantedHere.has(table)) continue;
      const byDefault =
        opening.kind === 'platform-default' || opening.kind === 'default-privileges';
      if (byDefault && table.objectType === 'table' && table.rowLevelSecurity) continue;
      const readable = this.readableNow(table);
      if (readable === undefined || !this.stillOpens(opening, readable.reaches)) continue;
      const covered = opening.reach?.columns ?? readable.columns;
      const exposed = this.personalColumns(table, covered);
      if (exposed.length === 0) continue;
      opened.add(table);
      this.reportOpening(table, fileIndex, {
        objectKind: table.objectType,
        kind: opening.kind,
        store: table.store,
        name: table.name,
        at: opening.stamp.at,
        description: this.describeOpening(opening),
        exposedColumns: exposed.map((column) => this.snapshot(table, column)),
        alreadyPublic: false,
        file,
        ...(opening.reach?.setAt ? { setAt: opening.reach.setAt } : {}),
        ...this.viewBypass(table),
      });
      for (const column of exposed) this.access(table).reportedColumns.add(column.name);
    }
    for (const table of tables) {
      const readable = this.readableNow(table);
      const access = this.access(table);
      const wasReadable = table.publicCause !== undefined;
      table.publicCause = undefined;
      if (readable === undefined) {
        access.reportedColumns.clear();
        if (wasReadable) this.recordClosing(table, file, fileIndex);
        continue;
      }
      const cause = readable.reaches.reduce((a, b) => (b.seq < a.seq ? b : a));
      table.publicCause = { at: cause.at, description: cause.description };
      if (opened.has(table)) continue;
      // Only the columns this file defined can be new: the others were judged by earlier files.
      const fresh = this.personalColumns(
        table,
        readable.columns,
        (column) => column.definedAt.file === file && !access.reportedColumns.has(column.name),
      );
      const first = fresh[0];
      if (first === undefined) continue;
      // One finding per table and file, at the first new column, listing every new one.
      this.reportOpening(table, fileIndex, {
        objectKind: table.objectType,
        kind: 'column-added',
        store: table.store,
        name: table.name,
        at: first.lastChangedAt,
        description: `${table.name} is already readable by everyone (${cause.description}, ${formatLocation(cause.at)})`,
        exposedColumns: fresh.map((column) => this.snapshot(table, column)),
        alreadyPublic: true,
        file,
      });
      for (const column of fresh) access.reportedColumns.add(column.name);
    }
    // A view dropped and created again in the same file (to change its columns) and readable at
    // the file's end was never closed.
    for (const table of droppedReadable) {
      const again = tables.some(
        (live) => live.publicCause !== undefined && closingKey(live) === closingKey(table),
      );
      if (!again) this.recordClosing(table, file, fileIndex);
    }
  }

  /** A table-opening event, remembered so a later migration that closes the table can lower it. */
  private reportOpening(table: ModelTable, fileIndex: number, event: PublicAccessEvent): void {
    this.publicAccessEvents.push(event);
    this.tableOpenings.push({ event, table, fileIndex });
  }

  /** The file at whose end a table readable by everyone stopped being readable (or was dropped). */
  private recordClosing(table: ModelTable, file: string, fileIndex: number): void {
    const key = closingKey(table);
    const closings = this.closings.get(key) ?? [];
    closings.push({ file, fileIndex });
    this.closings.set(key, closings);
  }

  /**
   * An opening a later migration closed again (row-level security turned back on after seeding,
   * a grant revoked, a table created one file before its policies) exposed the table only between
   * the two migrations: still reported, as a warning naming the file that closed it. An opening
   * nothing closed keeps its severity, and so does one in a loose script.
   */
  private lowerClosedOpenings(): void {
    for (const { event, table, fileIndex } of this.tableOpenings) {
      // Loose scripts (`FIX_RLS.sql`, `setup.sql`) run in an order nobody wrote down: one sorted
      // after another is no evidence that it ran later.
      if (!inSequencedMigration(event.at.file)) continue;
      const closing = this.closings
        .get(closingKey(table))
        ?.find((entry) => entry.fileIndex > fileIndex && inSequencedMigration(entry.file));
      if (closing === undefined) continue;
      event.closedLaterIn = closing.file;
      event.severity = 'warning';
    }
  }

  /** The opening's own grant, policy or RLS change is still in force when its file ends. */
  private stillOpens(opening: Opening, reaches: Reach[]): boolean {
    const access = this.access(opening.table);
    switch (opening.kind) {
      case 'rls-disabled':
        return access.rlsDisabled === opening.stamp;
      case 'policy':
        return (
          opening.table.rowLevelSecurity &&
          access.policies.get(opening.policy as string) === opening.stamp
        );
      default:
        return opening.reach !== undefined && reaches.includes(opening.reach);
    }
  }

  private describeOpening(opening: Opening): string {
    if (opening.kind !== 'rls-disabled') return opening.stamp.description;
    const reaches = this.readableNow(opening.table)?.reaches ?? [];
    const reach = reaches.find((entry) => entry.origin === 'grant') ?? reaches[0];
    const by =
      reach === undefined
        ? ''
        : reach.origin === 'platform-default'
          ? ` while ${reach.role} can reach it by Supabase's default grant (${formatLocation(reach.at)})`
          : ` while ${reach.role} can reach it (${reach.description}, ${formatLocation(reach.at)})`;
    return `${opening.stamp.description}${by}`;
  }

  /** A view that runs with its owner's rights over tables with row-level security bypasses it. */
  private viewBypass(table: ModelTable): { bypassesRowSecurityOf?: string[] } {
    if (table.objectType !== 'view' || table.securityInvoker === true) return {};
    const protectedSources = [...(this.viewSources.get(table) ?? [])].filter(
      (source) => source.rowLevelSecurity,
    );
    return protectedSources.length === 0
      ? {}
      : { bypassesRowSecurityOf: protectedSources.map((source) => source.name) };
  }

  /** Current columns (of `covered`, when given, and passing `only`) that hold personal data now. */
  private personalColumns(
    table: ModelTable,
    covered: Set<string> | undefined,
    only?: (column: ModelColumn) => boolean,
  ): ModelColumn[] {
    const personal: ModelColumn[] = [];
    for (const column of table.columns.values()) {
      if (covered !== undefined && !covered.has(column.name)) continue;
      if (only !== undefined && !only(column)) continue;
      if (this.currentCategories(table, column).length > 0) personal.push(column);
    }
    return personal;
  }

  // ---------------------------------------------------------------- functions

  private applyFunctionCreated(fact: FunctionCreated): void {
    const store =
      this.stores.get(this.storeIdOfFile(fact.at.file)) ??
      this.storeFor(this.storeIdOfFile(fact.at.file));
    // Postgres grants EXECUTE to PUBLIC on every new function; Supabase also to anon and authenticated.
    const executors = new Set(['public']);
    if (this.onSupabase(store.id)) {
      executors.add('anon');
      executors.add('authenticated');
    }
    // Then the store's own default privileges for new functions, in the order they were set.
    const schema = fact.schema ?? 'public';
    for (const change of this.functionDefaults.get(store.id) ?? []) {
      if (change.schema !== undefined && change.schema !== schema) continue;
      for (const role of change.roles) {
        if (change.kind === 'function-access-granted') executors.add(role);
        else executors.delete(role);
      }
    }
    this.functions.set(functionKey(fact.name, fact.schema), { fact, store, executors });
  }

  private applyFunctionAccess(fact: FunctionAccessChanged): void {
    if (fact.name === '*') {
      // `ALTER DEFAULT PRIVILEGES … ON FUNCTIONS`: functions created from now on.
      const storeId = this.storeIdOfFile(fact.at.file);
      const changes = this.functionDefaults.get(storeId) ?? [];
      changes.push(fact);
      this.functionDefaults.set(storeId, changes);
      return;
    }
    const state = this.functions.get(functionKey(fact.name, fact.schema));
    if (state === undefined) return;
    for (const role of fact.roles) {
      if (fact.kind === 'function-access-granted') state.executors.add(role);
      else state.executors.delete(role);
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
    const state = this.stateOf(column);
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
      for (const found of this.classifications.classify(table, column.name, column)) {
        own.push(
          this.ownCategory(
            table,
            column,
            found.category,
            'classifier',
            sharedString(`classifier: ${found.reason}`),
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
      path: NO_STEPS,
    };
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
    const classified = (personLinked: boolean) =>
      safely(
        () =>
          classifyColumn({
            table: tableName,
            column: name.column,
            siblingColumns: [],
            personLinked,
            healthContext,
            extraPatterns: this.extraPatterns,
          }),
        [],
      );
    const passedIn = isPassedInTable(tableName);
    const found = table
      ? this.classifications.classify(table, name.column)
      : classified(
          passedIn
            ? TYPED_PASSWORD.test(name.column)
            : safely(() => isPersonTableName(tableName), false),
        );
    // What a handler was sent or a helper handed is about someone: a `finalDiagnosis` or the
    // `allergies` of a request are that person's health data. Other readings a link would allow
    // (`country`, `language`) stay unread: a form's or a helper's settings name no one; so do a
    // doctor's name and key, which are staff data.
    if (passedIn && table === undefined && found.length === 0) {
      found.push(
        ...classified(true).filter(
          (entry) =>
            entry.category.startsWith('health.') && !entry.category.startsWith('health.prescriber'),
        ),
      );
    }
    const from = { store: resolved.store.id, table: resolved.key, column: name.column };
    return found.map((entry) => ({
      category: entry.category,
      origin: 'classifier' as const,
      evidence: flatString(`classifier: ${entry.reason}`),
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
    if (fact.via === 'view') this.recordViewSources(table, fact, file);
    return this.recordCopy(fact, fact.at, description, table, columns, fileIndex);
  }

  /** The tables a view reads: a `security_invoker` view is only as readable as each of them. */
  private recordViewSources(view: ModelTable, fact: DataCopied, file: string): void {
    const sources = new Set<ModelTable>();
    for (const copied of fact.columns) {
      for (const source of copied.value.from) {
        const table = this.findTable(source.table, file);
        if (table !== undefined && table !== view) sources.add(table);
      }
    }
    this.viewSources.set(view, sources);
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
      return this.classifications.classify(sourceTable, source.column).map((found) => ({
        category: found.category,
        origin: 'classifier' as const,
        evidence: flatString(`classifier: ${found.reason}`),
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
      (sink.type === 'sdk' && !inside) ||
      (sink.type === 'http' && host !== undefined && !inside && !isOwnServiceHost(host));
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
        // A column the application encrypts holds ciphertext: sent or logged as read, it shows
        // nothing, unless the code deciphered it on the way.
        if (value.transform !== 'decrypt' && this.holdsCiphertext(source, file)) continue;
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
      // What a function was handed or a request carried says nothing unless its name does: its
      // steps would only crowd the path of the value that does.
      const passedInOnly = value.from.every((source) => isPassedInTable(source.table.name));
      if (valuePaths.length > 0) paths.push(...valuePaths);
      else if (!passedInOnly) paths.push(scriptSteps);
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

  private holdsCiphertext(name: ColumnName, file: string): boolean {
    if (name.column === '*') return false;
    const resolved = this.resolveName(name.table, file);
    const column = resolved.store.tables.get(resolved.key)?.columns.get(name.column);
    // Asked during the replay, before the final state is written: read it as of now.
    return column !== undefined && this.encryptionOf(column).encrypted;
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
          const categories = this.currentCategories(table, column);
          column.categories = categories.length === 0 ? NO_CATEGORIES : categories;
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
        event.column.droppedAt === undefined ? event.column.encryption : NOT_ENCRYPTED;
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
    const state = this.stateOf(column);
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
    return NOT_ENCRYPTED;
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

/** Whether `inner` lies inside `outer`, both in the same file. */
function within(inner: SourceLocation, outer: SourceLocation): boolean {
  if (inner.file !== outer.file) return false;
  const starts =
    inner.line > outer.line || (inner.line === outer.line && inner.column >= outer.column);
  const ends =
    inner.endLine < outer.endLine ||
    (inner.endLine === outer.endLine && inner.endColumn <= outer.endColumn);
  return starts && ends;
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

function isBinaryType(dataType: string | undefined): boolean {
  return (
    dataType !== undefined && /^(bytea|blob|binary|varbinary|longblob|mediumblob)/.test(dataType)
  );
}

/**
 * The application's own services, not partners: a host on the sender's machine or network
 * (`http://localhost:3001`, often the fallback of an `API_URL` variable), and a Supabase
 * project's API (`https://<ref>.supabase.co/functions/v1/…`), where its own edge functions run.
 */
function isOwnServiceHost(host: string): boolean {
  return /^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|host\.docker\.internal)$|\.(?:local|localhost|internal|supabase\.co|supabase\.in)$/.test(
    host,
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
    case 'file':
      return `written to ${sink.path ?? 'a file'} by ${sink.writer}`;
  }
}

/**
 * Why a flowed category is believed: the copy from the column it came through, and what made the
 * data personal in the first place (`flow from pps.patients.email (002.sql:3); pps.patients.email:
 * declared in the data map (datamap.yaml:16)`). Multi-step flows list every hop, latest first.
 */
function flowEvidence(source: CategoryEvidence, copiedFrom: ColumnRef, at: SourceLocation): string {
  const copied = `flow from ${formatRef(copiedFrom)} (${formatLocation(at)})`;
  return flatString(
    source.origin === 'flow'
      ? `${copied}; ${source.evidence}`
      : `${copied}; ${formatRef(source.from)}: ${source.evidence}`,
  );
}

/** A table's identity across a drop and a re-creation: its store and its name. */
function closingKey(table: ModelTable): string {
  return `${table.store}\u0000${table.name}`;
}

/**
 * A request body's password field (`password`, `newPassword`, `confirm_password`, `pwd`): the
 * password a person typed, personal whatever else the body holds. Other fields of a body are read
 * without a person link, so a product's or a room's `name` stays silent.
 */
const TYPED_PASSWORD = /^(?:(?:new|old|current|confirm)_?)?pass(?:word|wd|code)$|^pwd$/i;
