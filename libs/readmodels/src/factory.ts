import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ReadModelStore } from './read-model-store.port';

export interface ReadModelStoreSettings {
  dataDir: string;
  /** The SQLite file; a relative path is taken inside `dataDir`. */
  file?: string;
  /** When set, MongoDB (a replica set, for transactions) is used instead of the SQLite file. */
  mongoUrl?: string;
  /** The MongoDB database; defaults to the one in the URL, else `readmodels`. */
  mongoDb?: string;
}

export const SQLITE_READ_MODELS_FILE = 'readmodels.sqlite';

/**
 * Picks the adapter from configuration. Each adapter is required only when chosen, so the
 * `mongodb` driver is never loaded by an embedded setup.
 */
export async function createReadModelStore(
  settings: ReadModelStoreSettings,
): Promise<ReadModelStore> {
  if (settings.mongoUrl) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MongoReadModelStore } = require('./mongodb') as typeof import('./mongodb');
    const store = new MongoReadModelStore({ url: settings.mongoUrl, database: settings.mongoDb });
    await store.connect();
    return store;
  }
  const file = resolve(settings.dataDir, settings.file ?? SQLITE_READ_MODELS_FILE);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SqliteReadModelStore } = require('./sqlite') as typeof import('./sqlite');
  return new SqliteReadModelStore({ file });
}
