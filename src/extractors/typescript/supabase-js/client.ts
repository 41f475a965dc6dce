/**
 * supabase-js reads in edge functions and scripts:
 * `const { data } = await supabase.from('profiles').select('email, full_name').eq('id', id)`.
 * The result is `{ data, error }`: `data` holds the rows, or one row after `.single()` or
 * `.maybeSingle()`. The columns are PostgREST's list (`alias:column`, `column::cast`, `*`);
 * embedded relations (`clinic(name)`) are left out. Writes (`.from('t').update(row)`) read as
 * Knex's do, so they are the Knex reader's.
 */
import { ts } from '../morph.js';
import type { TableName } from '../../../facts.js';
import type { Value } from '../data-flow/values.js';
import type { Script } from '../data-scripts/script.js';
import { chainOf, receiverName, stripParentheses } from '../data-scripts/syntax.js';
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

/** `'email, name:full_name, dob::text, clinic(name)'` → its columns and whether `*` is among them. */
function selectedColumns(list: string): {
  columns: Array<{ output: string; column: string }>;
  star: boolean;
} {
  const columns: Array<{ output: string; column: string }> = [];
  let star = false;
  let depth = 0;
  let item = '';
  const take = () => {
    const text = item.trim();
    item = '';
    if (text === '*') star = true;
    // `alias:column::cast`; an embedded relation (`clinic(name)`, `clinic!inner(*)`) is another table's.
    const match = /^(?:([A-Za-z_]\w*)\s*:\s*)?([A-Za-z_]\w*)(?:::\w+)?$/.exec(text);
    if (match)
      columns.push({ output: match[1] ?? (match[2] as string), column: match[2] as string });
  };
  for (const character of list) {
    if (character === '(') depth++;
    if (character === ')') depth--;
    if (character === ',' && depth === 0) take();
    else item += character;
  }
  take();
  return { columns, star };
}

export function supabaseRead(script: Script, call: ts.CallExpression): Value | undefined {
  const { links, root } = chainOf(call);
  const from = links[0];
  const select = links.find((link) => link.name === 'select');
  if (from?.name !== 'from' || select === undefined) return undefined;
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
  const { columns, star } = selectedColumns(list);
  const items: SelectItem[] = columns.map(({ output, column }) => ({ output, table, column, at }));
  const starTable: TableName | undefined = star ? table : undefined;
  const row = script.rowValue(call, items, starTable);
  const oneRow = links.some((link) => link.name === 'single' || link.name === 'maybeSingle');
  return { fields: new Map([['data', oneRow ? row : { element: row }]]) };
}

export const supabaseJsClient: ClientCalls = {
  read: (node, script) => (ts.isCallExpression(node) ? supabaseRead(script, node) : undefined),
};
