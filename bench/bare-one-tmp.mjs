import { readFileSync } from 'node:fs';
import { loadModule, parseSync } from 'libpg-query';
await loadModule();
parseSync(readFileSync(process.argv[2], 'utf8'));
