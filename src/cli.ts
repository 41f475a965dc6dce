import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RuleSetting } from './config/types.js';
import { UsageError } from './errors.js';
import { ScanTimedOut, setScanDeadline } from './util/budget.js';
import { isReportFormat, REPORT_FORMATS, REPORTERS } from './reporters/index.js';
import type { ToolInfo } from './reporters/index.js';
import { isRuleId, RULE_IDS } from './rules/ids.js';
import { inertLine } from './util/inert-text.js';
import { closest } from './util/suggest.js';
import { packageFile } from './util/package-files.js';
import { writeFileSafely } from './util/safe-write.js';

const COMMANDS = ['scan', 'validate', 'init', 'explain', 'help'] as const;
type Command = (typeof COMMANDS)[number];

interface OptionSpec {
  /** Long name without dashes. */
  name: string;
  /** Placeholder of the value, for options that take one. */
  value?: string;
  repeatable?: boolean;
  commands: readonly Command[];
  help: string;
}

const ALL: readonly Command[] = COMMANDS;
const OPTIONS: OptionSpec[] = [
  {
    name: 'datamap',
    value: 'file',
    repeatable: true,
    commands: ['scan'],
    help: 'data map to use (repeatable); default: datamap.yaml files found under the paths',
  },
  {
    name: 'config',
    value: 'file',
    commands: ['scan', 'validate', 'init'],
    help: 'config file; default: piilint.config.yaml in this folder or a parent',
  },
  {
    name: 'format',
    value: 'name',
    commands: ['scan'],
    help: `report format: ${REPORT_FORMATS.join(', ')} (default text)`,
  },
  {
    name: 'output',
    value: 'file',
    commands: ['scan', 'init'],
    help: 'write the report (init: the data map) to this file instead of stdout (datamap.yaml)',
  },
  {
    name: 'fail-on',
    value: 'level',
    commands: ['scan'],
    help: 'exit 1 on findings at or above: error (default), warning (or warn), never',
  },
  {
    name: 'rule',
    value: 'id=level',
    repeatable: true,
    commands: ['scan'],
    help: "override a rule's severity: off, note, warning (or warn) or error (repeatable)",
  },
  {
    name: 'changed-since',
    value: 'ref',
    commands: ['scan'],
    help: 'report only findings in files changed since this git ref',
  },
  {
    name: 'baseline',
    value: 'file',
    commands: ['scan'],
    help: 'report only findings not recorded in this baseline',
  },
  {
    name: 'write-baseline',
    value: 'file',
    commands: ['scan'],
    help: "record today's findings as the baseline",
  },
  {
    name: 'cache-dir',
    value: 'folder',
    commands: ['scan'],
    help: 'keep the facts of files read here; default: $XDG_CACHE_HOME/piilint or ~/.cache/piilint',
  },
  { name: 'no-cache', commands: ['scan'], help: 'parse every file again; read and write no cache' },
  { name: 'quiet', commands: ['scan'], help: 'print errors only (and count only them)' },
  {
    name: 'no-error-on-unmatched',
    commands: ['scan', 'init'],
    help: 'exit 0 instead of 2 when a path matches no file piilint reads',
  },
  {
    name: 'timeout',
    value: 'seconds',
    commands: ['scan', 'init'],
    help: 'stop with exit 2 when the scan takes longer than this (checked between files)',
  },
  { name: 'force', commands: ['init'], help: 'replace an existing data map' },
  { name: 'no-color', commands: ALL, help: 'no ANSI colours (also when NO_COLOR is set)' },
  { name: 'debug', commands: ALL, help: 'stack traces for internal errors and failing extractors' },
  { name: 'help', commands: ALL, help: 'this help (also `piilint help [command]`)' },
  { name: 'version', commands: ALL, help: 'the version of piilint' },
];
const SHORT_OPTIONS: Record<string, string> = { '-h': 'help', '-v': 'version' };

/** Options whose feature lands in a later release: accepted by the parser, refused with exit 2. */
export const NOT_YET_AVAILABLE_OPTIONS: string[] = [];

interface ParsedArguments {
  command?: Command;
  positionals: string[];
  /** Last value of each option given (`true` for flags). */
  options: Map<string, string | true>;
  /** Every value of repeatable options, in order. */
  lists: Map<string, string[]>;
}

/**
 * Runs the command line and sets `process.exitCode`: 0 clean, 1 findings at or above --fail-on,
 * 2 when the job could not be done (one line on stderr; a stack trace only with --debug).
 */
export async function main(argv: string[]): Promise<void> {
  endQuietlyWhenReaderLeaves();
  const debug = argv.includes('--debug');
  try {
    process.exitCode = await run(argv);
  } catch (error) {
    process.exitCode = 2;
    process.stderr.write(`${describeFailure(error, debug)}\n`);
  }
}

/**
 * The exit-2 line. Messages echo config keys, paths and values from the repository, so each is
 * made inert: a line break or `\r` in a key cannot start a line of its own, which a CI runner would
 * read as a workflow command. Stack traces (with --debug) keep their lines, each one inert.
 */
/**
 * `piilint scan | head -c 10`: the reader closes the pipe before the report is written. Nothing is
 * left to say and no one to say it to, so the error is dropped: the process ends with the exit code
 * of the scan, without the stack trace Node prints for an unhandled EPIPE.
 */
function endQuietlyWhenReaderLeaves(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
      throw error;
    });
  }
}

function describeFailure(error: unknown, debug: boolean): string {
  if (error instanceof ScanTimedOut) {
    return `piilint: ${error.message}; nothing was reported — raise --timeout or scan fewer paths`;
  }
  if (error instanceof UsageError) {
    return debug && error.stack
      ? `piilint: ${inertLine(error.message)}\n${inertLines(error.stack)}`
      : `piilint: ${inertLine(error.message)}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? '';
  if (debug)
    return `piilint: internal error: ${inertLines(error instanceof Error ? (error.stack ?? message) : message)}`;
  return `piilint: internal error: ${inertLine(firstLine)} — rerun with --debug and report it with the output`;
}

/** Each line of a stack trace inert. */
function inertLines(text: string): string {
  return text.split('\n').map(inertLine).join('\n');
}

async function run(argv: string[]): Promise<number> {
  const args = parseArguments(argv);
  if (args.options.has('version')) {
    process.stdout.write(`${toolInfo().version}\n`);
    return 0;
  }
  if (args.options.has('help')) {
    process.stdout.write(helpText(args.command === 'help' ? undefined : args.command));
    return 0;
  }
  if (args.command === 'help') {
    const [topic, extra] = args.positionals;
    if (extra !== undefined || (topic !== undefined && !isCommand(topic))) {
      const suggestion = topic ? closest(topic, COMMANDS) : undefined;
      const hint = suggestion ? `did you mean ${suggestion}? ` : '';
      throw new UsageError(
        `\`help\` takes one command — ${hint}Commands: ${COMMANDS.filter((name) => name !== 'help').join(', ')}`,
      );
    }
    process.stdout.write(helpText(topic === 'help' ? undefined : (topic as Command | undefined)));
    return 0;
  }
  const color = useColor(args.options.has('no-color'));
  setScanDeadline(timeoutSeconds(args));
  switch (args.command) {
    case undefined:
      throw new UsageError('no command given — run `piilint scan [paths…]`, or `piilint --help`');
    case 'scan':
      return runScan(args);
    case 'validate': {
      const config = stringOption(args, 'config');
      // Commands load their modules on demand: `--version` and usage errors stay instant.
      const { validateFiles } = await import('./commands/validate.js');
      const report = await validateFiles(args.positionals, {
        cwd: process.cwd(),
        configFile: config,
        color,
      });
      process.stdout.write(report.output);
      return report.exitCode;
    }
    case 'explain': {
      const [ruleId, extra] = args.positionals;
      if (!ruleId || extra !== undefined) {
        throw new UsageError(
          `\`explain\` takes one rule id — for example \`piilint explain pii-public-exposure\``,
        );
      }
      const { explainRule } = await import('./commands/explain.js');
      process.stdout.write(explainRule(ruleId, color));
      return 0;
    }
    case 'init': {
      const { initDataMap } = await import('./commands/init.js');
      const report = await initDataMap({
        cwd: process.cwd(),
        paths: args.positionals,
        output: stringOption(args, 'output'),
        force: args.options.has('force'),
        configFile: stringOption(args, 'config'),
        errorOnUnmatched: !args.options.has('no-error-on-unmatched'),
      });
      const configLine =
        report.config === undefined
          ? ''
          : `wrote ${inertLine(report.config)}: Supabase's default grants (supabase.defaultGrants: auto) — confirm it matches your project's settings\n`;
      const line = `wrote ${inertLine(report.file)}: ${report.stores} stores, ${report.tables} tables, ${report.columns} columns (${report.classified} with a suggested category) — set each store's exposure, review the categories, then run \`piilint validate\`\n${configLine}`;
      // With `--output -` the map is the output; the line about it goes to standard error.
      if (report.text !== undefined) {
        process.stdout.write(report.text);
        process.stderr.write(line);
      } else {
        process.stdout.write(line);
      }
      return 0;
    }
  }
}

async function runScan(args: ParsedArguments): Promise<number> {
  for (const name of NOT_YET_AVAILABLE_OPTIONS) {
    if (args.options.has(name))
      throw new UsageError(`--${name} is not available yet — run without it`);
  }
  const format =
    stringOption(args, 'format') ?? (process.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text');
  if (!isReportFormat(format)) {
    throw new UsageError(`unknown format ${format} — use one of ${REPORT_FORMATS.join(', ')}`);
  }
  const reporter = REPORTERS[format];
  if (!reporter)
    throw new UsageError(`--format ${format} is not available yet — use --format text or json`);
  const failOnWritten = stringOption(args, 'fail-on');
  const failOnOption = failOnWritten === 'warn' ? 'warning' : failOnWritten;
  if (failOnOption !== undefined && !isFailOn(failOnOption)) {
    throw new UsageError(`--fail-on ${failOnOption} is not a level — use error, warning or never`);
  }
  const ruleSettings = parseRuleSettings(args.lists.get('rule') ?? []);
  // `--output -` is standard output, as in most tools.
  const outputOption = stringOption(args, 'output');
  const output = outputOption === '-' ? undefined : outputOption;

  const { failsAt, scan } = await import('./scan.js');
  const { defaultCacheDir } = await import('./cache.js');
  const cacheDir = args.options.has('no-cache')
    ? undefined
    : (stringOption(args, 'cache-dir') ?? defaultCacheDir());
  const progress = progressLine(process.stderr.isTTY === true);
  const result = await scan({
    cwd: process.cwd(),
    paths: args.positionals,
    dataMapFiles: args.lists.get('datamap'),
    configFile: stringOption(args, 'config'),
    ruleSettings,
    debug: args.options.has('debug'),
    baseline: stringOption(args, 'baseline'),
    writeBaseline: stringOption(args, 'write-baseline'),
    changedSince: stringOption(args, 'changed-since'),
    errorOnUnmatched: !args.options.has('no-error-on-unmatched'),
    cacheDir,
    onProgress: progress.update,
  }).finally(progress.clear);

  if (args.options.has('debug') && result.factsCache) {
    const { reused, parsed } = result.factsCache;
    process.stderr.write(
      `piilint: facts cache ${cacheDir}: ${reused} files read from it, ${parsed} parsed\n`,
    );
  }
  const skippedTests = result.skippedTestFiles ?? [];
  if (args.options.has('debug') && skippedTests.length > 0) {
    const shown = inertLine(skippedTests.slice(0, 10).join(', '));
    const more = skippedTests.length > 10 ? ', …' : '';
    process.stderr.write(
      `piilint: skipped ${skippedTests.length} test files (add them to the config's include to read them): ${shown}${more}\n`,
    );
  }
  const report = reporter({
    result,
    tool: toolInfo(),
    color: output === undefined && useColor(args.options.has('no-color')),
    quiet: args.options.has('quiet'),
    paths: args.positionals,
  });
  if (output === undefined) {
    process.stdout.write(report);
  } else {
    const readFiles = result.readFiles.map((file) => resolve(process.cwd(), file));
    if (result.config.file !== undefined) readFiles.push(result.config.file);
    writeReport(output, report, readFiles);
  }
  const failOn = failOnOption ?? result.config.failOn;
  return failsAt(result.findings, failOn) ? 1 : 0;
}

/** How long a scan runs before it shows progress: quick scans stay quiet. */
const PROGRESS_DELAY_MS = 1000;
const PROGRESS_INTERVAL_MS = 100;

/**
 * One line on standard error, redrawn in place, for scans that take over a second on a terminal:
 * files read and the current phase. Never written when stderr is not a terminal (CI logs, pipes).
 */
function progressLine(enabled: boolean): {
  update: (phase: string, done: number, total: number) => void;
  clear: () => void;
} {
  const start = Date.now();
  let last = 0;
  let shown = false;
  let filesRead = 0;
  return {
    update(phase, done, total) {
      if (phase === 'reading files') filesRead = done;
      const now = Date.now();
      if (!enabled || now - start < PROGRESS_DELAY_MS || now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      shown = true;
      const step = total > 0 ? `${phase} ${done}/${total}` : phase;
      process.stderr.write(`\r\u001b[2Kpiilint: ${filesRead} files read · ${step}…`);
    },
    clear() {
      if (shown) process.stderr.write('\r\u001b[2K');
    },
  };
}

function writeReport(output: string, report: string, readFiles: string[]): void {
  try {
    writeFileSafely(output, report, { cwd: process.cwd(), readFiles });
  } catch (error) {
    throw new UsageError(
      `cannot write the report to ${output} (${(error as Error).message}) — choose another --output`,
    );
  }
}

function isFailOn(value: string): value is 'error' | 'warning' | 'never' {
  return value === 'error' || value === 'warning' || value === 'never';
}

/** `--rule id=level`, repeatable; the last setting of a rule wins. */
function parseRuleSettings(values: string[]): Record<string, RuleSetting> {
  const settings: Record<string, RuleSetting> = {};
  for (const value of values) {
    const match = /^([^=]+)=(.*)$/.exec(value);
    if (!match) {
      throw new UsageError(
        `--rule ${value} needs the form <rule>=<off|note|warning|error>, e.g. --rule pii-logged=off`,
      );
    }
    const [, ruleId = '', level = ''] = match;
    if (!isRuleId(ruleId)) {
      const suggestion = closest(ruleId, RULE_IDS);
      const hint = suggestion ? `did you mean ${suggestion}? ` : '';
      throw new UsageError(
        `unknown rule ${ruleId} in --rule — ${hint}Valid rules: ${RULE_IDS.join(', ')}`,
      );
    }
    const setting = level === 'warn' ? 'warning' : level;
    if (setting !== 'off' && setting !== 'note' && setting !== 'warning' && setting !== 'error') {
      throw new UsageError(
        `--rule ${ruleId}=${level}: the level must be off, note, warning (or warn) or error`,
      );
    }
    settings[ruleId] = setting;
  }
  return settings;
}

/** `--timeout <seconds>`: a positive number, else exit 2 with one line. */
function timeoutSeconds(args: ParsedArguments): number | undefined {
  const written = stringOption(args, 'timeout');
  if (written === undefined) return undefined;
  const seconds = Number(written);
  if (!/^\d+(?:\.\d+)?$/.test(written.trim()) || !(seconds > 0)) {
    throw new UsageError(`--timeout ${written} is not a number of seconds — e.g. --timeout 300`);
  }
  return seconds;
}

function stringOption(args: ParsedArguments, name: string): string | undefined {
  const value = args.options.get(name);
  return typeof value === 'string' ? value : undefined;
}

function isCommand(name: string): name is Command {
  return (COMMANDS as readonly string[]).includes(name);
}

/** The option a written flag names (`--format`, `-h`, `--format=json`), among all commands'. */
function optionNamed(written: string): OptionSpec | undefined {
  const name = SHORT_OPTIONS[written] ?? (written.startsWith('--') ? written.slice(2) : undefined);
  return name === undefined ? undefined : OPTIONS.find((option) => option.name === name);
}

/**
 * The command is the first word that is not an option or an option's value, so global options
 * may come first (`piilint --no-color scan .`). Returns its index, or -1.
 */
function commandIndex(argv: string[]): number {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--') return -1;
    if (!arg.startsWith('-') || arg === '-') return index;
    const spec = optionNamed(arg);
    if (spec?.value && !arg.includes('=')) index++; // skip the option's value
  }
  return -1;
}

/** Hand-written on purpose: a dozen options do not justify a dependency. */
function parseArguments(argv: string[]): ParsedArguments {
  const parsed: ParsedArguments = { positionals: [], options: new Map(), lists: new Map() };
  const at = commandIndex(argv);
  if (at >= 0) {
    const word = argv[at] as string;
    if (!isCommand(word)) {
      const suggestion = closest(word, COMMANDS);
      const hint = suggestion ? `did you mean ${suggestion}? ` : '';
      throw new UsageError(`unknown command ${word} — ${hint}Run \`piilint --help\`.`);
    }
    parsed.command = word;
  }
  const command = parsed.command;
  const known = OPTIONS.filter(
    (option) => command === undefined || command === 'help' || option.commands.includes(command),
  );

  for (let index = 0; index < argv.length; index++) {
    if (index === at) continue;
    const arg = argv[index] as string;
    if (arg === '--') {
      parsed.positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const written = equals > 0 && arg.startsWith('--') ? arg.slice(0, equals) : arg;
    const name = SHORT_OPTIONS[written] ?? written.replace(/^--/, '');
    const spec =
      written.startsWith('--') || SHORT_OPTIONS[written]
        ? known.find((option) => option.name === name)
        : undefined;
    if (!spec) throw unknownOption(written, known, command);
    if (!spec.value) {
      if (equals > 0 && arg.startsWith('--'))
        throw new UsageError(`${written} takes no value — write just ${written}`);
      parsed.options.set(spec.name, true);
      continue;
    }
    let value: string | undefined;
    if (equals > 0 && arg.startsWith('--')) {
      value = arg.slice(equals + 1);
    } else {
      value = argv[index + 1];
      if (value === undefined || (value.startsWith('-') && value !== '-')) {
        throw new UsageError(`${written} needs a ${spec.value} — e.g. ${written} ${example(spec)}`);
      }
      index++;
    }
    if (spec.repeatable)
      parsed.lists.set(spec.name, [...(parsed.lists.get(spec.name) ?? []), value]);
    else if (parsed.options.has(spec.name))
      throw new UsageError(`${written} is given twice — give it once`);
    parsed.options.set(spec.name, value);
  }
  return parsed;
}

function example(spec: OptionSpec): string {
  const examples: Record<string, string> = {
    datamap: 'privacy/datamap.yaml',
    config: 'piilint.config.yaml',
    format: 'json',
    output: 'piilint-report.json',
    'fail-on': 'warning',
    rule: 'pii-logged=off',
    'changed-since': 'origin/main',
    baseline: 'piilint-baseline.json',
    'write-baseline': 'piilint-baseline.json',
    timeout: '300',
  };
  return examples[spec.name] ?? `<${spec.value ?? 'value'}>`;
}

function unknownOption(
  written: string,
  known: OptionSpec[],
  command: Command | undefined,
): UsageError {
  const elsewhere = OPTIONS.find((option) => `--${option.name}` === written);
  const helpCommand = command ? `piilint ${command} --help` : 'piilint --help';
  if (elsewhere && command) {
    return new UsageError(`${written} is not an option of \`${command}\` — run \`${helpCommand}\``);
  }
  const suggestion = closest(
    written,
    known.map((option) => `--${option.name}`),
  );
  const hint = suggestion ? `did you mean ${suggestion}? ` : '';
  return new UsageError(`unknown option ${written} — ${hint}Run \`${helpCommand}\`.`);
}

/** Colour only for a terminal; NO_COLOR (any non-empty value) and --no-color turn it off, FORCE_COLOR on. */
function useColor(noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (process.env.NO_COLOR) return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return process.stdout.isTTY === true;
}

let cachedToolInfo: ToolInfo | undefined;

/** Name and version from package.json, found next to dist/ (or src/ when run from source). */
export function toolInfo(): ToolInfo {
  if (!cachedToolInfo) {
    const manifest = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    cachedToolInfo = { name: manifest.name, version: manifest.version };
  }
  return cachedToolInfo;
}

function helpText(command: Command | undefined): string {
  const usage: Record<Command, string> = {
    scan: 'piilint scan [paths…] [options]   find personal data leaking through migrations, data maps and scripts',
    validate:
      'piilint validate [files…]         check data maps and the config against their schemas',
    init: 'piilint init [paths…]             write a starter datamap.yaml from the migrations',
    explain: 'piilint explain <rule>            show the documentation of a rule',
    help: 'piilint help [command]            this help, or the help of one command',
  };
  const commands = command ? [command] : [...COMMANDS];
  const options = OPTIONS.filter(
    (option) => command === undefined || option.commands.includes(command),
  );
  const optionLines = options.map((option) => {
    const flag = `--${option.name}${option.value ? ` <${option.value}>` : ''}${option.name === 'help' ? ', -h' : ''}`;
    return `  ${flag.padEnd(26)} ${option.help}`;
  });
  return [
    'Usage:',
    ...commands.map((name) => `  ${usage[name]}`),
    '',
    'Options:',
    ...optionLines,
    '',
    'Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 could not do the job.',
    `Rules: ${RULE_IDS.join(', ')}`,
    '',
  ].join('\n');
}
