import type { FindingDraft, PathStep } from '../findings.js';
import {
  describeHeld,
  formatLocation,
  isSurrogateKey,
  mergePaths,
  pathStep,
} from '../model/describe.js';
import { isDeniedPublic } from '../model/policy.js';
import type { PublicAccessEvent } from '../model/types.js';
import { nameWords } from '../taxonomy/words.js';
import type { Rule } from './types.js';

/** What to change, by what opened the data. */
const FIXES: Record<PublicAccessEvent['kind'], string> = {
  grant:
    'Restrict the grant to an authenticated role or to non-personal columns, or keep row-level security enabled with a policy that limits rows to their owner (USING (auth.uid() = user_id)).',
  'default-privileges':
    'Drop the ALTER DEFAULT PRIVILEGES grant to the anonymous role and grant new tables one by one, or revoke the table from the role (REVOKE SELECT ON … FROM anon) and enable row-level security on it.',
  'platform-default':
    'Enable row-level security on the table in the same migration (ALTER TABLE … ENABLE ROW LEVEL SECURITY) with policies that limit rows to their owner, or revoke the default grant (REVOKE ALL ON … FROM anon, authenticated).',
  'rls-disabled':
    'Keep row-level security enabled and add a policy that lets each user read their own rows (USING (auth.uid() = user_id)), or revoke the anonymous grant.',
  policy:
    'Give the policy a condition that limits rows to their owner (USING (auth.uid() = user_id)) or restrict it to an authenticated role; USING (true) shows every row to everyone the policy applies to.',
  'column-added':
    'Keep the column out of a table everyone can read: put it in a table without the anonymous grant, or restrict the grant to non-personal columns.',
  bucket:
    'Keep the bucket private and serve files through signed URLs, or use a separate public bucket that only ever holds non-personal assets.',
  'bucket-listing':
    'Drop the SELECT policy on storage.objects (public buckets serve files by URL without one), or limit it to the owner of each file (auth.uid() = owner).',
  'policies-without-rls':
    'Enable row-level security on the table (ALTER TABLE … ENABLE ROW LEVEL SECURITY): its policies do nothing while it is off.',
  'user-metadata-policy':
    'Base the policy on auth.uid() or on app_metadata (which only the server can write), never on user_metadata, which each user can edit about themselves.',
  'definer-function':
    'Make the function SECURITY INVOKER, or revoke EXECUTE from PUBLIC and the anonymous roles (REVOKE EXECUTE ON FUNCTION … FROM PUBLIC, anon), or move it to a schema the API does not expose.',
  'definer-function-write':
    'Make the function SECURITY INVOKER so row-level security decides whose rows it may change, check the caller inside it (WHERE user_id = auth.uid()), or revoke EXECUTE from PUBLIC and the anonymous roles.',
  'auth-users-view':
    'Do not expose auth.users through a view in an exposed schema: keep a profiles table with only the fields users may see, guarded by row-level security, or revoke the view from anon and authenticated.',
};

export const publicAccessGrant: Rule = {
  meta: {
    id: 'public-access-grant',
    name: 'PublicAccessGrant',
    defaultSeverity: 'error',
    summary:
      'A migration makes a table, view, function or bucket that holds personal data readable by everyone.',
    incident:
      'The PPS → Kroger accounts were readable by anyone for eight years; one grant or one policy with USING (true) does the same to a whole table.',
    cwe: ['CWE-284', 'CWE-359'],
  },
  check({ model }) {
    const findings: FindingDraft[] = [];
    for (const event of model.publicAccessEvents) {
      if (event.objectKind === 'bucket') {
        const holds = bucketContents(event.name);
        // Product pictures, a clinic's photos, a site's assets: what public buckets are for.
        if (holds === 'assets') continue;
        findings.push({
          at: event.at,
          message:
            event.kind === 'bucket'
              ? `Bucket ${event.name} is made public: anyone can read every file in it by its URL, and ${holds === 'personal' ? 'its name says it holds personal files' : 'buckets often hold personal files (uploads, exports, documents)'}.`
              : `${capitalise(event.description)}.`,
          ...(holds === 'unknown' ? { severity: 'warning' as const } : {}),
          target: { store: 'bucket', table: event.name, exposure: 'public' },
          fix: FIXES[event.kind],
          fingerprintKey: event.kind,
        });
        continue;
      }
      const exposed = event.exposedColumns
        .map((column) => ({
          column,
          held: column.categories.filter((entry) => isDeniedPublic(model.policy, entry.category)),
        }))
        .filter(({ held }) => held.length > 0);
      if (exposed.length === 0) continue;
      const listed = exposed.map(({ column, held }) => `${column.name}: ${describeHeld(held)}`);
      const categories = [...new Set(exposed.flatMap(({ held }) => held.map((e) => e.category)))];
      const target = `${event.store}.${event.name}`;
      // A table of appointments or doctors' slots readable with only its keys personal
      // (`patient_id`, `doctor_id`): the keys name nobody without the tables they point to.
      const keysOnly =
        event.kind !== 'definer-function-write' &&
        exposed.every(({ held }) => held.every(isSurrogateKey));
      const severity = event.severity ?? (keysOnly ? 'warning' : undefined);
      findings.push({
        at: event.at,
        message: `${event.description}: ${consequence(event, target)}, ${event.kind === 'definer-function-write' ? 'with the personal columns' : 'exposing'} ${listed.join('; ')}.${bypassNote(event)}${closedNote(event)}${keysOnly ? KEYS_ONLY_NOTE : ''}`,
        ...(severity ? { severity } : {}),
        categories,
        target: { store: event.store ?? '', table: event.name, exposure: 'public' },
        phi: exposed.some(({ column }) => column.phi),
        evidence: [...new Set(exposed.flatMap(({ held }) => held.map((e) => e.evidence)))],
        path: pathOf(
          event,
          exposed.flatMap(({ held }) => held.map((entry) => entry.path)),
        ),
        fix: event.bypassesRowSecurityOf
          ? `Create the view WITH (security_invoker = true) so the row-level security of ${event.bypassesRowSecurityOf.join(', ')} applies, or revoke the view from the anonymous role. ${FIXES[event.kind]}`
          : FIXES[event.kind],
        fingerprintKey: event.kind,
      });
    }
    return findings;
  },
};

/** Words of a bucket's name that say its files are people's: uploads, records, faces, papers. */
// prettier-ignore
const PERSONAL_BUCKET_WORDS = new Set([
  'avatar', 'avatars', 'profile', 'profiles', 'user', 'users', 'patient', 'patients', 'member',
  'members', 'customer', 'customers', 'client', 'clients', 'document', 'documents', 'doc', 'docs',
  'upload', 'uploads', 'attachment', 'attachments', 'file', 'files', 'record', 'records', 'report',
  'reports', 'prescription', 'prescriptions', 'medical', 'health', 'lab', 'labs', 'scan', 'scans',
  'xray', 'xrays', 'imaging', 'identity', 'id', 'ids', 'kyc', 'passport', 'passports', 'license',
  'licenses', 'receipt', 'receipts', 'invoice', 'invoices', 'export', 'exports', 'backup',
  'backups', 'private', 'chat', 'message', 'messages', 'voice', 'recording', 'recordings',
  'signature', 'signatures', 'certificate', 'certificates', 'selfie', 'selfies', 'resume', 'cv',
  'evidence', 'claim', 'claims', 'consent', 'consents', 'photo', 'photos',
]);

/** Words of a bucket's name that say it holds the application's own public assets. */
// prettier-ignore
const ASSET_BUCKET_WORDS = new Set([
  'product', 'products', 'catalog', 'catalogue', 'site', 'website', 'asset', 'assets', 'static',
  'public', 'cms', 'blog', 'marketing', 'banner', 'banners', 'logo', 'logos', 'brand', 'branding',
  'theme', 'themes', 'icon', 'icons', 'clinic', 'clinics', 'store', 'shop', 'landing', 'og',
  'thumbnail', 'thumbnails', 'font', 'fonts', 'template', 'templates', 'emoji', 'sticker', 'stickers',
  'property', 'properties', 'listing', 'listings',
]);

/** What a bucket holds, by its name: the only evidence a migration gives of its files. */
function bucketContents(name: string): 'personal' | 'assets' | 'unknown' {
  const words = nameWords(name);
  if (words.some((word) => PERSONAL_BUCKET_WORDS.has(word))) return 'personal';
  if (words.some((word) => ASSET_BUCKET_WORDS.has(word))) return 'assets';
  return 'unknown';
}

function consequence(event: PublicAccessEvent, target: string): string {
  switch (event.kind) {
    case 'policies-without-rls':
      return `anyone granted ${target} reads every row`;
    case 'user-metadata-policy':
      return `any signed-in user can grant themselves the rows of ${target}`;
    case 'definer-function':
      return `calling it reads personal columns past row-level security`;
    case 'definer-function-write':
      return `calling it deletes or changes rows of ${target} past row-level security, whoever owns them`;
    case 'auth-users-view':
      return `every account's data is readable through the API`;
    case 'column-added':
      return `this adds personal data to ${target}, readable by everyone`;
    default:
      return `this makes ${target} readable by everyone`;
  }
}

const KEYS_ONLY_NOTE =
  ' Only keys are exposed: they name nobody by themselves, but tie rows to people for whoever can read the tables they point to (a warning, not an error).';

/** A later migration closed what this statement opened: readable in between, not today. */
function closedNote(event: PublicAccessEvent): string {
  if (event.closedLaterIn === undefined) return '';
  return ` A later migration (${event.closedLaterIn}) closes it again: everyone could read it between the two, and a copy taken then stays taken (a warning, not an error).`;
}

function bypassNote(event: PublicAccessEvent): string {
  const tables = event.bypassesRowSecurityOf;
  if (tables === undefined) return '';
  return ` The view runs with its owner's rights (no security_invoker), so it bypasses the row-level security of ${tables.join(', ')}.`;
}

/** How the exposed data got there (copies, renames, views), then the defaults that applied, then the statement. */
function pathOf(event: PublicAccessEvent, categoryPaths: PathStep[][]): PathStep[] {
  const steps = mergePaths(categoryPaths);
  if (event.setAt !== undefined && event.setAt !== event.at) {
    steps.push(pathStep(event.setAt, `default privileges set (${formatLocation(event.setAt)})`));
  }
  if (steps.length === 0) return [];
  return [...steps, pathStep(event.at, event.description)];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
