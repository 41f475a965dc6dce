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

/** Tables a body reads, writes or returns from, as written (`from public.patients p`). */
const TABLE_REFERENCE =
  /\b(?:from|join)\s+((?:"[^"]+"|[a-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|[a-z_][\w$]*))?)/gi;
const IDENTIFIER = /"([^"]+)"|([a-z_][\w$]*)/gi;
/** `select *`, `t.*`, `returning *`: every column. */
const EVERY_COLUMN = /(?:select|returning|,)\s*(?:[a-z_][\w$]*\s*\.\s*)?\*/i;
/** Return types that hand nothing personal back to the caller. */
const NO_ROWS = new Set(['trigger', 'event_trigger', 'void', 'bool', 'boolean']);
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
  body = body.slice(0, MAX_BODY);
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
  const mentions = new Set<string>();
  for (const match of body.matchAll(IDENTIFIER)) {
    mentions.add(match[1] ?? (match[2] as string).toLowerCase());
  }
  if (EVERY_COLUMN.test(body) || returnsTableRows) mentions.add('*');
  facts.push({
    kind: 'function-created',
    at: statementLocation(context),
    name,
    ...(schema !== undefined ? { schema } : {}),
    securityDefiner,
    reads,
    mentions: [...mentions],
    returnsRows: !NO_ROWS.has((returnNames[returnNames.length - 1] ?? 'void').toLowerCase()),
    callerScoped: CALLER_SCOPED.test(body),
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

function tableOfParts(parts: string[]): TableName {
  const name = parts[parts.length - 1] as string;
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  return schema === undefined || schema === 'public' ? { name } : { schema, name };
}

function unquote(part: string): string {
  return part.startsWith('"') ? part.slice(1, -1) : part.toLowerCase();
}
