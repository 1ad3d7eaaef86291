import { AsyncLocalStorage } from 'node:async_hooks';

/** Runs tasks one at a time in call order; a failing task does not block the next. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<R>(task: () => R | Promise<R>): Promise<R> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** One running `transaction()` call; its handles refuse work once it has ended. */
export class TxToken {
  active = true;

  assertActive(): void {
    if (!this.active)
      throw new Error('this transaction has ended; its handles can no longer be used');
  }
}

/**
 * Remembers which transaction the current async call chain runs in, so that a store-level
 * write or a nested `transaction()` issued from inside `work` fails loudly: on sqlite it
 * would wait for the mutex that `work` itself holds (a deadlock), on mongodb it would
 * escape the transaction.
 */
export class TransactionScope {
  private readonly storage = new AsyncLocalStorage<TxToken>();

  run<R>(token: TxToken, work: () => R): R {
    return this.storage.run(token, work);
  }

  assertOutside(operation: string): void {
    if (this.storage.getStore()?.active) {
      throw new Error(
        `${operation} was called on the store inside one of its transactions; use the tx handle`,
      );
    }
  }
}
