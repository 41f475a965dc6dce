/**
 * The readers that run on a TypeScript or JavaScript file, in order: each tool's schema and
 * migration reader (`tools.ts`), then the data-script reader (every tool's client calls) and the
 * protecting functions of the application. SQL left in literals after them is read by the
 * embedded-SQL pass (`embedded-sql.ts`), which always runs last.
 */
import { authLibraryWritesExtractor } from './auth-library-writes.js';
import { dataScriptsExtractor } from './data-scripts/reader.js';
import { encryptedAttributesExtractor } from './encrypted-attributes.js';
import { protectingFunctionsExtractor } from './protecting-functions.js';
import { tools } from './tools.js';
import type { OrmExtractor } from './types.js';

export const ormExtractors: readonly OrmExtractor[] = [
  ...tools.flatMap((tool) => (tool.schema ? [tool.schema] : [])),
  dataScriptsExtractor,
  protectingFunctionsExtractor,
  authLibraryWritesExtractor,
  encryptedAttributesExtractor,
];
