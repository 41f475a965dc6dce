/**
 * What the replay keeps about who can read each table and call each function: the grants, default
 * privileges and platform defaults that reach a table, its row-level security and policies, and
 * the roles that may execute a function. The builder changes it; the final-state judge reads it.
 */
import type { FunctionCreated, PolicyCreated, SourceLocation } from '../facts.js';
import type { ModelStore, ModelTable } from './types.js';

/** A moment in the replay: later events have a larger `seq`. */
export interface Stamp {
  at: SourceLocation;
  seq: number;
  description: string;
}

/** One way an anonymous role can read a table: a grant, default privileges, or the platform's default. */
export interface Reach extends Stamp {
  origin: 'grant' | 'default-privileges' | 'platform-default';
  role: string;
  /** Column-level grant: only these columns (undefined: the whole table). */
  columns?: Set<string>;
  /** For default privileges: the `ALTER DEFAULT PRIVILEGES` statement that set them. */
  setAt?: SourceLocation;
}

export interface AccessState {
  /** Every grant of SELECT/ALL to an anonymous role still in force. */
  reaches: Reach[];
  /** The statement that last turned row-level security off, while it is off. */
  rlsDisabled?: Stamp;
  policies: Map<string, Stamp & { fact: PolicyCreated }>;
  created: Stamp;
  /** Personal columns already reported as readable, so a later file reports only new ones. */
  reportedColumns: Set<string>;
}

/** A statement of the current file that may open a table to everyone, judged when the file ends. */
export interface Opening {
  kind: 'grant' | 'default-privileges' | 'platform-default' | 'rls-disabled' | 'policy';
  table: ModelTable;
  stamp: Stamp;
  /** For grants: the reach the statement added (it must still be in force when the file ends). */
  reach?: Reach;
  /** For policies: the policy's name (it must still exist). */
  policy?: string;
}

/** Default privileges of one store: `schema` (`*` for every schema) → role → the statement. */
export type DefaultPrivileges = Map<string, Map<string, Stamp>>;

/** The first evidence in a store's own files that it runs on Supabase. */
export interface SupabaseEvidence {
  evidence: string;
  at: SourceLocation;
}

/** What a `CREATE FUNCTION` left in the model, for `SECURITY DEFINER` functions. */
export interface FunctionState {
  fact: FunctionCreated;
  store: ModelStore;
  /** Roles that may execute it: PUBLIC unless revoked (and on Supabase, anon and authenticated). */
  executors: Set<string>;
}

/** Supabase's role for signed-in users: not anonymous, yet anyone can sign up. */
export const SIGNED_IN_ROLE = 'authenticated';

export function functionKey(name: string, schema: string | undefined): string {
  return `${(schema ?? 'public').toLowerCase()}.${name.toLowerCase()}`;
}
