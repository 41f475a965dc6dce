export type RuleSetting = 'off' | 'note' | 'warning' | 'error';

/** piilint.config.yaml (spec/cli.md, "Config file"), with defaults applied. */
export interface Config {
  /** Absolute path of the file it was read from, if any. */
  file?: string;
  include?: string[];
  exclude: string[];
  datamap: string[];
  failOn: 'error' | 'warning' | 'never';
  /** `maxFileSize` in bytes: larger files are not read (an unread migration fails the gate). */
  maxFileSize: number;
  rules: Record<string, RuleSetting>;
  anonymousRoles: string[];
  /** Schemas an API serves (Supabase's Data API, PostgREST); default `[public]`. */
  exposedSchemas: string[];
  /** Folders whose files a site or a package serves to anyone (`pii-exported` is an error there). */
  publicPaths: string[];
  supabase: {
    /** Which new `public` tables the platform grants to anon: by the migration's date, all, or none. */
    defaultGrants: 'auto' | 'always' | 'never';
  };
  classifier: { extraPatterns: Array<{ pattern: string; category: string }> };
}

export const DEFAULT_ANONYMOUS_ROLES = ['anon', 'public', 'web_anon', 'guest', 'anonymous'];

export const DEFAULT_CONFIG: Config = {
  exclude: [],
  datamap: [],
  failOn: 'error',
  maxFileSize: 2 * 1024 * 1024,
  rules: {},
  anonymousRoles: DEFAULT_ANONYMOUS_ROLES,
  exposedSchemas: ['public'],
  publicPaths: ['public/', 'static/', 'dist/'],
  supabase: { defaultGrants: 'auto' },
  classifier: { extraPatterns: [] },
};
