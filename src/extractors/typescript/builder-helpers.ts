/**
 * Helpers a project builds its tables with, followed statically into their definition (in the same
 * file or imported from another module of the project):
 *
 * ```ts
 * await createStandardTable(db, 'patients', (qb) => qb.addColumn('date_of_birth', 'date'))
 * ```
 *
 * The helper makes the builder itself (`db.schema.createTable(table)…`, or knex's
 * `knex.schema.createTable(name, (t) => { …; callback(t) })`) and hands it to the callback it was
 * given. At the call site, the callback's parameter is that builder, whatever its name, and the
 * argument in the table parameter's position names the table. Nothing is run: only the helper's
 * syntax says which parameter is the table and which is the callback.
 */
import { Node } from './morph.js';
import type { CallExpression } from 'ts-morph';
import { callChainOf, functionArgument, unwrapExpression } from './receivers.js';
import type { ChainLink, FunctionLikeNode } from './receivers.js';

export interface BuilderCallback {
  /** The helper's builder statement: `createTable`, `alterTable`, … */
  method: string;
  /** The argument at the call site that names the table. */
  tableArgument: Node;
  /** The call site's callback that receives the builder. */
  callback: FunctionLikeNode;
  /** Where the callback's builder parameter sits among its parameters. */
  builderPosition: number;
  /** The helper's own statement call (`createTable(table)`), in the helper's module. */
  statement: CallExpression;
  /** The helper's chain after the statement, up to the point the builder is handed over (Kysely). */
  helperLinks: ChainLink[];
  /** The helper's own builder callback (knex `(t) => { t.increments(); callback(t) }`), if any. */
  helperCallback?: FunctionLikeNode;
}

/**
 * The builder callbacks a call of a project helper receives. `methods` are the builder statements
 * the tool knows (`createTable`, `alterTable`).
 */
export function builderCallbacksOf(
  call: CallExpression,
  methods: ReadonlySet<string>,
): BuilderCallback[] {
  const callee = call.getExpression();
  if (!Node.isIdentifier(callee)) return [];
  const helper = functionArgument(callee);
  if (!helper) return [];
  const parameters = helper.getParameters().map((parameter) => {
    const name = parameter.getNameNode();
    return Node.isIdentifier(name) ? name.getText() : undefined;
  });
  const args = call.getArguments();
  const found: BuilderCallback[] = [];
  parameters.forEach((callbackName, callbackPosition) => {
    const callback = callbackName ? functionArgument(args[callbackPosition]) : undefined;
    if (!callback || !callbackName) return;
    for (const handOver of callsOfParameter(helper, callbackName)) {
      const builder = handOver.getArguments()[0];
      if (!builder) continue;
      const made = builderStatementOf(helper, builder, methods);
      if (!made) continue;
      const tablePosition = parameters.indexOf(made.tableParameter);
      const tableArgument = args[tablePosition];
      if (tablePosition < 0 || !tableArgument) continue;
      found.push({
        method: made.method,
        tableArgument,
        callback,
        builderPosition: 0,
        statement: made.statement,
        helperLinks: made.links,
        ...(made.helperCallback ? { helperCallback: made.helperCallback } : {}),
      });
    }
  });
  return found;
}

/** Calls of the helper's parameter `name` inside the helper: `callback(builder)`. */
function callsOfParameter(helper: FunctionLikeNode, name: string): CallExpression[] {
  const body = helper.getBody();
  if (!body) return [];
  return body
    .getDescendants()
    .filter(
      (node): node is CallExpression =>
        Node.isCallExpression(node) &&
        Node.isIdentifier(node.getExpression()) &&
        node.getExpression().getText() === name,
    );
}

interface MadeBuilder {
  method: string;
  tableParameter: string;
  statement: CallExpression;
  links: ChainLink[];
  helperCallback?: FunctionLikeNode;
}

/**
 * Where the builder handed to the callback comes from: a chain `db.schema.createTable(table)…`
 * (directly or through a local `const`), or the parameter of the callback of
 * `knex.schema.createTable(table, (t) => …)`.
 */
function builderStatementOf(
  helper: FunctionLikeNode,
  builder: Node,
  methods: ReadonlySet<string>,
): MadeBuilder | undefined {
  let value = unwrapExpression(builder);
  if (Node.isIdentifier(value)) {
    const local = localInitializer(helper, value.getText());
    if (local) value = unwrapExpression(local);
    else return fromBuilderCallback(value, methods);
  }
  if (!Node.isCallExpression(value)) return undefined;
  const { links } = callChainOf(value);
  const index = links.findIndex((link) => methods.has(link.name));
  const link = links[index];
  const tableName = link?.call.getArguments()[0];
  if (!link || !tableName || !Node.isIdentifier(tableName)) return undefined;
  return {
    method: link.name,
    tableParameter: tableName.getText(),
    statement: link.call,
    links: links.slice(index + 1),
  };
}

/** `createTable(name, (t) => { callback(t) })`: the builder is the statement callback's parameter. */
function fromBuilderCallback(
  parameter: Node,
  methods: ReadonlySet<string>,
): MadeBuilder | undefined {
  const name = parameter.getText();
  for (let node: Node | undefined = parameter.getParent(); node; node = node.getParent()) {
    if (!Node.isArrowFunction(node) && !Node.isFunctionExpression(node)) continue;
    const builderParameter = node.getParameters()[0]?.getNameNode();
    if (!builderParameter || builderParameter.getText() !== name) continue;
    const statement = node.getParent();
    if (!Node.isCallExpression(statement)) return undefined;
    const callee = statement.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || !methods.has(callee.getName()))
      return undefined;
    const tableName = statement.getArguments()[0];
    if (!tableName || !Node.isIdentifier(tableName)) return undefined;
    return {
      method: callee.getName(),
      tableParameter: tableName.getText(),
      statement,
      links: [],
      helperCallback: node,
    };
  }
  return undefined;
}

/** The initializer of a `const`/`let` declared in the helper's body under `name`. */
function localInitializer(helper: FunctionLikeNode, name: string): Node | undefined {
  const body = helper.getBody();
  if (!body) return undefined;
  for (const node of body.getDescendants()) {
    if (Node.isVariableDeclaration(node) && node.getName() === name) {
      return node.getInitializer();
    }
  }
  return undefined;
}
