import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Every SQLite file directly under DATA_DIR (events, read models, vault, person keys…): what an
 * erasure must leave without a copy of a removed page.
 */
export function sqliteFilesUnder(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  return readdirSync(dataDir)
    .filter((f) => f.endsWith('.sqlite'))
    .map((f) => join(dataDir, f))
    .sort();
}

export interface CompactedStore {
  file: string;
  /** Whether the WAL was emptied (false: a reader held it, or it failed; see `error`). */
  walTruncated: boolean;
  error?: string;
}

function checkpoint(file: string): boolean {
  const db = new Database(file, { fileMustExist: true, timeout: 10_000 });
  try {
    db.pragma('secure_delete = ON');
    const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return (row?.busy ?? 0) === 0;
  } finally {
    db.close();
  }
}

/**
 * Each store's WAL copied into its file and truncated to nothing, so the page versions that
 * held a destroyed key or a replaced plaintext are gone from the WAL; the stores' own
 * connections run with `secure_delete` on, so the pages they freed are zeroed in the file.
 * A store that fails (another process in the middle of a write) is tried a few times more.
 */
export async function compactStores(dataDir: string): Promise<CompactedStore[]> {
  const out: CompactedStore[] = [];
  for (const file of sqliteFilesUnder(dataDir)) {
    let result: CompactedStore = { file, walTruncated: false };
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        result = { file, walTruncated: checkpoint(file) };
        if (result.walTruncated) break;
      } catch (error) {
        const { message, code } = error as { message?: string; code?: string };
        result = { file, walTruncated: false, error: `${code ?? 'error'}: ${message ?? ''}` };
      }
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    }
    out.push(result);
  }
  return out;
}
