import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';
import type { DataMapSource } from '../datamap/load.js';
import type { MapProblem } from '../datamap/types.js';
import { UsageError } from '../errors.js';
import { isRuleId } from '../rules/ids.js';
import { looksLikeCategory, unknownCategoryProblem } from '../datamap/checks.js';
import { parseFileSize } from '../discover.js';
import { catastrophicBacktracking } from '../util/safe-regex.js';
import { schemaProblems } from '../util/schema.js';
import { parseYaml, stringValue } from '../util/yaml.js';
import type { YamlFile, YamlPath } from '../util/yaml.js';
import { checkDataMapPaths, checkGlobs, configRoot } from './paths.js';
import { defaultConfig } from './find.js';
import type { Config, RuleSetting } from './types.js';

const RULE_SETTINGS: readonly RuleSetting[] = ['off', 'note', 'warning', 'error'];
const FAIL_ON: readonly Config['failOn'][] = ['error', 'warning', 'never'];
const DEFAULT_GRANTS: readonly Config['supabase']['defaultGrants'][] = ['auto', 'always', 'never'];

/**
 * The config with defaults applied. Throws a UsageError only for a file that cannot be read or is
 * not YAML; every other mistake is a problem and the setting it spoils keeps its default.
 */
export function loadConfig(
  file: string | undefined,
  cwd: string,
): { config: Config; problems: MapProblem[] } {
  if (file === undefined) return { config: defaultConfig(), problems: [] };
  const absolutePath = resolve(cwd, file);
  const path = displayPath(cwd, absolutePath);
  let text: string;
  try {
    text = readFileSync(absolutePath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(
      `${path}:1:1: cannot read the config file (${reason}) — check the path given to --config`,
    );
  }
  const analysed = analyseConfig({ path, absolutePath, text });
  if ('unusable' in analysed) {
    const { at, message, suggestion } = analysed.unusable;
    throw new UsageError(`${at.file}:${at.line}:${at.column}: ${message} — ${suggestion}`);
  }
  return analysed;
}

/** Every problem of a config file, for `piilint validate`; an unusable file is one problem. */
export function validateConfigFile(source: DataMapSource): MapProblem[] {
  const analysed = analyseConfig(source);
  return 'unusable' in analysed ? [analysed.unusable] : analysed.problems;
}

type Analysed =
  { config: Config; problems: MapProblem[] } | { unusable: MapProblem & { suggestion: string } };

function analyseConfig(source: DataMapSource): Analysed {
  const { file: yaml, syntaxError } = parseYaml(source.path, source.text);
  if (syntaxError !== undefined) return { unusable: syntaxError };
  const config = defaultConfig();
  config.file = source.absolutePath;
  const root = yaml.root;
  // An empty config file is a config with every default.
  if (root === undefined || (isScalar(root) && root.value === null))
    return { config, problems: [] };
  if (!isMap(root)) {
    return {
      unusable: {
        at: yaml.locationOf(root),
        message: 'not a piilint config: the file must be a YAML map of settings',
        suggestion: 'write settings such as `failOn: error` at the top level',
      },
    };
  }

  const problems: MapProblem[] = [
    ...yaml.duplicateKeys(describeConfigPath),
    ...schemaProblems('config', yaml, {
      describe: describeConfigPath,
      keyNoun: (path) => (path.length === 1 && path[0] === 'rules' ? 'rule' : 'key'),
    }),
  ];
  const top = yaml.entries(root);
  const valueOf = (key: string) => yaml.resolve(top.get(key)?.value);

  // Paths and globs stay inside the repository: one that leaves it is a problem and is not used.
  const base = dirname(source.absolutePath);
  const repository = configRoot(source.absolutePath);
  const include = checkGlobs(yaml, valueOf('include'), 'include', base, repository);
  const exclude = checkGlobs(yaml, valueOf('exclude'), 'exclude', base, repository);
  const datamap = checkDataMapPaths(yaml, valueOf('datamap'), base, repository);
  problems.push(...include.problems, ...exclude.problems, ...datamap.problems);
  if (isSeq(valueOf('include'))) config.include = include.kept;
  if (isSeq(valueOf('exclude'))) config.exclude = exclude.kept;
  if (isSeq(valueOf('datamap'))) config.datamap = datamap.kept;
  config.anonymousRoles = stringList(yaml, valueOf('anonymousRoles')) ?? config.anonymousRoles;
  config.exposedSchemas = stringList(yaml, valueOf('exposedSchemas')) ?? config.exposedSchemas;
  config.publicPaths = stringList(yaml, valueOf('publicPaths')) ?? config.publicPaths;
  const defaultGrants = stringValue(
    yaml.resolve(yaml.entries(valueOf('supabase')).get('defaultGrants')?.value),
  );
  if (isOneOf(defaultGrants, DEFAULT_GRANTS)) config.supabase.defaultGrants = defaultGrants;
  // `warn` is read as `warning` everywhere, as in ESLint.
  const failOn = warnAsWarning(stringValue(valueOf('failOn')));
  if (isOneOf(failOn, FAIL_ON)) config.failOn = failOn;
  const maxFileSizeNode = valueOf('maxFileSize');
  if (isScalar(maxFileSizeNode)) {
    const bytes = parseFileSize(maxFileSizeNode.value);
    if (bytes !== undefined) config.maxFileSize = bytes;
  }

  for (const [ruleId, pair] of yaml.entries(valueOf('rules'))) {
    const setting = warnAsWarning(stringValue(yaml.resolve(pair.value)));
    if (isRuleId(ruleId) && isOneOf(setting, RULE_SETTINGS)) config.rules[ruleId] = setting;
  }

  const classifier = yaml.entries(valueOf('classifier'));
  const patterns = yaml.resolve(classifier.get('extraPatterns')?.value);
  if (isSeq(patterns)) {
    patterns.items.forEach((item, index) => {
      const entry = yaml.entries(yaml.resolve(item));
      const patternNode = yaml.resolve(entry.get('pattern')?.value);
      const categoryNode = yaml.resolve(entry.get('category')?.value);
      const pattern = stringValue(patternNode);
      const category = stringValue(categoryNode);
      if (pattern === undefined || pattern === '' || category === undefined) return;
      let valid = true;
      try {
        new RegExp(pattern);
      } catch (error) {
        valid = false;
        problems.push({
          at: yaml.locationOf(patternNode),
          message: `\`${pattern}\` in extra pattern ${index + 1} is not a valid regular expression: ${regexReason(error)}`,
          suggestion: 'fix the regular expression (JavaScript syntax), e.g. `^member_no$`',
        });
      }
      const backtracking = valid ? catastrophicBacktracking(pattern) : undefined;
      if (backtracking !== undefined) {
        // Matched against every column name of the scan: a pull request could stall the job.
        valid = false;
        problems.push({
          at: yaml.locationOf(patternNode),
          message: `\`${pattern}\` in extra pattern ${index + 1} may take exponential time: ${backtracking}`,
          suggestion: 'repeat single characters or classes only, e.g. `^(?:member|subscriber)_no$`',
        });
      }
      if (!looksLikeCategory(category, false)) return;
      const where = `extra pattern ${index + 1} of \`classifier.extraPatterns\``;
      const problem = unknownCategoryProblem(category, yaml.locationOf(categoryNode), where);
      if (problem !== undefined) problems.push(problem);
      else if (valid) config.classifier.extraPatterns.push({ pattern, category });
    });
  }

  problems.sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column);
  return { config, problems };
}

function describeConfigPath(path: YamlPath): string {
  const [first, second, third, ...rest] = path.map(String);
  if (first === undefined) return 'the config';
  if (first === 'rules' && second !== undefined && third === undefined) return `rule \`${second}\``;
  if (first === 'classifier' && second === 'extraPatterns' && third !== undefined) {
    const entry = `extra pattern ${Number(third) + 1} of \`classifier.extraPatterns\``;
    if (rest.length === 0) return entry;
    return `\`${rest.join('.')}\` of ${entry}`;
  }
  const numeric = path.findIndex((segment) => /^\d+$/.test(String(segment)));
  if (numeric === -1) return `\`${path.join('.')}\``;
  return `item ${Number(path[numeric]) + 1} of \`${path.slice(0, numeric).join('.')}\``;
}

/** The strings of a list node; undefined when the node is not a list (the default stays). */
function stringList(yaml: YamlFile, node: Node | undefined): string[] | undefined {
  if (!isSeq(node)) return undefined;
  const values: string[] = [];
  for (const item of node.items) {
    const value = stringValue(yaml.resolve(item));
    if (value !== undefined && value !== '') values.push(value);
  }
  return values;
}

function regexReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // V8 says "Invalid regular expression: /x/: Unterminated group"; the reason is the last part.
  return message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
}

function warnAsWarning(value: string | undefined): string | undefined {
  return value === 'warn' ? 'warning' : value;
}

function isOneOf<T extends string>(value: string | undefined, choices: readonly T[]): value is T {
  return value !== undefined && (choices as readonly string[]).includes(value);
}

function displayPath(cwd: string, absolutePath: string): string {
  const path = relative(cwd, absolutePath);
  return (path === '' ? '.' : path).split(sep).join('/');
}
