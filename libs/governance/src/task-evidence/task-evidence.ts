import { basename, dirname, extname } from 'node:path';

/** One file a task kept as evidence, under the name the API serves it by. */
export interface EvidenceEntry {
  name: string;
  path: string;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.zip': 'application/zip',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export function evidenceContentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The evidence a task recorded, oldest first, each path once, named `<folder>-<file>`: the
 * capture folder (instant, label, random suffix) is unique per failure, so two attempts'
 * `screenshot.png` get two names, and a name never carries a path separator or a server path.
 */
export function evidenceEntries(paths: readonly string[]): EvidenceEntry[] {
  const seen = new Set<string>();
  const entries: EvidenceEntry[] = [];
  for (const path of paths) {
    if (seen.has(path)) continue;
    seen.add(path);
    const folder = basename(dirname(path));
    const file = basename(path);
    const name = folder && folder !== '.' ? `${folder}-${file}` : file;
    if (entries.some((e) => e.name === name)) continue;
    entries.push({ name, path, contentType: evidenceContentType(path) });
  }
  return entries;
}
