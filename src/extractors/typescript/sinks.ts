/**
 * The catalogue of places a data script can send personal values to, as data. Supporting a new
 * analytics SDK, HTTP client or logger is one entry here; `data-scripts.ts` reads the catalogue
 * and never names a vendor itself.
 *
 * Receivers are recognised by syntax only, from the imports and `require` calls written in the
 * scanned file (datamap.md: code evidence; design.md: nothing is ever loaded).
 */

/**
 * How code obtains a client of an SDK from the package's exports.
 * - `construct`: `new Analytics(…)` where `Analytics` is the named export (or `default` for a
 *   package whose default export is the class, `import Analytics from 'analytics-node'`);
 * - `factory`: `Mixpanel.init(token)` on the package's default or namespace import;
 * - `module`: the import itself is the client (`mailchimp.lists.addListMember(…)`);
 * - `functions`: the package exports the calls as functions (`import { track } from …`).
 */
export type SdkClientRecipe =
  { construct: string } | { factory: string } | { module: true } | { functions: true };

export interface SdkCall {
  /** Method path after the client: `track`, `people.set`, `crm.contacts.basicApi.create`. */
  method: string;
  /** Which arguments carry data (0-based); all of them when absent. */
  dataArguments?: number[];
  /** The receiver itself carries the data (fluent builders: `new EventRequest(…).setEvents([e]).execute()`). */
  sendsReceiver?: boolean;
}

export interface SdkEntry {
  vendor: string;
  /** npm package names the client is imported from. */
  packages: string[];
  clients: SdkClientRecipe[];
  calls: SdkCall[];
  /** Exports whose instances accumulate data through fluent setters (`new UserData().setEmail(x)`). */
  builders?: string[];
  /** The host the SDK sends to by default, for matching a data map's partner `hosts`. */
  host: string;
  /**
   * Receiver names that mean this SDK even when the client is created in another file
   * (`import { analytics } from '../lib/segment'`): the variable name and its call are distinctive
   * enough (`analytics.track`, `mixpanel.people.set`).
   */
  receiverNames?: string[];
}

/**
 * Analytics, marketing, language-model, payment and messaging SDKs. A call on a recognised client
 * sends its data arguments.
 */
export const SDK_CATALOGUE: readonly SdkEntry[] = [
  {
    vendor: 'Segment',
    packages: ['@segment/analytics-node', 'analytics-node'],
    clients: [{ construct: 'Analytics' }, { construct: 'default' }],
    calls: ['track', 'identify', 'page', 'screen', 'group', 'alias'].map((method) => ({ method })),
    host: 'api.segment.io',
    receiverNames: ['analytics', 'segment'],
  },
  {
    vendor: 'Mixpanel',
    packages: ['mixpanel'],
    clients: [{ factory: 'init' }],
    calls: [
      'track',
      'track_batch',
      'import',
      'import_batch',
      'alias',
      'people.set',
      'people.set_once',
      'people.increment',
      'people.append',
      'people.union',
      'groups.set',
    ].map((method) => ({ method })),
    host: 'api.mixpanel.com',
    receiverNames: ['mixpanel'],
  },
  {
    vendor: 'Amplitude',
    packages: ['@amplitude/analytics-node', '@amplitude/node'],
    clients: [
      { module: true },
      { functions: true },
      { factory: 'init' },
      { factory: 'createInstance' },
    ],
    calls: ['track', 'identify', 'groupIdentify', 'revenue', 'logEvent'].map((method) => ({
      method,
    })),
    host: 'api2.amplitude.com',
    receiverNames: ['amplitude'],
  },
  {
    vendor: 'PostHog',
    packages: ['posthog-node'],
    clients: [{ construct: 'PostHog' }],
    calls: ['capture', 'identify', 'alias', 'groupIdentify'].map((method) => ({ method })),
    host: 'us.i.posthog.com',
    receiverNames: ['posthog'],
  },
  {
    vendor: 'Meta Conversions API',
    packages: ['facebook-nodejs-business-sdk'],
    clients: [{ construct: 'EventRequest' }],
    calls: [{ method: 'execute', sendsReceiver: true }],
    builders: ['EventRequest', 'ServerEvent', 'UserData', 'CustomData', 'Content'],
    host: 'graph.facebook.com',
  },
  {
    vendor: 'HubSpot',
    packages: ['@hubspot/api-client'],
    clients: [{ construct: 'Client' }],
    calls: [
      'crm.contacts.basicApi.create',
      'crm.contacts.basicApi.update',
      'crm.contacts.batchApi.create',
      'crm.contacts.batchApi.update',
      'crm.contacts.batchApi.upsert',
      'crm.objects.basicApi.create',
      'events.send.basicApi.send',
    ].map((method) => ({ method })),
    host: 'api.hubapi.com',
  },
  {
    vendor: 'Braze',
    packages: ['braze-api'],
    clients: [{ construct: 'Braze' }, { construct: 'default' }],
    calls: ['users.track', 'users.identify', 'users.alias.new', 'messages.send'].map((method) => ({
      method,
    })),
    host: 'rest.iad-01.braze.com',
  },
  {
    vendor: 'Intercom',
    packages: ['intercom-client'],
    clients: [{ construct: 'Client' }, { construct: 'IntercomClient' }],
    calls: [
      'contacts.create',
      'contacts.update',
      'contacts.createUser',
      'contacts.createLead',
      'users.create',
      'users.update',
      'events.create',
    ].map((method) => ({ method })),
    host: 'api.intercom.io',
  },
  {
    vendor: 'Customer.io',
    packages: ['customerio-node'],
    clients: [{ construct: 'TrackClient' }, { construct: 'APIClient' }, { construct: 'default' }],
    calls: ['identify', 'track', 'trackAnonymous', 'trackPageView', 'sendEmail'].map((method) => ({
      method,
    })),
    host: 'track.customer.io',
  },
  {
    vendor: 'Mailchimp',
    packages: ['@mailchimp/mailchimp_marketing'],
    clients: [{ module: true }],
    calls: [
      'lists.addListMember',
      'lists.setListMember',
      'lists.updateListMember',
      'lists.batchListMembers',
    ].map((method) => ({ method })),
    host: 'us1.api.mailchimp.com',
  },
  // Language models: a clinical note or a diary entry in a prompt leaves for the model's vendor.
  {
    vendor: 'OpenAI',
    packages: ['openai'],
    clients: [{ construct: 'OpenAI' }, { construct: 'default' }, { construct: 'AzureOpenAI' }],
    calls: [
      'chat.completions.create',
      'chat.completions.parse',
      'chat.completions.stream',
      'beta.chat.completions.parse',
      'responses.create',
      'completions.create',
      'embeddings.create',
    ].map((method) => ({ method })),
    host: 'api.openai.com',
    receiverNames: ['openai'],
  },
  {
    vendor: 'Anthropic',
    packages: ['@anthropic-ai/sdk'],
    clients: [{ construct: 'Anthropic' }, { construct: 'default' }],
    calls: ['messages.create', 'messages.stream', 'completions.create'].map((method) => ({
      method,
    })),
    host: 'api.anthropic.com',
    receiverNames: ['anthropic'],
  },
  {
    vendor: 'Google Gemini',
    packages: ['@google/generative-ai', '@google/genai'],
    clients: [{ construct: 'GoogleGenerativeAI' }, { construct: 'GoogleGenAI' }],
    calls: [
      'generateContent',
      'generateContentStream',
      'sendMessage',
      'models.generateContent',
      'models.generateContentStream',
    ].map((method) => ({ method })),
    host: 'generativelanguage.googleapis.com',
  },
  // Payments, messaging and support desks receive the customer they are told about.
  {
    vendor: 'Stripe',
    packages: ['stripe'],
    clients: [{ construct: 'Stripe' }, { construct: 'default' }],
    calls: [
      'customers.create',
      'customers.update',
      'checkout.sessions.create',
      'paymentIntents.create',
      'invoices.create',
      'setupIntents.create',
    ].map((method) => ({ method })),
    host: 'api.stripe.com',
    receiverNames: ['stripe'],
  },
  {
    vendor: 'Twilio',
    packages: ['twilio'],
    clients: [{ construct: 'Twilio' }],
    calls: ['messages.create', 'calls.create'].map((method) => ({ method })),
    host: 'api.twilio.com',
  },
  {
    vendor: 'Resend',
    packages: ['resend'],
    clients: [{ construct: 'Resend' }],
    calls: ['emails.send', 'emails.create', 'batch.send', 'contacts.create'].map((method) => ({
      method,
    })),
    host: 'api.resend.com',
  },
  {
    vendor: 'SendGrid',
    packages: ['@sendgrid/mail'],
    clients: [{ module: true }],
    calls: ['send', 'sendMultiple'].map((method) => ({ method })),
    host: 'api.sendgrid.com',
  },
  {
    vendor: 'Crisp',
    packages: ['crisp-api'],
    clients: [{ construct: 'Crisp' }, { construct: 'default' }],
    calls: [
      'website.sendMessageInConversation',
      'website.addNewPeopleProfile',
      'website.updatePeopleProfile',
      'website.updateConversationMetas',
    ].map((method) => ({ method })),
    host: 'api.crisp.chat',
  },
];

/**
 * Vendors reached over plain HTTP: a request to one of these hosts is reported as that vendor's
 * SDK (`sdk` is the HTTP client that made the call). `*.` matches any subdomain.
 */
export interface HostEntry {
  vendor: string;
  hosts: string[];
}

export const VENDOR_HOSTS: readonly HostEntry[] = [
  {
    vendor: 'Google Analytics',
    hosts: ['www.google-analytics.com', 'region1.google-analytics.com', 'ssl.google-analytics.com'],
  },
  { vendor: 'Meta Conversions API', hosts: ['graph.facebook.com'] },
  { vendor: 'Braze', hosts: ['*.braze.com', '*.braze.eu'] },
  { vendor: 'Segment', hosts: ['api.segment.io', 'events.eu1.segmentapis.com'] },
  { vendor: 'Mixpanel', hosts: ['api.mixpanel.com', 'api-eu.mixpanel.com'] },
  { vendor: 'Amplitude', hosts: ['api2.amplitude.com', 'api.eu.amplitude.com'] },
  { vendor: 'HubSpot', hosts: ['api.hubapi.com'] },
  { vendor: 'Intercom', hosts: ['api.intercom.io'] },
  { vendor: 'Customer.io', hosts: ['track.customer.io', 'api.customer.io'] },
  { vendor: 'Mailchimp', hosts: ['*.api.mailchimp.com'] },
  { vendor: 'OpenAI', hosts: ['api.openai.com'] },
  { vendor: 'Anthropic', hosts: ['api.anthropic.com'] },
  { vendor: 'Google Gemini', hosts: ['generativelanguage.googleapis.com'] },
  { vendor: 'Stripe', hosts: ['api.stripe.com'] },
  { vendor: 'Twilio', hosts: ['api.twilio.com'] },
  { vendor: 'Resend', hosts: ['api.resend.com'] },
  { vendor: 'SendGrid', hosts: ['api.sendgrid.com'] },
  { vendor: 'Crisp', hosts: ['api.crisp.chat'] },
];

/** Does `host` match `pattern` (`*.braze.com` matches `rest.iad-01.braze.com`)? */
export function hostMatches(pattern: string, host: string): boolean {
  const wanted = pattern.toLowerCase();
  const actual = host.toLowerCase();
  if (wanted.startsWith('*.')) return actual.endsWith(wanted.slice(1));
  return wanted === actual;
}

/** The vendor an HTTP host belongs to, if the catalogue knows it. */
export function vendorOfHost(host: string): string | undefined {
  return VENDOR_HOSTS.find((entry) => entry.hosts.some((pattern) => hostMatches(pattern, host)))
    ?.vendor;
}

/**
 * How one HTTP client call carries a request. Argument indexes are 0-based; `config` is an options
 * object whose `url`/`baseURL`/`hostname` locate the host and whose data properties are sent.
 */
export interface HttpCallShape {
  /** Argument holding the URL (string, template, `URL`), if any. */
  url?: number;
  /** Arguments sent whole as the request body. */
  body?: number[];
  /** Argument holding an options object. */
  config?: number;
}

export interface HttpClientEntry {
  client: string;
  packages: string[];
  /** Calling the import itself (`fetch(url, init)`, `axios(config)`, `got(url, options)`). */
  call?: HttpCallShape;
  /** Methods on the import or on an instance from `create`/`extend` (`axios.post(url, data, config)`). */
  methods: Record<string, HttpCallShape>;
  /** Global function needing no import (`fetch`). */
  global?: boolean;
}

/** Properties of an options object whose values are sent. */
export const HTTP_DATA_PROPERTIES = [
  'body',
  'data',
  'json',
  'form',
  'params',
  'searchParams',
  'query',
  'qs',
  'headers',
] as const;

/** Properties of an options object naming where the request goes. */
export const HTTP_URL_PROPERTIES = ['url', 'baseURL', 'prefixUrl', 'uri'] as const;

export const HTTP_CLIENTS: readonly HttpClientEntry[] = [
  {
    client: 'fetch',
    packages: ['node-fetch', 'undici', 'cross-fetch', 'isomorphic-fetch'],
    global: true,
    call: { url: 0, config: 1 },
    methods: {},
  },
  {
    client: 'axios',
    packages: ['axios'],
    call: { url: 0, config: 0 },
    methods: {
      request: { config: 0 },
      get: { url: 0, config: 1 },
      delete: { url: 0, config: 1 },
      head: { url: 0, config: 1 },
      post: { url: 0, body: [1], config: 2 },
      put: { url: 0, body: [1], config: 2 },
      patch: { url: 0, body: [1], config: 2 },
      postForm: { url: 0, body: [1], config: 2 },
    },
  },
  {
    client: 'got',
    packages: ['got'],
    call: { url: 0, config: 1 },
    methods: {
      get: { url: 0, config: 1 },
      post: { url: 0, config: 1 },
      put: { url: 0, config: 1 },
      patch: { url: 0, config: 1 },
      delete: { url: 0, config: 1 },
    },
  },
  {
    client: 'ky',
    packages: ['ky'],
    call: { url: 0, config: 1 },
    methods: {
      get: { url: 0, config: 1 },
      post: { url: 0, config: 1 },
      put: { url: 0, config: 1 },
      patch: { url: 0, config: 1 },
    },
  },
  {
    client: 'undici',
    packages: ['undici'],
    methods: { request: { url: 0, config: 1 } },
  },
];

/** Node's own HTTP modules: `https.request(options)` returns a request whose `write`/`end` send. */
export const NODE_HTTP_MODULES = ['http', 'https', 'node:http', 'node:https'] as const;

/** Logging methods of `console` and of pino/winston/bunyan-style loggers. */
export const LOG_METHODS: ReadonlySet<string> = new Set([
  'log',
  'info',
  'warn',
  'error',
  'debug',
  'trace',
  'fatal',
  'verbose',
  'silly',
  'notice',
  'critical',
  'dir',
  'table',
]);

/** Receiver names that are loggers by convention (`logger.info`, `this.logger.warn`, `fastify.log.info`). */
export const LOGGER_NAME =
  /^(?:console|log|logger|_logger|pino|winston|bunyan|signale|consola)$|(?:Logger|logger|Log)$/;

/** Calls that create a logger (`pino()`, `winston.createLogger()`, `logger.child({...})`, `new Logger()`). */
export const LOGGER_FACTORIES: ReadonlySet<string> = new Set([
  'pino',
  'createLogger',
  'child',
  'Logger',
  'getLogger',
  'bunyan',
  'consola',
]);

/** Object-store services: recognised by package and by the shape of the upload call. */
export const OBJECT_STORE_PACKAGES = {
  s3: ['@aws-sdk/client-s3', '@aws-sdk/lib-storage', 'aws-sdk', 'aws-sdk/clients/s3'],
  gcs: ['@google-cloud/storage'],
  azure: ['@azure/storage-blob'],
  supabase: ['@supabase/supabase-js'],
} as const;

/** Canned ACLs and access levels that make an uploaded object readable by anyone. */
export const PUBLIC_S3_ACLS: ReadonlySet<string> = new Set(['public-read', 'public-read-write']);
export const PUBLIC_GCS_ACLS: ReadonlySet<string> = new Set(['publicRead', 'public-read']);
export const PUBLIC_AZURE_ACCESS: ReadonlySet<string> = new Set(['blob', 'container']);

/** Modules whose functions write files (`fs.writeFileSync`, `fsp.writeFile`, fs-extra's `outputJson`). */
export const FILE_MODULES: ReadonlySet<string> = new Set([
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'fs-extra',
]);

/** File writes of those modules: the path is the first argument, the data the second. */
export const FILE_WRITE_FUNCTIONS: ReadonlySet<string> = new Set([
  'writeFile',
  'writeFileSync',
  'appendFile',
  'appendFileSync',
  'outputFile',
  'outputFileSync',
  'writeJson',
  'writeJsonSync',
  'outputJson',
  'outputJsonSync',
]);

/**
 * Export packages: calls that turn rows into a file's text (`stringify(rows)` of csv-stringify,
 * json2csv's `parse(rows)` or `new Parser().parse(rows)`, `XLSX.utils.json_to_sheet(rows)`,
 * `Papa.unparse(rows)`, fast-csv's `write(rows)`) and calls that write the file themselves
 * (`XLSX.writeFile(workbook, path)`, fast-csv's `writeToPath(path, rows)`).
 */
export const EXPORT_PACKAGES: ReadonlySet<string> = new Set([
  'csv-stringify',
  'csv-stringify/sync',
  'json2csv',
  '@json2csv/plainjs',
  '@json2csv/node',
  'xlsx',
  'fast-csv',
  '@fast-csv/format',
  'papaparse',
]);
export const EXPORT_SERIALISERS: ReadonlySet<string> = new Set([
  'stringify',
  'parse',
  'unparse',
  'json_to_sheet',
  'aoa_to_sheet',
  'sheet_add_json',
  'sheet_add_aoa',
  'write',
  'writeToString',
  'writeToBuffer',
  'format',
]);
/** Export-package calls that write a file: the position of the path and of the data. */
export const EXPORT_FILE_WRITERS: Readonly<Record<string, { path: number; data: number }>> = {
  writeFile: { data: 0, path: 1 },
  writeFileXLSX: { data: 0, path: 1 },
  writeFileSync: { data: 0, path: 1 },
  writeToPath: { path: 0, data: 1 },
};
