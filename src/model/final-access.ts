/**
 * What Supabase's database linter reports on a live database, judged on the state the replay of
 * every migration left: policies that protect nothing because row-level security is off, policies
 * that trust user-editable metadata, `SECURITY DEFINER` functions anyone may call, public buckets
 * anyone may list, and views that hand `auth.users` to signed-in users. Statements that open a
 * table are judged per file by the builder; these need the whole history first.
 */
import type { FunctionCreated, SourceLocation, TableName } from '../facts.js';
import type { AccessState, FunctionState } from './access-state.js';
import { SIGNED_IN_ROLE } from './access-state.js';
import { formatLocation } from './describe.js';
import type {
  ModelColumn,
  ModelStore,
  ModelTable,
  PublicAccessEvent,
  ResolvedCopy,
} from './types.js';

/** The replayed state the judge reads; it changes none of it. */
export interface ReplayedAccess {
  stores: readonly ModelStore[];
  /** Events reported during the replay: a statement already reported is not reported again. */
  earlierEvents: readonly PublicAccessEvent[];
  access(table: ModelTable): AccessState;
  functions: ReadonlyMap<string, FunctionState>;
  buckets: ReadonlyMap<string, { public: boolean }>;
  copies: readonly ResolvedCopy[];
  tableOfCopy(copy: ResolvedCopy): ModelTable | undefined;
  /** The table a name in this file means now, if the replay knows it. */
  tableNamed(name: TableName, file: string): ModelTable | undefined;
  anonymousRoles: ReadonlySet<string>;
  exposedSchemas: ReadonlySet<string>;
}

/** The events the final state holds, besides those reported during the replay. */
export function judgeFinalAccess(replay: ReplayedAccess): PublicAccessEvent[] {
  return new FinalAccessJudge(replay).judge();
}

/** Policies that read `raw_user_meta_data` or `user_metadata`: the user writes those about themselves. */
const USER_METADATA = /raw_user_meta_data|user_metadata/i;

class FinalAccessJudge {
  private readonly found: PublicAccessEvent[] = [];

  constructor(private readonly replay: ReplayedAccess) {}

  /**
   * What Supabase's database linter reports on a live database, read from the final state of the
   * migrations: policies that protect nothing because row-level security is off, policies that
   * trust user-editable metadata, `SECURITY DEFINER` functions anyone may call, public buckets
   * anyone may list, and views that hand `auth.users` to signed-in users.
   */
  judge(): PublicAccessEvent[] {
    const reportedAt = new Set(this.replay.earlierEvents.map((event) => locationKey(event.at)));
    for (const store of this.replay.stores) {
      for (const table of store.tables.values()) {
        const personal = [...table.columns.values()].filter(
          (column) => column.categories.length > 0,
        );
        if (personal.length === 0) continue;
        const access = this.replay.access(table);
        const policies = [...access.policies.values()].sort((a, b) => a.seq - b.seq);
        if (table.objectType === 'table' && !table.rowLevelSecurity && policies.length > 0) {
          const first = policies[0] as (typeof policies)[number];
          const at = access.rlsDisabled?.at ?? first.at;
          // Already an error at that statement (RLS turned off on a reachable table): say it once.
          if (reportedAt.has(locationKey(at))) continue;
          this.found.push({
            objectKind: table.objectType,
            kind: 'policies-without-rls',
            store: store.id,
            name: table.name,
            at,
            description: `${table.name} has ${policies.length === 1 ? `policy "${first.fact.name}"` : `${policies.length} policies`} (${formatLocation(first.at)}) but row-level security is ${access.rlsDisabled ? 'disabled here' : 'never enabled'}, so the policies restrict nothing`,
            exposedColumns: personal,
            alreadyPublic: false,
            file: at.file,
            severity: 'warning',
          });
        }
        for (const policy of policies) {
          const text = `${policy.fact.using ?? ''} ${policy.fact.withCheck ?? ''}`;
          if (!USER_METADATA.test(text)) continue;
          this.found.push({
            objectKind: table.objectType,
            kind: 'user-metadata-policy',
            store: store.id,
            name: table.name,
            at: policy.at,
            description: `policy "${policy.fact.name}" on ${table.name} trusts user metadata, which every signed-in user can edit about themselves`,
            exposedColumns: personal,
            alreadyPublic: false,
            file: policy.at.file,
            severity: 'warning',
          });
        }
      }
    }
    this.judgeDefinerFunctions();
    this.judgeBucketListing();
    this.judgeAuthUsersViews();
    return this.found;
  }

  private judgeDefinerFunctions(): void {
    for (const { fact, store, executors } of this.replay.functions.values()) {
      // A function scoped to auth.uid() reads and changes the caller's own rows.
      if (!fact.securityDefiner || fact.callerScoped) continue;
      if (!this.replay.exposedSchemas.has((fact.schema ?? 'public').toLowerCase())) continue;
      const callers = [...executors].filter((role) => this.replay.anonymousRoles.has(role));
      if (callers.length === 0) continue;
      const mentions = new Set(fact.mentions);
      const exposed: ModelColumn[] = [];
      // Only a function that hands rows back can expose them; triggers and procedures returning
      // void or a flag expose nothing (what they change is judged below).
      const tables = new Set<ModelTable>();
      for (const name of fact.returnsRows ? fact.reads : []) {
        const table = this.replay.tableNamed(name, fact.at.file);
        if (table !== undefined) tables.add(table);
      }
      for (const table of tables) {
        for (const column of table.columns.values()) {
          if (column.categories.length === 0) continue;
          if (mentions.has('*') || mentions.has(column.name.toLowerCase())) exposed.push(column);
        }
      }
      if (exposed.length === 0) {
        this.judgeDefinerWrites(fact, store, callers);
        continue;
      }
      this.found.push({
        objectKind: 'function',
        kind: 'definer-function',
        store: store.id,
        name: fact.schema === undefined ? fact.name : `${fact.schema}.${fact.name}`,
        at: fact.at,
        description: definerDescription(fact, callers),
        exposedColumns: exposed,
        alreadyPublic: false,
        file: fact.at.file,
      });
    }
  }

  /**
   * A definer function anyone may call that deletes or updates rows of a table holding personal
   * data changes them past row-level security (a therapist app's `delete_patient_by_id(id,
   * user_id)`, callable with the anon key and guessable ids). Reported once, at the function.
   */
  private judgeDefinerWrites(fact: FunctionCreated, store: ModelStore, callers: string[]): void {
    const changed = new Map<ModelTable, ModelColumn[]>();
    for (const change of fact.changes ?? []) {
      const table = this.replay.tableNamed(change.table, fact.at.file);
      if (table === undefined || changed.has(table)) continue;
      // A DELETE takes every column of the row; an UPDATE only what it sets.
      const set = change.columns === undefined ? undefined : new Set(change.columns);
      const personal = [...table.columns.values()].filter(
        (column) =>
          column.categories.length > 0 && (set === undefined || set.has(column.name.toLowerCase())),
      );
      if (personal.length > 0) changed.set(table, personal);
    }
    const [first] = changed.keys();
    if (first === undefined) return;
    this.found.push({
      objectKind: 'function',
      kind: 'definer-function-write',
      store: store.id,
      name: first.name,
      at: fact.at,
      description: definerDescription(fact, callers),
      exposedColumns: [...changed.values()].flat(),
      alreadyPublic: false,
      file: fact.at.file,
    });
  }

  /** A SELECT policy on `storage.objects` for everyone lets anyone list a public bucket's files. */
  private judgeBucketListing(): void {
    const publicBuckets = [...this.replay.buckets]
      .filter(([, state]) => state.public)
      .map(([name]) => name);
    if (publicBuckets.length === 0) return;
    for (const store of this.replay.stores) {
      const objects = store.tables.get('storage.objects');
      if (objects === undefined) continue;
      for (const policy of this.replay.access(objects).policies.values()) {
        const { fact } = policy;
        const reads = fact.command === 'select' || fact.command === 'all';
        const everyone =
          fact.roles.length === 0 ||
          fact.roles.some((role) => this.replay.anonymousRoles.has(role));
        if (!fact.permissive || !reads || !everyone) continue;
        const using = fact.using ?? '';
        // `auth.uid()::text = (storage.foldername(name))[1]`: each user lists their own folder,
        // an anonymous caller (no uid) none.
        if (CALLER_SCOPED_OBJECTS.test(using)) continue;
        const listed = publicBuckets.filter(
          (bucket) => bucket === '*' || fact.usingAlwaysTrue || using.includes(`'${bucket}'`),
        );
        if (listed.length === 0) continue;
        this.found.push({
          objectKind: 'bucket',
          kind: 'bucket-listing',
          name: listed.join(', '),
          at: policy.at,
          description: `policy "${fact.name}" on storage.objects lets ${fact.roles.length === 0 ? 'every role' : fact.roles.join(', ')} list every file of public bucket ${listed.join(', ')}; a public bucket serves files by URL without any SELECT policy`,
          exposedColumns: [],
          alreadyPublic: false,
          file: policy.at.file,
        });
      }
    }
  }

  /** A view in an exposed schema over `auth.users` that signed-in users can read hands them every account. */
  private judgeAuthUsersViews(): void {
    const reported = new Set(
      [...this.replay.earlierEvents, ...this.found].map(
        (event) => `${event.store ?? ''}\u0000${event.name}`,
      ),
    );
    for (const copy of this.replay.copies) {
      if (copy.fact.via !== 'view') continue;
      const view = this.replay.tableOfCopy(copy);
      if (view === undefined || view.droppedAt !== undefined) continue;
      if (!this.replay.exposedSchemas.has((view.schema ?? 'public').toLowerCase())) continue;
      if (
        !copy.columns.some((column) =>
          column.sources.some((source) => source.table === 'auth.users'),
        )
      )
        continue;
      if (reported.has(`${view.store}\u0000${view.name}`)) continue;
      const roles = [
        ...new Set(this.replay.access(view).reaches.map((reach) => reach.role)),
      ].filter((role) => role === SIGNED_IN_ROLE || this.replay.anonymousRoles.has(role));
      if (roles.length === 0) continue;
      const exposed = [...view.columns.values()].filter((column) => column.categories.length > 0);
      if (exposed.length === 0) continue;
      this.found.push({
        objectKind: view.objectType,
        kind: 'auth-users-view',
        store: view.store,
        name: view.name,
        at: copy.at,
        description: `view ${view.name} exposes auth.users to ${roles.join(', ')}: every signed-in user can read every account`,
        exposedColumns: exposed,
        alreadyPublic: false,
        file: copy.at.file,
      });
    }
  }
}

/** Who may call a definer function, and why that matters, in the finding's words. */
function definerDescription(fact: FunctionCreated, callers: string[]): string {
  const byDefault = callers.includes('public')
    ? ' (Postgres grants EXECUTE to PUBLIC by default)'
    : '';
  return `SECURITY DEFINER function ${fact.name} runs with its owner's rights, past row-level security, and ${callers.join(', ')} may execute it${byDefault}`;
}

function locationKey(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.column}`;
}

/** A storage policy that admits only the signed-in owner or signed-in users. */
const CALLER_SCOPED_OBJECTS = /\bauth\.uid\s*\(\s*\)|\bauth\.role\s*\(\s*\)\s*=\s*'authenticated'/i;
