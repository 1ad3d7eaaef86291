/**
 * Groups an async iterable into batches without waiting for a full batch: a batch ends when it
 * reaches `maxSize` or when the source would have to wait (nothing more is ready within the
 * current turn of the event loop). While catching up, events are ready at once and batches are
 * full; once live, each event is handled as soon as it arrives.
 */
export async function* batches<T>(source: AsyncIterable<T>, maxSize: number): AsyncIterable<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | null = null;
  try {
    for (;;) {
      const first = await (pending ?? iterator.next());
      pending = null;
      if (first.done) return;
      const batch: T[] = [first.value];
      let turnEnded = false;
      let timer: NodeJS.Immediate | undefined;
      const endOfTurn = new Promise<typeof END_OF_TURN>((resolve) => {
        timer = setImmediate(() => {
          turnEnded = true;
          resolve(END_OF_TURN);
        });
      });
      while (batch.length < maxSize && !turnEnded) {
        const next = iterator.next();
        const winner = await Promise.race([next, endOfTurn]);
        if (winner === END_OF_TURN) {
          pending = next;
          break;
        }
        if (winner.done) {
          yield batch;
          return;
        }
        batch.push(winner.value);
      }
      // A full batch ends before the turn does: drop its timer rather than let timers pile up.
      clearImmediate(timer);
      yield batch;
    }
  } finally {
    await iterator.return?.();
  }
}

const END_OF_TURN = Symbol('end of turn');
