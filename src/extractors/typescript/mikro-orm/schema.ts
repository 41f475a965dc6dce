/**
 * MikroORM migrations: `class Migration2024… extends Migration { async up() { this.addSql('…') } }`.
 * Every statement is SQL handed to `addSql` (queued) or `execute` (run at once); only `up` is read,
 * `down` is never applied.
 */
import { Node, SyntaxKind } from '../morph.js';
import type { ClassDeclaration, ClassExpression } from 'ts-morph';
import type { Fact } from '../../../facts.js';
import type { OrmExtractor } from '../types.js';
import { appendAll } from '../../../util/append.js';

const SQL_METHODS = new Set(['addSql', 'execute']);

export const mikroOrmExtractor: OrmExtractor = {
  name: 'mikro-orm',
  applies: (text) => /\baddSql\b/.test(text) && /\bextends\s+Migration\b/.test(text),
  extract(context) {
    const facts: Fact[] = [];
    const classes: Array<ClassDeclaration | ClassExpression> = [
      ...context.sourceFile.getDescendantsOfKind(SyntaxKind.ClassDeclaration),
      ...context.sourceFile.getDescendantsOfKind(SyntaxKind.ClassExpression),
    ];
    for (const migration of classes) {
      if (!extendsMigration(migration)) continue;
      const up = migration.getMethod('up');
      if (!up) continue;
      for (const call of up.getDescendantsOfKind(SyntaxKind.CallExpression)) {
        const callee = call.getExpression();
        if (!Node.isPropertyAccessExpression(callee)) continue;
        if (!SQL_METHODS.has(callee.getName())) continue;
        if (callee.getExpression().getKind() !== SyntaxKind.ThisKeyword) continue;
        const statement = call.getArguments()[0];
        if (statement) appendAll(facts, context.sql(statement));
      }
    }
    return facts;
  },
};

/** `extends Migration`, as imported from `@mikro-orm/migrations` (or re-exported under that name). */
function extendsMigration(node: ClassDeclaration | ClassExpression): boolean {
  const base = node.getExtends()?.getExpression();
  if (!base) return false;
  const name = Node.isPropertyAccessExpression(base) ? base.getName() : base.getText();
  return name === 'Migration';
}
