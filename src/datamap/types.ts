import type { SourceLocation, Transform } from '../facts.js';

export type Exposure = 'public' | 'partner' | 'internal' | 'restricted';

export const EXPOSURE_RANK: Record<Exposure, number> = {
  restricted: 0,
  internal: 1,
  partner: 2,
  public: 3,
};

export type StoreKind =
  | 'database'
  | 'warehouse'
  | 'bucket'
  | 'search-index'
  | 'cache'
  | 'api'
  | 'analytics'
  | 'partner'
  | 'log';

export interface ColumnDecl {
  name: string;
  /** `classified`: categories given; `unknown`: declared `{}` (learns from flows only); `none`: not personal. */
  status: 'classified' | 'unknown' | 'none';
  categories: string[];
  encrypted: boolean;
  at: SourceLocation;
}

export interface TableDecl {
  /** Key as written in the map, possibly schema-qualified (`public.accounts`). */
  name: string;
  subject?: string;
  exposure?: Exposure;
  context?: 'health';
  columns: Map<string, ColumnDecl>;
  at: SourceLocation;
}

export interface StoreDecl {
  id: string;
  title?: string;
  kind: StoreKind;
  engine?: string;
  exposure: Exposure;
  encryptedAtRest: boolean;
  /** Globs relative to `baseDir`. */
  migrations: string[];
  /** Absolute directory of the data map file that declared the store. */
  baseDir: string;
  connections: string[];
  hosts: string[];
  context?: 'health';
  tables: Map<string, TableDecl>;
  at: SourceLocation;
}

export interface MappingField {
  target: string;
  source: string;
  transform: Transform;
  at: SourceLocation;
}

export interface MappingDecl {
  id: string;
  description?: string;
  from: { store: string; table: string };
  to: { store: string; table: string };
  fields: MappingField[];
  at: SourceLocation;
}

export interface PartnerAllow {
  store: string;
  categories: string[];
  purpose: string;
  at: SourceLocation;
}

export interface Policy {
  public: { deny: string[]; allow: string[] };
  partner: { deny: string[]; allow: PartnerAllow[] };
  encryption: { require: string[] };
}

export interface DataMap {
  /** Files the map was merged from (relative display paths). */
  files: string[];
  stores: Map<string, StoreDecl>;
  mappings: MappingDecl[];
  policy: Policy;
}

/** A problem in a data map or config, reported as `datamap-invalid` (or a usage error when the file is unusable). */
export interface MapProblem {
  at: SourceLocation;
  message: string;
  /** "did you mean `accounts`?", "add `exposure: internal`", … */
  suggestion?: string;
  /**
   * `warning`: the map is usable but something is left to decide (`exposure: undecided`):
   * `validate` reports it as a warning, `scan` as a note. Default: an error.
   */
  level?: 'warning';
}
