import type { Document, FindOptions, Page, ReadModelTransaction, Where } from '@app/readmodels';
import type { ProjectionContext } from './projection';

/**
 * Holds a batch's writes in memory (the last write of a document wins) and applies them in
 * one go, so that a rebuild does one write per touched document per batch instead of one per
 * event. Queries flush first, so that they see the batch's writes.
 */
export class UnitOfWork implements ProjectionContext {
  private readonly pending = new Map<string, Map<string, Document | null>>();

  constructor(
    private readonly tx: ReadModelTransaction,
    private readonly owned: ReadonlySet<string>,
  ) {}

  async get<T extends Document = Document>(collection: string, id: string): Promise<T | null> {
    this.assertOwned(collection);
    const docs = this.pending.get(collection);
    if (docs?.has(id)) return (docs.get(id) as T | null) ?? null;
    return this.tx.collection<T>(collection).get(id);
  }

  put<T extends Document>(collection: string, doc: T): void {
    this.assertOwned(collection);
    this.docs(collection).set(doc.id, doc);
  }

  delete(collection: string, id: string): void {
    this.assertOwned(collection);
    this.docs(collection).set(id, null);
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

  async flush(): Promise<void> {
    for (const [name, docs] of this.pending) {
      const collection = this.tx.collection(name);
      for (const [id, doc] of docs) {
        if (doc === null) await collection.delete(id);
        else await collection.upsert(doc);
      }
    }
    this.pending.clear();
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
