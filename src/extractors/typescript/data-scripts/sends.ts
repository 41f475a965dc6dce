/**
 * Sends in a data script: a log call, an analytics or CRM SDK, an HTTP request. Which loggers,
 * SDKs and HTTP clients exist is the catalogue in `sinks.ts`; this module only matches calls of
 * the file against it, by the file's own imports. A send of tainted values is a `data-sent` fact.
 */
import { ts } from '../morph.js';
import type { DataSent, FlowStep, Sink } from '../../../facts.js';
import { propertyNameText, shortText } from '../data-flow.js';
import { importedProjectFile } from '../imports.js';
import { leavesOf } from '../data-flow/values.js';
import type { Leaf, Value } from '../data-flow/values.js';
import {
  HTTP_CLIENTS,
  HTTP_DATA_PROPERTIES,
  HTTP_URL_PROPERTIES,
  LOGGER_FACTORIES,
  LOGGER_NAME,
  LOG_METHODS,
  NODE_HTTP_MODULES,
  SDK_CATALOGUE,
  vendorOfHost,
} from '../sinks.js';
import type { HttpCallShape, HttpClientEntry, SdkEntry } from '../sinks.js';
import { checkExport, checkPipeline } from './exports.js';
import { checkObjectStore } from './object-stores.js';
import type { Script } from './script.js';
import {
  chainOf,
  joinUrl,
  memberPath,
  objectProperty,
  receiverName,
  sourceOf,
  stripParentheses,
} from './syntax.js';
import { lastNameOf } from '../syntax-index.js';

const PERSON_TABLE =
  /patient|customer|member|user|account|cardholder|prescriber|doctor|employee|person|people|contact|subscriber|profile|client|lead|student|guest|owner/i;

// ── sends ───────────────────────────────────────────────────────────────────────────────────

export function emitSend(
  script: Script,
  node: ts.Node,
  sink: Sink,
  description: string,
  carried: Value | undefined,
): void {
  const leaves = leavesOf(carried).filter((leaf) => !isOnlyOwnKey(leaf));
  if (leaves.length === 0) return;
  const step: FlowStep = { at: script.locate(node), description };
  const fact: DataSent = {
    kind: 'data-sent',
    at: script.locate(node),
    sink,
    values: leaves.map((leaf) => sourceOf(leaf, step)),
  };
  script.emit(fact);
}

export function valuesOf(
  script: Script,
  expressions: readonly (ts.Expression | undefined)[],
): Value | undefined {
  let carried: Value | undefined;
  for (const expression of expressions) {
    const value = script.tracker.valueOf(expression);
    if (!value) continue;
    carried = carried
      ? {
          fields: new Map([...(carried.fields ?? []), [String(carried.fields?.size ?? 0), value]]),
        }
      : { fields: new Map([['0', value]]) };
  }
  return carried;
}

export function checkSend(script: Script, call: ts.CallExpression): void {
  if (checkExport(script, call) || checkPipeline(script, call)) return;
  if (checkLog(script, call)) return;
  if (checkSdk(script, call)) return;
  if (checkHttp(script, call)) return;
  checkObjectStore(script, call);
}

export function isLogger(script: Script, expression: ts.Expression, depth = 0): boolean {
  if (depth > 4) return false;
  const node = stripParentheses(expression);
  const name = receiverName(node);
  if (name && LOGGER_NAME.test(name)) {
    // `import { Logger } from '@clinic/js-utils'` is a logger whatever the package is called;
    // a short `log` imported from elsewhere may be a math function.
    if (/^logger$/i.test(name)) return true;
    return !(
      ts.isIdentifier(node) &&
      name !== 'console' &&
      script.importOf(node) &&
      !isLoggerModule(script, node)
    );
  }
  const definition = script.definitionOf(node);
  if (definition !== node && (ts.isCallExpression(definition) || ts.isNewExpression(definition))) {
    const callee = stripParentheses(definition.expression);
    const factory = lastNameOf(callee);
    if (LOGGER_FACTORIES.has(factory)) return true;
    if (ts.isPropertyAccessExpression(callee) && factory === 'child')
      return isLogger(script, callee.expression, depth + 1);
  }
  return false;
}

/** A logger named like one is taken for one when it comes from a logging package or the project. */
export function isLoggerModule(script: Script, identifier: ts.Identifier): boolean {
  const ref = script.importOf(identifier);
  return (
    !ref ||
    /pino|winston|bunyan|log/i.test(ref.module) ||
    ref.module.startsWith('.') ||
    importedProjectFile(script.sourceFile, ref.module) !== undefined
  );
}

/**
 * Code that runs in the user's browser: a `'use client'` module, a React component using hooks
 * (server components cannot), or an Angular module. A Next.js server component, an API route and
 * a server action log on the server.
 */
function runsInBrowser(script: Script): boolean {
  return script.mentions(BROWSER_CODE) && !script.mentions(SERVER_DIRECTIVE);
}

const BROWSER_CODE =
  /^\s*(?:\/\/[^\n]*\n\s*)*['"]use client['"]|\buse(?:State|Effect|Reducer|Ref|Context)\s*[(<]|from\s+['"]@angular\/(?:core|common)['"]/;
const SERVER_DIRECTIVE = /^\s*['"]use server['"]/;

/**
 * A project's own logging functions, imported from a logging module or a project file
 * (`import { logError } from '@/shared/utils/logger'`): `logError('update failed', { input })`.
 */
const LOG_FUNCTION = /^log(?:Error|Warn|Warning|Info|Debug|Trace|Fatal|Event|Message)?$/;

function checkLogFunction(script: Script, call: ts.CallExpression, callee: ts.Identifier): boolean {
  if (!LOG_FUNCTION.test(callee.text) || !script.importOf(callee)) return false;
  if (!isLoggerModule(script, callee)) return false;
  emitSend(
    script,
    call,
    { type: 'log', logger: callee.text, ...(runsInBrowser(script) ? { browser: true } : {}) },
    `logged with ${callee.text}`,
    valuesOf(script, call.arguments),
  );
  return true;
}

export function checkLog(script: Script, call: ts.CallExpression): boolean {
  const callee = stripParentheses(call.expression);
  if (ts.isIdentifier(callee)) return checkLogFunction(script, call, callee);
  if (!ts.isPropertyAccessExpression(callee) || !LOG_METHODS.has(callee.name.text)) return false;
  if (!isLogger(script, callee.expression)) return false;
  const logger = shortText(callee.expression);
  emitSend(
    script,
    call,
    { type: 'log', logger, ...(runsInBrowser(script) ? { browser: true } : {}) },
    `logged with ${logger}.${callee.name.text}`,
    valuesOf(script, call.arguments),
  );
  return true;
}

// SDKs

/** The catalogue entry whose client `expression` is, with the package it came from. */
export function sdkClientOf(
  script: Script,
  expression: ts.Expression,
  depth = 0,
): { entry: SdkEntry; module: string } | undefined {
  if (depth > 4) return undefined;
  const node = stripParentheses(expression);
  const ref = script.importOf(node);
  if (ref) {
    const entry = entryOfPackage(ref.module);
    if (entry && entry.clients.some((recipe) => 'module' in recipe)) {
      if (ref.exported === 'default' || ref.exported === '*' || ref.exported === 'module') {
        return { entry, module: ref.module };
      }
    }
    return undefined;
  }
  const definition = script.definitionOf(node);
  if (ts.isNewExpression(definition)) return constructedSdk(script, definition);
  if (ts.isCallExpression(definition)) {
    const callee = stripParentheses(definition.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const base = stripParentheses(callee.expression);
      const baseRef =
        script.importOf(base) ??
        (ts.isCallExpression(base) ? script.requiredModule(base) : undefined);
      const entry = baseRef && entryOfPackage(baseRef.module);
      if (
        baseRef &&
        entry &&
        entry.clients.some((recipe) => 'factory' in recipe && recipe.factory === callee.name.text)
      ) {
        return { entry, module: baseRef.module };
      }
      // A fluent chain on a constructed client (`new EventRequest(t, p).setEvents([e])`).
      const { root } = chainOf(definition);
      const rooted = script.definitionOf(root);
      if (ts.isNewExpression(rooted)) return constructedSdk(script, rooted);
      if (rooted !== definition) return sdkClientOf(script, rooted, depth + 1);
    }
  }
  return undefined;
}

export function constructedSdk(
  script: Script,
  node: ts.NewExpression,
): { entry: SdkEntry; module: string } | undefined {
  const constructor = stripParentheses(node.expression);
  let ref = script.importOf(constructor);
  let exported = ref?.exported;
  if (!ref && ts.isPropertyAccessExpression(constructor)) {
    const base = script.importOf(constructor.expression);
    if (
      base &&
      (base.exported === '*' || base.exported === 'module' || base.exported === 'default')
    ) {
      ref = base;
      exported = constructor.name.text;
    }
  }
  if (!ref || exported === undefined) return undefined;
  const entry = entryOfPackage(ref.module);
  if (!entry) return undefined;
  const constructs = entry.clients.some(
    (recipe) =>
      'construct' in recipe &&
      (recipe.construct === exported ||
        (recipe.construct === 'default' && (exported === 'default' || exported === 'module'))),
  );
  return constructs ? { entry, module: ref.module } : undefined;
}

export function isBuilderCall(script: Script, call: ts.CallExpression): boolean {
  const { root } = chainOf(call);
  const rooted = script.definitionOf(root);
  if (!ts.isNewExpression(rooted)) return false;
  const constructor = stripParentheses(rooted.expression);
  const name = ts.isPropertyAccessExpression(constructor)
    ? constructor.name.text
    : ts.isIdentifier(constructor)
      ? (script.importOf(constructor)?.exported ?? constructor.text)
      : '';
  const base = ts.isPropertyAccessExpression(constructor) ? constructor.expression : constructor;
  const ref = script.importOf(base);
  const entry = ref && entryOfPackage(ref.module);
  return Boolean(entry?.builders?.includes(name));
}

export function checkSdk(script: Script, call: ts.CallExpression): boolean {
  const callee = stripParentheses(call.expression);
  let match:
    { entry: SdkEntry; module: string; method: string; receiver?: ts.Expression } | undefined;
  if (ts.isIdentifier(callee)) {
    const ref = script.importOf(callee);
    const entry = ref && entryOfPackage(ref.module);
    if (ref && entry?.clients.some((recipe) => 'functions' in recipe)) {
      match = { entry, module: ref.module, method: ref.exported };
    }
  } else if (ts.isPropertyAccessExpression(callee)) {
    const { root, path } = memberPath(callee);
    for (let split = path.length - 1; split >= 0 && !match; split--) {
      const receiverPath = path.slice(0, split);
      const method = path.slice(split).join('.');
      if (receiverPath.length > 0) continue;
      const client = sdkClientOf(script, root);
      if (client) match = { ...client, method, receiver: root };
      else if (ts.isIdentifier(root)) {
        const entry = SDK_CATALOGUE.find((candidate) =>
          candidate.receiverNames?.includes(root.text),
        );
        if (entry && !script.tracker.initializerOf(root)) {
          match = { entry, module: entry.packages[0] ?? entry.vendor, method, receiver: root };
        }
      }
    }
    if (!match) {
      // A call on a fluent chain (`new EventRequest(t, p).setEvents([e]).execute()`).
      const { root: chainRoot } = chainOf(call);
      const constructed = ts.isNewExpression(chainRoot)
        ? constructedSdk(script, chainRoot)
        : undefined;
      if (constructed)
        match = { ...constructed, method: callee.name.text, receiver: callee.expression };
    }
  }
  if (!match) return false;
  const sdkCall = match.entry.calls.find((candidate) => candidate.method === match.method);
  if (!sdkCall) return false;
  const data = call.arguments.filter(
    (_, index) => !sdkCall.dataArguments || sdkCall.dataArguments.includes(index),
  );
  if (sdkCall.sendsReceiver && match.receiver) data.push(match.receiver);
  const sink: Sink = {
    type: 'sdk',
    sdk: match.module,
    vendor: match.entry.vendor,
    host: match.entry.host,
  };
  const { root: calleeRoot, path: calleePath } = memberPath(callee);
  const label = ts.isIdentifier(calleeRoot)
    ? [calleeRoot.text, ...calleePath].join('.')
    : match.method;
  emitSend(
    script,
    call,
    sink,
    `sent to ${match.entry.vendor} with ${label}`,
    valuesOf(script, data),
  );
  return true;
}

// HTTP

export function httpClientOf(
  script: Script,
  expression: ts.Expression,
): { entry: HttpClientEntry; base?: string } | undefined {
  const node = stripParentheses(expression);
  const ref = script.importOf(node);
  if (ref) {
    const entry = HTTP_CLIENTS.find((candidate) => candidate.packages.includes(ref.module));
    if (
      entry &&
      (ref.exported === 'default' ||
        ref.exported === 'module' ||
        ref.exported === '*' ||
        ref.exported === entry.client)
    ) {
      return { entry };
    }
    return undefined;
  }
  if (ts.isIdentifier(node) && !script.tracker.declarationOf(node)) {
    const global = HTTP_CLIENTS.find(
      (candidate) => candidate.global && candidate.client === node.text,
    );
    if (global) return { entry: global };
  }
  const definition = script.definitionOf(node);
  if (definition !== node && ts.isCallExpression(definition)) {
    const callee = stripParentheses(definition.expression);
    if (ts.isPropertyAccessExpression(callee) && /^(?:create|extend)$/.test(callee.name.text)) {
      const parent = httpClientOf(script, callee.expression);
      if (!parent) return undefined;
      const options = definition.arguments[0] && script.definitionOf(definition.arguments[0]);
      const base =
        options && ts.isObjectLiteralExpression(options)
          ? script.urlOf(objectProperty(options, 'baseURL') ?? objectProperty(options, 'prefixUrl'))
          : undefined;
      return base ? { entry: parent.entry, base } : { entry: parent.entry };
    }
  }
  return undefined;
}

export function checkHttp(script: Script, call: ts.CallExpression): boolean {
  const callee = stripParentheses(call.expression);
  let client: { entry: HttpClientEntry; base?: string } | undefined;
  let shape: HttpCallShape | undefined;
  client = httpClientOf(script, callee);
  if (client) shape = client.entry.call;
  else if (ts.isPropertyAccessExpression(callee)) {
    client = httpClientOf(script, callee.expression);
    shape = client?.entry.methods[callee.name.text];
  }
  if (client && shape) {
    emitHttp(script, call, client.entry.client, shape, client.base);
    return true;
  }
  return checkNodeHttp(script, call);
}

export function emitHttp(
  script: Script,
  call: ts.CallExpression,
  clientName: string,
  shape: HttpCallShape,
  base?: string,
): void {
  const args = call.arguments;
  const carried: Array<ts.Expression | undefined> = [];
  let url = shape.url !== undefined ? script.urlOf(args[shape.url]) : undefined;
  if (shape.url !== undefined) carried.push(args[shape.url]);
  for (const index of shape.body ?? []) carried.push(args[index]);
  const config = shape.config !== undefined ? args[shape.config] : undefined;
  const options = config && script.definitionOf(config);
  if (options && ts.isObjectLiteralExpression(options)) {
    for (const name of HTTP_DATA_PROPERTIES) {
      const property = objectProperty(options, name);
      if (name === 'headers') carried.push(...headersSent(script, property));
      else carried.push(property);
    }
    for (const name of HTTP_URL_PROPERTIES) {
      const property = objectProperty(options, name);
      if (!property) continue;
      carried.push(property);
      if (name === 'baseURL' || name === 'prefixUrl') base = script.urlOf(property) ?? base;
      else url ??= script.urlOf(property);
    }
  } else if (config && shape.config !== shape.url) {
    carried.push(config);
  }
  if (base && (!url || !/^https?:/i.test(url))) url = url ? joinUrl(base, url) : base;
  emitHttpSink(script, call, clientName, url, valuesOf(script, carried));
}

/**
 * Headers a request sends, without its credentials: an `Authorization` bearer or an API key goes
 * to the service that issued it, to prove who calls, and tells it nothing about anyone.
 */
const CREDENTIAL_HEADER =
  /^(?:authorization|proxy-authorization|x-api-key|api-key|apikey|x-auth-token|x-access-token|cookie)$/i;

function headersSent(
  script: Script,
  headers: ts.Expression | undefined,
): Array<ts.Expression | undefined> {
  if (headers === undefined) return [];
  const literal = script.definitionOf(headers);
  if (!ts.isObjectLiteralExpression(literal)) return [headers];
  return literal.properties.flatMap((property) => {
    if (ts.isSpreadAssignment(property)) return [property.expression];
    if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property))
      return [];
    const name = propertyNameText(property.name);
    if (name !== undefined && CREDENTIAL_HEADER.test(name)) return [];
    return [ts.isPropertyAssignment(property) ? property.initializer : property.name];
  });
}

export function emitHttpSink(
  script: Script,
  node: ts.Node,
  client: string,
  url: string | undefined,
  carried: Value | undefined,
): void {
  const host = url ? hostOf(url) : undefined;
  const vendor = host ? vendorOfHost(host) : undefined;
  const target = host ?? url ?? 'an HTTP endpoint';
  if (vendor && host) {
    emitSend(
      script,
      node,
      { type: 'sdk', sdk: client, vendor, host },
      `sent to ${vendor} (${host}) with ${client}`,
      carried,
    );
    return;
  }
  const sink: Sink = { type: 'http', client };
  if (host) sink.host = host;
  if (url) sink.url = url;
  emitSend(script, node, sink, `sent to ${target} with ${client}`, carried);
}

/** `https.request(options)` and the `write`/`end` calls on the request it returns. */
export function checkNodeHttp(script: Script, call: ts.CallExpression): boolean {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const method = callee.name.text;
  const ref = script.importOf(callee.expression);
  if (
    ref &&
    (NODE_HTTP_MODULES as readonly string[]).includes(ref.module) &&
    /^(?:request|get)$/.test(method)
  ) {
    const url = nodeHttpUrl(script, call);
    emitHttpSink(
      script,
      call,
      ref.module.replace(/^node:/, ''),
      url,
      valuesOf(script, [call.arguments[0]]),
    );
    return true;
  }
  if (method !== 'write' && method !== 'end') return false;
  const request = script.definitionOf(callee.expression);
  if (!ts.isCallExpression(request)) return false;
  const requestCallee = stripParentheses(request.expression);
  if (!ts.isPropertyAccessExpression(requestCallee)) return false;
  const module = script.importOf(requestCallee.expression)?.module;
  if (!module || !(NODE_HTTP_MODULES as readonly string[]).includes(module)) return false;
  emitHttpSink(
    script,
    call,
    module.replace(/^node:/, ''),
    nodeHttpUrl(script, request),
    valuesOf(script, call.arguments),
  );
  return true;
}

export function nodeHttpUrl(script: Script, request: ts.CallExpression): string | undefined {
  const first = request.arguments[0];
  const url = script.urlOf(first);
  if (url) return url;
  const options = first && script.definitionOf(first);
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  const host = script.stringOf(
    objectProperty(options, 'hostname') ?? objectProperty(options, 'host'),
  );
  const path = script.stringOf(objectProperty(options, 'path')) ?? '';
  return host ? `https://${host}${path}` : undefined;
}

function entryOfPackage(module: string): SdkEntry | undefined {
  return SDK_CATALOGUE.find((entry) => entry.packages.includes(module));
}

function hostOf(url: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/:?#$]+)/i.exec(url)?.[1]?.toLowerCase();
}

/** A table's own `id` says nothing about a person unless the table is about people (taxonomy.md). */
function isOnlyOwnKey(leaf: Leaf): boolean {
  return (
    leaf.from.length > 0 &&
    leaf.from.every((column) => column.column === 'id' && !PERSON_TABLE.test(column.table.name))
  );
}
