/**
 * Uploads to object stores in a data script: S3 (`PutObjectCommand`, `putObject`, `Upload`), Google
 * Cloud Storage (`bucket.file(k).save(…)`, `bucket.upload`), Azure Blob Storage and Supabase
 * Storage, with whether the object or its container is made public.
 */
import { ts } from '../morph.js';
import type { Sink } from '../../../facts.js';
import { PUBLIC_AZURE_ACCESS, PUBLIC_GCS_ACLS, PUBLIC_S3_ACLS } from '../sinks.js';
import type { Script } from './script.js';
import { emitSend, valuesOf } from './sends.js';
import { memberPath, objectProperty, stripParentheses } from './syntax.js';
import type { Chain } from './syntax.js';
import { lastNameOf } from '../syntax-index.js';

// Object stores

export function checkConstructedSend(script: Script, node: ts.NewExpression): void {
  const constructor = stripParentheses(node.expression);
  const name = lastNameOf(constructor);
  if (name !== 'Upload') return;
  const ref = script.importOf(
    ts.isPropertyAccessExpression(constructor) ? constructor.expression : constructor,
  );
  if (ref && ref.module !== '@aws-sdk/lib-storage') return;
  const options = node.arguments?.[0] && script.definitionOf(node.arguments[0]);
  const params =
    options && ts.isObjectLiteralExpression(options)
      ? objectProperty(options, 'params')
      : undefined;
  if (params) emitS3(script, node, params);
}

export function emitS3(script: Script, node: ts.Node, paramsExpression: ts.Expression): void {
  const params = script.definitionOf(paramsExpression);
  if (!ts.isObjectLiteralExpression(params)) return;
  const bucket = script.stringOf(objectProperty(params, 'Bucket'));
  const key = script.urlOf(objectProperty(params, 'Key'));
  const acl = script.stringOf(objectProperty(params, 'ACL'));
  const sink: Sink = {
    type: 'object-store',
    service: 's3',
    publicAcl: acl !== undefined && PUBLIC_S3_ACLS.has(acl),
  };
  if (bucket) sink.bucket = bucket;
  if (key) sink.key = key;
  const carried = valuesOf(
    script,
    ['Body', 'Key', 'Metadata'].map((name) => objectProperty(params, name)),
  );
  emitSend(script, node, sink, `uploaded to s3${bucket ? ` bucket ${bucket}` : ''}`, carried);
}

export function checkObjectStore(script: Script, call: ts.CallExpression): void {
  const callee = stripParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return;
  const method = callee.name.text;
  const receiver = callee.expression;
  if (method === 'send') {
    const command = call.arguments[0] && script.definitionOf(call.arguments[0]);
    if (
      command &&
      ts.isNewExpression(command) &&
      /PutObjectCommand$/.test(command.expression.getText(script.sourceFile))
    ) {
      const params = command.arguments?.[0];
      if (params) emitS3(script, call, params);
    }
    return;
  }
  if (method === 'putObject' || method === 'upload') {
    const params = call.arguments[0] && script.definitionOf(call.arguments[0]);
    if (
      params &&
      ts.isObjectLiteralExpression(params) &&
      objectProperty(params, 'Bucket') &&
      objectProperty(params, 'Body')
    ) {
      emitS3(script, call, params);
      return;
    }
  }
  const chain = script.fullChainOf(receiver);
  const last = chain.links[chain.links.length - 1];
  if (method === 'save' && last?.name === 'file') {
    emitGcs(script, call, chain, call.arguments[0], call.arguments[1], receiver);
  } else if (method === 'upload' && last?.name === 'bucket') {
    const options = call.arguments[1] && script.definitionOf(call.arguments[1]);
    const destination =
      options && ts.isObjectLiteralExpression(options)
        ? objectProperty(options, 'destination')
        : undefined;
    emitGcs(script, call, chain, call.arguments[0], call.arguments[1], receiver, destination);
  } else if (
    /^(?:upload|uploadData|uploadStream|uploadFile)$/.test(method) &&
    last &&
    /^get(?:Block)?BlobClient$/.test(last.name)
  ) {
    emitAzure(script, call, chain, call.arguments[0]);
  } else if (
    method === 'upload' &&
    last?.name === 'from' &&
    memberPath(chain.root).path.includes('storage')
  ) {
    const bucket = script.stringOf(last.args[0]);
    const key = script.urlOf(call.arguments[0]);
    const sink: Sink = { type: 'object-store', service: 'supabase', publicAcl: false };
    if (bucket) sink.bucket = bucket;
    if (key) sink.key = key;
    emitSend(
      script,
      call,
      sink,
      `uploaded to supabase storage${bucket ? ` bucket ${bucket}` : ''}`,
      valuesOf(script, [call.arguments[1], call.arguments[0]]),
    );
  }
}

export function emitGcs(
  script: Script,
  call: ts.CallExpression,
  chain: Chain,
  data: ts.Expression | undefined,
  optionsArgument: ts.Expression | undefined,
  receiver: ts.Expression,
  destination?: ts.Expression,
): void {
  const bucket = script.stringOf(chain.links.find((link) => link.name === 'bucket')?.args[0]);
  const fileLink = chain.links.find((link) => link.name === 'file');
  const key = script.urlOf(fileLink?.args[0] ?? destination);
  const options = optionsArgument && script.definitionOf(optionsArgument);
  let publicAcl = false;
  if (options && ts.isObjectLiteralExpression(options)) {
    const isPublic = objectProperty(options, 'public');
    const predefined = script.stringOf(objectProperty(options, 'predefinedAcl'));
    publicAcl =
      isPublic?.kind === ts.SyntaxKind.TrueKeyword ||
      (predefined !== undefined && PUBLIC_GCS_ACLS.has(predefined));
  }
  publicAcl ||= madePublic(script, receiver);
  const sink: Sink = { type: 'object-store', service: 'gcs', publicAcl };
  if (bucket) sink.bucket = bucket;
  if (key) sink.key = key;
  emitSend(
    script,
    call,
    sink,
    `uploaded to gcs${bucket ? ` bucket ${bucket}` : ''}`,
    valuesOf(script, [data, fileLink?.args[0]]),
  );
}

/** `file.makePublic()` anywhere in the file on the same variable. */
export function madePublic(script: Script, receiver: ts.Expression): boolean {
  const node = stripParentheses(receiver);
  if (!ts.isIdentifier(node)) return false;
  const declared = script.tracker.declarationOf(node);
  if (!declared) return false;
  let found = false;
  const visit = (current: ts.Node): void => {
    if (found) return;
    if (
      ts.isCallExpression(current) &&
      ts.isPropertyAccessExpression(current.expression) &&
      current.expression.name.text === 'makePublic' &&
      ts.isIdentifier(current.expression.expression) &&
      script.tracker.declarationOf(current.expression.expression) === declared
    ) {
      found = true;
    }
    ts.forEachChild(current, visit);
  };
  visit(script.sourceFile);
  return found;
}

export function emitAzure(
  script: Script,
  call: ts.CallExpression,
  chain: Chain,
  data: ts.Expression | undefined,
): void {
  const containerLink = chain.links.find((link) => link.name === 'getContainerClient');
  const container = script.stringOf(containerLink?.args[0]);
  const blobLink = chain.links.find((link) => /^get(?:Block)?BlobClient$/.test(link.name));
  const key = script.urlOf(blobLink?.args[0]);
  const sink: Sink = {
    type: 'object-store',
    service: 'azure',
    publicAcl: container !== undefined && containerIsPublic(script, container),
  };
  if (container) sink.bucket = container;
  if (key) sink.key = key;
  emitSend(
    script,
    call,
    sink,
    `uploaded to azure${container ? ` container ${container}` : ''}`,
    valuesOf(script, [data, blobLink?.args[0]]),
  );
}

/** `containerClient.create({ access: 'blob' })` or `setAccessPolicy('container')` on a container of that name. */
export function containerIsPublic(script: Script, container: string): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      let access: string | undefined;
      if (method === 'create' || method === 'createIfNotExists') {
        const options = node.arguments[0] && script.definitionOf(node.arguments[0]);
        if (options && ts.isObjectLiteralExpression(options))
          access = script.stringOf(objectProperty(options, 'access'));
      } else if (method === 'setAccessPolicy') {
        access = script.stringOf(node.arguments[0]);
      }
      if (access && PUBLIC_AZURE_ACCESS.has(access)) {
        const chain = script.fullChainOf(node.expression.expression);
        const link = chain.links.find((candidate) => candidate.name === 'getContainerClient');
        if (link && script.stringOf(link.args[0]) === container) found = true;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(script.sourceFile);
  return found;
}
