/**
 * `schema.prisma` models as declared state: each model is a table (`@@map` names it, else the
 * model's own name, which Prisma uses as written) and each scalar field a column. Relation fields
 * are not columns; they only tell which scalar field is a foreign key.
 *
 * A small line-based reader, tolerant of what it does not know: Prisma's grammar puts one block
 * header, field or block attribute per line. Unbalanced braces become a `parse-error` fact at the
 * problem and the rest of the file is still read.
 */
import type { ColumnName, Fact, ParseProblem, SourceLocation } from '../facts.js';
import { createLineIndex } from '../util/location.js';
import type { LineIndex } from '../util/location.js';
import type { ScannedFile } from './types.js';
import { appendAll } from '../util/append.js';

type BlockKind = 'model' | 'view' | 'enum' | 'type' | 'datasource' | 'generator';

interface Block {
  kind: BlockKind;
  name: string;
  /** Offsets of the header's first character and of the end of the closing brace. */
  start: number;
  end: number;
  /** Doc comment (`///`) lines directly above the header. */
  documentation: string[];
  fields: Field[];
  /** Block attributes: `@@map("patients")`, `@@id([a, b])`. */
  attributes: Attribute[];
  /** `key = value` lines of datasource and generator blocks. */
  settings: Map<string, string>;
}

interface Field {
  name: string;
  /** Type name without modifiers: `String`, `Patient`, `Unsupported`. */
  type: string;
  /** `Unsupported("tsvector")` → `tsvector`. */
  unsupported?: string;
  list: boolean;
  attributes: Attribute[];
  documentation: string[];
  start: number;
  end: number;
}

interface Attribute {
  /** Without the `@`/`@@`: `map`, `db.VarChar`, `relation`. */
  name: string;
  /** The text between the parentheses, when there are any. */
  args?: string;
}

const BLOCK_HEADER = /^(model|view|enum|type|datasource|generator)\s+([A-Za-z_][\w]*)\s*\{\s*$/;
const FIELD =
  /^([A-Za-z_][\w]*)\s+([A-Za-z_][\w]*)(\("(?:[^"\\]|\\.)*"\))?(\[\])?(\?)?(?=\s|$)(.*)$/;
const SETTING = /^([A-Za-z_][\w]*)\s*=\s*(.+)$/;
const ENCRYPTION_MARKER = /@@?encrypt(?:ed|ion)\b/;

export function extractPrismaSchema(file: ScannedFile): Fact[] {
  const lineIndex = createLineIndex(file.text);
  const { blocks, problems } = readBlocks(file, lineIndex);
  const facts: Fact[] = [...problems];
  const provider = providerOf(blocks);
  const models = new Map<string, Block>();
  const enums = new Map<string, Block>();
  for (const block of blocks) {
    if (block.kind === 'model' || block.kind === 'view') models.set(block.name, block);
    if (block.kind === 'enum') enums.set(block.name, block);
  }
  for (const block of blocks) {
    if (block.kind !== 'model' && block.kind !== 'view') continue;
    appendAll(facts, modelFacts(file, lineIndex, block, { provider, models, enums }));
  }
  return facts;
}

// ---- reading ---------------------------------------------------------------------------------

/** Parse notes kept per file; later ones are counted on the last. */
const MAX_NOTES_PER_FILE = 20;

/** Where the line starting at `from` ends: at LF, CRLF or a lone CR (as the line index counts). */
function nextLineBreak(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || code === 13) return i;
  }
  return text.length;
}

function readBlocks(
  file: ScannedFile,
  lineIndex: LineIndex,
): { blocks: Block[]; problems: ParseProblem[] } {
  const text = file.text;
  const blocks: Block[] = [];
  const problems: ParseProblem[] = [];
  // Past a few notes the rest are only counted: an 80 KB file of stray lines would otherwise build
  // tens of thousands of notes, of which the scan reports one.
  let moreProblems = 0;
  const problem = (start: number, end: number, message: string) => {
    if (problems.length >= MAX_NOTES_PER_FILE) moreProblems++;
    else
      problems.push({ kind: 'parse-error', at: lineIndex.range(file.path, start, end), message });
  };
  let open: Block | undefined;
  let documentation: string[] = [];
  const close = (end: number) => {
    if (!open) return;
    open.end = end;
    blocks.push(open);
    open = undefined;
  };

  let lineStart = 0;
  while (lineStart <= text.length) {
    const lineEnd = nextLineBreak(text, lineStart);
    const rawLine = text.slice(lineStart, lineEnd);
    const { code, doc } = splitComment(rawLine);
    const indent = code.length - code.trimStart().length;
    const content = code.trim();
    const contentStart = lineStart + indent;
    const contentEnd = contentStart + content.length;
    const next = () => {
      lineStart = lineEnd + (text.startsWith('\r\n', lineEnd) ? 2 : 1);
    };

    if (content === '') {
      // A doc comment on its own line documents what follows; a blank line does not break that.
      if (doc !== undefined) documentation.push(doc);
      next();
      continue;
    }
    const header = BLOCK_HEADER.exec(content);
    if (header) {
      if (open) {
        problem(
          open.start,
          open.start + open.kind.length + 1 + open.name.length,
          `${open.kind} ${open.name} is not closed: missing }`,
        );
        close(lineStart);
      }
      open = {
        kind: header[1] as BlockKind,
        name: header[2] as string,
        start: contentStart,
        end: contentEnd,
        documentation,
        fields: [],
        attributes: [],
        settings: new Map(),
      };
      documentation = [];
      next();
      continue;
    }
    if (!open) {
      const brace = blankStrings(content).indexOf('}');
      if (brace !== -1)
        problem(contentStart + brace, contentStart + brace + 1, 'Unexpected } outside a block');
      else problem(contentStart, contentEnd, `Not Prisma schema syntax: ${truncate(content)}`);
      documentation = [];
      next();
      continue;
    }
    if (content === '}') {
      close(contentEnd);
      documentation = [];
      next();
      continue;
    }
    const blanked = blankStrings(content);
    const brace = blanked.search(/[{}]/);
    if (brace !== -1) {
      // `id Int @id }` or a stray brace: report it; a closing brace still ends the block.
      problem(
        contentStart + brace,
        contentStart + brace + 1,
        `Unexpected ${blanked[brace]} in ${open.kind} ${open.name}`,
      );
      if (blanked[brace] === '}') {
        readLine(open, content.slice(0, brace).trimEnd(), contentStart, doc, documentation);
        close(contentStart + brace + 1);
        documentation = [];
        next();
        continue;
      }
    }
    readLine(open, content, contentStart, doc, documentation);
    documentation = [];
    next();
  }
  if (open) {
    const unclosed: Block = open;
    problem(
      unclosed.start,
      unclosed.start + unclosed.kind.length + 1 + unclosed.name.length,
      `${unclosed.kind} ${unclosed.name} is not closed: missing }`,
    );
    close(text.length);
  }
  const last = problems[problems.length - 1];
  if (last !== undefined && moreProblems > 0) {
    last.message += `; and ${moreProblems} more ${moreProblems === 1 ? 'line' : 'lines'} after this one could not be read`;
  }
  return { blocks, problems };
}

/** One line inside a block: a field, a block attribute, a setting or an enum value. */
function readLine(
  block: Block,
  content: string,
  start: number,
  trailingDoc: string | undefined,
  documentation: string[],
): void {
  if (content === '') return;
  if (block.kind === 'datasource' || block.kind === 'generator') {
    const setting = SETTING.exec(content);
    if (setting) block.settings.set(setting[1] as string, unquote((setting[2] as string).trim()));
    return;
  }
  if (content.startsWith('@@')) {
    block.attributes.push(...readAttributes(content));
    return;
  }
  if (block.kind === 'enum') return;
  const field = FIELD.exec(content);
  if (!field) return;
  const [, name = '', type = '', unsupported, list, , rest = ''] = field;
  block.fields.push({
    name,
    type,
    ...(unsupported !== undefined && { unsupported: unquote(unsupported.slice(1, -1)) }),
    list: list !== undefined,
    attributes: readAttributes(rest),
    documentation: trailingDoc === undefined ? documentation : [...documentation, trailingDoc],
    start,
    end: start + content.length,
  });
}

/** `@id @default(autoincrement()) @map("x") @db.VarChar(255)` → attributes with their raw arguments. */
function readAttributes(text: string): Attribute[] {
  const attributes: Attribute[] = [];
  const pattern = /@@?([A-Za-z_][\w.]*)/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text))) {
    const name = match[1] as string;
    let index = pattern.lastIndex;
    if (text[index] !== '(') {
      attributes.push({ name });
      continue;
    }
    let depth = 0;
    let inString = false;
    const argsStart = index + 1;
    for (; index < text.length; index++) {
      const char = text[index];
      if (inString) {
        if (char === '\\') index++;
        else if (char === '"') inString = false;
      } else if (char === '"') inString = true;
      else if (char === '(') depth++;
      else if (char === ')' && --depth === 0) break;
    }
    attributes.push({ name, args: text.slice(argsStart, index) });
    pattern.lastIndex = index + 1;
  }
  return attributes;
}

/** Splits a line into code and the text of a `///` doc comment; `//` comments are dropped. */
function splitComment(line: string): { code: string; doc?: string } {
  let inString = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '/' && line[index + 1] === '/') {
      const code = line.slice(0, index);
      if (line[index + 2] === '/') return { code, doc: line.slice(index + 3).trim() };
      return { code };
    }
  }
  return { code: line };
}

/** Replaces string contents by spaces so braces inside `@default("{}")` are not structure. */
function blankStrings(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, (quoted) => ' '.repeat(quoted.length));
}

function unquote(text: string): string {
  return /^".*"$/.test(text) ? text.slice(1, -1) : text;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

// ---- facts -----------------------------------------------------------------------------------

interface SchemaScope {
  provider: string;
  models: ReadonlyMap<string, Block>;
  enums: ReadonlyMap<string, Block>;
}

function modelFacts(
  file: ScannedFile,
  lineIndex: LineIndex,
  block: Block,
  scope: SchemaScope,
): Fact[] {
  const at = (start: number, end: number): SourceLocation => lineIndex.range(file.path, start, end);
  const table = tableNameOfModel(block);
  const facts: Fact[] = [
    {
      kind: 'table-created',
      at: at(block.start, block.end),
      table,
      objectType: block.kind === 'view' ? 'view' : 'table',
      declared: true,
    },
  ];
  const compositeKey = new Set(
    fieldList(block.attributes.find((attribute) => attribute.name === 'id')?.args),
  );
  const references = foreignKeysOf(block, scope);
  // `/// @@encrypted` above a model marks each of its text and binary fields.
  const modelEncrypted = block.documentation.some((line) => ENCRYPTION_MARKER.test(line));
  for (const field of block.fields) {
    const dataType = columnType(field, scope);
    if (dataType === undefined) continue; // a relation field: the foreign key is its scalar field
    const primaryKey =
      field.attributes.some((attribute) => attribute.name === 'id') || compositeKey.has(field.name);
    const reference = references.get(field.name);
    const encrypted =
      field.documentation.some((line) => ENCRYPTION_MARKER.test(line)) ||
      (modelEncrypted && !primaryKey && (field.type === 'String' || field.type === 'Bytes'));
    facts.push({
      kind: 'column-defined',
      at: at(field.start, field.end),
      table,
      column: columnNameOf(field),
      dataType,
      ...(primaryKey && { primaryKey: true }),
      ...(reference && { references: reference }),
      ...(encrypted && { encryption: 'prisma @encrypted marker' }),
    });
  }
  return facts;
}

function tableNameOfModel(block: Block): { name: string; schema?: string } {
  const name = stringArgument(block.attributes.find((attribute) => attribute.name === 'map')?.args);
  const schema = stringArgument(
    block.attributes.find((attribute) => attribute.name === 'schema')?.args,
  );
  return schema === undefined ? { name: name ?? block.name } : { name: name ?? block.name, schema };
}

function columnNameOf(field: Field): string {
  return (
    stringArgument(field.attributes.find((attribute) => attribute.name === 'map')?.args) ??
    field.name
  );
}

/** `"patients"` or `name: "patients"`: the first string argument. */
function stringArgument(args: string | undefined): string | undefined {
  if (args === undefined) return undefined;
  const match = /"((?:[^"\\]|\\.)*)"/.exec(args);
  return match?.[1];
}

/** `[a, b]` or `fields: [a, b]` (first list), or `a` alone. */
function fieldList(args: string | undefined, key?: string): string[] {
  if (args === undefined) return [];
  const keyed =
    key === undefined ? undefined : new RegExp(`\\b${key}\\s*:\\s*\\[([^\\]]*)\\]`).exec(args);
  const list = keyed ?? (key === undefined ? /\[([^\]]*)\]/.exec(args) : null);
  if (!list) return [];
  return (list[1] as string)
    .split(',')
    .map((item) => item.trim().replace(/\(.*$/, ''))
    .filter((item) => /^[A-Za-z_]\w*$/.test(item));
}

/** Scalar field name → the column it references, from `@relation(fields: […], references: […])`. */
function foreignKeysOf(block: Block, scope: SchemaScope): Map<string, ColumnName> {
  const references = new Map<string, ColumnName>();
  for (const field of block.fields) {
    const relation = field.attributes.find((attribute) => attribute.name === 'relation');
    const target = scope.models.get(field.type);
    if (!relation?.args || !target) continue;
    const local = fieldList(relation.args, 'fields');
    const remote = fieldList(relation.args, 'references');
    const targetTable = tableNameOfModel(target);
    local.forEach((name, position) => {
      const remoteName = remote[position];
      if (remoteName === undefined) return;
      const remoteField = target.fields.find((candidate) => candidate.name === remoteName);
      references.set(name, {
        table: targetTable,
        column: remoteField ? columnNameOf(remoteField) : remoteName,
      });
    });
  }
  return references;
}

/** The SQL type Prisma Migrate writes for a field; undefined for relation fields. */
function columnType(field: Field, scope: SchemaScope): string | undefined {
  const native = field.attributes.find((attribute) => attribute.name.startsWith('db.'));
  const list = field.list ? '[]' : '';
  if (native) return nativeType(native) + list;
  if (field.unsupported !== undefined) return field.unsupported.toLowerCase() + list;
  const autoincrement = field.attributes.some(
    (attribute) =>
      attribute.name === 'default' && /^\s*autoincrement\(\s*\)\s*$/.test(attribute.args ?? ''),
  );
  const serial = isPostgres(scope.provider) && autoincrement ? SERIAL_TYPES[field.type] : undefined;
  if (serial !== undefined) return serial + list;
  const scalar = (SCALAR_TYPES[scope.provider] ?? POSTGRES_TYPES)[field.type];
  if (scalar !== undefined) return scalar + list;
  const enumBlock = scope.enums.get(field.type);
  if (enumBlock) {
    const mapped = stringArgument(
      enumBlock.attributes.find((attribute) => attribute.name === 'map')?.args,
    );
    // Prisma creates the enum type under its (mapped) name; the SQL reader lowercases type names.
    return (mapped ?? enumBlock.name).toLowerCase() + list;
  }
  return undefined;
}

/**
 * `@db.VarChar(255)` → `varchar(255)`, `@db.DoublePrecision` → `double precision`: the type as
 * the SQL reader writes it once Postgres has resolved its aliases (`decimal` → `numeric`).
 */
function nativeType(attribute: Attribute): string {
  const name = attribute.name.slice('db.'.length);
  const base =
    NATIVE_TYPE_NAMES[name] ?? name.toLowerCase().replace(/^unsigned(\w+)$/, '$1 unsigned');
  const args = attribute.args?.replace(/\s+/g, '');
  return args ? `${base}(${args})` : base;
}

const NATIVE_TYPE_NAMES: Readonly<Record<string, string>> = {
  DoublePrecision: 'double precision',
  Integer: 'integer',
  Int: 'integer',
  Decimal: 'numeric',
  Char: 'char',
  VarBit: 'varbit',
  JsonB: 'jsonb',
  ByteA: 'bytea',
};

/** `@default(autoincrement())` on Postgres: Prisma Migrate writes a serial column. */
const SERIAL_TYPES: Readonly<Record<string, string>> = {
  Int: 'serial',
  BigInt: 'bigserial',
  SmallInt: 'smallserial',
};

function isPostgres(provider: string): boolean {
  return provider === 'postgresql' || provider === 'postgres';
}

const POSTGRES_TYPES: Readonly<Record<string, string>> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp(3)',
  Json: 'jsonb',
  Bytes: 'bytea',
  Decimal: 'numeric(65,30)',
  Float: 'double precision',
};

const SCALAR_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  postgresql: POSTGRES_TYPES,
  postgres: POSTGRES_TYPES,
  cockroachdb: POSTGRES_TYPES,
  mysql: {
    String: 'varchar(191)',
    Int: 'integer',
    BigInt: 'bigint',
    Boolean: 'boolean',
    DateTime: 'datetime(3)',
    Json: 'json',
    Bytes: 'longblob',
    Decimal: 'numeric(65,30)',
    Float: 'double',
  },
  sqlite: {
    String: 'text',
    Int: 'integer',
    BigInt: 'bigint',
    Boolean: 'boolean',
    DateTime: 'datetime',
    Json: 'jsonb',
    Bytes: 'blob',
    Decimal: 'numeric',
    Float: 'real',
  },
};

/** The datasource's provider; Postgres when the schema does not say (or says it in another file). */
function providerOf(blocks: Block[]): string {
  const datasource = blocks.find((block) => block.kind === 'datasource');
  return datasource?.settings.get('provider')?.toLowerCase() ?? 'postgresql';
}
