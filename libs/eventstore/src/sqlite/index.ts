export {
  SqliteEventStoreAdapter,
  type SqliteEventStoreOptions,
} from './sqlite-event-store.adapter';
