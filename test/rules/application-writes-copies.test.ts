// A secret read from one row and stored again elsewhere (a password history, an audit envelope)
// is a copy of what its source column holds: a copy of hashes is hashed, and the copy is never
// judged as a plain password typed in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unencryptedFindingsOf as findingsOf, whereWithTarget as where } from './_scan-files.js';

const SCHEMA = `model User {
  id       Int    @id
  email    String
  password String
}

model PasswordHistory {
  id       Int    @id
  userId   Int
  password String
}
`;

const passwords = (signUpValue: string) => `import { hash } from 'bcryptjs';
import { prisma } from './prisma';

export async function signUp(email: string, password: string) {
  await prisma.user.create({ data: { email, password: ${signUpValue} } });
}

export async function changePassword(id: number, next: string) {
  const user = await prisma.user.findUniqueOrThrow({ where: { id } });
  await prisma.passwordHistory.create({ data: { userId: id, password: user.password } });
  await prisma.user.update({ where: { id }, data: { password: await hash(next, 12) } });
}
`;

test('a password history that copies hashed passwords is clean', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': SCHEMA,
    'lib/passwords.ts': passwords('await hash(password, 12)'),
  });
  assert.equal(findings.map(where), []);
});

test('a copy of a column written plain: the plain write is the finding, the copy is a flow', async () => {
  const findings = await findingsOf({
    'prisma/schema.prisma': SCHEMA,
    'lib/passwords.ts': passwords('password'),
  });
  assert.equal(findings.map(where), [
    'pii-unencrypted lib/passwords.ts:5:55 User.password',
    'pii-unencrypted lib/passwords.ts:10:61 PasswordHistory.password',
  ]);
  assert.ok(
    findings[0]?.evidence.includes('plain write: password at lib/passwords.ts:5 (created in User)'),
    findings[0]?.evidence.join('\n'),
  );
  // The copy is not a plain write of its own: it carries the source's flow.
  assert.not.ok(
    findings[1]?.evidence.some((line) => line.startsWith('plain write:')),
    findings[1]?.evidence.join('\n'),
  );
  assert.match(
    findings[1]?.evidence[0] ?? '',
    /^flow from prisma\.User\.password \(lib\/passwords\.ts:10\)/,
  );
});

test.run();
