import { basename } from 'node:path';
import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { Environment } from '@app/config';
import {
  erasedLabel,
  EVENT_CATALOGUE,
  PERSON_EVENT_TYPES,
  personDecider,
  personStream,
  type PersonErased,
  WrongState,
} from '@app/domain';
import { type EventFilter, EventStore } from '@app/eventstore';
import {
  CommandExecutor,
  compactStores,
  type PersonKeyStore,
  personalDataOf,
  WorkerLease,
} from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';
import { type Caller, contextOf } from '../access/access.service';
import { ERASURE_SCRUBBERS, type ErasureScrubber, type ScrubReport } from './scrubber';
import type { ErasePersonDto } from './erasure.dto';
import type { ErasureModel } from './erasure.models';

/** Every key a tombstone names: the person and the keys destroyed with them. */
export function erasedPersonIds(event: Pick<PersonErased, 'data'>): string[] {
  return [event.data.personId, ...(event.data.linkedPersonIds ?? [])];
}

/**
 * Destroys again every key whose person has a tombstone in the log: a key store restored from a
 * backup taken before an erasure stays erased. Returns how many keys it found and destroyed.
 */
export async function enforceErasures(events: EventStore, keys: PersonKeyStore): Promise<number> {
  const ids = new Set<string>();
  for await (const e of events.readAll({ filter: { eventTypes: PERSON_EVENT_TYPES } }))
    for (const id of erasedPersonIds(e as unknown as PersonErased)) ids.add(id);
  return ids.size === 0 ? 0 : keys.erase([...ids]);
}

const PERSONAL_TYPES = Object.entries(EVENT_CATALOGUE).filter(
  ([, entry]) => (entry.personalFields ?? []).length > 0,
);

/** Whether a projection reads any event that holds personal data: only those are rebuilt. */
export function readsPersonalData(filter: EventFilter): boolean {
  if (filter.streams) return true;
  return PERSONAL_TYPES.some(
    ([type, entry]) =>
      (!filter.eventTypes || filter.eventTypes.includes(type)) &&
      (!filter.categories || filter.categories.includes(entry.category)),
  );
}

/** Names seen for the person on their own streams, while their key still reads them. */
function namesIn(data: unknown, into: Set<string>): void {
  const d = (data ?? {}) as Record<string, unknown>;
  const personal = (d.personal ?? {}) as Record<string, unknown>;
  const add = (v: unknown) => {
    if (typeof v === 'string' && v.trim() !== '' && !v.includes('@')) into.add(v.trim());
  };
  add(personal.displayName);
  if (typeof personal.name === 'string') add(personal.name);
  else if (personal.name && typeof personal.name === 'object') {
    const n = personal.name as Record<string, unknown>;
    add(n.formatted);
    if (typeof n.givenName === 'string' && typeof n.familyName === 'string')
      add(`${n.givenName} ${n.familyName}`);
  }
  add(d.label);
}

/**
 * Erasure (GDPR art. 17) inside the immutable log: the tombstone is appended first, then the
 * copies outside the log are scrubbed while the person's names can still be read, then the
 * person's keys are destroyed, the read models rebuilt to show `erased-<personId>`, and every
 * store's WAL truncated. A crash after the tombstone: the next start destroys the keys of every
 * tombstone, and the same request sent again finishes the rest (scrubbers find the person by
 * email and by `erased-<personId>`; the rebuild and the WAL truncation run again).
 */
@Injectable()
export class ErasureService implements OnModuleInit {
  private readonly logger = new Logger('Erasure');

  constructor(
    private readonly events: EventStore,
    private readonly executor: CommandExecutor,
    private readonly env: Environment,
    @Optional() private readonly runner?: ProjectionRunner,
    @Optional() @Inject(ERASURE_SCRUBBERS) private readonly scrubbers?: ErasureScrubber[],
    @Optional() private readonly lease?: WorkerLease,
  ) {}

  /** How many copies outside the log this process scrubs (the scrubbers registered). */
  get scrubberCount(): number {
    return this.scrubbers?.length ?? 0;
  }

  /** Before the projections start (they start on bootstrap): no restored key reads again. */
  async onModuleInit(): Promise<void> {
    const destroyed = await enforceErasures(this.events, this.keys());
    if (destroyed > 0)
      this.logger.warn(`destroyed ${destroyed} person key(s) again: their persons were erased`);
  }

  async erase(caller: Caller, body: ErasePersonDto): Promise<ErasureModel> {
    // The rebuild resets read models: done beside another process's running projections, its
    // next batch would move the checkpoint past events the rebuild has not applied yet.
    if (this.lease && !this.lease.keeper?.isRunning)
      throw new WrongState(
        'erasure rebuilds the read models: send it to the process that runs the projections (SERVICE_ROLE all or worker)',
        { reason: 'projections_elsewhere' },
      );
    const keys = this.keys();
    // The caller's workspace's person only: the same email in another workspace is another
    // person, with another key, whom this erasure never reaches.
    const workspaceId = caller.workspaceId;
    const personId = keys.personIdOf(workspaceId, body.email);
    const reach = keys.reach(personId);
    const streams = [
      ...new Set(
        reach.flatMap((id) =>
          keys
            .streamsOf(id)
            .filter((s) => s.workspaceId === workspaceId)
            .map((s) => s.stream),
        ),
      ),
    ];
    const names = new Set<string>();
    for (const stream of streams)
      for (const e of await this.events.readStream(stream)) namesIn(e.data, names);
    const known = streams.length > 0 || reach.some((id) => keys.hasKey(id));

    const result = await this.executor.execute(
      personStream(personId),
      personDecider,
      {
        type: 'ErasePerson',
        personId,
        reason: body.reason,
        linkedPersonIds: reach.filter((id) => id !== personId),
      },
      contextOf(caller),
    );
    const personIds = [...new Set([personId, ...reach, ...result.state.linkedPersonIds])];
    const scrubbed: ScrubReport[] = [];
    for (const scrubber of this.scrubbers ?? [])
      scrubbed.push(
        await scrubber.scrub({ workspaceId, personId, email: body.email, names: [...names] }),
      );
    const keysDestroyed = keys.erase(personIds);

    const projectionsRebuilt: string[] = [];
    for (const projection of this.runner?.projections ?? []) {
      if (!readsPersonalData(projection.filter)) continue;
      await this.runner?.rebuild(projection.name);
      projectionsRebuilt.push(projection.name);
    }
    keys.checkpoint();
    const stores = (await compactStores(this.env.DATA_DIR)).map((s) => {
      if (s.error) this.logger.warn(`${basename(s.file)}: WAL not truncated (${s.error})`);
      return { file: basename(s.file), walTruncated: s.walTruncated };
    });
    this.logger.log(
      `person ${personId} erased: ${keysDestroyed} key(s) destroyed, ${projectionsRebuilt.length} projection(s) rebuilt`,
    );
    return {
      personId,
      shownAs: erasedLabel(personId),
      known,
      tombstoneRecorded: result.appended > 0,
      personIds,
      keysDestroyed,
      scrubbed,
      projectionsRebuilt,
      stores,
    };
  }

  private keys(): PersonKeyStore {
    const encryption = personalDataOf(this.events);
    if (!encryption) throw new Error('the event store was opened without personal data encryption');
    return encryption.keys;
  }
}
