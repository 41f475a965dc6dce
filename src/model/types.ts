/**
 * The data-flow model: the facts of every file replayed in migration order (see `build.ts`).
 *
 * Rules read only this. Everything a rule needs to say "what data, where it goes, the path it took,
 * which evidence decided it" is computed here once, so each rule is a short filter over lists.
 */
import type {
  DataCopied,
  DataSent,
  SourceLocation,
  Sink,
  Transform,
  ColumnRetyped,
  WriteProtection,
} from '../facts.js';
import type { PathStep } from '../findings.js';
import type {
  ColumnDecl,
  Exposure,
  Policy,
  StoreDecl,
  StoreKind,
  TableDecl,
} from '../datamap/types.js';

/** A column of a store: `store.table.column`. */
export interface ColumnRef {
  store: string;
  table: string;
  column: string;
}

/** Where a category of a column came from, strongest first: the data map, a flow, the built-in classifier. */
export type CategoryOrigin = 'map' | 'flow' | 'classifier';

/** One category a column (or a copied/sent value) holds, with the evidence that decided it. */
export interface CategoryEvidence {
  category: string;
  origin: CategoryOrigin;
  /** `data map`, `classifier: <reason>` or `flow from store.table.column (file:line)`. */
  evidence: string;
  /** Arrived through hash, mask or generalize: still personal, reported one severity lower. */
  pseudonymous: boolean;
  /** Protected health information: an identifier of a person in a health context (taxonomy.md). */
  phi: boolean;
  /** The column the value was first read from (for flows: the original source, for others: the column itself). */
  from: ColumnRef;
  /** Where the column got this category: its definition (map, classifier) or the copy that brought it (flow). */
  at: SourceLocation;
  /** Every step the value took before reaching here, in order (empty for a column's own categories). */
  path: PathStep[];
}

/** Column-level encryption of a column in its current state. */
export interface EncryptionState {
  encrypted: boolean;
  /** The strongest evidence: the data map, an encrypted type or transformer, an encryption function writing it, or (weaker) its name. */
  kind?: 'map' | 'type' | 'function' | 'name';
  /** Human-readable evidence (`data map: encrypted: true`, `pgp_sym_encrypt writes it (db/1_x.sql:4)`). */
  evidence?: string;
}

/** A write of the application to a column, judged hashed, encrypted or plain (`column-written`). */
export interface ColumnWrite {
  /** The written value (the property or argument), in the file that writes it. */
  at: SourceLocation;
  protection: WriteProtection;
  /** What decided, for the reviewer: `hash from bcrypt`, `symmetricEncrypt (lib/crypto.ts:11: encrypt from @noble/ciphers)`. */
  evidence: string;
  /** `updated User`, `TypeORM @BeforeInsert of User`. */
  writer: string;
  /** A model hook or setter that rewrites the column on every save. */
  hook: boolean;
  /** A check of the stored value as a hash, not a write (`bcrypt.compare`). */
  checked: boolean;
}

export interface ModelColumn {
  store: string;
  table: string;
  name: string;
  dataType?: string;
  primaryKey: boolean;
  /** Foreign key target (a foreign-key column is never a `pii-unencrypted` finding on its own). */
  references?: { table: string; column: string };
  /** Every category the column holds, strongest evidence first; empty when it is not personal. */
  categories: CategoryEvidence[];
  /** The data map's declaration of this column, if any (`classified`, `{}` unknown, or `none`). */
  declared?: ColumnDecl;
  encryption: EncryptionState;
  /** Writes of the application to this column, in scan order (empty when none is visible). */
  writes: ColumnWrite[];
  /** An encryption function (or an `encrypt` transform) wrote the column somewhere in the history. */
  encryptedWriteAt?: SourceLocation;
  /** A retype or copy that decrypted this column's values in place (reported by `encryption-removed`). */
  encryptionRemovedAt?: SourceLocation;
  /** The column's definition in code; the data map's declaration when no code defines it. */
  definedAt: SourceLocation;
  /** True when code (a migration, a schema file or a copy) defines the column, not only the data map. */
  definedInCode: boolean;
  /** The definition or the last statement that renamed or retyped the column. */
  lastChangedAt: SourceLocation;
  droppedAt?: SourceLocation;
  /** Holds PHI: some category is PHI. */
  phi: boolean;
}

/** Code evidence that made a table or view readable by everyone. */
export interface PublicCause {
  /** The statement that made it public (the latest of the grant, the RLS change and the policy it needed). */
  at: SourceLocation;
  /** `GRANT SELECT ON accounts TO anon`, `row-level security disabled on accounts`, … */
  description: string;
}

export interface ModelTable {
  store: string;
  /** Table key in its store (the data map's key when the map declares it). */
  name: string;
  /** SQL schema as written in code (`public`, `auth`), if any. */
  schema?: string;
  objectType: 'table' | 'view' | 'materialized-view' | 'foreign-table';
  /** `CREATE TEMP TABLE`: never reachable through an API, never public by a platform default. */
  temporary?: boolean;
  /** A view that reads with its caller's rights (`security_invoker`), so row-level security applies. */
  securityInvoker?: boolean;
  /** A view filtered by the caller's uid (`where owner = auth.uid()`): anonymous callers read nothing. */
  callerScoped?: boolean;
  /** Current columns, in definition order. */
  columns: Map<string, ModelColumn>;
  /** Columns dropped (or renamed away) during the replay, with `droppedAt`. */
  droppedColumns: ModelColumn[];
  declared?: TableDecl;
  definedAt: SourceLocation;
  definedInCode: boolean;
  lastChangedAt: SourceLocation;
  droppedAt?: SourceLocation;
  subject?: string;
  /** The store or table declares `context: health` or the table `subject: patient`: identifiers are PHI. */
  healthContext: boolean;
  /** Exposure the data map gives it: table exposure ?? store exposure (implicit stores: internal). */
  declaredExposure: Exposure;
  /** Final exposure: `public` when code made it public, else `declaredExposure`. */
  exposure: Exposure;
  /** Code evidence that makes the table public in its final state. */
  publicCause?: PublicCause;
  rowLevelSecurity: boolean;
  /** Its store is on Supabase, by evidence in the store's own files. */
  onSupabase: boolean;
}

export interface ModelStore {
  id: string;
  kind: StoreKind;
  exposure: Exposure;
  hosts: string[];
  context?: 'health';
  encryptedAtRest: boolean;
  /** Declared in the data map; false for an implicit store named after a migration folder. */
  declared: boolean;
  decl?: StoreDecl;
  /** Final tables and views (dropped ones are in `droppedTables`). */
  tables: Map<string, ModelTable>;
  droppedTables: ModelTable[];
}

/** What a copy or send delivers to one target column or sink. */
export interface CopiedColumnResult {
  /** Target column name. */
  column: string;
  /** The select-list item, property or mapping field that produces the value. */
  at: SourceLocation;
  transform: Transform;
  /** The function that decided the transform (`pgp_sym_encrypt`, `sha256`). */
  via?: string;
  sources: ColumnRef[];
  /** Categories the target column received from this copy (after the transform), each with its path. */
  categories: CategoryEvidence[];
  /** Every step of the flow ending at `at`: earlier copies and script steps, then this copy. */
  path: PathStep[];
}

export interface CopyTarget {
  store: string;
  table: string;
  storeKind: StoreKind;
  /** The target table's exposure once the copy's file is applied. */
  exposure: Exposure;
  /** The target is public by code evidence of the same file: `public-access-grant` reports it there. */
  exposureReportedAt?: SourceLocation;
  healthContext: boolean;
}

/** A copy (SQL, ORM, script, declared mapping) with every source resolved. */
export interface ResolvedCopy {
  fact: DataCopied;
  /** The write call or statement (for a mapping: its `id` line). */
  at: SourceLocation;
  /** `INSERT … SELECT`, `UPDATE … FROM`, `CREATE TABLE … AS`, `view`, `ORM insert`, `data script`, `mapping <id>`. */
  description: string;
  target: CopyTarget;
  columns: CopiedColumnResult[];
  /** Position of the copy's file in migration order (mappings: after every file). */
  fileIndex: number;
}

/** A send (log, HTTP, SDK, object store) with the values it carries resolved. */
export interface ResolvedSend {
  fact: DataSent;
  at: SourceLocation;
  sink: Sink;
  /** Host the data goes to, if known. */
  host?: string;
  /** The store whose `hosts` list the host (or whose id is the SDK vendor). */
  store?: { id: string; kind: StoreKind; exposure: Exposure };
  /** The host or SDK is outside the organisation: not listed by an internal or restricted store. */
  thirdParty: boolean;
  categories: CategoryEvidence[];
  sources: ColumnRef[];
  /** Every step, ending at the send. */
  path: PathStep[];
}

/**
 * A statement that opens personal data to everyone, reported where it stands (`public-access-grant`):
 * a grant, default privileges, the platform's default, row-level security turned off, an always-true
 * policy, a bucket made public; and what Supabase's database linter finds on the final state.
 */
export interface PublicAccessEvent {
  objectKind: 'table' | 'view' | 'materialized-view' | 'foreign-table' | 'bucket' | 'function';
  kind:
    | 'grant'
    | 'default-privileges'
    | 'platform-default'
    | 'rls-disabled'
    | 'policy'
    | 'column-added'
    | 'bucket'
    | 'bucket-listing'
    | 'policies-without-rls'
    | 'user-metadata-policy'
    | 'definer-function'
    | 'definer-function-write'
    | 'auth-users-view';
  store?: string;
  /** Table, view or function key, or the bucket name. */
  name: string;
  /** The statement that opened it. */
  at: SourceLocation;
  description: string;
  /** Personal columns the event exposes (with their categories at the time); empty for a bucket. */
  exposedColumns: ModelColumn[];
  /** The table was already readable; the event is a new personal column added to it (at its definition). */
  alreadyPublic: boolean;
  file: string;
  /** For tables opened by default privileges: the `ALTER DEFAULT PRIVILEGES` statement. */
  setAt?: SourceLocation;
  /** A view with its owner's rights over these tables, whose row-level security it bypasses. */
  bypassesRowSecurityOf?: string[];
  /** Lower than the rule's default for findings that need a second mistake to leak, or closed later. */
  severity?: 'warning';
  /** A later migration made the table unreadable again: the file at whose end it was closed. */
  closedLaterIn?: string;
}

/** A place where encrypted values became plain text. */
export interface DecryptionEvent {
  kind: 'retype' | 'copy';
  at: SourceLocation;
  /** The column that held ciphertext. */
  source?: ColumnRef;
  target: ColumnRef;
  /** The retype or copy decrypted explicitly (a `decrypt` transform); false: a retype to a plain type dropped the encryption. */
  explicitDecrypt: boolean;
  /** Evidence the target column is encrypted in its final state (no finding when it is). */
  targetEncryptedAfter: boolean;
  /** Evidence the column was encrypted before, if known. */
  previousEncryption?: string;
  categories: string[];
  retype?: ColumnRetyped;
}

export interface Model {
  stores: Map<string, ModelStore>;
  /** Every resolved copy, in replay order (declared mappings last). */
  copies: ResolvedCopy[];
  /** Every resolved send, in replay order. */
  sends: ResolvedSend[];
  /** Tables and buckets made public, in replay order (for `public-access-grant`). */
  publicAccessEvents: PublicAccessEvent[];
  decryptions: DecryptionEvent[];
  /** Files in the order they were replayed. */
  fileOrder: string[];
  /** The data map's policy, or the built-in default policy when there is no map. */
  policy: Policy;
  /** A data map was given. */
  hasDataMap: boolean;
}
