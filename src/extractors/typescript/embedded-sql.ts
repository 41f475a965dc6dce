/**
 * SQL written anywhere in a file being read: `db.raw('…')`, `queryRunner.query(`…`)`,
 * `sequelize.query`, sql`…` tags, `pgm.sql`, `this.addSql`: a string that reaches a runner of SQL
 * (`sql-runners.ts`) and whose text starts like a statement that changes something (CREATE, ALTER,
 * INSERT, UPDATE … SET, GRANT, REVOKE, DROP, SELECT … INTO, …). It runs after the ORM extractors: a literal they already handed to the SQL
 * extractor (with a prefix or a better anchor) is not read twice. SQL inside `down` is skipped.
 */
import { fileDialect, inOtherDialectBranch } from './dialect-branches.js';
import { ts } from './morph.js';
import type { Fact } from '../../facts.js';
import { extractSqlStatement, looksLikeSqlStatement, wasSqlExtracted } from './context.js';
import { isInDownMigration, wrapNode } from './receivers.js';
import { reachesSqlRunner } from './sql-runners.js';
import { syntaxIndexOf } from './syntax-index.js';
import type { TsFileContext } from './types.js';
import { appendAll } from '../../util/append.js';

/** Cheap text check: could any literal of this file hold a statement? */
export function mightHoldSql(text: string): boolean {
  return /\b(?:create|alter|insert|update|grant|revoke|drop|select|with|comment|truncate|do)\s/i.test(
    text,
  );
}

/** A statement keyword can only start after blanks or a comment: skip everything else quickly. */
const FIRST_CHARACTER = /^[\s]*(?:--|\/\*|[a-z])/i;

/**
 * `className="truncate text-sm"`, `className={`truncate ${tone}`}`: a JSX attribute's own string is
 * markup, never a statement (handlers inside `{…}` keep their SQL: their strings sit in calls).
 */
function isJsxAttributeValue(node: ts.Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (ts.isJsxAttribute(parent)) return true;
  return (
    ts.isJsxExpression(parent) && parent.parent !== undefined && ts.isJsxAttribute(parent.parent)
  );
}

/**
 * The literals come from the file's shared syntax index (`syntax-index.ts`), in document order and
 * without those of imports, exports, interfaces and type aliases: one walk of the tree serves the
 * receivers' index and this pass.
 */
export function extractEmbeddedSql(context: TsFileContext): Fact[] {
  const facts: Fact[] = [];
  const sourceFile = context.compilerSourceFile;
  const text = context.file.text;
  const dialect = fileDialect(text, context.file.path);
  for (const node of syntaxIndexOf(sourceFile).literals) {
    const start = node.getStart(sourceFile);
    const content = text.slice(start + 1, Math.min(node.end - 1, start + 4001));
    if (
      FIRST_CHARACTER.test(content) &&
      !isJsxAttributeValue(node) &&
      looksLikeSqlStatement(content) &&
      reachesSqlRunner(node, sourceFile) &&
      !inOtherDialectBranch(node, sourceFile, dialect)
    ) {
      const literal = wrapNode(context.sourceFile, node);
      if (!wasSqlExtracted(context, literal) && !isInDownMigration(literal)) {
        appendAll(facts, extractSqlStatement(context, literal));
      }
    }
  }
  return facts;
}
