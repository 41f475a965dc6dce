/**
 * Exports in a data script: rows written to a file or a stream (`fs.writeFileSync('out/patients.json',
 * JSON.stringify(rows))`, `fs.createWriteStream(path)` and its `write`/`end`/`pipe`, a CSV or XLSX
 * export through csv-stringify, json2csv, fast-csv, papaparse or xlsx). Each is a send to a `file`
 * sink with the path as far as the script states it; the `pii-exported` rule judges it. Which
 * modules and calls count is the catalogue in `sinks.ts`.
 */
import { ts } from '../morph.js';
import type { Sink } from '../../../facts.js';
import { join, joinAll } from '../data-flow/values.js';
import type { Value } from '../data-flow/values.js';
import {
  EXPORT_FILE_WRITERS,
  EXPORT_PACKAGES,
  EXPORT_SERIALISERS,
  FILE_MODULES,
  FILE_WRITE_FUNCTIONS,
} from '../sinks.js';
import type { Script } from './script.js';
import { emitSend } from './sends.js';
import { chainOf, memberPath, stripParentheses } from './syntax.js';
import { lastNameOf } from '../syntax-index.js';

/** Checks one call; true when it is a file write (whatever it carried). */
export function checkExport(script: Script, call: ts.CallExpression): boolean {
  const callee = stripParentheses(call.expression);
  const { root, path } = memberPath(callee);
  const ref = script.importOf(root);
  const method = path.at(-1) ?? (ts.isIdentifier(callee) ? (ref?.exported ?? '') : '');
  if (ref && FILE_MODULES.has(ref.module) && FILE_WRITE_FUNCTIONS.has(method)) {
    const [target, data] = call.arguments;
    emitFile(script, call, `fs.${method}`, filePathOf(script, target), [data]);
    return true;
  }
  if (ref && EXPORT_PACKAGES.has(ref.module) && Object.hasOwn(EXPORT_FILE_WRITERS, method)) {
    const positions = EXPORT_FILE_WRITERS[method] as { path: number; data: number };
    const writer = `${ref.module} ${method}`;
    const path = filePathOf(script, call.arguments[positions.path]);
    emitFile(script, call, writer, path, [call.arguments[positions.data]]);
    return true;
  }
  if (!ts.isPropertyAccessExpression(callee)) return false;
  // `out.write(row)`, `out.end(text)` on a stream of `fs.createWriteStream(path)`.
  if (method === 'write' || method === 'end') {
    const stream = fileStreamOf(script, callee.expression);
    if (!stream) return false;
    emitFile(script, call, `write stream .${method}`, stream.path, [...call.arguments]);
    return true;
  }
  // `stringify(rows).pipe(fs.createWriteStream(path))`, `csv.write(rows).pipe(out)`.
  if (method === 'pipe') {
    const stream = call.arguments[0] && fileStreamOf(script, call.arguments[0]);
    if (!stream) return false;
    emitFile(script, call, 'write stream (pipe)', stream.path, [callee.expression]);
    return true;
  }
  return false;
}

/** `pipeline(source, …, fs.createWriteStream(path))` of `stream`/`stream/promises`. */
export function checkPipeline(script: Script, call: ts.CallExpression): boolean {
  const callee = stripParentheses(call.expression);
  const name = lastNameOf(callee);
  if (name !== 'pipeline' || call.arguments.length < 2) return false;
  const last = call.arguments[call.arguments.length - 1];
  const stream = last && fileStreamOf(script, last);
  if (!stream) return false;
  emitFile(script, call, 'stream pipeline', stream.path, [call.arguments[0]]);
  return true;
}

function emitFile(
  script: Script,
  call: ts.CallExpression,
  writer: string,
  path: string | undefined,
  data: ReadonlyArray<ts.Expression | undefined>,
): void {
  const sink: Sink = { type: 'file', writer };
  if (path) sink.path = path;
  const carried = joinAll(data.map((expression) => exportedValue(script, expression, 0)));
  emitSend(script, call, sink, `written to ${path ?? 'a file'} with ${writer}`, carried);
}

/** A stream of `fs.createWriteStream(path)`, directly or through a variable. */
function fileStreamOf(
  script: Script,
  expression: ts.Expression,
): { path: string | undefined } | undefined {
  const definition = script.definitionOf(expression);
  if (!ts.isCallExpression(definition)) return undefined;
  const callee = stripParentheses(definition.expression);
  const { root, path } = memberPath(callee);
  const ref = script.importOf(root);
  const name = path.at(-1) ?? ref?.exported;
  if (!ref || !FILE_MODULES.has(ref.module) || name !== 'createWriteStream') return undefined;
  return { path: filePathOf(script, definition.arguments[0]) };
}

/**
 * What a written value carries, looking through the export packages' serialisers
 * (`stringify(rows)`, `new Parser().parse(rows)`, `XLSX.utils.json_to_sheet(rows)`) and a workbook's
 * appended sheets (`XLSX.utils.book_append_sheet(workbook, sheet)`).
 */
function exportedValue(
  script: Script,
  expression: ts.Expression | undefined,
  depth: number,
): Value | undefined {
  if (!expression || depth > 4) return undefined;
  const own = script.tracker.valueOf(expression);
  const definition = script.definitionOf(expression);
  if (ts.isCallExpression(definition) && isSerialiser(script, definition)) {
    const inner = joinAll(
      definition.arguments.map((argument) => exportedValue(script, argument, depth + 1)),
    );
    return join(own, inner);
  }
  const node = stripParentheses(expression);
  if (ts.isIdentifier(node)) {
    const appended = appendedSheets(script, node).map((sheet) =>
      exportedValue(script, sheet, depth + 1),
    );
    return join(own, joinAll(appended));
  }
  return own;
}

/** A call of an export package that turns rows into text, a sheet or a stream of rows. */
function isSerialiser(script: Script, call: ts.CallExpression): boolean {
  const callee = stripParentheses(call.expression);
  const { root, path } = memberPath(callee);
  let ref = script.importOf(root);
  let method = path.at(-1) ?? (ref?.exported || '');
  if (!ref) {
    // `new Parser(options).parse(rows)`, `new AsyncParser().parse(rows)`.
    const { root: chainRoot } = chainOf(call);
    const built = script.definitionOf(chainRoot);
    if (ts.isNewExpression(built)) ref = script.importOf(stripParentheses(built.expression));
    if (ts.isPropertyAccessExpression(callee)) method = callee.name.text;
  }
  return ref !== undefined && EXPORT_PACKAGES.has(ref.module) && EXPORT_SERIALISERS.has(method);
}

/** `XLSX.utils.book_append_sheet(workbook, sheet)` anywhere in the file, for this workbook. */
function appendedSheets(script: Script, workbook: ts.Identifier): ts.Expression[] {
  const declared = script.tracker.declarationOf(workbook);
  if (!declared) return [];
  const sheets: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'book_append_sheet'
    ) {
      const [target, sheet] = node.arguments;
      const bare = target && stripParentheses(target);
      if (
        sheet &&
        bare &&
        ts.isIdentifier(bare) &&
        script.tracker.declarationOf(bare) === declared
      ) {
        sheets.push(sheet);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(script.sourceFile);
  return sheets;
}

/**
 * The path a file is written to, as far as the script states it: a literal, a constant, a template's
 * fixed parts, `path.join(…)`/`path.resolve(…)` of those; `…` stands for what only run time knows.
 */
export function filePathOf(
  script: Script,
  expression: ts.Expression | undefined,
  depth = 0,
): string | undefined {
  if (!expression || depth > 4) return undefined;
  const node = stripParentheses(expression);
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      text += (filePathOf(script, span.expression, depth + 1) ?? '…') + span.literal.text;
    }
    return text;
  }
  if (ts.isIdentifier(node)) {
    if (node.text === '__dirname' || node.text === 'process') return undefined;
    const initializer = script.tracker.initializerOf(node);
    return initializer ? filePathOf(script, initializer, depth + 1) : undefined;
  }
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const method = node.expression.name.text;
    if (method === 'join' || method === 'resolve') {
      const parts = node.arguments.map((argument) => filePathOf(script, argument, depth + 1));
      const known = parts.filter((part): part is string => part !== undefined);
      if (known.length === 0) return undefined;
      return parts
        .map((part) => part ?? '…')
        .join('/')
        .replace(/\/+/g, '/');
    }
  }
  return undefined;
}
