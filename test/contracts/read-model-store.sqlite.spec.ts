import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadModelStore } from '@app/readmodels';
import { SqliteReadModelStore } from '@app/readmodels/sqlite';
import { describeBatchesAndLeasesContract } from './read-model-batches-and-leases.contract';
import { describeIndexedQueriesContract } from './read-model-queries.contract';
import { describeReadModelStoreContract, type StoreFixture } from './read-model-store.contract';

const root = mkdtempSync(join(tmpdir(), 'read-model-contract-'));
let files = 0;

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function openSqlite(): Promise<StoreFixture> {
  const file = join(root, `store-${++files}.sqlite`);
  const opened: ReadModelStore[] = [];
  const open = (): ReadModelStore => {
    const store = new SqliteReadModelStore({ file });
    opened.push(store);
    return store;
  };
  return {
    store: open(),
    reopen: async () => open(),
    dispose: async () => {
      for (const store of opened) await store.close();
    },
  };
}

describeReadModelStoreContract('sqlite', openSqlite);
describeBatchesAndLeasesContract('sqlite', openSqlite);
describeIndexedQueriesContract('sqlite', openSqlite);
