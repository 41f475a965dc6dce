// The floor under a one-file check: load libpg-query, read one SQL file and parse it, nothing else.
import { readFileSync } from 'node:fs';
import { loadModule, parseSync } from 'libpg-query';

await loadModule();
parseSync(readFileSync(process.argv[2], 'utf8'));
