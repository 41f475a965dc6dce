/**
 * Drizzle schema files: `pgTable('patients', { … })`, `mysqlTable`, `sqliteTable`,
 * `pgSchema('s').table(…)`, policies, RLS and query-builder views. They count as declared schema
 * even without a migrations folder, because `drizzle-kit push` applies them as they are
 * (cli.md, "What scan reads").
 *
 * Column names are the builder's first string argument, else the property key as written
 * (a `casing: 'snake_case'` option of the drizzle client is not visible here). Types are written
 * as the SQL drizzle-kit generates for the builder, in the SQL reader's normal form.
 */
import { Node, SyntaxKind, ts } from '../morph.js';
import type {
  CallExpression,
  ImportDeclaration,
  ObjectLiteralExpression,
  SourceFile,
} from 'ts-morph';
import type {
  ColumnName,
  CopiedColumn,
  Fact,
  PolicyCreated,
  TableName,
  Transform,
} from '../../../facts.js';
import { extractSqlStatement } from '../context.js';
import { unwrapRaw } from '../syntax-index.js';
import {
  constInitializerOf,
  objectProperty,
  propertyNameOf,
  rawCallsOf,
  stringProperty,
  stringValue,
  unwrapExpression,
  wrapNode,
} from '../receivers.js';
import type { OrmExtractor, TsFileContext } from '../types.js';
import { ENCRYPTED_NAME, builderType, readCustomType } from './column-types.js';
import type { CustomType, Dialect } from './column-types.js';

/** `schema.table` written as one table name. */
const QUALIFIED_NAME = /^([A-Za-z_][\w$]*)\.([A-Za-z_][\w$]*)$/;
const DRIZZLE_SCHEMA =
  /\b(?:pg|mysql|sqlite)(?:Table|View|MaterializedView|Policy|Schema)\b|drizzle-orm\/supabase/;

/** Table and view factories of drizzle's dialect modules, by their exported names. */
const TABLE_FACTORIES: Readonly<Record<string, Dialect>> = {
  pgTable: 'pg',
  mysqlTable: 'mysql',
  sqliteTable: 'sqlite',
};
const VIEW_FACTORIES: Readonly<Record<string, 'view' | 'materialized-view'>> = {
  pgView: 'view',
  pgMaterializedView: 'materialized-view',
  mysqlView: 'view',
  sqliteView: 'view',
};
const SCHEMA_FACTORIES = new Set(['pgSchema', 'mysqlSchema']);

/** Roles predefined by `drizzle-orm/supabase` and the Postgres role each one names. */
const SUPABASE_ROLES: Readonly<Record<string, string>> = {
  anonRole: 'anon',
  authenticatedRole: 'authenticated',
  serviceRole: 'service_role',
  postgresRole: 'postgres',
  supabaseAuthAdminRole: 'supabase_auth_admin',
};

export const drizzleExtractor: OrmExtractor = {
  name: 'drizzle',
  applies: (text) => DRIZZLE_SCHEMA.test(text),
  extract(context) {
    try {
      return new DrizzleFile(context).extract();
    } catch (error) {
      // A shape this reader did not foresee must not stop the scan.
      const reason = error instanceof Error ? error.message : String(error);
      return [
        {
          kind: 'parse-error',
          at: context.locate(context.sourceFile),
          message: `Drizzle schema not read: ${reason}`,
        },
      ];
    }
  },
};

interface DrizzleColumn {
  /** The object member that defines it: where the reviewer looks. */
  member: Node;
  key: string;
  name: string;
  /** The innermost call of the builder chain: `text('full_name')` in `text('full_name').notNull()`. */
  builder: CallExpression;
  /** Chained methods after the builder, outermost last: `notNull`, `primaryKey`, `references`. */
  modifiers: CallExpression[];
}

interface DrizzleTable {
  call: CallExpression;
  dialect: Dialect;
  table: TableName;
  columns: DrizzleColumn[];
  /** The third argument: indexes, keys, policies. */
  extras?: Node;
  /** `.enableRLS()` after the call, or `pgTable.withRLS(…)`: the node to point at. */
  rlsMarker?: Node;
}

class DrizzleFile {
  private readonly facts: Fact[] = [];
  private readonly sourceFile: SourceFile;
  /** Local name → exported name, for imports from `drizzle-orm/*` (`import { pgTable as table }`). */
  private readonly imported = new Map<string, string>();
  /** Namespace imports of drizzle modules (`import * as p from 'drizzle-orm/pg-core'`). */
  private readonly namespaces = new Set<string>();
  private readonly tablesByVariable = new Map<string, DrizzleTable>();
  private readonly customTypes = new Map<string, CustomType | undefined>();

  constructor(private readonly context: TsFileContext) {
    this.sourceFile = context.sourceFile;
  }

  extract(): Fact[] {
    this.readImports();
    // Candidates are picked on the raw compiler nodes (a superset of what the readers accept), so
    // only they are wrapped: wrapping every call of a schema file cost more than reading it.
    const tableCalls: CallExpression[] = [];
    const viewOrPolicyCalls: CallExpression[] = [];
    for (const call of rawCallsOf(this.sourceFile)) {
      const method = ts.isPropertyAccessExpression(call.expression)
        ? call.expression.name.text
        : undefined;
      if (method === 'as' || method === 'link') {
        viewOrPolicyCalls.push(wrapNode(this.sourceFile, call) as CallExpression);
      }
      if (method === 'withRLS' || method === 'table' || this.mayNameTableFactory(call.expression)) {
        tableCalls.push(wrapNode(this.sourceFile, call) as CallExpression);
      }
    }
    const tables: DrizzleTable[] = [];
    for (const call of tableCalls) {
      const table = this.readTable(call);
      if (!table) continue;
      tables.push(table);
      const variable = variableNameOf(call);
      if (variable) this.tablesByVariable.set(variable, table);
    }
    for (const table of tables) this.emitTable(table);
    for (const call of viewOrPolicyCalls) {
      this.readView(call);
      this.readLinkedPolicy(call);
    }
    return this.facts;
  }

  /** Could `exportedName` of this callee be a table factory (`pgTable`, `p.pgTable`, an alias)? */
  private mayNameTableFactory(callee: ts.Expression): boolean {
    const bare = unwrapRaw(callee);
    if (ts.isIdentifier(bare)) {
      const written = bare.getText(this.sourceFile.compilerNode);
      return TABLE_FACTORIES[this.imported.get(written) ?? written] !== undefined;
    }
    return ts.isPropertyAccessExpression(bare) && TABLE_FACTORIES[bare.name.text] !== undefined;
  }

  // ---- names -------------------------------------------------------------------------------

  /** Read on the raw compiler nodes, as ts-morph's import accessors read them. */
  private readImports(): void {
    const sourceFile = this.sourceFile.compilerNode;
    for (const statement of sourceFile.statements) {
      if (!ts.isImportDeclaration(statement)) continue;
      const specifier = statement.moduleSpecifier;
      // ts-morph throws for a specifier that is not a string literal: the file is reported unread.
      const module = ts.isStringLiteral(specifier)
        ? specifier.text
        : (wrapNode(this.sourceFile, statement) as ImportDeclaration).getModuleSpecifierValue();
      if (!module.startsWith('drizzle-orm')) continue;
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        this.namespaces.add(bindings.name.getText(sourceFile));
      }
      const names: string[] = [];
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          const exportedNode = element.propertyName ?? element.name;
          const exported = ts.isStringLiteral(exportedNode)
            ? exportedNode.text
            : exportedNode.getText(sourceFile);
          this.imported.set(
            element.propertyName ? element.name.getText(sourceFile) : exported,
            exported,
          );
          names.push(exported);
        }
      }
      if (module === 'drizzle-orm/supabase') {
        // Supabase grants every `public` table to `anon` by default (rules.md, "Platform defaults").
        this.facts.push({
          kind: 'platform-hint',
          at: this.context.locate(wrapNode(this.sourceFile, statement)),
          platform: 'supabase',
          evidence: `imports ${names.join(', ') || 'drizzle-orm/supabase'} from drizzle-orm/supabase`,
        });
      }
    }
  }

  /** The drizzle export a callee names: `pgTable`, `p.pgTable`, an alias; else its own name. */
  private exportedName(callee: Node): string | undefined {
    const bare = unwrapExpression(callee);
    if (Node.isIdentifier(bare)) return this.imported.get(bare.getText()) ?? bare.getText();
    if (Node.isPropertyAccessExpression(bare)) {
      const owner = bare.getExpression();
      if (Node.isIdentifier(owner) && this.namespaces.has(owner.getText())) return bare.getName();
    }
    return undefined;
  }

  /** `pgSchema('s')` or a `const` bound to it: the schema's name. */
  private schemaOf(node: Node): string | undefined {
    let bare = unwrapExpression(node);
    if (Node.isIdentifier(bare)) {
      const initializer = constInitializerOf(bare);
      if (!initializer) return undefined;
      bare = unwrapExpression(initializer);
    }
    if (!Node.isCallExpression(bare)) return undefined;
    const factory = this.exportedName(bare.getExpression());
    return factory && SCHEMA_FACTORIES.has(factory)
      ? stringValue(bare.getArguments()[0])
      : undefined;
  }

  // ---- tables ------------------------------------------------------------------------------

  private readTable(call: CallExpression): DrizzleTable | undefined {
    const callee = call.getExpression();
    let dialect: Dialect | undefined;
    let schema: string | undefined;
    let rlsMarker: Node | undefined;
    const factory = this.exportedName(callee);
    if (factory !== undefined) dialect = TABLE_FACTORIES[factory];
    if (!dialect && Node.isPropertyAccessExpression(callee)) {
      const owner = callee.getExpression();
      if (callee.getName() === 'withRLS' && this.exportedName(owner) === 'pgTable') {
        dialect = 'pg';
        rlsMarker = callee.getNameNode();
      } else if (callee.getName() === 'table') {
        schema = this.schemaOf(owner);
        if (schema !== undefined) dialect = 'pg';
      }
    }
    if (!dialect) return undefined;
    const [nameArg, columnsArg, extras] = call.getArguments();
    const name = stringValue(nameArg);
    const columns = columnsObject(columnsArg);
    if (name === undefined || !columns) return undefined;
    rlsMarker ??= enableRlsAfter(call);
    // `pgTable('auth.users', …)`: a Supabase project's mirror of a table of another schema, kept
    // for its foreign keys. A dot inside a Postgres table's own name is never what is meant.
    const qualified = dialect === 'pg' && schema === undefined ? QUALIFIED_NAME.exec(name) : null;
    return {
      call,
      dialect,
      table: qualified
        ? { name: qualified[2] as string, schema: qualified[1] as string }
        : schema === undefined
          ? { name }
          : { name, schema },
      columns: readColumns(columns),
      ...(extras && { extras }),
      ...(rlsMarker && { rlsMarker }),
    };
  }

  private emitTable(table: DrizzleTable): void {
    const { context } = this;
    this.facts.push({
      kind: 'table-created',
      at: context.locate(table.call),
      table: table.table,
      objectType: 'table',
      declared: true,
    });
    const compositeKey = new Set<string>();
    const foreignKeys = new Map<string, ColumnName>();
    const policies: CallExpression[] = [];
    if (table.extras) {
      for (const call of [
        table.extras,
        ...table.extras.getDescendantsOfKind(SyntaxKind.CallExpression),
      ]) {
        if (!Node.isCallExpression(call)) continue;
        const name = this.exportedName(call.getExpression());
        if (name === 'primaryKey') this.readCompositeKey(call, compositeKey);
        else if (name === 'foreignKey') this.readForeignKey(call, foreignKeys);
        else if (name === 'pgPolicy') policies.push(call);
      }
    }
    for (const column of table.columns) {
      const type = this.columnType(column, table.dialect);
      const references = this.referenceOf(column) ?? foreignKeys.get(column.key);
      const primaryKey =
        column.modifiers.some((modifier) => methodName(modifier) === 'primaryKey') ||
        compositeKey.has(column.key);
      this.facts.push({
        kind: 'column-defined',
        at: context.locate(column.member),
        table: table.table,
        column: column.name,
        ...(type.dataType !== undefined && { dataType: type.dataType }),
        ...(primaryKey && { primaryKey: true }),
        ...(references && { references }),
        ...(type.encryption !== undefined && { encryption: type.encryption }),
      });
    }
    // drizzle-kit enables row-level security on every table that has a policy.
    const rlsMarker = table.rlsMarker ?? policies[0];
    if (rlsMarker) {
      this.facts.push({
        kind: 'row-security-changed',
        at: context.locate(rlsMarker),
        table: table.table,
        enabled: true,
      });
    }
    for (const policy of policies) this.emitPolicy(policy, table.table);
  }

  /** `primaryKey({ columns: [t.a, t.b] })` or the older `primaryKey(t.a, t.b)`. */
  private readCompositeKey(call: CallExpression, keys: Set<string>): void {
    const [first] = call.getArguments();
    const columns =
      first && Node.isObjectLiteralExpression(first)
        ? arrayElements(objectProperty(first, 'columns'))
        : call.getArguments();
    for (const column of columns) {
      const bare = unwrapExpression(column);
      if (Node.isPropertyAccessExpression(bare)) keys.add(bare.getName());
    }
  }

  /** `foreignKey({ columns: [t.patientId], foreignColumns: [patients.id] })`. */
  private readForeignKey(call: CallExpression, references: Map<string, ColumnName>): void {
    const options = call.getArguments()[0];
    if (!options || !Node.isObjectLiteralExpression(options)) return;
    const local = arrayElements(objectProperty(options, 'columns'));
    const foreign = arrayElements(objectProperty(options, 'foreignColumns'));
    local.forEach((column, position) => {
      const bare = unwrapExpression(column);
      const target = foreign[position] && this.columnReference(foreign[position]);
      if (Node.isPropertyAccessExpression(bare) && target) references.set(bare.getName(), target);
    });
  }

  /** `.references(() => patients.id)`: a table of this file; one from another file is not resolved. */
  private referenceOf(column: DrizzleColumn): ColumnName | undefined {
    const call = column.modifiers.find((modifier) => methodName(modifier) === 'references');
    const target = call?.getArguments()[0];
    if (!target) return undefined;
    const bare = unwrapExpression(target);
    if (Node.isArrowFunction(bare)) {
      const body = bare.getBody();
      return Node.isExpression(body) ? this.columnReference(body) : undefined;
    }
    return this.columnReference(bare);
  }

  /** `patients.id` where `patients` is a table of this file: its SQL table and column names. */
  private columnReference(node: Node): ColumnName | undefined {
    const bare = unwrapExpression(node);
    if (!Node.isPropertyAccessExpression(bare)) return undefined;
    const owner = unwrapExpression(bare.getExpression());
    if (!Node.isIdentifier(owner)) return undefined;
    const table = this.tablesByVariable.get(owner.getText());
    if (!table) return undefined;
    const key = bare.getName();
    const column = table.columns.find((candidate) => candidate.key === key);
    return { table: table.table, column: column?.name ?? key };
  }

  // ---- types -------------------------------------------------------------------------------

  private columnType(column: DrizzleColumn, dialect: Dialect): CustomType {
    const callee = unwrapExpression(column.builder.getExpression());
    // `t.text()` in the callback form of the columns, `p.text()` through a namespace import.
    const localName = Node.isPropertyAccessExpression(callee)
      ? callee.getName()
      : Node.isIdentifier(callee)
        ? callee.getText()
        : undefined;
    if (localName === undefined) return {};
    const custom = this.customTypeNamed(localName);
    if (custom) return custom;
    const builder = this.imported.get(localName) ?? localName;
    const options = column.builder
      .getArguments()
      .find((argument) => Node.isObjectLiteralExpression(argument));
    const isArray = column.modifiers.some((modifier) => methodName(modifier) === 'array');
    const dataType = builderType(builder, options, dialect);
    if (dataType === undefined) {
      // A builder imported from another file: only its name can speak of encryption.
      return ENCRYPTED_NAME.test(localName)
        ? { encryption: `drizzle column type ${localName}` }
        : {};
    }
    return { dataType: isArray ? `${dataType}[]` : dataType };
  }

  /**
   * A `customType` declared in this file or an enum. Encryption evidence: the type's name says
   * it encrypts (`encryptedText`), or its `toDriver` calls a function whose name does
   * (`encrypt(value)`, `cipher.seal(value)`).
   */
  private customTypeNamed(name: string): CustomType | undefined {
    if (this.customTypes.has(name)) return this.customTypes.get(name);
    let found: CustomType | undefined;
    const initializer = this.constantCall(name);
    if (initializer) {
      const factory = this.exportedName(initializer.getExpression()) ?? '';
      if (factory === 'pgEnum' || factory === 'mysqlEnum') {
        const enumName = stringValue(initializer.getArguments()[0]);
        found = enumName === undefined ? {} : { dataType: enumName };
      } else if (factory === 'customType') {
        found = readCustomType(name, initializer);
      }
    }
    this.customTypes.set(name, found);
    return found;
  }

  /** The call a `const` of this file is bound to (`customType<…>({…})` with its type arguments). */
  private constantCall(name: string): CallExpression | undefined {
    const declaration = variableDeclarationNamed(this.sourceFile.compilerNode, name);
    const initializer = declaration?.initializer;
    if (!initializer) return undefined;
    const bare = unwrapExpression(wrapNode(this.sourceFile, initializer));
    return Node.isCallExpression(bare) ? bare : undefined;
  }

  // ---- policies and views --------------------------------------------------------------------

  private emitPolicy(call: CallExpression, table: TableName): void {
    const [nameArg, optionsArg] = call.getArguments();
    const name = stringValue(nameArg);
    if (name === undefined) return;
    const options =
      optionsArg && Node.isObjectLiteralExpression(optionsArg) ? optionsArg : undefined;
    const command = (stringProperty(options, 'for') ?? 'all').toLowerCase();
    const as = (stringProperty(options, 'as') ?? 'permissive').toLowerCase();
    const usingNode = objectProperty(options, 'using');
    const using = usingNode ? sqlText(usingNode) : undefined;
    const toNode = objectProperty(options, 'to');
    const fact: PolicyCreated = {
      kind: 'policy-created',
      at: this.context.locate(call),
      table,
      name,
      // drizzle-kit writes `TO public` when `to` is absent.
      roles: toNode ? this.rolesOf(toNode) : ['public'],
      command: POLICY_COMMANDS.has(command) ? (command as PolicyCreated['command']) : 'all',
      permissive: as !== 'restrictive',
      usingAlwaysTrue: using !== undefined && /^[\s(]*true[\s)]*$/i.test(using),
    };
    if (using !== undefined) fact.using = using;
    this.facts.push(fact);
  }

  /** `'anon'`, `anonRole`, a `pgRole('name')` of this file, or a list of those. */
  private rolesOf(node: Node): string[] {
    const bare = unwrapExpression(node);
    const elements = Node.isArrayLiteralExpression(bare) ? bare.getElements() : [bare];
    return elements.flatMap((element) => {
      const text = stringValue(element);
      if (text !== undefined) return [text.toLowerCase()];
      const value = unwrapExpression(element);
      if (!Node.isIdentifier(value)) return [];
      const local = value.getText();
      const supabase = SUPABASE_ROLES[this.imported.get(local) ?? local];
      if (supabase) return [supabase];
      const role = this.constantCall(local);
      if (role && this.exportedName(role.getExpression()) === 'pgRole') {
        const roleName = stringValue(role.getArguments()[0]);
        if (roleName !== undefined) return [roleName];
      }
      // A role defined elsewhere: its variable name is the best name there is.
      return [local.toLowerCase()];
    });
  }

  /** `pgPolicy('name', {…}).link(patients)`: a policy attached to a table from outside it. */
  private readLinkedPolicy(call: CallExpression): void {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'link') return;
    const policy = unwrapExpression(callee.getExpression());
    if (!Node.isCallExpression(policy)) return;
    if (this.exportedName(policy.getExpression()) !== 'pgPolicy') return;
    const target = unwrapExpression(call.getArguments()[0] ?? callee);
    const table = Node.isIdentifier(target)
      ? this.tablesByVariable.get(target.getText())
      : undefined;
    if (!table) return;
    if (!table.rlsMarker) {
      this.facts.push({
        kind: 'row-security-changed',
        at: this.context.locate(call),
        table: table.table,
        enabled: true,
      });
    }
    this.emitPolicy(policy, table.table);
  }

  /**
   * `pgView('v').as((qb) => qb.select({…}).from(patients))`: a view and the columns it copies.
   * `.as(sql\`select …\`)` is read by the SQL reader as `CREATE VIEW v AS select …`.
   */
  private readView(call: CallExpression): void {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'as') return;
    const viewCall = unwrapExpression(callee.getExpression());
    if (!Node.isCallExpression(viewCall)) return;
    const objectType = this.viewFactory(viewCall);
    if (!objectType) return;
    const name = stringValue(viewCall.getArguments()[0]);
    const definition = call.getArguments()[0];
    if (name === undefined || !definition) return;
    const schema = this.schemaOfViewCall(viewCall);
    const view: TableName = schema === undefined ? { name } : { name, schema };
    const at = this.context.locate(call);
    const bare = unwrapExpression(definition);
    if (Node.isTaggedTemplateExpression(bare)) {
      const keyword = objectType === 'view' ? 'VIEW' : 'MATERIALIZED VIEW';
      const facts = extractSqlStatement(this.context, bare, {
        prefix: `CREATE ${keyword} ${quoteTable(view)} AS `,
        anchor: call,
      });
      for (const fact of facts) {
        this.facts.push(fact.kind === 'table-created' ? { ...fact, at, declared: true } : fact);
      }
      return;
    }
    this.facts.push({ kind: 'table-created', at, table: view, objectType, declared: true });
    const columns = this.viewColumns(bare);
    if (columns.length > 0) {
      this.facts.push({ kind: 'data-copied', at, target: view, via: 'view', columns });
    }
  }

  private viewFactory(viewCall: CallExpression): 'view' | 'materialized-view' | undefined {
    const callee = viewCall.getExpression();
    const factory = this.exportedName(callee);
    if (factory !== undefined && VIEW_FACTORIES[factory]) return VIEW_FACTORIES[factory];
    if (
      Node.isPropertyAccessExpression(callee) &&
      this.schemaOf(callee.getExpression()) !== undefined
    ) {
      if (callee.getName() === 'view') return 'view';
      if (callee.getName() === 'materializedView') return 'materialized-view';
    }
    return undefined;
  }

  private schemaOfViewCall(viewCall: CallExpression): string | undefined {
    const callee = viewCall.getExpression();
    return Node.isPropertyAccessExpression(callee)
      ? this.schemaOf(callee.getExpression())
      : undefined;
  }

  /** The copied columns of a query-builder view: `select({ name: patients.fullName })` or `select()` (every column). */
  private viewColumns(definition: Node): CopiedColumn[] {
    const query = Node.isArrowFunction(definition) ? definition.getBody() : definition;
    const chain = query.getDescendantsOfKind(SyntaxKind.CallExpression);
    if (Node.isCallExpression(query)) chain.unshift(query);
    const select = chain.find(
      (call) => methodName(call) === 'select' || methodName(call) === 'selectDistinct',
    );
    const from = chain.find((call) => methodName(call) === 'from');
    if (!select) return [];
    const fields = select.getArguments()[0];
    if (!fields || !Node.isObjectLiteralExpression(fields)) {
      const source = from ? unwrapExpression(from.getArguments()[0] ?? from) : undefined;
      const table =
        source && Node.isIdentifier(source)
          ? this.tablesByVariable.get(source.getText())
          : undefined;
      if (!table || !from) return [];
      return [
        {
          column: '*',
          value: { from: [{ table: table.table, column: '*' }], transform: 'copy' },
          at: this.context.locate(select),
        },
      ];
    }
    return fields.getProperties().flatMap((member): CopiedColumn[] => {
      const key = propertyNameOf(member);
      if (key === undefined || !Node.isPropertyAssignment(member)) return [];
      const value = unwrapExpression(member.getInitializerOrThrow());
      const direct = this.columnReference(value);
      if (direct) {
        // The view's column is the source column's SQL name: drizzle selects it without an alias.
        return [
          {
            column: direct.column,
            value: { from: [direct], transform: 'copy' },
            at: this.context.locate(member),
          },
        ];
      }
      return this.sqlExpressionColumn(member, value, key);
    });
  }

  /** `` sql`lower(${patients.email})`.as('email_lower') ``: the columns it reads, the transform its function names say. */
  private sqlExpressionColumn(member: Node, value: Node, key: string): CopiedColumn[] {
    let expression = value;
    let alias: string | undefined;
    if (Node.isCallExpression(value)) {
      const callee = value.getExpression();
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'as') {
        alias = stringValue(value.getArguments()[0]);
        expression = unwrapExpression(callee.getExpression());
      }
    }
    if (!Node.isTaggedTemplateExpression(expression)) return [];
    const from = expression
      .getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)
      .flatMap((access) => {
        const reference = this.columnReference(access);
        return reference ? [reference] : [];
      });
    const text = expression.getTemplate().getText();
    return [
      {
        column: alias ?? key,
        value: { from, transform: transformOf(text) },
        at: this.context.locate(member),
      },
    ];
  }
}

const POLICY_COMMANDS = new Set(['all', 'select', 'insert', 'update', 'delete']);

/** The columns object: the second argument, or the object returned by the callback form `(t) => ({…})`. */
function columnsObject(node: Node | undefined): ObjectLiteralExpression | undefined {
  if (!node) return undefined;
  const bare = unwrapExpression(node);
  if (Node.isObjectLiteralExpression(bare)) return bare;
  if (Node.isArrowFunction(bare) || Node.isFunctionExpression(bare)) {
    const body = bare.getBody();
    if (body && Node.isExpression(body)) {
      const value = unwrapExpression(body);
      return Node.isObjectLiteralExpression(value) ? value : undefined;
    }
    const returned = body?.getFirstDescendantByKind(SyntaxKind.ReturnStatement)?.getExpression();
    const value = returned && unwrapExpression(returned);
    return value && Node.isObjectLiteralExpression(value) ? value : undefined;
  }
  return undefined;
}

/** Columns of the object, including those spread from a `const` object of this file (`...timestamps`). */
function readColumns(object: ObjectLiteralExpression, depth = 0): DrizzleColumn[] {
  return object.getProperties().flatMap((member): DrizzleColumn[] => {
    if (Node.isSpreadAssignment(member)) {
      const spread = unwrapExpression(member.getExpression());
      const initializer = Node.isIdentifier(spread) ? constInitializerOf(spread) : undefined;
      const value = initializer && unwrapExpression(initializer);
      return value && Node.isObjectLiteralExpression(value) && depth < 3
        ? readColumns(value, depth + 1)
        : [];
    }
    if (!Node.isPropertyAssignment(member)) return [];
    const key = propertyNameOf(member);
    const initializer = member.getInitializer();
    if (key === undefined || !initializer) return [];
    const chain = builderChain(initializer);
    if (!chain) return [];
    const name = stringValue(chain.builder.getArguments()[0]) ?? key;
    return [{ member, key, name, ...chain }];
  });
}

/** `text('x').notNull().references(…)` → the builder call and the chained modifier calls. */
function builderChain(
  node: Node,
): { builder: CallExpression; modifiers: CallExpression[] } | undefined {
  const modifiers: CallExpression[] = [];
  let current = unwrapExpression(node);
  while (Node.isCallExpression(current)) {
    const callee = current.getExpression();
    if (Node.isPropertyAccessExpression(callee)) {
      const owner = unwrapExpression(callee.getExpression());
      if (Node.isCallExpression(owner)) {
        modifiers.unshift(current);
        current = owner;
        continue;
      }
    }
    return { builder: current, modifiers };
  }
  return undefined;
}

/**
 * The first top-level variable declaration that binds `name`, destructured ones included: what
 * ts-morph's `getVariableDeclaration(name)` finds, without wrapping every statement of the file.
 */
function variableDeclarationNamed(
  sourceFile: ts.SourceFile,
  name: string,
): ts.VariableDeclaration | undefined {
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (bindsName(declaration.name, name, sourceFile)) return declaration;
    }
  }
  return undefined;
}

function bindsName(binding: ts.BindingName, name: string, sourceFile: ts.SourceFile): boolean {
  if (ts.isIdentifier(binding)) return binding.getText(sourceFile) === name;
  return binding.elements.some(
    (element) => !ts.isOmittedExpression(element) && bindsName(element.name, name, sourceFile),
  );
}

function methodName(call: CallExpression): string | undefined {
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
}

/** `.enableRLS()` called on the table call (`pgTable(…).enableRLS()`): its name node. */
function enableRlsAfter(call: CallExpression): Node | undefined {
  const access = call.getParent();
  if (!access || !Node.isPropertyAccessExpression(access) || access.getName() !== 'enableRLS') {
    return undefined;
  }
  return access.getNameNode();
}

/** The variable a table call is assigned to, through chained calls such as `.enableRLS()`. */
function variableNameOf(call: CallExpression): string | undefined {
  let node: Node = call;
  let parent = node.getParent();
  while (
    parent &&
    ((Node.isPropertyAccessExpression(parent) && parent.getExpression() === node) ||
      (Node.isCallExpression(parent) && parent.getExpression() === node) ||
      Node.isParenthesizedExpression(parent) ||
      Node.isAsExpression(parent) ||
      Node.isSatisfiesExpression(parent))
  ) {
    node = parent;
    parent = node.getParent();
  }
  return parent && Node.isVariableDeclaration(parent) ? parent.getName() : undefined;
}

function arrayElements(node: Node | undefined): Node[] {
  if (!node) return [];
  const bare = unwrapExpression(node);
  return Node.isArrayLiteralExpression(bare) ? bare.getElements() : [bare];
}

/** The SQL text of a `` sql`…` `` template or a string, as written (`${…}` kept). */
function sqlText(node: Node): string | undefined {
  const bare = unwrapExpression(node);
  if (Node.isTaggedTemplateExpression(bare))
    return bare.getTemplate().getText().slice(1, -1).trim();
  return stringValue(bare)?.trim();
}

function transformOf(sqlExpression: string): Transform {
  if (/\bdecrypt/i.test(sqlExpression)) return 'decrypt';
  if (/\bencrypt/i.test(sqlExpression)) return 'encrypt';
  if (/\b(?:md5|sha\d*|digest|hmac|crypt)\s*\(/i.test(sqlExpression)) return 'hash';
  return 'copy';
}

function quoteTable(table: TableName): string {
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return table.schema === undefined
    ? quote(table.name)
    : `${quote(table.schema)}.${quote(table.name)}`;
}
