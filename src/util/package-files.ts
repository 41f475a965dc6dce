/**
 * Files that ship with piilint (package.json, schemas/, docs/), found from the package's root
 * folder: the nearest folder above this module whose package.json is piilint's. That holds for the
 * compiled CLI (dist/…), the sources (src/…) and the GitHub Action's single bundle
 * (action/dist/index.mjs), which each sit at a different depth below the root.
 */
import { existsSync, readFileSync } from 'node:fs';

let root: URL | undefined;

export function packageRoot(): URL {
  if (root) return root;
  let folder = new URL('./', import.meta.url);
  for (;;) {
    const manifest = new URL('package.json', folder);
    if (existsSync(manifest) && isPiilintManifest(manifest)) return (root = folder);
    const parent = new URL('../', folder);
    if (parent.href === folder.href) break;
    folder = parent;
  }
  // Not found (an unusual layout): the folder above src/ or dist/, as before.
  return (root = new URL('../../', import.meta.url));
}

/** A file of the package, by its path from the package root (`schemas/datamap.schema.json`). */
export function packageFile(path: string): URL {
  return new URL(path, packageRoot());
}

function isPiilintManifest(file: URL): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'piilint';
  } catch {
    return false;
  }
}
