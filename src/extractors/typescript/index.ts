// Placeholder until the TypeScript extractor lands: owned by the TypeScript-extractors work.
import type { Fact } from '../../facts.js';
import type { ScannedFile } from '../types.js';

export function extractTypeScriptFile(_file: ScannedFile): Fact[] {
  return [];
}
