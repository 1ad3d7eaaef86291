/** A write (or a transaction's write) named a collection that `ensureCollection` never created. */
export class UnknownCollection extends Error {
  override readonly name = 'UnknownCollection';
  constructor(readonly collection: string) {
    super(`collection "${collection}" does not exist; call ensureCollection first`);
  }
}
