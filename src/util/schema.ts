import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { MapProblem } from '../datamap/types.js';
import { suggestCategory } from '../taxonomy/categories.js';
import { packageFile } from './package-files.js';
import { closest } from './suggest.js';
import type { DescribePath, YamlFile, YamlPath } from './yaml.js';

/** The JSON Schemas shipped in `schemas/` (the package root, from both `src/util` and `dist/util`). */
export type SchemaName = 'datamap' | 'config';

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  examples?: unknown[];
  title?: string;
  properties?: Record<string, JsonSchema>;
  $defs?: Record<string, JsonSchema>;
}

interface CompiledSchema {
  root: JsonSchema;
  validate: ValidateFunction;
}

const compiled = new Map<SchemaName, CompiledSchema>();

/** Compiles a schema the first time it is needed; later calls reuse it. */
function compiledSchema(name: SchemaName): CompiledSchema {
  const cached = compiled.get(name);
  if (cached !== undefined) return cached;
  const url = packageFile(`schemas/${name}.schema.json`);
  const root = withoutEditorParts(JSON.parse(readFileSync(url, 'utf8')) as JsonSchema);
  const ajv = new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true });
  const entry = { root, validate: ajv.compile(root) };
  compiled.set(name, entry);
  return entry;
}

/**
 * The data-map schema enumerates the taxonomy for editors (scripts/datamap-schema.mjs marks those
 * parts with this comment). piilint checks category names itself, with prefixes and the closest
 * suggestion (datamap/checks.ts), so its validator leaves the enumerations out: one clear message
 * instead of "must be one of" two hundred names.
 */
const EDITOR_COMMENT_START = 'Generated from the taxonomy by scripts/datamap-schema.mjs';

function withoutEditorParts<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutEditorParts) as T;
  if (node === null || typeof node !== 'object') return node;
  const copy: Record<string, unknown> = {};
  const comment = (node as Record<string, unknown>).$comment;
  const generated = typeof comment === 'string' && comment.startsWith(EDITOR_COMMENT_START);
  for (const [key, value] of Object.entries(node)) {
    if (generated && ['$comment', 'enum', 'markdownEnumDescriptions', 'anyOf'].includes(key))
      continue;
    copy[key] = withoutEditorParts(value);
  }
  return copy as T;
}

export interface SchemaCheckOptions {
  /** Names the node at a path for messages. */
  describe: DescribePath;
  /** What the keys of the map at `path` are called, for "unknown rule `x`"; default "key". */
  keyNoun?: (path: YamlPath) => string;
}

/** Validates a YAML file against one of the shipped schemas; every error points at its YAML node. */
export function schemaProblems(
  name: SchemaName,
  file: YamlFile,
  options: SchemaCheckOptions,
): MapProblem[] {
  const { root, validate } = compiledSchema(name);
  if (validate(file.toValue())) return [];
  const problems: MapProblem[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const problem = explain(error, file, root, options);
    if (problem === undefined) continue;
    const key = `${problem.at.line}:${problem.at.column}:${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function explain(
  error: ErrorObject,
  file: YamlFile,
  root: JsonSchema,
  options: SchemaCheckOptions,
): MapProblem | undefined {
  const path = pointerToPath(error.instancePath);
  const parentSchema = (error.parentSchema ?? {}) as JsonSchema;
  const { describe } = options;
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;

  // The `propertyNames` summary repeats its inner error, which carries the key itself.
  if (error.keyword === 'propertyNames') return undefined;
  if (propertyName !== undefined) {
    const keyPair = file.nodeAt([...path, propertyName]).pair;
    const at = keyPair ? file.locationOf(keyPair.key as never) : file.headerLocation(path);
    return { at, ...badText(propertyName, parentSchema, `a key of ${describe(path)}`) };
  }

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const keyPair = file.nodeAt([...path, key]).pair;
      const at = keyPair ? file.locationOf(keyPair.key as never) : file.headerLocation(path);
      const allowed = Object.keys(parentSchema.properties ?? {});
      const noun = options.keyNoun?.(path) ?? 'key';
      const guess = closest(key, allowed);
      const where = `unknown ${noun} \`${key}\` in ${describe(path)}`;
      if (guess !== undefined) {
        return {
          at,
          message: `${where}; did you mean \`${guess}\`?`,
          suggestion: `rename \`${key}\` to \`${guess}\``,
        };
      }
      return {
        at,
        message: `${where}; allowed: ${allowed.join(', ')}`,
        suggestion: `remove it, or use one of: ${allowed.join(', ')}`,
      };
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      const propertySchema = deref(parentSchema.properties?.[missing], root);
      const choices = (propertySchema.enum ?? []).map(String);
      const example = String(
        propertySchema.examples?.find((candidate) => typeof candidate !== 'object') ??
          choices[0] ??
          '…',
      );
      const others = choices.filter((choice) => choice !== example);
      const addition = `add \`${missing}: ${example}\``;
      const alternatives = others.length > 0 ? ` (or ${others.join(', ')})` : '';
      return {
        at: file.headerLocation(path),
        message: `${describe(path)} has no \`${missing}\`; ${addition}${alternatives}`,
        suggestion: addition,
      };
    }
    case 'enum': {
      const choices = ((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map(
        String,
      );
      const got = error.data;
      const guess = typeof got === 'string' ? closest(got, choices) : undefined;
      return {
        at: valueLocation(file, path),
        message: `${subject(path, describe)} must be one of ${choices.join(', ')}; got ${shown(got)}${guess !== undefined ? ` — did you mean \`${guess}\`?` : ''}`,
        suggestion:
          guess !== undefined ? `write \`${guess}\`` : `write one of ${choices.join(', ')}`,
      };
    }
    case 'const': {
      const wanted = JSON.stringify((error.params as { allowedValue: unknown }).allowedValue);
      return {
        at: valueLocation(file, path),
        message: `${subject(path, describe)} must be ${wanted}; got ${shown(error.data)}`,
        suggestion: `write \`${pathKey(path)}: ${wanted}\``,
      };
    }
    case 'type': {
      const types = String((error.params as { type: string | string[] }).type).split(',');
      const example = parentSchema.examples?.find((candidate) => typeof candidate !== 'object');
      const hint = example !== undefined ? ` (e.g. \`${String(example)}\`)` : '';
      return {
        at: valueLocation(file, path),
        message: `${describe(path)} must be ${typePhrase(types)}${hint}; got ${shown(error.data)}`,
        suggestion: `write ${typePhrase(types)}${hint}`,
      };
    }
    case 'pattern':
      return {
        at: valueLocation(file, path),
        ...badText(String(error.data), parentSchema, describe(path)),
      };
    case 'minLength':
      return {
        at: valueLocation(file, path),
        message: `${describe(path)} must not be empty`,
        suggestion: 'write a value or remove the entry',
      };
    default:
      return {
        at: valueLocation(file, path),
        message: `${describe(path)} ${error.message ?? 'is not valid'}`,
      };
  }
}

/** A text that breaks its pattern: a category, a store id, a mapping id. */
function badText(
  value: string,
  schema: JsonSchema,
  where: string,
): { message: string; suggestion?: string } {
  const title = schema.title ?? '';
  if (title === 'Store id') {
    const fixed = value.toLowerCase().replace(/[^a-z0-9_-]+/g, '_');
    return {
      message: `\`${value}\` is not a valid store id: use lowercase letters, digits, \`_\` and \`-\``,
      suggestion: `rename it to \`${fixed}\``,
    };
  }
  if (/categor|column/i.test(title)) {
    const guess = suggestCategory(value);
    return {
      message: `\`${value}\` in ${where} is not a category: categories are dotted lowercase names such as \`contact.email\`${guess !== undefined ? `; did you mean \`${guess}\`?` : ''}`,
      suggestion: guess !== undefined ? `write \`${guess}\`` : 'write a category of the taxonomy',
    };
  }
  if (title === 'Mapping id') {
    return {
      message: `\`${value}\` is not a valid mapping id: use letters, digits, \`_\`, \`-\` and \`.\``,
      suggestion: `rename it to \`${value.replace(/[^A-Za-z0-9_.-]+/g, '-')}\``,
    };
  }
  return { message: `${where} has an invalid value \`${value}\`` };
}

function deref(schema: JsonSchema | undefined, root: JsonSchema): JsonSchema {
  if (schema === undefined) return {};
  const ref = schema.$ref;
  if (ref === undefined || !ref.startsWith('#/$defs/')) return schema;
  const target = root.$defs?.[ref.slice('#/$defs/'.length)];
  return { ...deref(target, root), ...schema, $ref: undefined };
}

function pointerToPath(pointer: string): YamlPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueLocation(file: YamlFile, path: YamlPath) {
  const { node, pair } = file.nodeAt(path);
  if (pair !== undefined) return file.valueLocation(pair);
  return file.locationOf(node);
}

function pathKey(path: YamlPath): string {
  return String(path[path.length - 1] ?? '');
}

/** "`exposure`" for a key; the full description for a list item, whose index says nothing. */
function subject(path: YamlPath, describe: DescribePath): string {
  const last = path[path.length - 1];
  return last === undefined || /^\d+$/.test(String(last)) ? describe(path) : `\`${last}\``;
}

const TYPE_PHRASES: Record<string, string> = {
  string: 'text',
  array: 'a list',
  object: 'a map',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  null: 'empty',
};

function typePhrase(types: string[]): string {
  const phrases = types.map((type) => TYPE_PHRASES[type] ?? type);
  if (phrases.length <= 1) return phrases[0] ?? 'a value';
  return `${phrases.slice(0, -1).join(', ')} or ${phrases[phrases.length - 1]}`;
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `\`${value}\``;
  if (typeof value === 'number') return `the number ${value}`;
  return `\`${String(value)}\``;
}
