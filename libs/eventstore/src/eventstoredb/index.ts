export { EventStoreDbAdapter, type EventStoreDbOptions } from './eventstoredb-event-store.adapter';
