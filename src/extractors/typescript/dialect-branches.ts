/**
 * Migrations that serve several databases branch on the client: `if (client === 'mssql') { … }
 * else { … }`, `switch (knex.client.config.client) { case 'sqlite3': … }`. Only the branch for the
 * file's own dialect runs against the store; SQL written for another dialect is not read (it would
 * fail to parse, or describe a database that does not exist here).
 */
import { ts } from './morph.js';
import { storeDialectOf } from '../store-dialect.js';

type Dialect = 'postgres' | 'mysql' | 'mssql' | 'sqlite' | 'oracle';

const DIALECT_NAMES: Readonly<Record<string, Dialect>> = {
  pg: 'postgres',
  postgres: 'postgres',
  postgresql: 'postgres',
  pgnative: 'postgres',
  cockroachdb: 'postgres',
  redshift: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
  mssql: 'mssql',
  tedious: 'mssql',
  sqlserver: 'mssql',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  'better-sqlite3': 'sqlite',
  oracle: 'oracle',
  oracledb: 'oracle',
};

/** `client === 'mssql'`, `'pg' !== dialect`: the dialect named and whether the test is positive. */
const COMPARISON = /(?:(===?|!==?)\s*['"]([\w-]+)['"])|(?:['"]([\w-]+)['"]\s*(===?|!==?))/;

/**
 * The dialect a file's SQL is written for: its store's (see `store-dialect.ts`) when known, else
 * MySQL when the file configures or writes MySQL, else Postgres.
 */
export function fileDialect(text: string, path?: string): Dialect {
  const ofStore = path === undefined ? undefined : storeDialectOf(path);
  if (ofStore) return ofStore;
  const known = dialectOfText.get(text);
  if (known) return known;
  const dialect = dialectOf(text);
  dialectOfText.set(text, dialect);
  return dialect;
}

/** Once per file: every SQL literal of the file asks. */
const dialectOfText = new Map<string, Dialect>();

/** A file with a branch for Postgres among others (`case DatabaseTypeEnum.postgres:`, `postgresUp…`). */
const POSTGRES_BRANCH =
  /\bcase\s+(?:[\w.]+\.)?['"]?(?:postgres(?:ql)?|pg)\b|\b(?:postgres(?:ql)?|pg)(?:Up|Down|Migrat)/;

function dialectOf(text: string): Dialect {
  if (dialectOfText.size > 64) dialectOfText.clear();
  // Written for several databases, one of them Postgres: the Postgres branch is the one read.
  if (POSTGRES_BRANCH.test(text)) return 'postgres';
  return /client\s*:\s*['"](?:mysql2?|mariadb)['"]|`[A-Za-z_]\w*`\s*\(|ENGINE\s*=\s*InnoDB/i.test(
    text,
  )
    ? 'mysql'
    : 'postgres';
}

/** Is `node` inside a branch that runs only on another dialect than `dialect`? */
export function inOtherDialectBranch(
  node: ts.Node,
  sourceFile: ts.SourceFile,
  dialect: Dialect,
): boolean {
  let child: ts.Node = node;
  for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (ts.isIfStatement(parent) && child !== parent.expression) {
      const test = dialectTest(parent.expression.getText(sourceFile));
      if (!test) continue;
      const inThen = child === parent.thenStatement;
      const runsThere = inThen === test.positive; // then of ===, else of !==
      if (runsThere && test.dialect !== dialect) return true;
      if (!runsThere && test.dialect === dialect) return true;
    } else if (ts.isCaseClause(parent) && child !== parent.expression) {
      // `case 'mysql':`, `case DatabaseTypeEnum.mysql:`
      const label = ts.isStringLiteral(parent.expression)
        ? parent.expression.text
        : ts.isPropertyAccessExpression(parent.expression)
          ? parent.expression.name.text
          : undefined;
      const named = label === undefined ? undefined : DIALECT_NAMES[label.toLowerCase()];
      if (named && named !== dialect) return true;
    } else if (
      (ts.isMethodDeclaration(parent) || ts.isFunctionDeclaration(parent)) &&
      parent.name &&
      ts.isIdentifier(parent.name)
    ) {
      // `mysqlUpQueryRunner(queryRunner) { … }`: a function written for one database.
      const named = dialectOfFunctionName(parent.name.text);
      if (named && named !== dialect) return true;
    } else if (ts.isConditionalExpression(parent) && child !== parent.condition) {
      const test = dialectTest(parent.condition.getText(sourceFile));
      if (!test) continue;
      const runsThere = (child === parent.whenTrue) === test.positive;
      if (runsThere !== (test.dialect === dialect)) return true;
    }
  }
  return false;
}

const FUNCTION_PREFIX =
  /^(postgres(?:ql)?|pg|mysql|mariadb|sqlite3?|betterSqlite3?|mssql|sqlServer|oracle)(?=[A-Z_])/;

/** `postgresUpQueryRunner` → postgres, `betterSqlite3DownQueryRunner` → sqlite. */
function dialectOfFunctionName(name: string): Dialect | undefined {
  const prefix = FUNCTION_PREFIX.exec(name)?.[1]?.toLowerCase();
  if (prefix === undefined) return undefined;
  if (prefix.startsWith('bettersqlite')) return 'sqlite';
  if (prefix === 'sqlserver') return 'mssql';
  return DIALECT_NAMES[prefix];
}

function dialectTest(condition: string): { dialect: Dialect; positive: boolean } | undefined {
  const match = COMPARISON.exec(condition);
  if (!match) return undefined;
  const operator = match[1] ?? match[4] ?? '';
  const name = (match[2] ?? match[3] ?? '').toLowerCase();
  const dialect = DIALECT_NAMES[name];
  if (!dialect) return undefined;
  return { dialect, positive: !operator.startsWith('!') };
}
