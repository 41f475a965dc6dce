/**
 * Functions as the API exposes them: `CREATE FUNCTION … SECURITY DEFINER` runs with its owner's
 * rights, past row-level security, for every role allowed to execute it, and Postgres lets PUBLIC
 * execute every new function. PostgREST and Supabase serve functions of exposed schemas as
 * `/rpc/<name>`, so a definer function that reads patients is a way around their policies.
 */
import type { CreateFunctionStmt, GrantStmt, Node } from 'libpg-query';
import type { Fact, TableName } from '../../facts.js';
import type { StatementContext } from './context.js';
import { statementLocation } from './context.js';
import { stringsOf } from './lineage.js';
import { blankComments, splitStatements } from './statements.js';
import { escapeRegExp } from '../../util/safe-regex.js';

/** Tables a body reads, writes or returns from, as written (`from public.patients p`). */
const TABLE_REFERENCE =
  /\b(?:from|join)\s+((?:"[^"]+"|[a-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|[a-z_][\w$]*))?)/gi;
const IDENTIFIER = /"([^"]+)"|([a-z_][\w$]*)/gi;
/** A statement that deletes or updates rows: `delete from patients`, `update public.patients`. */
const TABLE_CHANGE =
  /\b(delete\s+from|update)\s+(?:only\s+)?((?:"[^"]+"|[a-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|[a-z_][\w$]*))?)([^;]*)/gi;
/** Words after `update` that are no table: `do update set`, `for update of|skip|nowait`. */
const NOT_A_TABLE = new Set(['set', 'of', 'skip', 'nowait']);
/** An UPDATE's SET list, up to its WHERE, FROM or RETURNING. */
const SET_LIST =
  /^\s+(?:as\s+)?(?:[a-z_]\w*\s+)?set\s+([\s\S]*?)(?:\bwhere\b|\bfrom\b|\breturning\b|$)/i;
/** `select *`, `t.*`, `returning *`: every column. */
const EVERY_COLUMN = /(?:select|returning|,)\s*(?:[a-z_][\w$]*\s*\.\s*)?\*/i;
/** Return types that hand nothing personal back to the caller: nothing, a flag, a count. */
const NO_ROWS = new Set([
  'trigger',
  'event_trigger',
  'void',
  'bool',
  'boolean',
  'int2',
  'int4',
  'int8',
  'smallint',
  'integer',
  'bigint',
]);
const CALLER_SCOPED = /\bauth\s*\.\s*uid\s*\(\s*\)/i;

/** A body is read only this far: enough for any hand-written function, bounded for hostile input. */
const MAX_BODY = 200_000;

export function createFunction(
  statement: CreateFunctionStmt,
  context: StatementContext,
  facts: Fact[],
): void {
  const names = stringsOf(statement.funcname).map((name) => name.toLowerCase());
  const name = names[names.length - 1];
  if (name === undefined) return;
  const schema = names.length > 1 ? names[names.length - 2] : undefined;
  let securityDefiner = false;
  let body = '';
  for (const option of statement.options ?? []) {
    if (!('DefElem' in option)) continue;
    const { defname, arg } = option.DefElem;
    if (defname === 'security' && arg && 'Boolean' in arg)
      securityDefiner = arg.Boolean.boolval === true;
    if (defname === 'as' && arg && 'List' in arg) body = stringsOf(arg.List.items).join('\n');
  }
  if (statement.sql_body) body = context.source.text.slice(context.start, context.end);
  // Comments out, so that `-- update the totals` reads as no statement.
  body = blankComments(body.slice(0, MAX_BODY));
  const reads: TableName[] = [];
  const returnNames = stringsOf(statement.returnType?.names);
  // `RETURNS TABLE (pre_minutes int, …)` is a set of records with its own columns: what it hands
  // back is what the body selects, not every column of some table.
  const returnsOwnColumns = (statement.parameters ?? []).some(
    (parameter) =>
      'FunctionParameter' in parameter && parameter.FunctionParameter.mode === 'FUNC_PARAM_TABLE',
  );
  const returnsTableRows = statement.returnType?.setof === true && !returnsOwnColumns;
  if (returnsTableRows && returnNames.length > 0) {
    reads.push(tableOfParts(returnNames.map((part) => part.toLowerCase())));
  }
  for (const match of body.matchAll(TABLE_REFERENCE)) {
    const parts = (match[1] as string).split('.').map((part) => unquote(part.trim()));
    reads.push(tableOfParts(parts));
  }
  const parameters = parametersOf(statement);
  const parameterNames = parameters.map(({ name }) => name.toLowerCase());
  const outputs = parameters.flatMap(({ name, output }) => (output ? [name.toLowerCase()] : []));
  const changes = changedRows(body, parameterNames);
  const mentions = new Set<string>();
  if (returnsOwnColumns) {
    // What reaches the caller are the declared columns: `returns table (full_name text, email
    // text)` hands back those, `(success boolean, deleted_id bigint)` nothing personal, whatever
    // its WHERE clauses name. An output named after its table (`patient_last_name` from
    // `patients.last_name`) stands for the column its last words name.
    for (const parameter of statement.parameters ?? []) {
      if (!('FunctionParameter' in parameter)) continue;
      const { mode, name: output } = parameter.FunctionParameter;
      if (mode !== 'FUNC_PARAM_TABLE' || !output) continue;
      const words = output.toLowerCase().split('_');
      for (let start = 0; start < words.length; start++) mentions.add(words.slice(start).join('_'));
    }
  } else {
    const returned = returnedText(body, languageOf(statement), outputs);
    for (const text of returned?.texts ?? [body]) {
      for (const match of text.matchAll(IDENTIFIER)) {
        mentions.add(match[1] ?? (match[2] as string).toLowerCase());
      }
    }
    if (returned ? returned.everyColumn : EVERY_COLUMN.test(body) || returnsTableRows) {
      mentions.add('*');
    }
  }
  facts.push({
    kind: 'function-created',
    at: statementLocation(context),
    name,
    ...(schema !== undefined ? { schema } : {}),
    securityDefiner,
    reads,
    ...(changes.length > 0 ? { changes } : {}),
    mentions: [...mentions],
    returnsRows:
      returnsOwnColumns ||
      outputs.length > 0 ||
      !NO_ROWS.has((returnNames[returnNames.length - 1] ?? 'void').toLowerCase()),
    callerScoped: CALLER_SCOPED.test(body) || secretScoped(body, parameterNames),
  });
}

/** `GRANT/REVOKE EXECUTE ON FUNCTION f(…) TO/FROM roles` (and `ALL PRIVILEGES`). */
export function functionAccess(
  statement: GrantStmt,
  context: StatementContext,
  facts: Fact[],
  /** For `ALTER DEFAULT PRIVILEGES … ON FUNCTIONS`: its schemas (none: every schema). */
  defaultSchemas?: string[],
): void {
  const privileges = (statement.privileges ?? []).flatMap((node) =>
    'AccessPriv' in node ? [(node.AccessPriv.priv_name ?? 'all').toLowerCase()] : [],
  );
  if (privileges.length > 0 && !privileges.some((p) => p === 'execute' || p === 'all')) return;
  const roles = (statement.grantees ?? []).flatMap((node: Node) => {
    if (!('RoleSpec' in node)) return [];
    const role = node.RoleSpec;
    if (role.roletype === 'ROLESPEC_PUBLIC') return ['public'];
    return role.rolename ? [role.rolename.toLowerCase()] : [];
  });
  if (defaultSchemas !== undefined) {
    const kind = statement.is_grant ? 'function-access-granted' : 'function-access-revoked';
    const at = statementLocation(context);
    for (const schema of defaultSchemas.length > 0 ? defaultSchemas : [undefined]) {
      facts.push({ kind, at, name: '*', ...(schema !== undefined && { schema }), roles });
    }
    return;
  }
  for (const object of statement.objects ?? []) {
    if (!('ObjectWithArgs' in object)) continue;
    const names = stringsOf(object.ObjectWithArgs.objname).map((name) => name.toLowerCase());
    const name = names[names.length - 1];
    if (name === undefined) continue;
    facts.push({
      kind: statement.is_grant ? 'function-access-granted' : 'function-access-revoked',
      at: statementLocation(context),
      name,
      ...(names.length > 1 ? { schema: names[names.length - 2] } : {}),
      roles,
    });
  }
}

/** A parameter that carries a secret the caller must know: `_token`, `p_invite_token`, `secret`. */
const SECRET_PARAMETER = /(?:^|_)(?:token|secret)$/;

/**
 * A function keyed by a secret the caller passes (`where token_hash = md5(_token)`), the
 * invitation or share-link pattern: it reads and changes only the rows that secret names, as an
 * `auth.uid()` function reads only the caller's own.
 */
function secretScoped(body: string, parameters: string[]): boolean {
  return parameters.some(
    (name) =>
      SECRET_PARAMETER.test(name) &&
      new RegExp(`=\\s*[\\w\\s.(,']{0,40}?(?<![\\w$.])${escapeRegExp(name)}(?![\\w$])`, 'i').test(
        body,
      ),
  );
}

/**
 * What a SELECT hands back: its list, and a subquery it selects from (`select array_agg(symptom)
 * from (select unnest(symptoms) as symptom …) s` returns the symptoms). Text that is no SELECT is
 * returned whole.
 */
function selectedText(text: string): string {
  const list = SELECT_LIST.exec(text);
  if (list === null) return text;
  const after = text.slice(list.index + list[0].length);
  const from = /^(?:[\s\S]*?\bfrom\b)?\s*\(/i.exec(after);
  if (from === null) return list[1] as string;
  let depth = 1;
  let end = from[0].length;
  while (end < after.length && depth > 0) {
    const character = after[end++];
    if (character === '(') depth++;
    else if (character === ')') depth--;
  }
  return `${list[1] as string} ${after.slice(from[0].length, end)}`;
}

/**
 * A function's named parameters, as the parser gives them: what the caller passes in (`input`:
 * IN, INOUT, VARIADIC) and what it hands back by name (`output`: OUT, INOUT).
 */
export function parametersOf(
  statement: CreateFunctionStmt,
): Array<{ name: string; input: boolean; output: boolean }> {
  return (statement.parameters ?? []).flatMap((parameter) => {
    if (!('FunctionParameter' in parameter)) return [];
    const { mode, name } = parameter.FunctionParameter;
    if (!name) return [];
    const output = mode === 'FUNC_PARAM_OUT' || mode === 'FUNC_PARAM_INOUT';
    const input = mode !== 'FUNC_PARAM_OUT' && mode !== 'FUNC_PARAM_TABLE';
    return [{ name, input, output }];
  });
}

/**
 * The DELETEs and UPDATEs of a body that the caller steers: the statement names a parameter (or
 * `$1`). A maintenance function that purges what is old by a fixed rule changes no row on a
 * caller's say; `delete_patient_by_id(id, user_id)` does.
 */
function changedRows(
  body: string,
  parameters: string[],
): Array<{ table: TableName; columns?: string[] }> {
  const changes: Array<{ table: TableName; columns?: string[] }> = [];
  const steered = (text: string) =>
    /\$\d/.test(text) ||
    parameters.some((name) =>
      new RegExp(`(?<![\\w$.])${escapeRegExp(name)}(?![\\w$])`, 'i').test(text),
    );
  for (const match of body.matchAll(TABLE_CHANGE)) {
    const parts = (match[2] as string).split('.').map((part) => unquote(part.trim()));
    if (parts.length === 1 && NOT_A_TABLE.has((parts[0] as string).toLowerCase())) continue;
    const rest = match[3] as string;
    if (!steered(rest)) continue;
    const table = tableOfParts(parts);
    if (/^delete/i.test(match[1] as string)) {
      changes.push({ table });
      continue;
    }
    const set = SET_LIST.exec(rest)?.[1];
    if (set === undefined) continue;
    const columns = [...set.matchAll(/(?:^|,)\s*"?([a-z_][\w$]*)"?\s*=/gi)].map((column) =>
      (column[1] as string).toLowerCase(),
    );
    if (columns.length > 0) changes.push({ table, columns });
  }
  return changes;
}

function tableOfParts(parts: string[]): TableName {
  const name = parts[parts.length - 1] as string;
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  return schema === undefined || schema === 'public' ? { name } : { schema, name };
}

function unquote(part: string): string {
  return part.startsWith('"') ? part.slice(1, -1) : part.toLowerCase();
}

function languageOf(statement: CreateFunctionStmt): string | undefined {
  for (const option of statement.options ?? []) {
    if (!('DefElem' in option) || option.DefElem.defname !== 'language') continue;
    const arg = option.DefElem.arg;
    if (arg && 'String' in arg) return arg.String.sval?.toLowerCase();
  }
  return undefined;
}

/** `RETURN …;`, `RETURN NEXT …;`, `RETURN QUERY …;` of a PL/pgSQL body (not `returning`). */
const RETURN_STATEMENT = /\breturn\b\s*(query\b|next\b)?([^;]*)/gi;
/** An identifier used whole, not as the qualifier of a field (`v_row` in `to_jsonb(v_row)`). */
const WHOLE_IDENTIFIER = /(?<![\w$."])([a-z_][\w$]*)(?!\s*\.|[\w$])/gi;
/** `*` or `t.*` as an item of a select or RETURNING list. */
const EVERY_ITEM = /(?:^|,)\s*(?:[\w$]+\s*\.\s*)?\*/;
/** What a SELECT hands back: its list, up to INTO or FROM. */
const SELECT_LIST = /^\s*select\s+(?:distinct\s+)?([\s\S]*?)(?:\binto\b|\bfrom\b|$)/i;

/**
 * What a body hands back to its caller, as the texts to read column names from, or undefined
 * when that cannot be told (then every identifier of the body counts, as before):
 * - PL/pgSQL: the expressions of its RETURN statements, and for a variable returned whole, what
 *   was selected into it. A variable filled by `INSERT … RETURNING … INTO` holds what the caller
 *   passed in, nothing read past row-level security (`insert_patient(p_first_name, …)`).
 * - SQL: the select list of its last statement. Parameters and WHERE clauses name columns the
 *   function filters on (`where user_id = _user_id`), which the caller does not get back.
 */
function returnedText(
  body: string,
  language: string | undefined,
  outputs: string[],
): { texts: string[]; everyColumn: boolean } | undefined {
  const statements = splitStatements(body).map(({ start, end }) => body.slice(start, end));
  if (language === 'sql') {
    const last = statements[statements.length - 1] ?? '';
    if (!SELECT_LIST.test(last)) return undefined;
    const list = selectedText(last);
    return { texts: [list], everyColumn: EVERY_ITEM.test(list) };
  }
  if (language !== 'plpgsql') return undefined;
  const returns = statements.flatMap((statement) =>
    [...statement.matchAll(RETURN_STATEMENT)].map((match) => ({
      query: match[1]?.toLowerCase() === 'query',
      text: match[2] as string,
    })),
  );
  if (returns.length === 0) return undefined;
  // OUT parameters are returned by name (`out full_name text`), whatever RETURN says.
  const texts: string[] = [...outputs];
  let everyColumn = false;
  const read = (text: string) => {
    const list = selectedText(text);
    if (EVERY_ITEM.test(list)) everyColumn = true;
    texts.push(list);
  };
  const pending = [...outputs];
  for (const { query, text } of returns) {
    if (query) {
      read(text);
      continue;
    }
    texts.push(text);
    for (const match of text.matchAll(WHOLE_IDENTIFIER)) {
      pending.push((match[1] as string).toLowerCase());
    }
  }
  const expanded = new Set<string>();
  while (pending.length > 0 && expanded.size < 64) {
    const variable = pending.pop() as string;
    if (expanded.has(variable)) continue;
    expanded.add(variable);
    const named = new RegExp(`(?<![\\w$.])${escapeRegExp(variable)}(?![\\w$])`, 'i');
    for (const statement of statements) {
      const assigned = new RegExp(
        `^[\\s\\S]*?(?<![\\w$.])${escapeRegExp(variable)}\\s*:=\\s*([\\s\\S]*)$`,
        'i',
      ).exec(statement)?.[1];
      const into = /\binto\s+(?:strict\s+)?([\w$.,\s]+?)(?:\bfrom\b|\bwhere\b|$)/i.exec(statement);
      if (assigned !== undefined) {
        read(assigned);
        for (const match of assigned.matchAll(WHOLE_IDENTIFIER)) {
          pending.push((match[1] as string).toLowerCase());
        }
      } else if (into && named.test(into[1] as string)) {
        // `insert … returning * into v_new`: the caller's own values, with the ids made for them.
        if (/^(?:[\s\S]*?\b(?:then|else|loop|begin)\s+)?insert\b/i.test(statement)) continue;
        const returning = /\breturning\b([\s\S]*?)\binto\b/i.exec(statement)?.[1];
        read(returning ?? statement.slice(statement.search(/\bselect\b/i)));
      }
    }
  }
  return { texts, everyColumn };
}
