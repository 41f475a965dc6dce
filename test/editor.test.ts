// Data stewards' editor: the data-map schema enumerates the taxonomy (and is what a fresh build
// writes), yaml-language-server driven over stdio completes and checks category names with the
// schema `piilint init` references, and the SchemaStore catalogue entry is ready to submit.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CATEGORIES } from '../src/taxonomy/categories.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCHEMA = join(ROOT, 'schemas', 'datamap.schema.json');
const SERVER = join(ROOT, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');

interface Message {
  id?: number;
  method?: string;
  params?: { uri?: string; diagnostics?: Diagnostic[]; items?: Array<{ section?: string }> };
  result?: unknown;
}
interface Diagnostic {
  range: { start: { line: number; character: number } };
  message: string;
  severity: number;
}
interface CompletionItem {
  label: string;
  documentation?: string | { value: string };
}

/** A Language Server Protocol client over the server's stdin and stdout, every wait bounded. */
function languageServer() {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let buffer = Buffer.alloc(0);
  let nextId = 1;
  const replies = new Map<number, (message: Message) => void>();
  const notifications: Message[] = [];
  const waiting: Array<() => void> = [];
  const send = (message: object) => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
    child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    child.stdin.write(body);
  };
  child.stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())?.[1]);
      if (buffer.length < end + 4 + length) return;
      const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString()) as Message;
      buffer = buffer.subarray(end + 4 + length);
      if (message.id !== undefined && message.method === undefined) {
        replies.get(message.id)?.(message);
        replies.delete(message.id);
      } else if (message.id !== undefined) {
        // The server asks for its settings: validation and completion on, no schema downloads.
        const settings = { validate: true, completion: true, schemaStore: { enable: false } };
        const items = message.params?.items ?? [];
        send({
          id: message.id,
          result: message.method === 'workspace/configuration' ? items.map(() => settings) : null,
        });
      } else {
        notifications.push(message);
        waiting.splice(0).forEach((wake) => wake());
      }
    }
  });
  const within = <T>(promise: Promise<T>, what: string) =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no ${what} within 30 s`)), 30_000).unref(),
      ),
    ]);
  return {
    request(method: string, params: object): Promise<Message> {
      const id = nextId++;
      return within(
        new Promise<Message>((resolve) => {
          replies.set(id, resolve);
          send({ id, method, params });
        }),
        method,
      );
    },
    notify(method: string, params: object) {
      send({ method, params });
    },
    async notification(match: (message: Message) => boolean): Promise<Message> {
      return within(
        (async () => {
          for (;;) {
            const found = notifications.find(match);
            if (found) return found;
            await new Promise<void>((wake) => waiting.push(wake));
          }
        })(),
        'notification',
      );
    },
    stop() {
      child.kill();
    },
  };
}

test('the committed data-map schema is what the build generates from the taxonomy', async () => {
  const { generateSchema } = (await import(join(ROOT, 'scripts', 'datamap-schema.mjs'))) as {
    generateSchema: () => Promise<string>;
  };
  assert.is(await generateSchema(), readFileSync(SCHEMA, 'utf8'), 'run `npm run build`');
  const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as {
    $defs: Record<string, { enum?: string[]; markdownEnumDescriptions?: string[] }>;
  };
  const category = schema.$defs.category!;
  for (const { id } of CATEGORIES) assert.ok(category.enum?.includes(id), id);
  assert.ok(category.enum?.includes('health'), 'prefixes name their subtree');
  const email = category.enum!.indexOf('contact.email');
  assert.match(
    category.markdownEnumDescriptions![email]!,
    /moderate sensitivity · HIPAA identifier \(F\) email addresses/,
  );
});

test('yaml-language-server completes contact.email and flags contact.emial with the schema init references', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'piilint-editor-'));
  const server = languageServer();
  try {
    cpSync(join(ROOT, 'examples', 'pps-kroger-merge', 'db'), join(directory, 'db'), {
      recursive: true,
    });
    // As in a project that installed piilint: init points the modeline at node_modules.
    const installed = join(directory, 'node_modules', 'piilint', 'schemas');
    mkdirSync(installed, { recursive: true });
    cpSync(SCHEMA, join(installed, 'datamap.schema.json'));
    const init = spawnSync(process.execPath, [join(ROOT, 'bin', 'piilint.js'), 'init'], {
      cwd: directory,
      encoding: 'utf8',
    });
    assert.is(init.status, 0, init.stderr);
    const written = readFileSync(join(directory, 'datamap.yaml'), 'utf8');
    assert.ok(
      written.startsWith(
        '# yaml-language-server: $schema=node_modules/piilint/schemas/datamap.schema.json\n',
      ),
    );
    // The steward types a typo for one column and is about to fill another.
    const lines = written
      .replace(/^( {10}email: )contact\.email.*$/m, '$1contact.emial')
      .replace(/^( {10}created_at: ).*$/m, '$1')
      .split('\n');
    const typoLine = lines.findIndex((line) => line.includes('contact.emial'));
    const blankLine = lines.findIndex((line) => /^ {10}created_at: $/.test(line));
    assert.ok(typoLine > 0 && blankLine > 0);
    const text = lines.join('\n');
    const file = join(directory, 'datamap.yaml');
    writeFileSync(file, text);
    const uri = pathToFileURL(file).href;

    await server.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(directory).href,
      capabilities: {
        textDocument: { completion: { completionItem: { documentationFormat: ['markdown'] } } },
        workspace: { configuration: true },
      },
    });
    server.notify('initialized', {});
    server.notify('workspace/didChangeConfiguration', {
      settings: { yaml: { validate: true, completion: true, schemaStore: { enable: false } } },
    });
    server.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text },
    });
    const published = await server.notification(
      (message) =>
        message.method === 'textDocument/publishDiagnostics' &&
        message.params?.uri === uri &&
        (message.params.diagnostics ?? []).some((d) => d.range.start.line === typoLine),
    );
    const typo = published.params!.diagnostics!.filter((d) => d.range.start.line === typoLine);
    assert.ok(typo.some((d) => d.severity === 1 && /not accepted|contact\.email/.test(d.message)));

    const completion = await server.request('textDocument/completion', {
      textDocument: { uri },
      position: { line: blankLine, character: lines[blankLine]!.length },
    });
    const result = completion.result as { items?: CompletionItem[] } | CompletionItem[];
    const items = Array.isArray(result) ? result : (result.items ?? []);
    const email = items.find((item) => item.label === 'contact.email');
    assert.ok(email, `offered: ${items.map((item) => item.label).join(', ')}`);
    const documentation =
      typeof email.documentation === 'string' ? email.documentation : email.documentation?.value;
    assert.match(documentation ?? '', /HIPAA identifier \(F\)/);
    assert.ok(items.some((item) => item.label === 'none'));
    assert.not.ok(items.some((item) => /\[object Object\]/.test(item.label)));
  } finally {
    server.stop();
    rmSync(directory, { recursive: true, force: true });
  }
});

test('the SchemaStore catalogue entries name each schema and the files it applies to', () => {
  const catalogue = JSON.parse(
    readFileSync(join(ROOT, 'schemas', 'schemastore-catalog.json'), 'utf8'),
  ) as { schemas: Array<{ name: string; description: string; fileMatch: string[]; url: string }> };
  const byFile = new Map(
    catalogue.schemas.flatMap((entry) => entry.fileMatch.map((match) => [match, entry.url])),
  );
  for (const match of ['datamap.yaml', '*.datamap.yaml'])
    assert.match(byFile.get(match) ?? '', /\/schemas\/datamap\.schema\.json$/);
  assert.match(byFile.get('piilint.config.yaml') ?? '', /\/schemas\/config\.schema\.json$/);
  for (const entry of catalogue.schemas) {
    assert.match(entry.url, /^https:\/\//);
    assert.ok(entry.description.length > 20);
  }
});

test.run();
