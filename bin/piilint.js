#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by npm install).
import('../dist/cli.js').then((cli) => cli.main(process.argv.slice(2)));
