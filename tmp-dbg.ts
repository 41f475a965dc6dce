import { initSqlParser, extractSqlFile } from './src/extractors/sql/index.ts';
await initSqlParser();
const text = process.argv[2]!;
console.log(JSON.stringify(extractSqlFile({ path: 'a.sql', absolutePath: '/a.sql', text }).map((f) => ({ ...f, at: f.at.line })), null, 0));
