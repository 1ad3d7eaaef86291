import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventStore } from './event-store';
import type { EventStoreAdapter } from './event-store.port';
import type { UpcasterRegistry } from './upcasting';
import type { PersonalDataCipher } from './personal-data';

export interface EventStoreSettings {
  dataDir: string;
  /** When set, EventStoreDB/KurrentDB is used instead of the embedded SQLite file. */
  eventstoreUrl?: string;
  maxEventBytes?: number;
  upcasters?: UpcasterRegistry;
  personalData?: PersonalDataCipher;
}

export const SQLITE_EVENTS_FILE = 'events.sqlite';

/** Picks the adapter from configuration; the EventStoreDB client is only loaded when used. */
export function createEventStore(settings: EventStoreSettings): EventStore {
  let adapter: EventStoreAdapter;
  if (settings.eventstoreUrl) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EventStoreDbAdapter } = require('./eventstoredb') as typeof import('./eventstoredb');
    adapter = new EventStoreDbAdapter({ url: settings.eventstoreUrl });
  } else {
    mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SqliteEventStoreAdapter } = require('./sqlite') as typeof import('./sqlite');
    adapter = new SqliteEventStoreAdapter({ file: join(settings.dataDir, SQLITE_EVENTS_FILE) });
  }
  return new EventStore(adapter, {
    maxEventBytes: settings.maxEventBytes,
    upcasters: settings.upcasters,
    personalData: settings.personalData,
  });
}
