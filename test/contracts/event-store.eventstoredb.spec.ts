import { EventStore } from '@app/eventstore';
import { EventStoreDbAdapter } from '@app/eventstore/eventstoredb';
import { describeEventStoreContract } from './event-store.contract';

const url = process.env.EVENTSTORE_URL;

// No EventStoreDB/KurrentDB server can run on the development machines, so this suite runs
// only where EVENTSTORE_URL points at one (`docker compose up`, then
// EVENTSTORE_URL=esdb://localhost:2113?tls=false). The database is never reset: the contract
// writes to categories unique to each run.
(url ? describe : describe.skip)('eventstoredb adapter', () => {
  describeEventStoreContract('eventstoredb', async () => {
    return new EventStore(new EventStoreDbAdapter({ url: url ?? '' }));
  });
});
