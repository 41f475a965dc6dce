/**
 * The path aliases of a project's `tsconfig.json` or `jsconfig.json`: with `"baseUrl": "."` and
 * `"paths": { "@src/*": ["src/*"] }`, `import { patients } from '@src/db/schema'` names the module
 * `src/db/schema`. Read as TypeScript reads them, statically and never by running anything:
 *
 * - the config is the nearest `tsconfig.json` (else `jsconfig.json`) in the importing file's
 *   folder or above it, with the configs it `extends` by a relative path, a few levels deep (a
 *   package such as `@tsconfig/node20` is not followed: its `paths` would name no project file;
 *   nor is a config named unlike one, `base.json`: discovery reads no other JSON);
 * - `baseUrl` is relative to the config that sets it; `paths` targets are relative to `baseUrl`,
 *   else to the config that declares `paths`; the nearest config of the chain wins each option;
 * - a specifier matching a pattern exactly, else the pattern of the longest prefix before its one
 *   `*`, names that pattern's targets in order, and only those; one matching no pattern names the
 *   module under `baseUrl`, when set. A package (`express`, `@nestjs/common`) that no pattern names
 *   and no project file sits under stays unresolved.
 *
 * Configs are looked up among the files the scan read (discovery reads them beside the sources),
 * through `projectFile` like the modules themselves. So nothing outside the scanned folder is read,
 * and the facts cache sees every config a resolution asked for — and every nearer folder where it
 * found none — as a file the importing file's facts rest on: editing `paths`, a config it
 * extends, or adding a nearer tsconfig reads the importing files again, as a changed helper does.
 */
import { dirname, join, resolve } from 'node:path';
import { ts } from './morph.js';
import { forgetWithProjectFiles, projectFile, recordLookups } from '../project-files.js';

/** The names TypeScript looks for in each folder, in its order. */
const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];
/** Configs followed through `extends` from the nearest one; real chains are one or two deep. */
const MAX_EXTENDS_DEPTH = 4;

/** A `paths` entry: `@src/*` → `['src/*']`. */
interface PathPattern {
  /** The text before the `*`, or the whole pattern when it has none. */
  prefix: string;
  /** The text after the `*`; undefined for a pattern without one (matched exactly). */
  suffix: string | undefined;
  targets: string[];
}

/** What a config chain says about resolving non-relative specifiers. */
interface Aliases {
  /** Absolute. */
  baseUrl?: string;
  paths?: { patterns: PathPattern[]; declaredIn: string };
}

/** The options one config file sets itself, before its `extends` chain is applied. */
interface ConfigFile {
  folder: string;
  extends: string[];
  baseUrl?: string;
  paths?: PathPattern[];
}

/** A resolution's answer and the project files it asked for (found or not), for the facts cache. */
interface Consulted {
  lookedUp: string[];
  aliases: Aliases | undefined;
}

// Parsed once per scan: many files import through one config.
const configFiles = new Map<string, ConfigFile | undefined>();
const chains = new Map<string, Consulted>();
const nearestByFolder = new Map<string, Consulted>();
forgetWithProjectFiles(() => {
  configFiles.clear();
  chains.clear();
  nearestByFolder.clear();
});

/**
 * The absolute paths, without extension, a non-relative specifier may name under the importing
 * file's config, in the order TypeScript tries them; none when no config aliases it.
 */
export function aliasedPaths(importerPath: string, specifier: string): string[] {
  const nearest = nearestConfig(dirname(importerPath));
  // A memo answered without asking `projectFile` again: the lookups still count for this file.
  recordLookups(nearest.lookedUp);
  const aliases = nearest.aliases;
  if (!aliases) return [];
  if (aliases.paths) {
    const matched = bestMatch(aliases.paths.patterns, specifier);
    if (matched) {
      const base = aliases.baseUrl ?? aliases.paths.declaredIn;
      return matched.pattern.targets.map((target) =>
        resolve(base, matched.star === undefined ? target : target.replace('*', matched.star)),
      );
    }
  }
  return aliases.baseUrl === undefined ? [] : [resolve(aliases.baseUrl, specifier)];
}

/** The exact pattern, else the starred one with the longest prefix, and what its `*` stands for. */
function bestMatch(
  patterns: readonly PathPattern[],
  specifier: string,
): { pattern: PathPattern; star: string | undefined } | undefined {
  let best: { pattern: PathPattern; star: string } | undefined;
  for (const pattern of patterns) {
    if (pattern.suffix === undefined) {
      if (pattern.prefix === specifier) return { pattern, star: undefined };
      continue;
    }
    const fits =
      specifier.length >= pattern.prefix.length + pattern.suffix.length &&
      specifier.startsWith(pattern.prefix) &&
      specifier.endsWith(pattern.suffix);
    if (fits && (!best || pattern.prefix.length > best.pattern.prefix.length)) {
      const star = specifier.slice(pattern.prefix.length, specifier.length - pattern.suffix.length);
      best = { pattern, star };
    }
  }
  return best;
}

/** The config governing the files of a folder: its own, else its parent folder's. */
function nearestConfig(folder: string): Consulted {
  const known = nearestByFolder.get(folder);
  if (known) return known;
  const lookedUp: string[] = [];
  let found: Consulted | undefined;
  for (const name of CONFIG_NAMES) {
    const path = join(folder, name);
    lookedUp.push(path);
    if (projectFile(path)) {
      found = configChain(path, 0, new Set());
      break;
    }
  }
  const parent = dirname(folder);
  const rest =
    found ?? (parent === folder ? { lookedUp: [], aliases: undefined } : nearestConfig(parent));
  const result = { lookedUp: [...lookedUp, ...rest.lookedUp], aliases: rest.aliases };
  nearestByFolder.set(folder, result);
  return result;
}

/**
 * A config with what it extends applied under it: each option from the nearest config setting it.
 * `extending` holds the configs on the way here, so a config extending itself ends the chain.
 */
function configChain(path: string, depth: number, extending: Set<string>): Consulted {
  const known = depth === 0 ? chains.get(path) : undefined;
  if (known) return known;
  const lookedUp = [path];
  const config = configFile(path);
  let aliases: Aliases | undefined;
  if (config) {
    extending.add(path);
    for (const extended of config.extends) {
      if (depth >= MAX_EXTENDS_DEPTH) break;
      const base = extendedConfig(config.folder, extended, lookedUp);
      if (base === undefined || extending.has(base)) continue;
      const chain = configChain(base, depth + 1, extending);
      lookedUp.push(...chain.lookedUp);
      // Of several configs extended, a later one overrides an earlier one.
      aliases = { ...aliases, ...chain.aliases };
    }
    aliases = {
      ...aliases,
      ...(config.baseUrl !== undefined && { baseUrl: config.baseUrl }),
      ...(config.paths && { paths: { patterns: config.paths, declaredIn: config.folder } }),
    };
    extending.delete(path);
  }
  const result = { lookedUp, aliases };
  if (depth === 0) chains.set(path, result);
  return result;
}

/**
 * The project config an `extends` entry names, relative to the extending config: `./base`,
 * `../tsconfig.base.json`. TypeScript adds `.json` to a name without it. Packages are not followed.
 */
function extendedConfig(folder: string, extended: string, lookedUp: string[]): string | undefined {
  if (!/^\.\.?(?:\/|$)/.test(extended)) return undefined;
  const path = resolve(folder, extended);
  const candidates = path.endsWith('.json') ? [path] : [path, `${path}.json`];
  for (const candidate of candidates) {
    lookedUp.push(candidate);
    if (projectFile(candidate)) return candidate;
  }
  return undefined;
}

/** The options a config file sets itself; undefined for text that is no JSON object. */
function configFile(path: string): ConfigFile | undefined {
  if (configFiles.has(path)) return configFiles.get(path);
  const file = projectFile(path);
  // TypeScript's own reader of config text: comments and trailing commas are allowed, as in
  // every tsconfig; what it cannot read at all gives no object and so no aliases.
  const parsed: unknown = file && ts.parseConfigFileTextToJson(path, file.text).config;
  const config = isObject(parsed) ? optionsOf(dirname(path), parsed) : undefined;
  configFiles.set(path, config);
  return config;
}

function optionsOf(folder: string, json: Record<string, unknown>): ConfigFile {
  const extended = json.extends;
  const config: ConfigFile = {
    folder,
    extends:
      typeof extended === 'string'
        ? [extended]
        : Array.isArray(extended)
          ? extended.filter((entry): entry is string => typeof entry === 'string')
          : [],
  };
  const options = json.compilerOptions;
  if (!isObject(options)) return config;
  if (typeof options.baseUrl === 'string') config.baseUrl = resolve(folder, options.baseUrl);
  if (isObject(options.paths)) config.paths = pathPatterns(options.paths);
  return config;
}

/** `paths` entries TypeScript accepts: at most one `*` in the pattern, string targets. */
function pathPatterns(paths: Record<string, unknown>): PathPattern[] {
  const patterns: PathPattern[] = [];
  for (const [pattern, targets] of Object.entries(paths)) {
    if (!Array.isArray(targets)) continue;
    const star = pattern.indexOf('*');
    if (star !== pattern.lastIndexOf('*')) continue;
    patterns.push({
      prefix: star < 0 ? pattern : pattern.slice(0, star),
      suffix: star < 0 ? undefined : pattern.slice(star + 1),
      targets: targets.filter(
        (target): target is string => typeof target === 'string' && target.split('*').length <= 2,
      ),
    });
  }
  return patterns;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
