import type { RecordedEvent } from './event-store.port';

/**
 * Turns one schema version of an event type into the next, on read. The log is never
 * rewritten: old events stay as they were stored and are upcast each time they are read.
 */
export interface Upcaster {
  eventType: string;
  fromVersion: number;
  upcast(data: unknown): unknown;
}

export class UpcasterRegistry {
  private readonly byType = new Map<string, Map<number, Upcaster>>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const u of upcasters) this.register(u);
  }

  register(upcaster: Upcaster): void {
    const versions = this.byType.get(upcaster.eventType) ?? new Map<number, Upcaster>();
    if (versions.has(upcaster.fromVersion)) {
      throw new Error(`two upcasters for ${upcaster.eventType} v${upcaster.fromVersion}`);
    }
    versions.set(upcaster.fromVersion, upcaster);
    this.byType.set(upcaster.eventType, versions);
  }

  apply<E extends RecordedEvent>(event: E): E {
    const versions = this.byType.get(event.type);
    if (!versions) return event;
    let version = event.metadata.schemaVersion ?? 1;
    let data = event.data;
    for (let step = versions.get(version); step; step = versions.get(version)) {
      data = step.upcast(data);
      version += 1;
    }
    if (version === event.metadata.schemaVersion) return event;
    return { ...event, data, metadata: { ...event.metadata, schemaVersion: version } };
  }
}
