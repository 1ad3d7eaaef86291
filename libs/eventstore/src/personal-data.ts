import type { NewEvent, RecordedEvent } from './event-store.port';

/**
 * The seam where personal fields are encrypted per person (erasure: destroying a person's key
 * forgets them while the facts stay). It sits in `EventStore`, above every adapter, so SQLite
 * and EventStoreDB store the same ciphertext and every reader gets the same plaintext.
 * Synchronous on purpose: it runs on every event read by every projection.
 */
export interface PersonalDataCipher {
  /** The event as it is to be stored: its declared personal fields encrypted. */
  seal(stream: string, event: NewEvent): NewEvent;
  /** The event as readers see it: plaintext, or `erased-<personId>` where the key is gone. */
  open<E extends RecordedEvent>(event: E): E;
  /** Runs the sealing of a whole append at once (one write of the keys it makes). */
  batch?<T>(fn: () => T): T;
  close(): void;
}
