import { MongoReadModelStore } from '@app/readmodels/mongodb';
import { describeBatchesAndLeasesContract } from './read-model-batches-and-leases.contract';
import { describeIndexedQueriesContract } from './read-model-queries.contract';
import { describeReadModelStoreContract, type StoreFixture } from './read-model-store.contract';

const url = process.env.MONGO_URL;
/** One database per store, all under a prefix unique to this run, dropped afterwards. */
const prefix = `rm_contract_${process.pid}_${Date.now().toString(36)}`;
let databases = 0;

// No MongoDB server can run on the development machines, so this suite runs only where
// MONGO_URL points at one (a replica set, for transactions: `docker compose up`).
(url ? describe : describe.skip)('mongodb adapter', () => {
  const openMongo = async (): Promise<StoreFixture> => {
    const database = `${prefix}_${++databases}`;
    const opened: MongoReadModelStore[] = [];
    const open = async (): Promise<MongoReadModelStore> => {
      const store = new MongoReadModelStore({ url: url ?? '', database });
      await store.connect();
      opened.push(store);
      return store;
    };
    const store = await open();
    return {
      store,
      reopen: open,
      dispose: async () => {
        await store.db.dropDatabase();
        for (const each of opened) await each.close();
      },
    };
  };
  describeReadModelStoreContract('mongodb', openMongo);
  describeBatchesAndLeasesContract('mongodb', openMongo);
  describeIndexedQueriesContract('mongodb', openMongo);
});
