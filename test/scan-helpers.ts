/**
 * Findings of a whole fixture folder, scanned in process as `piilint scan <folder>` would, reduced
 * to what a reviewer checks first: rule, file, line and column.
 */
import { scan } from '../src/scan.js';

export const SHAPES = 'test/fixtures/typescript';

/** `rule file:line:column` for each finding of the folder, in report order. */
export async function findingsIn(folder: string, cwd = process.cwd()): Promise<string[]> {
  const result = await scan({ cwd, paths: [folder] });
  return result.findings.map(
    (finding) => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`,
  );
}
