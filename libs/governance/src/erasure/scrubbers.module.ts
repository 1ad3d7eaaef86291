import { join } from 'node:path';
import { Injectable, Module } from '@nestjs/common';
import { Environment } from '@app/config';
import { EventStore } from '@app/eventstore';
import { READ_MODEL_STORE } from '@app/infrastructure';
import type { ReadModelStore } from '@app/readmodels';
import { Vault } from '@app/vault';
import { AuditService } from '../audit/audit.service';
import { EvidenceScrubber, erasedEvidenceOf, type ErasedEvidenceEntry } from './evidence.scrubber';
import { ExportsScrubber } from './exports.scrubber';
import { OutboxScrubber } from './outbox.scrubber';
import { ERASURE_SCRUBBERS, type ErasureScrubber } from './scrubber';
import { SnapshotsScrubber } from './snapshots.scrubber';
import { VaultScrubber } from './vault.scrubber';

/** The copies under DATA_DIR the scrubbers look after (the gateway and mail adapters' own). */
export const evidenceDir = (dataDir: string): string => join(dataDir, 'evidence');
export const outboxDir = (dataDir: string): string => join(dataDir, 'outbox');
const snapshotsDirOf = (dataDir: string): string => join(dataDir, 'snapshots');

/** Every scrubber of a copy outside the log and the read models, in the order they run. */
export function erasureScrubbers(
  dataDir: string,
  events: EventStore,
  readModels: ReadModelStore,
  vault: Vault,
): ErasureScrubber[] {
  return [
    new EvidenceScrubber(evidenceDir(dataDir), events),
    new ExportsScrubber(dataDir, events, new AuditService(readModels, events)),
    new SnapshotsScrubber(snapshotsDirOf(dataDir), events),
    new OutboxScrubber(outboxDir(dataDir), events),
    new VaultScrubber(events, vault),
  ];
}

/** What the evidence route shows beside the paths the task's events keep naming. */
@Injectable()
export class ErasedEvidence {
  constructor(private readonly env: Environment) {}

  of(paths: readonly string[]): Promise<ErasedEvidenceEntry[]> {
    return paths.length === 0
      ? Promise.resolve([])
      : erasedEvidenceOf(evidenceDir(this.env.DATA_DIR), paths);
  }

  /** A task (or any document with `error.evidence`) with its erased evidence marked. */
  async mark<T extends { error: { evidence: string[] } | null }>(
    doc: T,
  ): Promise<
    T & { error: (NonNullable<T['error']> & { erasedEvidence: ErasedEvidenceEntry[] }) | null }
  > {
    if (!doc.error) return { ...doc, error: null };
    return { ...doc, error: { ...doc.error, erasedEvidence: await this.of(doc.error.evidence) } };
  }
}

@Module({
  providers: [
    {
      provide: ERASURE_SCRUBBERS,
      inject: [Environment, EventStore, READ_MODEL_STORE, Vault],
      useFactory: (
        env: Environment,
        events: EventStore,
        readModels: ReadModelStore,
        vault: Vault,
      ) => erasureScrubbers(env.DATA_DIR, events, readModels, vault),
    },
    ErasedEvidence,
  ],
  exports: [ERASURE_SCRUBBERS, ErasedEvidence],
})
export class ErasureScrubbersModule {}
