/**
 * Facts are the one vocabulary between readers and rules.
 *
 * Every extractor (SQL, Knex, TypeORM, Prisma, data scripts, …) turns its
 * format into these facts, each with the exact location a reviewer must
 * change. The model replays them; rules read the model. Adding an ORM means
 * emitting these facts; adding a rule means reading the model. Nothing else
 * crosses that boundary.
 */

/** 1-based line and column; columns count UTF-16 characters (JS string index + 1); end is exclusive (SARIF convention). */
export interface SourceLocation {
  /** Path relative to the scan's working directory, forward slashes. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * The table a request handler's body is read as (`req.body`, `await req.json()`): no schema
 * declares it, its columns are the fields the handler reads, and the classifier judges each by name.
 */
export const REQUEST_BODY_TABLE = 'request body';

/**
 * The table a function's arguments are read as when no caller in view tells what they hold: a
 * database function whose body prints one (`RAISE WARNING 'new patient %', p_first_name`), each
 * argument a column named without its `p_` prefix; an exported TypeScript helper that other files
 * call (`sendReminder(phone)`), each parameter a column named as written.
 */
export const FUNCTION_ARGUMENTS_TABLE = 'function arguments';

/**
 * True for the tables above: what a handler was sent or a function was handed. They are sources
 * for logs and sends, but storing them is no copy: the column written is judged on its own.
 */
export function isPassedInTable(name: string): boolean {
  return name === REQUEST_BODY_TABLE || name === FUNCTION_ARGUMENTS_TABLE;
}

/** A table as written in code, before it is resolved to a store (see datamap.md, "Resolving names in code"). */
export interface TableName {
  /** Table, view or collection name. Unquoted SQL identifiers are lowercased; quoted ones keep their case. */
  name: string;
  /** Qualifier as written: a SQL schema (`public`, `auth`) or a store id (`pps.patients`). */
  schema?: string;
  /** The code-level connection the table was reached through (`ppsDb`, `PPS_DATABASE_URL`). */
  connection?: string;
  /**
   * Other names the same connection answers to, for matching a data map's `connections`: the
   * environment variables a client is built from (`const krogerDb = knex({ connection:
   * process.env.KROGER_DATABASE_URL })` → `connection: 'krogerDb'`, aliases `['KROGER_DATABASE_URL']`).
   */
  connectionAliases?: string[];
}

export interface ColumnName {
  table: TableName;
  /** Column name; `*` means every column of the table (SELECT *). */
  column: string;
}

/** What a copy does to the values it moves (datamap.md, "Transforms"); `decrypt` turns ciphertext back into plain text. */
export type Transform =
  'copy' | 'encrypt' | 'decrypt' | 'tokenize' | 'hash' | 'mask' | 'generalize' | 'drop';

/** One step of a multi-step flow, shown to the reviewer ("read at line 4 → mapped at line 9 → inserted at line 12"). */
export interface FlowStep {
  at: SourceLocation;
  description: string;
}

/** What flows into one target value: the columns it is computed from and the transform applied on the way. */
export interface ValueSource {
  from: ColumnName[];
  transform: Transform;
  /** The function or construct that decided the transform, for explanations (`pgp_sym_encrypt`, `sha256`). */
  via?: string;
  /** Steps from the read to this value, for values tracked through a script. */
  path?: FlowStep[];
}

interface FactBase {
  /** Where the reviewer must look: the column definition, the statement, the call. */
  at: SourceLocation;
}

export interface TableCreated extends FactBase {
  kind: 'table-created';
  table: TableName;
  objectType: 'table' | 'view' | 'materialized-view' | 'foreign-table';
  /** True for schema files (Prisma schema, Drizzle tables, TypeORM entities) that declare state rather than migrate it. */
  declared?: boolean;
  /**
   * From a schema export that is not meant to be run (Supabase Studio's): the table's columns as
   * they are, but nothing of who may read it (see model/snapshots.ts).
   */
  snapshot?: boolean;
  /** `CREATE TEMP TABLE`: lives for one session, never reachable through an API. */
  temporary?: boolean;
  /** `CREATE TABLE IF NOT EXISTS`: nothing at all when the table is there already. */
  ifNotExists?: boolean;
  /** A view created `WITH (security_invoker = true)`: it reads with the caller's rights, so row-level security applies. */
  securityInvoker?: boolean;
  /**
   * A view whose rows are filtered by the caller (`where client_id = auth.uid()`): an anonymous
   * caller, who has no uid, reads no row of it.
   */
  callerScoped?: boolean;
}

/** `ALTER VIEW … SET (security_invoker = on|off)`. */
export interface ViewSecurityChanged extends FactBase {
  kind: 'view-security-changed';
  table: TableName;
  securityInvoker: boolean;
}

export interface TableRenamed extends FactBase {
  kind: 'table-renamed';
  table: TableName;
  newName: string;
}

export interface TableDropped extends FactBase {
  kind: 'table-dropped';
  table: TableName;
}

export interface ColumnDefined extends FactBase {
  kind: 'column-defined';
  table: TableName;
  column: string;
  /** Normalised lowercase SQL type (`text`, `varchar(255)`, `bytea`, `integer`, `boolean`, `timestamptz`, `jsonb`). */
  dataType?: string;
  primaryKey?: boolean;
  /** Foreign key target. */
  references?: ColumnName;
  /** Evidence of column-level encryption from the definition itself: an encrypted type, a transformer, a marker comment. */
  encryption?: string;
}

export interface ColumnRenamed extends FactBase {
  kind: 'column-renamed';
  table: TableName;
  column: string;
  newName: string;
}

export interface ColumnRetyped extends FactBase {
  kind: 'column-retyped';
  table: TableName;
  column: string;
  dataType: string;
  /** `ALTER COLUMN … TYPE … USING expr`: what the new values are computed from (a `decrypt` here removes encryption). */
  using?: ValueSource;
}

export interface ColumnDropped extends FactBase {
  kind: 'column-dropped';
  table: TableName;
  column: string;
}

/**
 * Data written into a table's columns from other columns: INSERT … SELECT, UPDATE … SET … FROM,
 * CREATE TABLE AS, a view's columns, an ORM insert of rows read elsewhere, a data script, a declared mapping.
 * A copy into a column the target does not have yet defines that column (CTAS and views define theirs this way).
 * INSERT … VALUES with an encryption call is a copy with `from: []` and `transform: 'encrypt'`: it is evidence of encryption.
 */
export interface DataCopied extends FactBase {
  kind: 'data-copied';
  target: TableName;
  via: 'insert' | 'update' | 'create-table-as' | 'view' | 'orm' | 'script' | 'mapping';
  columns: CopiedColumn[];
}

export interface CopiedColumn {
  /** Target column; `*` with `from: [{ column: '*' }]` copies every source column under its own name (or by position). */
  column: string;
  value: ValueSource;
  /** The select-list item or field that produces this column. */
  at: SourceLocation;
}

/** GRANT or REVOKE. */
export interface AccessChanged extends FactBase {
  kind: 'access-granted' | 'access-revoked';
  /** `name: '*'` means ALL TABLES IN SCHEMA `schema`. */
  table: TableName;
  /** Lowercased role names; `public` for PUBLIC. */
  roles: string[];
  /** Lowercased privileges (`select`, `insert`, `all`, …). */
  privileges: string[];
  /** Column-level grant: only these columns. */
  columns?: string[];
  /** `ALTER DEFAULT PRIVILEGES … GRANT`: applies to tables created later in `table.schema` (every schema when absent). */
  defaultPrivileges?: boolean;
}

/**
 * `CREATE FUNCTION`/`PROCEDURE`: what a `SECURITY DEFINER` function reads runs with its owner's rights,
 * past row-level security, for every role that may execute it (PUBLIC by default).
 */
export interface FunctionCreated extends FactBase {
  kind: 'function-created';
  /** Lowercased name, with its schema when written. */
  name: string;
  schema?: string;
  securityDefiner: boolean;
  /** Tables the body reads or returns (`FROM`, `JOIN`, `RETURNS SETOF t`). */
  reads: TableName[];
  /**
   * Rows the body deletes or updates on the caller's say (the statement uses a parameter): the
   * table, and for an UPDATE the columns it sets.
   */
  changes?: Array<{ table: TableName; columns?: string[] }>;
  /** Identifiers the body mentions, lowercased, to tell which columns it reads; `*` when it selects every column. */
  mentions: string[];
  /** Returns rows or values a caller can read (not `trigger`, `void` or a plain flag). */
  returnsRows: boolean;
  /**
   * The body filters by the caller (`auth.uid()`) or by a secret the caller passes (an invitation
   * `_token`): it reads the rows that caller may see.
   */
  callerScoped: boolean;
}

/** `GRANT/REVOKE EXECUTE ON FUNCTION …`. */
export interface FunctionAccessChanged extends FactBase {
  kind: 'function-access-granted' | 'function-access-revoked';
  /**
   * The function; `*` for `ALTER DEFAULT PRIVILEGES … ON FUNCTIONS`: every function created later
   * in `schema` (in every schema when it has none).
   */
  name: string;
  schema?: string;
  /** Lowercased roles; `public` for PUBLIC. */
  roles: string[];
}

export interface RowSecurityChanged extends FactBase {
  kind: 'row-security-changed';
  table: TableName;
  enabled: boolean;
}

export interface PolicyCreated extends FactBase {
  kind: 'policy-created';
  table: TableName;
  name: string;
  /** Lowercased roles from `TO …`; empty when the policy has no `TO` clause (it applies to every role). */
  roles: string[];
  command: 'all' | 'select' | 'insert' | 'update' | 'delete';
  permissive: boolean;
  /** The `USING` expression as written. */
  using?: string;
  /** `USING (true)` or an equivalent constant: every row is visible to the policy's roles. */
  usingAlwaysTrue: boolean;
  /** The `WITH CHECK` expression as written. */
  withCheck?: string;
}

export interface PolicyDropped extends FactBase {
  kind: 'policy-dropped';
  table: TableName;
  name: string;
}

/** A storage bucket created or changed (Supabase `storage.buckets … public = true`, S3/GCS bucket ACLs in code). */
export interface BucketChanged extends FactBase {
  kind: 'bucket-changed';
  bucket: string;
  public: boolean;
}

/**
 * Evidence that a file's store runs on Supabase, which exposes its `public` schema through the Data
 * API (and granted new tables there to `anon` by default until 2026-10-30).
 */
export interface PlatformHint extends FactBase {
  kind: 'platform-hint';
  platform: 'supabase';
  evidence: string;
}

export type Sink =
  | {
      type: 'log';
      logger: string;
      /** Code that runs in the browser (`'use client'`, React hooks, Angular): the user's console. */
      browser?: boolean;
    }
  | { type: 'http'; host?: string; url?: string; client: string }
  | { type: 'sdk'; sdk: string; vendor: string; host?: string }
  | {
      type: 'object-store';
      service: 's3' | 'gcs' | 'azure' | 'supabase';
      bucket?: string;
      key?: string;
      publicAcl: boolean;
    }
  /** A file or stream a script writes (`fs.writeFileSync`, `createWriteStream`, a CSV or XLSX export). */
  | { type: 'file'; writer: string; path?: string };

/** Personal values leaving the database: a log line, an HTTP call, an analytics SDK, an object-store upload, a file. */
export interface DataSent extends FactBase {
  kind: 'data-sent';
  sink: Sink;
  values: ValueSource[];
}

/** What application code does to a value before it stores it (`bcrypt.hash` → hash, `createCipheriv` → encrypt). */
export type WriteProtection = 'hash' | 'encrypt' | 'plain';

/**
 * The application writes one column (a Prisma `create`, a TypeORM `save`, a knex `insert`, a raw
 * `INSERT … VALUES ($1)`, a `@BeforeInsert` hook): evidence of how the column is stored, whatever
 * the value's origin. A data-copied fact says where a value comes from; this says what protects it.
 */
export interface ColumnWritten extends FactBase {
  kind: 'column-written';
  table: TableName;
  column: string;
  protection: WriteProtection;
  /** The call that decided (`bcrypt.hash`, `crypto.createCipheriv`), or the value as written for a plain write. */
  via: string;
  /**
   * A function of the application the value passes through (`hashPassword`, `symmetricEncrypt`),
   * when the write itself shows no hash or cipher: its body, wherever it is defined, decides.
   */
  helper?: string;
  /** What wrote it: `prisma update`, `TypeORM @BeforeInsert`, `Sequelize set()`, `raw INSERT`. */
  writer: string;
  /**
   * A model hook or setter (TypeORM `@BeforeInsert`, Sequelize `set()` or `beforeUpdate`) that
   * rewrites the column on every save: it covers the plain values other writes hand the ORM.
   */
  hook?: boolean;
  /**
   * Not a write: the stored value is checked as a hash (`bcrypt.compare(input, doctor.password)`),
   * which shows the column holds one even when the scan sees no write (accounts made elsewhere).
   */
  checked?: boolean;
  /**
   * Where the written table is defined, when the write says: `prisma` for a Prisma delegate, or
   * the path (from the scan's folder, without extension) of the module a Drizzle table object or
   * TypeORM entity is imported from (`src/db/schema`). The write belongs to that table's store.
   * `any store` for a library's own model (better-auth's `twoFactor`): every store defining it.
   */
  tableDefinedIn?: string;
}

/**
 * A function of the application whose body hashes or encrypts (`hashPassword` calls
 * `bcrypt.hash`): a write through it is protected, in any file.
 */
export interface ProtectingFunction extends FactBase {
  kind: 'protecting-function';
  name: string;
  protection: 'hash' | 'encrypt';
  /** The call in its body that decided, or the other function of the application it calls. */
  via: string;
  /** When the body calls another application function rather than a hash or cipher directly. */
  calls?: string;
}

/** A file or statement that could not be read; the scan goes on. */
export interface ParseProblem extends FactBase {
  kind: 'parse-error';
  message: string;
  /**
   * Set when the file, or the rest of it from `at`, went unread: too large, binary, a work or
   * nesting limit hit, a template that cannot be resolved. `migration` says whether the file is a
   * migration or schema (an `unreadable-migration` error) rather than any other file (a note).
   */
  unread?: { migration: boolean };
}

export type Fact =
  | TableCreated
  | TableRenamed
  | TableDropped
  | ColumnDefined
  | ColumnRenamed
  | ColumnRetyped
  | ColumnDropped
  | DataCopied
  | AccessChanged
  | RowSecurityChanged
  | PolicyCreated
  | PolicyDropped
  | ViewSecurityChanged
  | FunctionCreated
  | FunctionAccessChanged
  | BucketChanged
  | PlatformHint
  | DataSent
  | ColumnWritten
  | ProtectingFunction
  | ParseProblem;

export type FactKind = Fact['kind'];
