/**
 * supabase-js reads in edge functions and scripts:
 * `const { data } = await supabase.from('profiles').select('email, full_name').eq('id', id)`.
 * The result is `{ data, error }`: `data` holds the rows, or one row after `.single()` or
 * `.maybeSingle()`. The columns are PostgREST's list (`alias:column`, `column::cast`, `*`), and
 * an embedded relation (`patients!inner(first_name)`) is a field holding that table's rows. Writes (`.from('t').update(row)`) read as
 * Knex's do, so they are the Knex reader's.
 */
import { ts } from '../morph.js';
import type { SourceLocation, TableName } from '../../../facts.js';
import type { Value } from '../data-flow/values.js';
import type { Script } from '../data-scripts/script.js';
import { receiverName, stripParentheses } from '../data-scripts/syntax.js';
import type { SelectItem } from '../data-scripts/syntax.js';
import type { ClientCalls } from '../tool.js';

const SUPABASE_MODULE =
  /(?:^|[:/])@supabase\/(?:supabase-js|ssr|auth-helpers-[\w-]+)(?:@[\w.^~-]+)?$/;
const CLIENT_FACTORIES =
  /^(?:createClient|createServerClient|createBrowserClient|createRouteHandlerClient|createServerComponentClient|createPagesServerClient)$/;
/** Filters, modifiers and the one-row ends that keep a select a select. */
const READ_LINKS =
  /^(?:from|schema|select|eq|neq|gt|gte|lt|lte|like|ilike|is|in|contains|containedBy|match|not|or|filter|order|limit|range|single|maybeSingle|abortSignal|returns|textSearch|overlaps|throwOnError)$/;

/** `supabase`, `supabaseAdmin`, `this.supabase`, or a name bound to `createClient(…)` of supabase-js. */
function isSupabaseClient(script: Script, expression: ts.Expression): boolean {
  const node = stripParentheses(expression);
  const name = receiverName(node);
  if (name !== undefined && /supabase/i.test(name)) return true;
  const definition = script.definitionOf(node);
  if (!ts.isCallExpression(definition)) return false;
  const factory = stripParentheses(definition.expression);
  const module = script.importOf(factory)?.module;
  return (
    ts.isIdentifier(factory) &&
    CLIENT_FACTORIES.test(factory.text) &&
    module !== undefined &&
    SUPABASE_MODULE.test(module)
  );
}

/** An embedded relation of a select list: `patients!inner(first_name)`, `author:users!fk(name)`. */
interface EmbeddedRelation {
  output: string;
  table: string;
  list: string;
}

/** What a PostgREST select list asks for: its own columns, `*`, and the relations it embeds. */
interface SelectList {
  columns: Array<{ output: string; column: string }>;
  star: boolean;
  embedded: EmbeddedRelation[];
}

/** `alias:` (optional), the relation, `!hint`s (`!inner`, a foreign key's name), its own list. */
const EMBEDDED = /^(?:([A-Za-z_]\w*)\s*:\s*)?([A-Za-z_]\w*)((?:\s*!\s*\w+)*)\s*\(([\s\S]*)\)$/;

/** `'email, name:full_name, dob::text, clinic(name)'` → its columns, `*`, and embedded relations. */
function selectedColumns(list: string): SelectList {
  const columns: Array<{ output: string; column: string }> = [];
  const embedded: EmbeddedRelation[] = [];
  let star = false;
  let depth = 0;
  let item = '';
  const take = () => {
    const text = item.trim();
    item = '';
    if (text === '*') star = true;
    // `alias:column::cast`.
    const match = /^(?:([A-Za-z_]\w*)\s*:\s*)?([A-Za-z_]\w*)(?:::\w+)?$/.exec(text);
    if (match) {
      columns.push({ output: match[1] ?? (match[2] as string), column: match[2] as string });
      return;
    }
    // Another table's rows, nested under the alias or the relation's name.
    const relation = EMBEDDED.exec(text);
    if (relation) {
      const table = relation[2] as string;
      embedded.push({ output: relation[1] ?? table, table, list: relation[4] as string });
    }
  };
  for (const character of list) {
    if (character === '(') depth++;
    if (character === ')') depth--;
    if (character === ',' && depth === 0) take();
    else item += character;
  }
  take();
  return { columns, star, embedded };
}

/** The row a select list gives, with each embedded relation's rows as a field (one or many). */
function selectedRow(
  script: Script,
  call: ts.CallExpression,
  list: SelectList,
  table: TableName,
  at: SourceLocation,
  client: ts.Expression,
  depth = 0,
): Value {
  const items: SelectItem[] = list.columns.map(({ output, column }) => ({
    output,
    table,
    column,
    at,
  }));
  const row = script.rowValue(call, items, list.star ? table : undefined);
  if (list.embedded.length === 0 || depth > 3) return row;
  const fields = new Map(row.fields ?? []);
  for (const relation of list.embedded) {
    const nested = selectedRow(
      script,
      call,
      selectedColumns(relation.list),
      script.tableName(relation.table, client),
      at,
      client,
      depth + 1,
    );
    // A to-one relation embeds an object, a to-many one an array: the value stands for both.
    fields.set(relation.output, { ...nested, element: nested });
  }
  return { ...row, fields };
}

export function supabaseRead(script: Script, call: ts.CallExpression): Value | undefined {
  // A query built in steps (`let query = supabase.from('t').select(…); query = query.eq(…);
  // await query.order(…)`) is read from where the variable's chain starts. The client is what
  // `from` is called on, as written (`supabase`, not the `createClient(…)` it was made by).
  const { links } = script.fullChainOf(call);
  const from = links[0];
  const select = links.find((link) => link.name === 'select');
  if (from?.name !== 'from' || select === undefined) return undefined;
  const root = (from.call.expression as ts.PropertyAccessExpression).expression;
  if (!links.every((link) => READ_LINKS.test(link.name))) return undefined;
  if (!isSupabaseClient(script, root)) return undefined;
  const tableText = script.stringOf(from.args[0]);
  if (tableText === undefined) return undefined;
  const schemaLink = links.find((link) => link.name === 'schema');
  const schema = script.stringOf(schemaLink?.args[0]);
  const table = script.tableName(schema ? `${schema}.${tableText}` : tableText, root);
  const listArgument = select.args[0];
  const list = listArgument === undefined ? '*' : script.stringOf(listArgument);
  if (list === undefined) return undefined;
  const at = script.locate(listArgument ?? select.call);
  const row = selectedRow(script, call, selectedColumns(list), table, at, root);
  const oneRow = links.some((link) => link.name === 'single' || link.name === 'maybeSingle');
  return { fields: new Map([['data', oneRow ? row : { element: row }]]) };
}

/**
 * The accounts of `auth.users` as the admin API and the session hand them back:
 * `supabase.auth.admin.listUsers()` gives `{ data: { users } }`, `getUserById(id)` and
 * `auth.getUser()` give `{ data: { user } }`, each user a row of `auth.users` (email, phone,
 * metadata).
 */
export function authUsersRead(script: Script, call: ts.CallExpression): Value | undefined {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (method !== 'listUsers' && method !== 'getUserById' && method !== 'getUser') return undefined;
  let auth = stripParentheses(callee.expression);
  if (method !== 'getUser') {
    if (!ts.isPropertyAccessExpression(auth) || auth.name.text !== 'admin') return undefined;
    auth = stripParentheses(auth.expression);
  }
  if (!ts.isPropertyAccessExpression(auth) || auth.name.text !== 'auth') return undefined;
  const client = auth.expression;
  if (!isSupabaseClient(script, client)) return undefined;
  const row = script.rowValue(call, [], script.tableName('auth.users', client));
  const users: [string, Value] =
    method === 'listUsers' ? ['users', { element: row }] : ['user', row];
  return { fields: new Map([['data', { fields: new Map([users]) }]]) };
}

/** A file with no `.from(` holds no supabase-js read: every call of it is skipped at once. */
const FROM_CALL = /\.from\s*\(/;
/** Nor one with no call of the auth API that hands accounts back. */
const AUTH_USERS_CALL = /\.auth\s*\.\s*(?:admin\s*\.\s*)?(?:listUsers|getUserById|getUser)\s*\(/;

export const supabaseJsClient: ClientCalls = {
  read: (node, script) => {
    if (!ts.isCallExpression(node)) return undefined;
    if (script.mentions(FROM_CALL)) {
      const read = supabaseRead(script, node);
      if (read !== undefined) return read;
    }
    return script.mentions(AUTH_USERS_CALL) ? authUsersRead(script, node) : undefined;
  },
};
