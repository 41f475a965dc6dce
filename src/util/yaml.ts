import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import type { SourceLocation } from '../facts.js';
import type { MapProblem } from '../datamap/types.js';

const MAX_ALIAS_COUNT = 1000;
/**
 * Nodes a document may hold once its aliases are expanded. A data map of 20,000 columns is about
 * 100,000; a 644 KB file of aliases to one such anchor would be billions and exhaust memory, though
 * it holds fewer than `MAX_ALIAS_COUNT` aliases.
 */
const MAX_EXPANDED_NODES = 2_000_000;

/** A path into a YAML document: map keys and sequence indexes, as in a JSON pointer. */
export type YamlPath = Array<string | number>;

/** Names the node at a path for a steward ("store `kroger`", "column `email` of table `pps.patients`"). */
export type DescribePath = (path: YamlPath) => string;

/** A parsed YAML file that keeps the position of every node. */
export class YamlFile {
  readonly path: string;
  readonly text: string;
  readonly document: Document;
  private readonly lineCounter: LineCounter;

  constructor(path: string, text: string, document: Document, lineCounter: LineCounter) {
    this.path = path;
    this.text = text;
    this.document = document;
    this.lineCounter = lineCounter;
  }

  /** The top-level node, if the document has one. */
  get root(): Node | undefined {
    return this.resolve(this.document.contents ?? undefined);
  }

  private value: unknown;
  private converted = false;

  /** The plain JavaScript value of the document, for schema validation (computed once). */
  toValue(): unknown {
    if (!this.converted) {
      this.value = this.document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      this.converted = true;
    }
    return this.value;
  }

  /** Location of [start, end) in the file. */
  range(start: number, end: number): SourceLocation {
    const from = this.lineCounter.linePos(start);
    const to = this.lineCounter.linePos(Math.max(start, end));
    return {
      file: this.path,
      line: from.line,
      column: from.col,
      endLine: to.line,
      endColumn: to.col,
    };
  }

  /** Location of a node's value (without trailing comments); the file start when the node has no range. */
  locationOf(node: Node | null | undefined): SourceLocation {
    const range = node?.range;
    if (range === undefined || range === null) return this.range(0, 0);
    return this.range(range[0], range[1]);
  }

  /**
   * Where a reviewer should look for a pair's value: the value itself, or the key when the value is
   * empty (`loyalty_tier:` with nothing after it has no text of its own to point at).
   */
  valueLocation(pair: Pair): SourceLocation {
    const value = pair.value as Node | null;
    if (value === null || (isScalar(value) && value.source === '' && value.value === null)) {
      return this.locationOf(pair.key as Node);
    }
    return this.locationOf(value);
  }

  /** Follows aliases (`*anchor`) to the node they name. */
  resolve(node: unknown): Node | undefined {
    if (isAlias(node)) return this.resolve(node.resolve(this.document));
    if (isScalar(node) || isMap(node) || isSeq(node)) return node;
    return undefined;
  }

  /** The node at `path`, and the pair holding it when its parent is a map. */
  nodeAt(path: YamlPath): { node?: Node; pair?: Pair } {
    let node = this.root;
    let pair: Pair | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        pair = findPair(node, String(segment));
        node = pair === undefined ? undefined : this.resolve(pair.value);
        if (pair === undefined) return {};
      } else if (isSeq(node)) {
        pair = undefined;
        node = this.resolve(node.items[Number(segment)]);
      } else {
        return {};
      }
    }
    return { node, pair };
  }

  /**
   * Where to point for something missing from the node at `path`: its key in the parent map, or,
   * for a sequence item, its first key; the file start for the document itself.
   */
  headerLocation(path: YamlPath): SourceLocation {
    const { node, pair } = this.nodeAt(path);
    if (pair !== undefined) return this.locationOf(pair.key as Node);
    if (isMap(node)) {
      const first = node.items[0];
      if (first !== undefined) return this.locationOf(first.key as Node);
    }
    return this.locationOf(node);
  }

  /** The key nodes of a map, last one winning for duplicated keys (as in `toValue`). */
  entries(node: Node | undefined): Map<string, Pair> {
    const result = new Map<string, Pair>();
    if (!isMap(node)) return result;
    for (const pair of node.items) {
      const key = keyText(pair);
      if (key !== undefined) result.set(key, pair);
    }
    return result;
  }

  /** Every key written twice in one map, reported at its second occurrence. */
  duplicateKeys(describe: DescribePath): MapProblem[] {
    const problems: MapProblem[] = [];
    const visit = (node: Node | undefined, path: YamlPath, seen: Set<Node>): void => {
      if (node === undefined || seen.has(node)) return;
      seen.add(node);
      if (isMap(node)) {
        const firstSeen = new Map<string, Pair>();
        for (const pair of node.items) {
          const key = keyText(pair);
          if (key === undefined) continue;
          const first = firstSeen.get(key);
          if (first === undefined) {
            firstSeen.set(key, pair);
          } else {
            const firstLine = this.locationOf(first.key as Node).line;
            problems.push({
              at: this.locationOf(pair.key as Node),
              message: `key \`${key}\` appears twice in ${describe(path)} (first at line ${firstLine}); only the last one is used`,
              suggestion: `remove one of the two \`${key}\` entries`,
            });
          }
          visit(this.resolve(pair.value), [...path, key], seen);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, index) => visit(this.resolve(item), [...path, index], seen));
      }
    };
    visit(this.root, [], new Set());
    return problems;
  }
}

/** A file that is not YAML: the first syntax error, as a problem. */
export interface YamlSyntaxProblem extends MapProblem {
  suggestion: string;
}

/** Parses YAML keeping positions. Duplicate keys are left to `duplicateKeys` so they can be explained. */
export function parseYaml(
  path: string,
  text: string,
): { file: YamlFile; syntaxError?: YamlSyntaxProblem } {
  const lineCounter = new LineCounter();
  let document: Document;
  try {
    // `logLevel: 'error'`: the library's own warnings go to stderr through Node and quote the
    // scanned text verbatim; what matters is reported as findings instead.
    document = parseDocument(text, {
      lineCounter,
      uniqueKeys: false,
      prettyErrors: false,
      logLevel: 'error',
    });
  } catch (error) {
    // The parser's own recursion can overflow the stack on thousands of nested levels.
    const empty = new LineCounter();
    const file = new YamlFile(path, text, parseDocument('', { lineCounter: empty }), empty);
    return { file, syntaxError: tooDeep(file, deepestLine(text), error) };
  }
  const file = new YamlFile(path, text, document, lineCounter);
  const error = document.errors[0];
  const deep = error === undefined ? firstTooDeep(file) : undefined;
  if (deep !== undefined) {
    return { file, syntaxError: tooDeep(file, file.locationOf(deep).line, undefined) };
  }
  if (error === undefined) {
    const tooBig = expansionProblem(document);
    if (tooBig !== undefined) {
      return {
        file,
        syntaxError: {
          at: file.range(0, 0),
          message: `not usable YAML: ${tooBig}`,
          suggestion: 'write the repeated parts out instead of nesting aliases',
        },
      };
    }
    try {
      file.toValue();
    } catch {
      // A few aliases repeated into millions of nodes ("billion laughs") would exhaust memory.
      return {
        file,
        syntaxError: {
          at: file.range(0, 0),
          message: `not usable YAML: its aliases expand to more than ${MAX_ALIAS_COUNT} copies`,
          suggestion: 'write the repeated parts out instead of nesting aliases',
        },
      };
    }
    return { file };
  }
  const [start, end] = error.pos;
  // The reader catches its own stack overflow on thousands of nested levels and says so here.
  if (error.code === 'RESOURCE_EXHAUSTION') {
    return { file, syntaxError: tooDeep(file, file.range(start, end).line, error) };
  }
  return {
    file,
    syntaxError: {
      at: file.range(start, end),
      message: `not valid YAML: ${firstSentence(error.message)}`,
      suggestion: 'fix the YAML syntax (indentation with spaces, closed brackets and quotes)',
    },
  };
}

/**
 * Data maps are six levels deep and configs four; far deeper nesting is an attack on the
 * recursive walks that read them (schema checks, duplicate keys), refused before any of them runs.
 */
export const MAX_YAML_DEPTH = 64;

/** The first node nested deeper than {@link MAX_YAML_DEPTH}, found without recursion. */
function firstTooDeep(file: YamlFile): Node | undefined {
  const root = file.root;
  if (root === undefined) return undefined;
  const stack: Array<[Node, number]> = [[root, 1]];
  const seen = new Set<Node>();
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [Node, number];
    if (seen.has(node)) continue;
    seen.add(node);
    if (depth > MAX_YAML_DEPTH) return node;
    const children: unknown[] = isMap(node)
      ? node.items.flatMap((pair) => [pair.key, pair.value])
      : isSeq(node)
        ? node.items
        : [];
    for (const child of children) {
      const resolved = file.resolve(child);
      if (resolved !== undefined) stack.push([resolved, depth + 1]);
    }
  }
  return undefined;
}

/** The line where brackets or indentation nest deepest: where a file too deep to parse goes wrong. */
function deepestLine(text: string): number {
  let line = 1;
  let depth = 0;
  let deepest = { depth: -1, line: 1 };
  let lineStart = true;
  let indent = 0;
  for (const char of text) {
    if (char === '\n') {
      line++;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart && char === ' ') {
      indent++;
      continue;
    }
    lineStart = false;
    if (char === '[' || char === '{') depth++;
    else if ((char === ']' || char === '}') && depth > 0) depth--;
    if (depth + indent > deepest.depth) deepest = { depth: depth + indent, line };
  }
  return deepest.line;
}

function tooDeep(file: YamlFile, line: number, error: unknown): YamlSyntaxProblem {
  const reason = error !== undefined ? ' (the YAML reader ran out of stack)' : '';
  return {
    at: { file: file.path, line, column: 1, endLine: line, endColumn: 1 },
    message: `not usable YAML: nested more than ${MAX_YAML_DEPTH} levels deep${reason}`,
    suggestion: 'flatten the structure; a data map needs six levels at most',
  };
}

/**
 * Counts the nodes the document would have with every alias expanded, without expanding it: each
 * node's size is computed once. Says why the document is unusable, or undefined when it is fine.
 */
function expansionProblem(document: Document): string | undefined {
  const sizes = new Map<unknown, number>();
  const inProgress = new Set<unknown>();
  const sizeOf = (node: unknown, depth: number): number => {
    if (isAlias(node)) node = node.resolve(document);
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (depth > MAX_YAML_DEPTH) throw new Error(`it nests more than ${MAX_YAML_DEPTH} levels deep`);
    if (inProgress.has(node)) throw new Error('an alias refers to a node that contains it');
    inProgress.add(node);
    let size = 1;
    for (const item of node.items as unknown[]) {
      size += isPair(item)
        ? sizeOf(item.key, depth + 1) + sizeOf(item.value, depth + 1)
        : sizeOf(item, depth + 1);
      if (size > MAX_EXPANDED_NODES) {
        throw new Error(
          `its aliases expand to more than ${MAX_EXPANDED_NODES.toLocaleString('en-US')} nodes`,
        );
      }
    }
    inProgress.delete(node);
    sizes.set(node, size);
    return size;
  };
  try {
    sizeOf(document.contents, 0);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export function keyText(pair: Pair): string | undefined {
  const key = pair.key as unknown;
  if (isScalar(key)) {
    const value = key.value;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  }
  return undefined;
}

/** The string value of a scalar node, if it is one. */
export function stringValue(node: Node | undefined): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  let found: Pair | undefined;
  for (const pair of map.items) {
    if (isPair(pair) && keyText(pair) === key) found = pair;
  }
  return found;
}

function firstSentence(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}
