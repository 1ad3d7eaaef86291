import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Environment } from '@app/config';
import { createEventStore, EventStore } from '@app/eventstore';
import { createReadModelStore, type ReadModelStore } from '@app/readmodels';
import { CqrsModule } from '@nestjs/cqrs';
import {
  CommandExecutor,
  DecideCommandHandler,
  DecideManyCommandHandler,
} from './command-executor';
import { upcasters } from './event-catalogue';
import { PersonKeyStore } from './erasure/person-keys';
import { PersonalDataEncryption } from './erasure/personal-data-cipher';

export const READ_MODEL_STORE = Symbol('ReadModelStore');

/** The per-person keys of erasure: always a local file under DATA_DIR, like the vault. */
export function openPersonalData(env: Pick<Environment, 'DATA_DIR' | 'PERSON_KEY'>) {
  return new PersonalDataEncryption(PersonKeyStore.open(env.DATA_DIR, env.PERSON_KEY));
}

export function openEventStore(env: Environment): EventStore {
  return createEventStore({
    dataDir: env.DATA_DIR,
    eventstoreUrl: env.EVENTSTORE_URL,
    maxEventBytes: env.MAX_EVENT_BYTES,
    upcasters: upcasters(),
    personalData: openPersonalData(env),
  });
}

/** The encryption an event store seals personal fields with (null: a store opened without). */
export function personalDataOf(events: EventStore): PersonalDataEncryption | null {
  return events.personalData instanceof PersonalDataEncryption ? events.personalData : null;
}

export function openReadModelStore(env: Environment, file?: string): Promise<ReadModelStore> {
  return createReadModelStore({
    dataDir: env.DATA_DIR,
    file,
    mongoUrl: env.MONGO_URL,
    mongoDb: env.MONGO_DB,
  });
}

@Injectable()
class PersistenceShutdown implements OnApplicationShutdown {
  constructor(
    private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.readModels.close();
    await this.events.close();
  }
}

/** The event store and the read-model store, picked by configuration (embedded SQLite by default). */
@Global()
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [
    { provide: EventStore, inject: [Environment], useFactory: openEventStore },
    {
      provide: READ_MODEL_STORE,
      inject: [Environment],
      useFactory: (env: Environment) => openReadModelStore(env),
    },
    PersistenceShutdown,
    CommandExecutor,
    DecideCommandHandler,
    DecideManyCommandHandler,
  ],
  exports: [EventStore, READ_MODEL_STORE, CommandExecutor],
})
export class PersistenceModule {}
