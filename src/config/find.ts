/**
 * Finding the config file and the defaults, without the YAML parser or the schema validator: a
 * project with no config never loads either (they cost about a tenth of a second of start-up).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_CONFIG } from './types.js';
import type { Config } from './types.js';

export const CONFIG_NAMES = ['piilint.config.yaml', 'piilint.config.yml'];

/**
 * `piilint.config.yaml` (or `.yml`) in `cwd` or the nearest parent, stopping at the repository
 * root (a folder with `.git`), so a config above the repository never applies to it.
 */
export function findConfigFile(cwd: string): string | undefined {
  let folder = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(folder, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(folder);
    if (existsSync(join(folder, '.git')) || parent === folder) return undefined;
    folder = parent;
  }
}

/** The defaults, as a fresh copy the caller may change. */
export function defaultConfig(): Config {
  return {
    ...DEFAULT_CONFIG,
    exclude: [...DEFAULT_CONFIG.exclude],
    datamap: [...DEFAULT_CONFIG.datamap],
    rules: { ...DEFAULT_CONFIG.rules },
    anonymousRoles: [...DEFAULT_CONFIG.anonymousRoles],
    exposedSchemas: [...DEFAULT_CONFIG.exposedSchemas],
    publicPaths: [...DEFAULT_CONFIG.publicPaths],
    supabase: { ...DEFAULT_CONFIG.supabase },
    classifier: { extraPatterns: [...DEFAULT_CONFIG.classifier.extraPatterns] },
  };
}
