// Scans a throw-away project written from a map of paths to texts, for rule tests that need the
// whole pipeline (application writes, foreign-key chains across files).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Finding } from '../../src/findings.js';
import { scan } from '../../src/scan.js';

/** Every finding of a scan of the project. */
export async function findingsOfFiles(files: Record<string, string>): Promise<Finding[]> {
  const root = mkdtempSync(join(tmpdir(), 'piilint-rule-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return (await scan({ cwd: root, paths: ['.'] })).findings;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export async function unencryptedFindingsOf(files: Record<string, string>): Promise<Finding[]> {
  return (await findingsOfFiles(files)).filter((finding) => finding.ruleId === 'pii-unencrypted');
}

/** `rule file:line:column table.column`, for exact assertions. */
export const whereWithTarget = (finding: Finding) =>
  `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column} ${finding.target?.table}.${finding.target?.column}`;
