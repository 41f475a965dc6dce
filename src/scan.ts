/**
 * The whole pipeline, in order:
 * config → discover → data maps → extract → model → rules → severities → fingerprints → result.
 */
import { statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { defaultConfig, findConfigFile } from './config/find.js';
import { configRoot } from './config/paths.js';
import { linkOutOfRoot } from './util/inside-root.js';
import type { Config, RuleSetting } from './config/types.js';
import { resolveTable } from './datamap/resolve.js';
import type { DataMap, MapProblem } from './datamap/types.js';
import { drizzleOutputFolder } from './extractors/drizzle-config.js';
import { firstSeenByGit } from './git-dates.js';
import { projectOfFile, relativeToRoot, repositoryRoot } from './project-root.js';
import {
  discoverFiles,
  displayPath,
  isDataMapFile,
  mentionsDataApi,
  readRequiredSource,
  readScannedFile,
  requireFile,
} from './discover.js';
import type { ReadOptions } from './discover.js';
import { UsageError } from './errors.js';
import { extractCaching, FactCache } from './cache.js';
import { extractFile, loadExtractors } from './extractors/index.js';
import { setProjectFiles } from './extractors/project-files.js';
import { configuredDialect, dialectOfName, setStoreDialects } from './extractors/store-dialect.js';
import type { ScannedFile } from './extractors/types.js';
import type { Fact, ParseProblem } from './facts.js';
import type { Finding, FindingDraft, Severity } from './findings.js';
import { SEVERITY_RANK } from './findings.js';
import { assignFingerprints } from './fingerprint.js';
import { baselineStep } from './baseline.js';
import { changedFilesSince, onlyChangedFiles } from './changed-files.js';
import { applySuppressions } from './suppressions.js';
import { ReportSources } from './report-sources.js';
import type { SourceTexts } from './report-sources.js';
import { summarize } from './reporters/index.js';
import { buildModel } from './model/build.js';
import { RULES } from './rules/index.js';
import { checkDeadline } from './util/budget.js';
import type { Rule, RuleContext } from './rules/types.js';
import { appendAll } from './util/append.js';
import { growHeapForLongLivedData } from './heap-growth.js';

export interface ScanOptions {
  cwd: string;
  /** Files or folders to scan; default `.`. */
  paths: string[];
  /** `--datamap` (repeatable); overrides the config's `datamap` and discovery. */
  dataMapFiles?: string[];
  /** `--config`; default: `piilint.config.yaml` found from `cwd` upwards. */
  configFile?: string;
  /** `--rule id=setting`; wins over the config's `rules`. */
  ruleSettings?: Record<string, RuleSetting>;
  /** Keep stack traces of failing extractors in their parse-error notes. */
  debug?: boolean;
  /** `--baseline`: leave out the findings this baseline file records. */
  baseline?: string;
  /** `--write-baseline`: record today's findings in this file. */
  writeBaseline?: string;
  /** `--changed-since`: report only findings in files changed since this git ref. */
  changedSince?: string;
  /** `--no-error-on-unmatched` sets it false: a path with no file to read is then not an error. */
  errorOnUnmatched?: boolean;
  /**
   * The facts cache folder (`--cache-dir`; the command line defaults it to ~/.cache/piilint):
   * files unchanged since an earlier scan are not parsed again. Undefined: no cache.
   */
  cacheDir?: string;
  /** Called as the scan moves on, for a progress line; `done`/`total` count files when known. */
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface ScanSummary {
  errors: number;
  warnings: number;
  notes: number;
  suppressed: number;
  files: number;
  /** With a baseline only: findings it recorded (left out) and entries no finding matches any more. */
  baselined?: number;
  fixed?: number;
}

export interface ScanResult {
  findings: Finding[];
  summary: ScanSummary;
  config: Config;
  dataMap?: DataMap;
  /**
   * Text of the files read, by display path, as the scan read them: reporters draw code frames
   * from it. A file changed since it was read has none.
   */
  sources: SourceTexts;
  /**
   * Display paths of every file read (data maps, sources and the TypeScript configs read for path
   * aliases): a report must not overwrite them.
   */
  readFiles: string[];
  /** Test files discovery left out, as display paths (shown with `--debug`). */
  skippedTestFiles?: string[];
  /** With a cache: files whose facts came from it, and files parsed (shown with `--debug`). */
  factsCache?: { reused: number; parsed: number };
}

export async function scan(requested: ScanOptions): Promise<ScanResult> {
  const { cwd } = requested;
  // `piilint scan a.sql b.ts`: analyse the project those files belong to (its data map, config and
  // earlier migrations), then report what touches them, as a full scan would.
  const onlyFiles = namedFiles(requested);
  const options = onlyFiles ? { ...requested, paths: [onlyFiles.project] } : requested;
  const config = await loadProjectConfig(
    onlyFiles && !options.configFile ? { ...options, cwd: onlyFiles.project } : options,
  );
  const root = repositoryRoot(cwd, config.file, options.paths);
  // Resolved first so a missing ref stops the run before the analysis.
  const changedFiles = options.changedSince
    ? changedFilesSince(options.changedSince, cwd)
    : undefined;
  const progress = options.onProgress ?? (() => undefined);
  progress('finding files', 0, 0);
  const { discovered, globBase } = await discoverSources(options, config);

  progress('reading data maps', 0, 0);
  const { dataMapSources, unreadableMaps } = readDataMaps(
    chooseDataMapFiles(options, config, globBase, discovered.dataMapFiles).map((file) =>
      refuseLinkOut(root, file, cwd, 'data map'),
    ),
    cwd,
    { maxFileSize: config.maxFileSize },
  );
  // The YAML parser and the schema validator load only when there is a data map to read.
  const loaded =
    dataMapSources.length > 0
      ? (await import('./datamap/load.js')).loadDataMaps(dataMapSources)
      : { dataMap: undefined, problems: [] };
  const { dataMap } = loaded;
  const mapProblems = [...unreadableMaps, ...loaded.problems];

  const { facts, factsCache, sameStore, reportSources } = await readProject(
    discovered.sourceFiles,
    dataMapSources,
    {
      ...options,
      maxFileSize: config.maxFileSize,
      projectConfigFiles: discovered.projectConfigFiles,
      engineOfFile: (path) => engineOfFile(dataMap, path, { cwd, root }),
    },
    root,
  );
  // Folders that could not be listed, names that cannot be represented: said, never skipped.
  appendAll(facts, discovered.problems);
  checkDeadline();
  progress('following the data', 0, 0);
  growHeapForLongLivedData();
  const parseProblems = facts.filter((fact): fact is ParseProblem => fact.kind === 'parse-error');
  const model = buildModel({
    facts,
    releaseFacts: true,
    dataMap,
    config,
    cwd,
    root,
    sameStoreFolders: sameStore,
    fileDate: (file) => firstSeenByGit(root, relativeToRoot(root, cwd, file)),
  });
  checkDeadline();
  const context: RuleContext = { model, dataMap, config, mapProblems, parseProblems };
  const ruleSettings = { ...config.rules, ...options.ruleSettings };
  const [drafts, keyOf] = runRules(context, ruleSettings);
  // Fingerprints name files from the repository root, so a baseline holds wherever piilint runs.
  let findings = assignFingerprints(drafts, keyOf, (file) => relativeToRoot(root, cwd, file));

  // Later steps, in this order (they need the fingerprints above):
  findings = applySuppressions(findings, reportSources.suppressionFiles(), ruleSettings);
  // The TypeScript configs read for path aliases are inputs too: no report goes over them.
  const readFiles = [
    ...reportSources.files.map((file) => file.absolutePath),
    ...discovered.projectConfigFiles,
  ];
  if (config.file !== undefined) readFiles.push(config.file);
  if (options.baseline) refuseLinkOut(root, resolve(cwd, options.baseline), cwd, 'baseline');
  const baseline = baselineStep(findings, options, readFiles);
  findings = baseline.findings;
  const restsOn = (finding: Finding) => dataMapFilesBehind(finding, dataMap);
  if (changedFiles) findings = onlyChangedFiles(findings, changedFiles, restsOn);
  if (onlyFiles) findings = onlyChangedFiles(findings, onlyFiles.files, restsOn);

  const fileCount = dataMapSources.length + discovered.sourceFiles.length;
  return {
    findings,
    summary: { ...summarize(findings, fileCount), ...baseline.counts },
    config,
    dataMap,
    sources: reportSources,
    readFiles: [
      ...reportSources.files.map((file) => file.path),
      ...discovered.projectConfigFiles.map((file) => displayPath(cwd, file)),
    ],
    skippedTestFiles: discovered.skippedTestFiles.map((file) => displayPath(cwd, file)),
    factsCache,
  };
}

/**
 * Reads the source files into facts and keeps of their texts only what later steps need (see
 * report-sources.ts). A function of its own so that the texts can be collected before the model
 * is built: nothing in `scan` holds the files any more.
 */
async function readProject(
  sourceFiles: readonly string[],
  dataMapSources: readonly ScannedFile[],
  options: Parameters<typeof readFacts>[1],
  root: string,
): Promise<{
  facts: Fact[];
  factsCache?: ScanResult['factsCache'];
  sameStore: ReturnType<typeof sameStoreFolders>;
  reportSources: ReportSources;
}> {
  const { files, facts, factsCache } = await readFacts(sourceFiles, options);
  return {
    facts,
    factsCache,
    sameStore: sameStoreFolders(files, root, options.cwd),
    reportSources: new ReportSources(dataMapSources, files, {
      cwd: options.cwd,
      maxFileSize: options.maxFileSize,
    }),
  };
}

/** drizzle-kit output folders that belong to their schema's store, found among the files read. */
function sameStoreFolders(files: readonly ScannedFile[], root: string, cwd: string) {
  // Every folder that holds a file read, below the root: made once, when a drizzle config asks.
  let folders: Set<string> | undefined;
  const holdsFiles = (folder: string) => {
    folders ??= foldersHolding(files.map((file) => relativeToRoot(root, cwd, file.path)));
    return folders.has(folder);
  };
  return files.flatMap((file) => {
    const folder = drizzleOutputFolder(relativeToRoot(root, cwd, file.path), file.text, holdsFiles);
    return folder && folder.folder !== '' ? [folder] : [];
  });
}

/** `a/b/c.ts` → `a`, `a/b`: the folders (relative to the root) each path lies below. */
function foldersHolding(paths: readonly string[]): Set<string> {
  const folders = new Set<string>();
  for (const path of paths) {
    for (let slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
      folders.add(path.slice(0, slash));
    }
  }
  return folders;
}

/**
 * When every path names a source file (not a folder, not a data map): the project they belong to
 * and their display paths. Undefined for an ordinary scan of folders.
 */
function namedFiles(options: ScanOptions): { project: string; files: Set<string> } | undefined {
  if (options.paths.length === 0) return undefined;
  const absolute = options.paths.map((path) => resolve(options.cwd, path));
  const allFiles = absolute.every((path) => {
    try {
      return statSync(path).isFile() && !isDataMapFile(path);
    } catch {
      return false;
    }
  });
  if (!allFiles) return undefined;
  const project = projectOfFile(absolute[0] as string);
  if (absolute.some((path) => relative(project, path).startsWith('..'))) return undefined;
  return { project, files: new Set(absolute.map((path) => displayPath(options.cwd, path))) };
}

/** Rules whose findings follow from what the data map declares (exposure, categories, partners). */
const RULES_RESTING_ON_THE_MAP = new Set([
  'pii-public-exposure',
  'public-access-grant',
  'pii-unencrypted',
  'pii-third-party',
  'encryption-removed',
]);

/** The data maps whose declarations a finding rests on: its target's and source's store, table and column. */
function dataMapFilesBehind(finding: Finding, dataMap: DataMap | undefined): string[] {
  // A column the map does not declare rests on the migration that adds it, not on the map.
  if (dataMap === undefined || !RULES_RESTING_ON_THE_MAP.has(finding.ruleId)) return [];
  const files = new Set<string>();
  for (const ref of [finding.target, finding.source]) {
    if (ref === undefined) continue;
    const store = dataMap.stores.get(ref.store);
    if (store === undefined) continue;
    files.add(store.at.file);
    const table = store.tables.get(ref.table);
    if (table !== undefined) files.add(table.at.file);
    const column = ref.column === undefined ? undefined : table?.columns.get(ref.column);
    if (column !== undefined) files.add(column.at.file);
  }
  return [...files];
}

/**
 * Config problems are not findings: a broken config makes every result doubtful, so stop (exit 2).
 * Without a config file the YAML parser and the schema validator are never loaded.
 */
export async function loadProjectConfig(options: {
  cwd: string;
  configFile?: string;
}): Promise<Config> {
  const file = options.configFile
    ? requireFile(options.configFile, options.cwd, 'config file')
    : findConfigFile(options.cwd);
  if (file === undefined) return defaultConfig();
  refuseLinkOut(configRoot(file), file, options.cwd, 'config file');
  const { loadConfig } = await import('./config/load.js');
  const { config, problems } = loadConfig(file, options.cwd);
  const first = problems[0];
  if (first)
    throw new UsageError(
      `${describeProblem(first)} — fix the config file (\`piilint validate\` lists every problem)`,
    );
  return config;
}

/**
 * Reads the data maps. One that cannot be read (binary, too large) is a problem while others
 * remain, as an unusable one is; when none can be read the job stops (exit 2).
 */
function readDataMaps(
  files: string[],
  cwd: string,
  options: ReadOptions,
): { dataMapSources: ScannedFile[]; unreadableMaps: MapProblem[] } {
  const dataMapSources: ScannedFile[] = [];
  const unreadable: string[] = [];
  const unreadableMaps: MapProblem[] = [];
  for (const file of files) {
    const outcome = readScannedFile(file, cwd, options);
    if ('file' in outcome) {
      dataMapSources.push(outcome.file);
      continue;
    }
    unreadable.push(file);
    unreadableMaps.push({
      at: outcome.problem.at,
      message: `data map not read: ${outcome.problem.message}`,
      suggestion: 'fix or replace the file',
    });
  }
  const first = unreadable[0];
  // The same exit-2 line as before, when no map is left to use.
  if (dataMapSources.length === 0 && first !== undefined)
    readRequiredSource(first, cwd, 'data map', options);
  return { dataMapSources, unreadableMaps };
}

/**
 * A data map or config whose path is inside the repository but which is a symbolic link out of it
 * is never read: its text would be echoed in the report. Returns the path when it may be read.
 */
function refuseLinkOut(root: string, file: string, cwd: string, what: string): string {
  if (linkOutOfRoot(root, file)) {
    throw new UsageError(
      `${what} ${displayPath(cwd, file)} is a symbolic link out of the repository; piilint does not read it — commit the file itself`,
    );
  }
  return file;
}

/** The files under the paths, narrowed by the config; globs in the config are relative to it. */
export async function discoverSources(
  options: { cwd: string; paths: string[]; errorOnUnmatched?: boolean },
  config: Config,
): Promise<{ discovered: Awaited<ReturnType<typeof discoverFiles>>; globBase: string }> {
  const globBase = config.file ? dirname(config.file) : options.cwd;
  const discovered = await discoverFiles({
    cwd: options.cwd,
    paths: options.paths,
    include: config.include,
    exclude: config.exclude,
    globBase,
    errorOnUnmatched: options.errorOnUnmatched,
  });
  return { discovered, globBase };
}

/**
 * Reads each source file once and extracts its facts. A file that cannot be read becomes a
 * parse-error fact; files that mention no database, SQL, HTTP, logger or SDK API are not parsed.
 */
export async function readFacts(
  sourceFiles: readonly string[],
  options: {
    cwd: string;
    debug?: boolean;
    cacheDir?: string;
    onProgress?: ScanOptions['onProgress'];
    maxFileSize?: number;
    /** The data map's `engine` of the store a file (display path) belongs to. */
    engineOfFile?: (path: string) => string | undefined;
    /** TypeScript configs discovery found: their path aliases lead imports to project modules. */
    projectConfigFiles?: readonly string[];
  },
): Promise<{ files: ScannedFile[]; facts: Fact[]; factsCache?: ScanResult['factsCache'] }> {
  const progress = options.onProgress ?? (() => undefined);
  const facts: Fact[] = [];
  const files: ScannedFile[] = [];
  for (const [index, absolutePath] of sourceFiles.entries()) {
    checkDeadline();
    const outcome = readScannedFile(absolutePath, options.cwd, options);
    if ('problem' in outcome) facts.push(outcome.problem);
    else files.push(outcome.file);
    progress('reading files', index + 1, sourceFiles.length);
  }
  // A config that cannot be read only leaves its aliases unresolved: it is not a file to report.
  const configs = (options.projectConfigFiles ?? []).flatMap((absolutePath) => {
    const outcome = readScannedFile(absolutePath, options.cwd, options);
    return 'file' in outcome ? [outcome.file] : [];
  });
  // Helpers and table definitions imported from any file the scan read can be followed.
  setProjectFiles([...files, ...configs]);
  // One dialect per store: the data map's engine, else the project's configured client.
  const configured = configuredDialect(files);
  setStoreDialects((path) => dialectOfName(options.engineOfFile?.(path)) ?? configured);
  const toParse = files.filter((file) => mentionsDataApi(file.path, file.text));
  // Files the cache has facts for are not parsed; the parsers load only for the others.
  const cache =
    options.cacheDir === undefined
      ? undefined
      : new FactCache(options.cacheDir, options.cwd, options);
  const cached = toParse.map((file) => cache?.read(file));
  progress('loading parsers', 0, toParse.length);
  await loadExtractors(toParse.filter((_, index) => !cached[index]).map((file) => file.path));
  try {
    for (const [index, file] of toParse.entries()) {
      progress('parsing', index, toParse.length);
      const extracted =
        cached[index] ?? extractCaching(file, () => extractFile(file, options), cache);
      appendAll(facts, extracted);
    }
    cache?.save();
  } finally {
    cache?.close();
    // Files read outside a scan (one file at a time) decide their dialect by their own syntax.
    setStoreDialects(() => undefined);
    // Only extraction follows imports: the texts need not outlive it.
    setProjectFiles([]);
  }
  const reused = cached.filter(Boolean).length;
  const factsCache = cache && { reused, parsed: toParse.length - reused };
  return { files, facts, factsCache };
}

/** The `engine` the data map gives the store a file's unqualified tables belong to. */
function engineOfFile(
  dataMap: DataMap | undefined,
  path: string,
  { cwd, root }: { cwd: string; root: string },
): string | undefined {
  if (dataMap === undefined) return undefined;
  try {
    const { store } = resolveTable({ name: '' }, path, {
      dataMap,
      cwd,
      storePath: (file) => relativeToRoot(root, cwd, file),
    });
    return dataMap.stores.get(store)?.engine;
  } catch {
    return undefined; // a map the model cannot resolve against says nothing about dialects
  }
}

function describeProblem(problem: MapProblem): string {
  const { file, line, column } = problem.at;
  const suggestion = problem.suggestion ? ` (${problem.suggestion})` : '';
  return `${file}:${line}:${column}: ${problem.message}${suggestion}`;
}

/** datamap.md, "Discovery": `--datamap` files, else the config's `datamap`, else the maps found under the paths. */
function chooseDataMapFiles(
  options: ScanOptions,
  config: Config,
  globBase: string,
  discovered: string[],
): string[] {
  if (options.dataMapFiles && options.dataMapFiles.length > 0) {
    return options.dataMapFiles.map((file) => requireFile(file, options.cwd, 'data map'));
  }
  if (config.datamap.length > 0) {
    return config.datamap.map((file) => requireFile(file, globBase, 'data map (from the config)'));
  }
  return discovered;
}

/**
 * Runs every rule that is not `off` and turns its drafts into findings, sorted by location.
 * Returns the findings and, for the fingerprints, each finding's extra identity key.
 */
function runRules(
  context: RuleContext,
  settings: Record<string, RuleSetting>,
): [Finding[], (finding: Finding) => string | undefined] {
  const keys = new Map<Finding, string>();
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const setting = settings[rule.meta.id] ?? rule.meta.defaultSeverity;
    if (setting === 'off') continue;
    for (const draft of rule.check(context)) {
      const finding = toFinding(rule, draft, setting);
      findings.push(finding);
      if (draft.fingerprintKey !== undefined) keys.set(finding, draft.fingerprintKey);
    }
  }
  findings.sort(compareFindings);
  return [findings, (finding) => keys.get(finding)];
}

const SEVERITIES: Severity[] = ['note', 'warning', 'error'];

/**
 * A draft may lower its own severity (pseudonymous data is "one severity lower"). When the user
 * sets the rule's severity, that lowering is kept relative to the new level.
 */
function effectiveSeverity(rule: Rule, draft: FindingDraft, setting: Severity): Severity {
  const lowering =
    SEVERITY_RANK[rule.meta.defaultSeverity] -
    SEVERITY_RANK[draft.severity ?? rule.meta.defaultSeverity];
  return SEVERITIES[Math.max(0, SEVERITY_RANK[setting] - lowering)] ?? setting;
}

function toFinding(rule: Rule, draft: FindingDraft, setting: Severity): Finding {
  const { at } = draft;
  const finding: Finding = {
    ruleId: rule.meta.id,
    severity: effectiveSeverity(rule, draft, setting),
    message: draft.message,
    file: at.file,
    line: at.line,
    column: at.column,
    endLine: at.endLine,
    endColumn: at.endColumn,
    categories: draft.categories ?? [],
    path: draft.path ?? [],
    evidence: draft.evidence ?? [],
    fix: draft.fix,
    fingerprint: '',
  };
  if (draft.source) finding.source = draft.source;
  if (draft.target) finding.target = draft.target;
  if (draft.phi !== undefined) finding.phi = draft.phi;
  return finding;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.message, b.message)
  );
}

/** Code-unit order, not locale order: the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Exit code 1 when an unsuppressed finding is at or above the `--fail-on` level. */
export function failsAt(findings: Finding[], failOn: Config['failOn']): boolean {
  if (failOn === 'never') return false;
  const threshold = SEVERITY_RANK[failOn];
  return findings.some(
    (finding) => !finding.suppressed && SEVERITY_RANK[finding.severity] >= threshold,
  );
}
