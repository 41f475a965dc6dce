// A Prisma client extension whose query hooks hash or encrypt fields before they are stored
// covers every write made through the extended client, like a model hook.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unencryptedFindingsOf as findingsOf, whereWithTarget as where } from './_scan-files.js';

const SCHEMA = `model User {
  id           Int     @id
  email        String
  openAiApiKey String?
}
`;

const ENCRYPTION = `import { createCipheriv, randomBytes } from 'node:crypto';
export function sealToken(value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(process.env.TOKEN_KEY!, 'hex'), iv);
  return Buffer.concat([iv, cipher.update(value, 'utf8'), cipher.final()]).toString('base64');
}
`;

const SETTINGS = `import { prisma } from './prisma';

export async function saveKey(id: number, key: string) {
  await prisma.user.update({ where: { id }, data: { openAiApiKey: key } });
}
`;

test('a data-driven extension that encrypts each listed field covers the plain update', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': SCHEMA,
    'src/encryption.ts': ENCRYPTION,
    'src/prisma-extensions.ts': `import { Prisma } from '@prisma/client';
import { sealToken } from './encryption';

const SEALED_FIELDS = { user: ['openAiApiKey'], account: ['refresh_token'] } as const;

function sealData(data: Record<string, unknown> | undefined, fields: readonly string[]) {
  if (!data) return;
  for (const field of fields) {
    const value = data[field];
    if (typeof value === 'string') data[field] = sealToken(value);
  }
}

export const sealedFields = Prisma.defineExtension((client) =>
  client.$extends({ query: buildHooks(SEALED_FIELDS) as never }),
);
`,
    'src/settings.ts': SETTINGS,
  });
  assert.equal(findings.map(where), []);
});

test('an inline query hook that encrypts the field covers the plain update', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': SCHEMA,
    'src/encryption.ts': ENCRYPTION,
    'src/prisma.ts': `import { PrismaClient } from '@prisma/client';
import { sealToken } from './encryption';

export const prisma = new PrismaClient().$extends({
  query: {
    user: {
      async update({ args, query }) {
        if (typeof args.data.openAiApiKey === 'string') {
          args.data.openAiApiKey = sealToken(args.data.openAiApiKey);
        }
        return query(args);
      },
    },
  },
});
`,
    'src/settings.ts': SETTINGS,
  });
  assert.equal(findings.map(where), []);
});

test('an extension that only trims leaves the plain update a finding', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': SCHEMA,
    'src/prisma.ts': `import { PrismaClient } from '@prisma/client';

export const prisma = new PrismaClient().$extends({
  query: {
    user: {
      async update({ args, query }) {
        if (typeof args.data.openAiApiKey === 'string') {
          args.data.openAiApiKey = args.data.openAiApiKey.trim();
        }
        return query(args);
      },
    },
  },
});
`,
    'src/settings.ts': SETTINGS,
  });
  assert.equal(findings.map(where), ['pii-unencrypted src/settings.ts:4:67 User.openAiApiKey']);
  assert.ok(
    findings[0]?.evidence.includes('plain write: key at src/settings.ts:4 (updated User)'),
    findings[0]?.evidence.join('\n'),
  );
});

test.run();
