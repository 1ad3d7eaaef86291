import type { Document, FindOptions, Page, ReadModelTransaction, Where } from '@app/readmodels';
import type { ProjectionContext } from './projection';

/**
 * Holds a batch's writes in memory (the last write of a document wins) and applies them in
 * one go, so that a rebuild does one write per touched document per batch instead of one per
 * event. Queries flush first, so that they see the batch's writes.
 */
export class UnitOfWork implements ProjectionContext {
  private readonly pending = new Map<string, Map<string, Document | null>>();
  /** JSON bytes of each pending document, kept only when `measure` is on. */
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(
    private readonly tx: ReadModelTransaction,
    private readonly owned: ReadonlySet<string>,
    /** Measures what the batch writes (for a store whose transactions have a size limit). */
    private readonly measure = false,
  ) {}

  /** JSON bytes of the documents written so far in this unit (0 unless measured). */
  get writtenBytes(): number {
    return this.bytes;
  }

  async get<T extends Document = Document>(collection: string, id: string): Promise<T | null> {
    this.assertOwned(collection);
    const docs = this.pending.get(collection);
    if (docs?.has(id)) return (docs.get(id) as T | null) ?? null;
    return this.tx.collection<T>(collection).get(id);
  }

  put<T extends Document>(collection: string, doc: T): void {
    this.assertOwned(collection);
    this.docs(collection).set(doc.id, doc);
    this.account(collection, doc.id, doc);
  }

  delete(collection: string, id: string): void {
    this.assertOwned(collection);
    this.docs(collection).set(id, null);
    this.account(collection, id, null);
  }

  async find<T extends Document = Document>(
    collection: string,
    options: FindOptions,
  ): Promise<Page<T>> {
    this.assertOwned(collection);
    await this.flush();
    return this.tx.collection<T>(collection).find(options);
  }

  async count(collection: string, where?: Where): Promise<number> {
    this.assertOwned(collection);
    await this.flush();
    return this.tx.collection(collection).count(where);
  }

  /** One `writeMany` per collection: one round trip each on a server. */
  async flush(): Promise<void> {
    for (const [name, docs] of this.pending) {
      if (docs.size === 0) continue;
      await this.tx.collection(name).writeMany([...docs].map(([id, doc]) => ({ id, doc })));
    }
    this.pending.clear();
    // What was flushed still counts: it is part of the same transaction.
    this.sizes.clear();
  }

  /** Last write of a document wins, so only its last size counts. */
  private account(collection: string, id: string, doc: Document | null): void {
    if (!this.measure) return;
    const key = `${collection}\u0000${id}`;
    const size = doc === null ? id.length : JSON.stringify(doc).length;
    this.bytes += size - (this.sizes.get(key) ?? 0);
    this.sizes.set(key, size);
  }

  private docs(collection: string): Map<string, Document | null> {
    let docs = this.pending.get(collection);
    if (!docs) {
      docs = new Map();
      this.pending.set(collection, docs);
    }
    return docs;
  }

  private assertOwned(collection: string): void {
    if (!this.owned.has(collection)) {
      throw new Error(`a projection may only touch its own collections, not "${collection}"`);
    }
  }
}
