import { basename } from 'node:path';
import { findConfigFile } from '../config/find.js';
import { loadConfig, validateConfigFile } from '../config/load.js';
import { loadDataMaps } from '../datamap/load.js';
import type { MapProblem } from '../datamap/types.js';
import { discoverFiles, displayPath, readRequiredSource, requireFile } from '../discover.js';
import { UsageError } from '../errors.js';
import { inertLine } from '../util/inert-text.js';

export interface ValidateOptions {
  cwd: string;
  /** `--config`: validate this config file (and the data maps it names). */
  configFile?: string;
  color: boolean;
}

export interface ValidateReport {
  output: string;
  /** 0 no problems, 1 problems; an unusable file throws a UsageError (exit 2). */
  exitCode: 0 | 1;
}

const CONFIG_FILE_NAME = /^piilint\.config\.ya?ml$/;

/**
 * `piilint validate [files…]`: schema and reference problems of data maps and the config, one per
 * line as `file:line:col: message — suggestion`, for stewards and editors' save hooks. Without
 * files: the data maps under the current folder and the config that `scan` would use.
 */
export async function validateFiles(
  files: string[],
  options: ValidateOptions,
): Promise<ValidateReport> {
  const { cwd } = options;
  const named = files.map((file) => requireFile(file, cwd, 'file'));
  let configFiles = named.filter((file) => CONFIG_FILE_NAME.test(basename(file)));
  let dataMapFiles = named.filter((file) => !CONFIG_FILE_NAME.test(basename(file)));
  if (options.configFile) configFiles.push(requireFile(options.configFile, cwd, 'config file'));

  if (named.length === 0) {
    const configFile = options.configFile ? configFiles[0] : findConfigFile(cwd);
    configFiles = configFile ? [configFile] : [];
    dataMapFiles = (await discoverFiles({ cwd, paths: ['.'], errorOnUnmatched: false }))
      .dataMapFiles;
    // Maps the config names are the ones `scan` would use, wherever they live.
    if (configFile) {
      const { config, problems } = loadConfig(configFile, cwd);
      if (problems.length === 0) {
        dataMapFiles.push(...config.datamap.map((file) => requireFile(file, cwd, 'data map')));
      }
    }
  }
  dataMapFiles = [...new Set(dataMapFiles)];
  configFiles = [...new Set(configFiles)];
  if (configFiles.length + dataMapFiles.length === 0) {
    throw new UsageError(
      `nothing to validate: no datamap.yaml or piilint.config.yaml under ${displayPath(cwd, cwd)} — name the files: piilint validate <file>…`,
    );
  }

  const problems: MapProblem[] = [];
  for (const file of configFiles)
    problems.push(...validateConfigFile(readRequiredSource(file, cwd, 'config file')));
  if (dataMapFiles.length > 0) {
    // Loaded together so references and duplicate ids across files are checked as `scan` sees them.
    problems.push(
      ...loadDataMaps(dataMapFiles.map((file) => readRequiredSource(file, cwd, 'data map')))
        .problems,
    );
  }
  problems.sort(
    (a, b) =>
      (a.at.file < b.at.file ? -1 : a.at.file > b.at.file ? 1 : 0) ||
      a.at.line - b.at.line ||
      a.at.column - b.at.column,
  );

  const checked = [...configFiles, ...dataMapFiles]
    .map((file) => inertLine(displayPath(cwd, file)))
    .sort();
  const lines = problems.map(formatProblem);
  const fileCount = `${checked.length} file${checked.length === 1 ? '' : 's'}`;
  if (problems.length === 0) {
    lines.push(paint(`✔ no problems in ${checked.join(', ')}`, 32, options.color));
    return { output: `${lines.join('\n')}\n`, exitCode: 0 };
  }
  // Warnings (a store whose exposure is still undecided) are reported but do not fail.
  const warnings = problems.filter((problem) => problem.level === 'warning').length;
  const errors = problems.length - warnings;
  if (errors === 0) {
    const count = `${warnings} warning${warnings === 1 ? '' : 's'}`;
    lines.push(paint(`⚠ ${count} in ${fileCount}`, 33, options.color));
    return { output: `${lines.join('\n')}\n`, exitCode: 0 };
  }
  const count = `${errors} problem${errors === 1 ? '' : 's'}`;
  const extra = warnings > 0 ? ` and ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
  lines.push(paint(`✖ ${count}${extra} in ${fileCount}`, 31, options.color));
  return { output: `${lines.join('\n')}\n`, exitCode: 1 };
}

export function formatProblem(problem: MapProblem): string {
  const { file, line, column } = problem.at;
  const suggestion = problem.suggestion ? ` — ${problem.suggestion}` : '';
  const level = problem.level === 'warning' ? 'warning: ' : '';
  // Keys, paths and values are the file's own text: one line each, nothing a terminal would act on.
  return inertLine(`${file}:${line}:${column}: ${level}${problem.message}${suggestion}`);
}

function paint(text: string, code: number, color: boolean): string {
  return color ? `\u001b[${code}m${text}\u001b[39m` : text;
}
