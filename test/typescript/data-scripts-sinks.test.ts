import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SDK_CATALOGUE, hostMatches, vendorOfHost } from '../../src/extractors/typescript/sinks.js';
import { extractScript, factsOf, fixtureText, summarise } from './data-scripts-helpers.js';

test('logs: console, pino and its child, this.logger, fastify.log; counts, status strings and an order id are not logged data', async () => {
  assert.equal(summarise(await extractScript(fixtureText('logs.ts'), 'scripts/logs.ts')), [
    'send 18:7-18:52 type=log logger=this.logger',
    '  db[DATABASE_URL]:patients.email (copy)',
    '    11:28 read patients.id, patients.email, patients.status through db → 17:16 each item of patients as patient → 18:7 logged with this.logger.warn',
    'send 19:7-19:42 type=log logger=audit',
    '  db[DATABASE_URL]:patients.id (copy)',
    '    11:28 read patients.id, patients.email, patients.status through db → 17:16 each item of patients as patient → 19:7 logged with audit.info',
    '  db[DATABASE_URL]:patients.email (copy)',
    '    11:28 read patients.id, patients.email, patients.status through db → 17:16 each item of patients as patient → 19:7 logged with audit.info',
    '  db[DATABASE_URL]:patients.status (copy)',
    '    11:28 read patients.id, patients.email, patients.status through db → 17:16 each item of patients as patient → 19:7 logged with audit.info',
    'send 20:7-20:45 type=log logger=fastify.log',
    '  db[DATABASE_URL]:patients.id (copy)',
    '    11:28 read patients.id, patients.email, patients.status through db → 17:16 each item of patients as patient → 20:7 logged with fastify.log.info',
    'send 23:5-23:60 type=log logger=child',
    '  db[DATABASE_URL]:patients.email (copy)',
    '    11:28 read patients.id, patients.email, patients.status through db → 23:5 logged with child.error',
  ]);
});
test('HTTP: fetch bodies and query strings, axios and an axios instance, got, new URL + searchParams, node https write; a Google Analytics host is an SDK; non-personal bodies are no send', async () => {
  assert.equal(summarise(await extractScript(fixtureText('http.ts'), 'scripts/http.ts')), [
    'send 13:9-13:76 type=http client=fetch host=collect.adpartner.example url=https://collect.adpartner.example/v1/events',
    '  db[DATABASE_URL]:users.email, db[DATABASE_URL]:users.ip_address, db[DATABASE_URL]:users.plan (copy)',
    '    11:23 read users.email, users.ip_address, users.plan through db → 13:52 serialised with JSON.stringify → 13:9 sent to collect.adpartner.example with fetch',
    'send 14:9-14:73 type=http client=fetch host=pixel.adpartner.example url=https://pixel.adpartner.example/p?ip=${…}',
    '  db[DATABASE_URL]:users.ip_address (copy)',
    '    11:23 read users.email, users.ip_address, users.plan through db → 14:9 sent to pixel.adpartner.example with fetch',
    'send 15:9-15:80 type=http client=axios host=hooks.crm.example url=https://hooks.crm.example/contacts',
    '  db[DATABASE_URL]:users.email (copy)',
    '    11:23 read users.email, users.ip_address, users.plan through db → 15:9 sent to hooks.crm.example with axios',
    'send 16:9-16:55 type=http client=axios host=api.partner.example url=https://api.partner.example/v2/users',
    '  db[DATABASE_URL]:users.email (copy)',
    '    11:23 read users.email, users.ip_address, users.plan through db → 16:36 mapped to mail → 16:9 sent to api.partner.example with axios',
    'send 17:9-17:84 type=http client=got host=ingest.example.net url=https://ingest.example.net/batch',
    '  db[DATABASE_URL]:users.email (copy)',
    '    11:23 read users.email, users.ip_address, users.plan through db → 17:64 mapped to who → 17:9 sent to ingest.example.net with got',
    'send 20:9-20:19 type=http client=fetch host=beacon.example.org url=https://beacon.example.org/hit',
    '  db[DATABASE_URL]:users.ip_address (copy)',
    '    11:23 read users.email, users.ip_address, users.plan through db → 20:9 sent to beacon.example.org with fetch',
    'send 21:9-24:5 type=sdk sdk=fetch vendor=Google Analytics host=www.google-analytics.com',
    '  db[DATABASE_URL]:users.ip_address (copy)',
    '    11:23 read users.email, users.ip_address, users.plan through db → 23:28 mapped to client_id → 23:11 serialised with JSON.stringify → 21:9 sent to Google Analytics (www.google-analytics.com) with fetch',
    'send 26:3-26:38 type=http client=https host=upload.partner.example url=https://upload.partner.example/ingest',
    '  db[DATABASE_URL]:users.email, db[DATABASE_URL]:users.ip_address, db[DATABASE_URL]:users.plan (copy)',
    '    11:23 read users.email, users.ip_address, users.plan through db → 26:17 serialised with JSON.stringify → 26:3 sent to upload.partner.example with https',
  ]);
});
test('SDKs: one call per catalogue entry, receivers from imports and require; constants are no send', async () => {
  assert.equal(summarise(await extractScript(fixtureText('sdks.ts'), 'scripts/sdks.ts')), [
    'send 26:3-26:70 type=sdk sdk=@segment/analytics-node vendor=Segment host=api.segment.io',
    '  db[DATABASE_URL]:members.email (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 26:3 sent to Segment with segment.identify',
    'send 27:3-27:59 type=sdk sdk=mixpanel vendor=Mixpanel host=api.mixpanel.com',
    '  db[DATABASE_URL]:members.id (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 27:3 sent to Mixpanel with mixpanel.people.set',
    '  db[DATABASE_URL]:members.email (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 27:36 mapped to $email → 27:3 sent to Mixpanel with mixpanel.people.set',
    'send 28:3-28:56 type=sdk sdk=@amplitude/analytics-node vendor=Amplitude host=api2.amplitude.com',
    '  db[DATABASE_URL]:members.phone (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 28:3 sent to Amplitude with amplitude.track',
    'send 29:3-29:47 type=sdk sdk=@amplitude/analytics-node vendor=Amplitude host=api2.amplitude.com',
    '  db[DATABASE_URL]:members.email (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 29:23 mapped to user_id → 29:3 sent to Amplitude with amplitudeIdentify',
    'send 30:3-30:68 type=sdk sdk=posthog-node vendor=PostHog host=us.i.posthog.com',
    '  db[DATABASE_URL]:members.email (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 30:21 mapped to distinctId → 30:3 sent to PostHog with posthog.capture',
    'send 31:9-31:82 type=sdk sdk=@hubspot/api-client vendor=HubSpot host=api.hubapi.com',
    '  db[DATABASE_URL]:members.email (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 31:9 sent to HubSpot with hub.crm.contacts.basicApi.create',
    'send 32:9-32:69 type=sdk sdk=braze-api vendor=Braze host=rest.iad-01.braze.com',
    '  db[DATABASE_URL]:members.email (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 32:9 sent to Braze with braze.users.track',
    'send 33:9-33:62 type=sdk sdk=intercom-client vendor=Intercom host=api.intercom.io',
    '  db[DATABASE_URL]:members.email (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 33:9 sent to Intercom with intercom.contacts.createUser',
    'send 34:9-34:57 type=sdk sdk=customerio-node vendor=Customer.io host=track.customer.io',
    '  db[DATABASE_URL]:members.id (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 34:9 sent to Customer.io with cio.identify',
    '  db[DATABASE_URL]:members.email (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 34:9 sent to Customer.io with cio.identify',
    'send 35:9-35:101 type=sdk sdk=@mailchimp/mailchimp_marketing vendor=Mailchimp host=us1.api.mailchimp.com',
    '  db[DATABASE_URL]:members.email (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 35:49 mapped to email_address → 35:9 sent to Mailchimp with mailchimp.lists.addListMember',
    'send 38:9-38:79 type=sdk sdk=facebook-nodejs-business-sdk vendor=Meta Conversions API host=graph.facebook.com',
    '  db[DATABASE_URL]:members.email (copy)',
    '    25:24 read members.id, members.email, members.phone through db → 38:9 sent to Meta Conversions API with execute',
    'send 53:9-53:102 type=sdk sdk=openai vendor=OpenAI host=api.openai.com',
    '  db[DATABASE_URL]:members.email (copy)',
    '    52:24 read members.id, members.email, members.phone through db → 53:75 mapped to content → 53:9 sent to OpenAI with chat.completions.create',
    'send 54:9-54:97 type=sdk sdk=@anthropic-ai/sdk vendor=Anthropic host=api.anthropic.com',
    '  db[DATABASE_URL]:members.email (copy)',
    '    52:24 read members.id, members.email, members.phone through db → 54:70 mapped to content → 54:9 sent to Anthropic with messages.create',
    'send 55:9-55:68 type=sdk sdk=stripe vendor=Stripe host=api.stripe.com',
    '  db[DATABASE_URL]:members.email (copy)',
    '    52:24 read members.id, members.email, members.phone through db → 55:9 sent to Stripe with customers.create',
    'send 56:9-56:85 type=sdk sdk=twilio vendor=Twilio host=api.twilio.com',
    '  db[DATABASE_URL]:members.phone (copy)',
    '    52:24 read members.id, members.email, members.phone through db → 56:54 mapped to to → 56:9 sent to Twilio with messages.create',
    'send 57:9-57:60 type=sdk sdk=resend vendor=Resend host=api.resend.com',
    '  db[DATABASE_URL]:members.email (copy)',
    '    52:24 read members.id, members.email, members.phone through db → 57:41 mapped to to → 57:9 sent to Resend with emails.send',
    'send 58:9-58:44 type=sdk sdk=@sendgrid/mail vendor=SendGrid host=api.sendgrid.com',
    '  db[DATABASE_URL]:members.email (copy)',
    '    52:24 read members.id, members.email, members.phone through db → 58:25 mapped to to → 58:9 sent to SendGrid with sendgrid.send',
    'send 59:9-59:81 type=sdk sdk=crisp-api vendor=Crisp host=api.crisp.chat',
    '  db[DATABASE_URL]:members.email (copy)',
    '    52:24 read members.id, members.email, members.phone through db → 59:9 sent to Crisp with website.addNewPeopleProfile',
    'send 67:9-67:59 type=sdk sdk=@google/generative-ai vendor=Google Gemini host=generativelanguage.googleapis.com',
    '  db[DATABASE_URL]:members.email (copy)',
    '    65:24 read members.id, members.email, members.phone through db → 67:9 sent to Google Gemini with gemini.generateContent',
  ]);
});
test('object stores: S3 v3 command and Upload, v2 putObject, GCS save/makePublic, Azure public container, Supabase storage; a count is no upload', async () => {
  assert.equal(
    summarise(await extractScript(fixtureText('object-stores.ts'), 'scripts/object-stores.ts')),
    [
      'send 19:9-19:115 type=object-store service=s3 publicAcl=true bucket=exports key=patients.json',
      '  db[DATABASE_URL]:patients.full_name, db[DATABASE_URL]:patients.date_of_birth (copy)',
      '    17:26 read patients.full_name, patients.date_of_birth through db → 18:16 serialised with JSON.stringify → 19:9 uploaded to s3 bucket exports',
      'send 21:9-21:25 type=object-store service=s3 publicAcl=false bucket=private-exports key=p/${…}',
      '  db[DATABASE_URL]:patients.full_name, db[DATABASE_URL]:patients.date_of_birth (copy)',
      '    17:26 read patients.full_name, patients.date_of_birth through db → 18:16 serialised with JSON.stringify → 21:9 uploaded to s3 bucket private-exports',
      'send 22:9-22:95 type=object-store service=s3 publicAcl=false bucket=exports key=big.json',
      '  db[DATABASE_URL]:patients.full_name, db[DATABASE_URL]:patients.date_of_birth (copy)',
      '    17:26 read patients.full_name, patients.date_of_birth through db → 18:16 serialised with JSON.stringify → 22:9 uploaded to s3 bucket exports',
      'send 23:9-23:99 type=object-store service=s3 publicAcl=true bucket=old key=k.json',
      '  db[DATABASE_URL]:patients.full_name, db[DATABASE_URL]:patients.date_of_birth (copy)',
      '    17:26 read patients.full_name, patients.date_of_birth through db → 18:16 serialised with JSON.stringify → 23:9 uploaded to s3 bucket old',
      'send 26:9-26:66 type=object-store service=gcs publicAcl=true bucket=gcs-exports key=patients.json',
      '  db[DATABASE_URL]:patients.full_name, db[DATABASE_URL]:patients.date_of_birth (copy)',
      '    17:26 read patients.full_name, patients.date_of_birth through db → 18:16 serialised with JSON.stringify → 26:9 uploaded to gcs bucket gcs-exports',
      'send 28:9-28:24 type=object-store service=gcs publicAcl=true bucket=gcs-exports key=private.json',
      '  db[DATABASE_URL]:patients.full_name, db[DATABASE_URL]:patients.date_of_birth (copy)',
      '    17:26 read patients.full_name, patients.date_of_birth through db → 18:16 serialised with JSON.stringify → 28:9 uploaded to gcs bucket gcs-exports',
      'send 31:9-31:47 type=object-store service=gcs publicAcl=false bucket=gcs-exports key=quiet.json',
      '  db[DATABASE_URL]:patients.full_name, db[DATABASE_URL]:patients.date_of_birth (copy)',
      '    17:26 read patients.full_name, patients.date_of_birth through db → 18:16 serialised with JSON.stringify → 31:9 uploaded to gcs bucket gcs-exports',
      'send 36:9-36:39 type=object-store service=azure publicAcl=true bucket=public-exports key=patients.json',
      '  db[DATABASE_URL]:patients.full_name, db[DATABASE_URL]:patients.date_of_birth (copy)',
      '    17:26 read patients.full_name, patients.date_of_birth through db → 18:16 serialised with JSON.stringify → 36:9 uploaded to azure container public-exports',
      'send 38:9-38:71 type=object-store service=supabase publicAcl=false bucket=exports key=patients.json',
      '  db[DATABASE_URL]:patients.full_name, db[DATABASE_URL]:patients.date_of_birth (copy)',
      '    17:26 read patients.full_name, patients.date_of_birth through db → 18:16 serialised with JSON.stringify → 38:9 uploaded to supabase storage bucket exports',
    ],
  );
});

test('every SDK in the catalogue is recognised by the sdks fixture', async () => {
  const facts = await extractScript(fixtureText('sdks.ts'));
  const vendors = new Set(
    facts.flatMap((fact) =>
      fact.kind === 'data-sent' && fact.sink.type === 'sdk' ? [fact.sink.vendor] : [],
    ),
  );
  assert.equal([...vendors].sort(), SDK_CATALOGUE.map((entry) => entry.vendor).sort());
});

test('an SDK client made in another file is known by its conventional name', async () => {
  const facts = await factsOf(`import { analytics } from '../lib/segment';
const db = knex({});
const user = await db('users').first('email');
analytics.track({ event: 'Login', properties: { email: user.email } });
analytics.track({ event: 'Heartbeat' });
`);
  assert.equal(facts, [
    'send 4:1-4:71 type=sdk sdk=@segment/analytics-node vendor=Segment host=api.segment.io',
    '  db:users.email (copy)',
    '    3:20 read users.email through db → 4:1 sent to Segment with analytics.track',
  ]);
});

test('a URL read from the environment with a written fallback goes to the fallback host', async () => {
  const facts = await factsOf(`import axios from 'axios';
const SMS_BASE = process.env.SMS_BASE ?? 'https://api.sms-vendor.example/v3';
const db = knex({});
const patient = await db('patients').first('phone');
await axios.post(process.env.SMS_URL || 'https://gateway.sms-vendor.example/send', { to: patient.phone });
await axios.post(\`\${SMS_BASE}/messages\`, { to: patient.phone });
await axios.post(process.env.SMS_URL, { to: patient.phone });
`);
  assert.equal(facts, [
    'send 5:7-5:106 type=http client=axios host=gateway.sms-vendor.example url=https://gateway.sms-vendor.example/send',
    '  db:patients.phone (copy)',
    '    4:23 read patients.phone through db → 5:86 mapped to to → 5:7 sent to gateway.sms-vendor.example with axios',
    'send 6:7-6:64 type=http client=axios host=api.sms-vendor.example url=https://api.sms-vendor.example/v3/messages',
    '  db:patients.phone (copy)',
    '    4:23 read patients.phone through db → 6:44 mapped to to → 6:7 sent to api.sms-vendor.example with axios',
    // Without a written fallback the host stays unknown; the send is still one.
    'send 7:7-7:61 type=http client=axios',
    '  db:patients.phone (copy)',
    '    4:23 read patients.phone through db → 7:41 mapped to to → 7:7 sent to an HTTP endpoint with axios',
  ]);
});

test('Prisma include: related rows are read from the related models, nested and as lists', async () => {
  const facts = await factsOf(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
const visit = await prisma.visit.findFirst({ include: { patient: { include: { user: true } }, notes: true, clinic: false } });
console.log(visit.patient.user.email);
for (const note of visit.notes) console.log(note.body);
`);
  assert.equal(facts, [
    'send 4:1-4:38 type=log logger=console',
    '  prisma:User.email (copy)',
    '    3:21 read User.* through prisma → 4:1 logged with console.log',
    'send 5:33-5:55 type=log logger=console',
    '  prisma:Note.body (copy)',
    '    3:21 read Note.* through prisma → 5:12 each item of visit.notes as note → 5:33 logged with console.log',
  ]);
});

test('a small helper returns what this call passes it, not what every call passes', async () => {
  // A report script's colour helpers: one call styles a patient's name, the others a title.
  const facts = await factsOf(`const db = knex({});
const dim = (s: string) => \`\\x1b[2m\${s}\\x1b[0m\`;
function label(prefix: string, value: string) { return prefix + dim(value); }
const patient = await db('patients').first('full_name');
console.log(dim(patient.full_name));
console.log(dim('Matching report'));
console.log(label('run', '#42'));
console.log(label('name', patient.full_name));
`);
  assert.equal(facts, [
    'send 5:1-5:36 type=log logger=console',
    '  db:patients.full_name (copy)',
    '    4:23 read patients.full_name through db → 5:17 passed to dim → 5:1 logged with console.log',
    'send 8:1-8:46 type=log logger=console',
    '  db:patients.full_name (copy)',
    '    4:23 read patients.full_name through db → 8:27 passed to label → 3:69 passed to dim → 8:1 logged with console.log',
  ]);
});

test("supabase-js reads: data is the rows, one row after single(); PostgREST's column list, embedded relations as fields", async () => {
  // An edge function of a therapy practice, and a debug script of a hospital.
  const facts = await factsOf(`import { createClient } from 'npm:@supabase/supabase-js@2';
const admin = createClient(Deno.env.get('SUPABASE_URL')!, Deno.env.get('SERVICE_ROLE_KEY')!);
const { data: therapist } = await admin.from('profiles').select('email, name:full_name, clinic(name)').eq('id', id).single();
console.log('Referral sent to', therapist.email, therapist.name);
const { data: rows } = await admin.from('patients').select('*').limit(5);
for (const row of rows) console.log(row.phone);
const { count } = await admin.from('patients').select('*', { count: 'exact', head: true });
console.log(count, therapist.clinic);
`);
  assert.equal(facts, [
    'send 4:1-4:65 type=log logger=console',
    '  admin:profiles.email (copy)',
    '    3:35 read profiles.email, profiles.full_name through admin → 4:1 logged with console.log',
    '  admin:profiles.full_name (copy)',
    '    3:35 read profiles.email, profiles.full_name through admin → 4:1 logged with console.log',
    'send 6:25-6:47 type=log logger=console',
    '  admin:patients.phone (copy)',
    '    5:30 read patients.* through admin → 6:12 each item of rows as row → 6:25 logged with console.log',
    // The embedded relation is a field of its own table's columns (the model judges them).
    'send 8:1-8:37 type=log logger=console',
    '  admin:clinic.name (copy)',
    '    3:35 read clinic.name through admin → 8:1 logged with console.log',
  ]);
});

test('supabase-js: a query built in steps is read from where its variable starts; embedded rows are logged with their row', async () => {
  // An EHR's edge function: filters added under a condition, the query awaited later.
  const facts = await factsOf(`import { createClient } from 'npm:@supabase/supabase-js@2';
const client = createClient(Deno.env.get('SUPABASE_URL')!, Deno.env.get('ANON_KEY')!);
let query = client
  .from('medications')
  .select('id, dosage, prescriber:users!prescribed_by(full_name), patients!inner(first_name)')
  .eq('is_deleted', false);
if (patientId) query = query.eq('patient_id', patientId);
const { data: medications } = await query.order('start_date');
console.log('preview', medications?.slice(0, 2));
`);
  assert.equal(facts, [
    // Read where the query runs (the awaited call); a row id alone is not a value worth a fact.
    'send 9:1-9:49 type=log logger=console',
    '  client:medications.dosage (copy)',
    '    8:37 read medications.id, medications.dosage through client → 9:1 logged with console.log',
    '  client:users.full_name (copy)',
    '    8:37 read users.full_name through client → 9:1 logged with console.log',
    '  client:patients.first_name (copy)',
    '    8:37 read patients.first_name through client → 9:1 logged with console.log',
  ]);
});

test('sending non-personal values and logging counts, ids and statuses is no fact', async () => {
  const facts = await factsOf(`import axios from 'axios';
const db = knex({});
const rows = await db('patients').select('email', 'status');
console.log(\`\${rows.length} rows\`, 'ok');
console.log(rows.map((row) => row.email).length);
await fetch('https://collect.adpartner.example/v1', { method: 'POST', body: JSON.stringify({ n: rows.length }) });
await axios.post('https://hooks.example.com', { ok: rows.some((row) => row.email) });
`);
  assert.equal(facts, []);
});

test('hosts: wildcard patterns and the vendors behind them', () => {
  assert.ok(hostMatches('*.braze.com', 'rest.iad-01.braze.com'));
  assert.not.ok(hostMatches('*.braze.com', 'braze.com.evil.example'));
  assert.equal(vendorOfHost('www.google-analytics.com'), 'Google Analytics');
  assert.equal(vendorOfHost('collect.adpartner.example'), undefined);
});
test("browser code is marked: a 'use client' module or a component with hooks; a server action is not; an imported Logger is a logger", async () => {
  const client = await factsOf(`'use client';
import { createClient } from '@supabase/supabase-js';
const supabase = createClient(URL, KEY);
const { data: patient } = await supabase.from('patients').select('email').single();
console.log(patient.email);
`);
  assert.ok(client[0]?.includes('type=log logger=console browser=true'), client.join('\n'));
  const hooks = await factsOf(`import { useEffect } from 'react';
import { createClient } from '@supabase/supabase-js';
const supabase = createClient(URL, KEY);
export function List() {
  useEffect(() => {
    supabase.from('patients').select('email').then(({ data }) => console.log(data));
  }, []);
}
`);
  assert.ok(hooks[0]?.includes('browser=true'), hooks.join('\n'));
  const server = await factsOf(`'use server';
import { Logger } from '@clinic/js-utils';
import { createClient } from '@supabase/supabase-js';
const supabase = createClient(URL, KEY);
const { data: patient } = await supabase.from('patients').select('email').single();
Logger.log(\`patient \${patient.email}\`);
`);
  assert.ok(server[0]?.startsWith('send 6:1-6:39 type=log logger=Logger'), server.join('\n'));
  assert.not.ok(server[0]?.includes('browser'), server.join('\n'));
});

test.run();
