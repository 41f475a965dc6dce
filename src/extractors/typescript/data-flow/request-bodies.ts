/**
 * What a request handler receives: `req.body` (Express, Next.js pages), `await req.json()` (edge
 * functions, route handlers), `ctx.request.body` (Koa), `await c.req.json()` (Hono),
 * `JSON.parse(event.body)` (Lambda). A sign-up or booking handler's body carries the person's
 * email, phone and answers, and a handler that logs it (`console.log(req.body)`, `console.log('OTP
 * for', phone)`) writes them to the platform's logs.
 *
 * The body is a row of a table no schema declares; its fields are the names the file reads from
 * it (`body.phone`, `const { email, password } = await req.json()`), so that logging the whole
 * body reports what it holds, and the classifier judges each field by its name.
 */
import type { TableName } from '../../../facts.js';
import { REQUEST_BODY_TABLE } from '../../../facts.js';
import { ts } from '../morph.js';
import { unwrapRaw } from '../syntax-index.js';

/** The table a request body's fields are columns of, in the findings' words. */
export const REQUEST_BODY: TableName = { name: REQUEST_BODY_TABLE };

/** The objects a handler's request is called by; `event` only for its `body` (Lambda). */
const REQUEST_OBJECT = /^(?:req|request|ctx\.request|context\.request|c\.req|event)$/;
/** Requests whose body is read by a call: `await req.json()`. */
const JSON_REQUEST_OBJECT = /^(?:req|request|c\.req)$/;

/** A quick test of a file's text before any walk. */
export const REQUEST_BODY_HINT =
  /\b(?:req|request|event)\.body\b|\b(?:req|request|c\.req)\.json\(\s*\)|\bctx\.request\.body\b/;

/** `ctx.request` for `ctx.request`; undefined for anything but identifiers joined by dots. */
function dottedName(node: ts.Expression): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) {
    const object = dottedName(node.expression);
    return object === undefined ? undefined : `${object}.${node.name.text}`;
  }
  return undefined;
}

/** `req.body`, `request.body`, `await req.json()`: the body of the request a handler serves. */
export function isRequestBody(node: ts.Expression): boolean {
  if (ts.isPropertyAccessExpression(node)) {
    const object = dottedName(node.expression);
    return node.name.text === 'body' && object !== undefined && REQUEST_OBJECT.test(object);
  }
  if (ts.isCallExpression(node) && node.arguments.length === 0) {
    const callee = node.expression;
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'json') return false;
    const object = dottedName(callee.expression);
    return object !== undefined && JSON_REQUEST_OBJECT.test(object);
  }
  return false;
}

/**
 * The field names a file reads from request bodies: `req.body.email`, `const { phone } = await
 * req.json()`, and through a variable holding a body (`const body = await req.json();
 * body.phone`). Variables are matched by name within the file, which is what a handler file holds.
 */
export function requestFieldNames(sourceFile: ts.SourceFile): string[] {
  const names = new Set<string>();
  const bodyVariables = new Set<string>();
  const readOf = new Map<string, Set<string>>();
  const noteRead = (variable: string, field: string) => {
    let fields = readOf.get(variable);
    if (fields === undefined) readOf.set(variable, (fields = new Set()));
    fields.add(field);
  };
  const boundNames = (pattern: ts.ObjectBindingPattern): string[] =>
    pattern.elements.flatMap((element) => {
      if (element.dotDotDotToken) return [];
      const named = element.propertyName ?? element.name;
      return ts.isIdentifier(named) || ts.isStringLiteral(named) ? [named.text] : [];
    });
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node)) {
      if (isRequestBody(node.expression)) names.add(node.name.text);
      else if (ts.isIdentifier(node.expression)) noteRead(node.expression.text, node.name.text);
    } else if (ts.isVariableDeclaration(node) && node.initializer) {
      const initializer = unwrapRaw(node.initializer);
      const fromBody =
        isRequestBody(initializer) ||
        (ts.isCallExpression(initializer) &&
          ts.isPropertyAccessExpression(initializer.expression) &&
          initializer.expression.name.text === 'parse' &&
          initializer.arguments[0] !== undefined &&
          isRequestBody(unwrapRaw(initializer.arguments[0])));
      if (ts.isObjectBindingPattern(node.name)) {
        if (fromBody) for (const name of boundNames(node.name)) names.add(name);
        else if (ts.isIdentifier(initializer)) {
          for (const name of boundNames(node.name)) noteRead(initializer.text, name);
        }
      } else if (ts.isIdentifier(node.name) && fromBody) {
        bodyVariables.add(node.name.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  for (const variable of bodyVariables) {
    for (const field of readOf.get(variable) ?? []) names.add(field);
  }
  return [...names];
}
