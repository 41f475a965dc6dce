/**
 * sequelize-typescript model attributes that a decorator of the application encrypts (Outline's
 * `UserAuthentication`):
 *
 *   @Table({ tableName: 'user_authentications' })
 *   class UserAuthentication extends Model {
 *     @Column(DataType.BLOB)
 *     @Encrypted
 *     accessToken: string;
 *   }
 *
 * A decorator named for encryption (`@Encrypted`, `@Encrypt()`, `@EncryptedColumn`) wraps the
 * attribute's setter, so every save through the model stores ciphertext: a hook write that
 * encrypts, like a Sequelize `set()` that encrypts. Its name is the evidence, as `ssn_encrypted`
 * is for a column; the table is the model's `tableName` (no other name is guessed).
 */
import { ts } from './morph.js';
import type { Fact } from '../../facts.js';
import { createLineIndex } from '../../util/location.js';
import { decoratorOption, decoratorsOf } from './data-scripts/entities.js';
import type { OrmExtractor, TsFileContext } from './types.js';
import { columnWrittenFact } from './write-protection.js';

const ENCRYPTING_DECORATOR = /^Encrypt(?:ed)?(?:Column|Field|Attribute)?$/;

export const encryptedAttributesExtractor: OrmExtractor = {
  name: 'encrypted-attributes',
  applies: (text) => text.includes('sequelize-typescript') && text.includes('@Encrypt'),
  extract: (context) => readEncryptedAttributes(context),
};

function readEncryptedAttributes(context: TsFileContext): Fact[] {
  const sourceFile = context.compilerSourceFile;
  const lineIndex = createLineIndex(sourceFile.text);
  const facts: Fact[] = [];
  for (const statement of sourceFile.statements) {
    if (!ts.isClassDeclaration(statement)) continue;
    const table = decoratorOption(statement, 'Table', ['tableName']);
    if (table === undefined) continue;
    for (const member of statement.members) {
      if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
      const decorator = decoratorsOf(member).find((candidate) =>
        ENCRYPTING_DECORATOR.test(candidate.name),
      );
      if (decorator === undefined) continue;
      const at = lineIndex.range(
        context.file.path,
        decorator.node.getStart(sourceFile),
        decorator.node.getEnd(),
      );
      const via = `@${decorator.name} decorator of the model`;
      facts.push(
        columnWrittenFact(
          at,
          { name: table },
          member.name.text,
          { protection: 'encrypt', via },
          'sequelize-typescript model',
          true,
        ),
      );
    }
  }
  return facts;
}
