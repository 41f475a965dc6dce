import type { FindingDraft } from '../findings.js';
import {
  categoryIds,
  describeData,
  evidenceOf,
  lowerWhenPseudonymous,
  sourceRef,
} from '../model/describe.js';
import type { Rule } from './types.js';

export const piiExported: Rule = {
  meta: {
    id: 'pii-exported',
    name: 'PiiExported',
    defaultSeverity: 'warning',
    summary:
      'A script writes personal rows to a file or a stream (a JSON dump, a CSV or XLSX export).',
    incident:
      'Exports of patient and customer tables end up in shared drives, build artefacts and public web folders long after the script ran; a dump written under public/ is served to anyone.',
    cwe: ['CWE-538'],
  },
  check({ model, config }) {
    const findings: FindingDraft[] = [];
    for (const send of model.sends) {
      if (send.sink.type !== 'file' || send.categories.length === 0) continue;
      const publicFolder = publicFolderOf(send.sink.path, config.publicPaths);
      const where = send.sink.path ?? 'a file';
      const served = publicFolder
        ? ` under ${publicFolder}, a folder served to anyone (config \`publicPaths\`)`
        : '';
      findings.push({
        at: send.at,
        message: `${describeData(send.categories)} written to ${where}${served} by ${send.sink.writer}. Export only what the reader needs (counts, non-personal ids), or write it to access-controlled storage and delete it after use.`,
        severity: lowerWhenPseudonymous(send.categories, publicFolder ? 'error' : 'warning'),
        categories: categoryIds(send.categories),
        source: sourceRef(send.categories),
        target: { store: 'file', table: where, ...(publicFolder && { exposure: 'public' }) },
        path: send.path,
        phi: send.categories.some((entry) => entry.phi),
        evidence: evidenceOf(send.categories),
        fix: 'Write counts or non-personal ids instead, or keep the export out of public folders and encrypt it.',
      });
    }
    return findings;
  },
};

/**
 * The configured public folder a written path lands in: `public/` matches `public/x.json`,
 * `./public/x.json` and `…/public/x.json` (a path joined from `__dirname`), by whole folder names.
 */
export function publicFolderOf(
  path: string | undefined,
  publicPaths: readonly string[],
): string | undefined {
  if (path === undefined) return undefined;
  const normalised = `/${path.replace(/\\/g, '/').replace(/^\.\//, '')}`.replace(/\/+/g, '/');
  return publicPaths.find((folder) => {
    const trimmed = folder.replace(/\\/g, '/').replace(/^\.?\/+|\/+$/g, '');
    return trimmed !== '' && normalised.includes(`/${trimmed}/`);
  });
}
