/**
 * Paths and globs in a config are the repository's own text, and a pull request can change them:
 * `datamap: ['/home/runner/.ssh/id_rsa']` would be read and echoed in the report, and
 * `exclude: ['/usr/**']` would walk the runner's disk. Each must stay inside the repository — the
 * git root above the config, else the config's folder — and a data map may not be a symbolic link
 * out of it. Anything else is a config problem at its line.
 */
import { dirname, isAbsolute, resolve, win32 } from 'node:path';
import { isSeq } from 'yaml';
import type { Node } from 'yaml';
import type { MapProblem } from '../datamap/types.js';
import { gitRoot } from '../project-root.js';
import { isInsideFolder, leadsOutOfRoot } from '../util/inside-root.js';
import type { YamlFile } from '../util/yaml.js';
import { stringValue } from '../util/yaml.js';

/** The folder config paths must stay in: the git root above the config, else its own folder. */
export function configRoot(configFile: string): string {
  const folder = dirname(configFile);
  return gitRoot(folder) ?? folder;
}

/**
 * Problems of the `datamap` list (files, relative to the config's folder) and the items that
 * pass, in order.
 */
export function checkDataMapPaths(
  yaml: YamlFile,
  node: Node | undefined,
  base: string,
  root: string,
): { kept: string[]; problems: MapProblem[] } {
  return checkItems(yaml, node, (value, index) => {
    const where = `item ${index + 1} of \`datamap\``;
    const absolutePath = resolve(base, value);
    if (isAbsolute(value) || win32.isAbsolute(value) || !isInsideFolder(root, absolutePath)) {
      return outside(where, value);
    }
    if (leadsOutOfRoot(root, absolutePath)) {
      return {
        message: `${where} (\`${value}\`) is a symbolic link out of the repository; piilint does not read it`,
        suggestion: 'commit the data map itself, not a link to a file elsewhere',
      };
    }
    return undefined;
  });
}

/** Problems of an `include` or `exclude` list: globs whose fixed start leaves the repository. */
export function checkGlobs(
  yaml: YamlFile,
  node: Node | undefined,
  key: 'include' | 'exclude',
  base: string,
  root: string,
): { kept: string[]; problems: MapProblem[] } {
  return checkItems(yaml, node, (value, index) => {
    const pattern = value.replace(/^!/, '');
    const fixed = fixedStart(pattern);
    if (
      isAbsolute(pattern) ||
      win32.isAbsolute(pattern) ||
      !isInsideFolder(root, resolve(base, fixed))
    ) {
      return outside(`item ${index + 1} of \`${key}\``, value);
    }
    return undefined;
  });
}

/** `db/migrations` of `db/migrations/**\/*.sql`: the folders before the first wildcard. */
function fixedStart(pattern: string): string {
  const segments = pattern.split(/[\\/]/);
  const firstGlob = segments.findIndex((segment) => /[*?[\]{}()!+@]/.test(segment));
  return (firstGlob === -1 ? segments : segments.slice(0, firstGlob)).join('/') || '.';
}

function outside(where: string, value: string): Omit<MapProblem, 'at'> {
  return {
    message: `${where} (\`${value}\`) points outside the repository; config paths stay inside it`,
    suggestion: 'write a path relative to the config file, inside the repository',
  };
}

function checkItems(
  yaml: YamlFile,
  node: Node | undefined,
  check: (value: string, index: number) => Omit<MapProblem, 'at'> | undefined,
): { kept: string[]; problems: MapProblem[] } {
  const kept: string[] = [];
  const problems: MapProblem[] = [];
  if (!isSeq(node)) return { kept, problems };
  node.items.forEach((item, index) => {
    const itemNode = yaml.resolve(item);
    const value = stringValue(itemNode);
    if (value === undefined || value === '') return;
    const problem = check(value, index);
    if (problem === undefined) kept.push(value);
    else problems.push({ at: yaml.locationOf(itemNode), ...problem });
  });
  return { kept, problems };
}
