import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('never lets more than its capacity run at once', async () => {
    // given a semaphore of 2 and six tasks that each take a while
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
    };

    // when they all start together
    await Promise.all(Array.from({ length: 6 }, () => semaphore.run(task)));

    // then at most two ran at a time, and every slot came back
    expect(peak).toBe(2);
    expect(semaphore.free).toBe(2);
  });

  it('serves waiters in the order they came', async () => {
    // given a full semaphore
    const semaphore = new Semaphore(1);
    await semaphore.acquire();
    const order: number[] = [];

    // when two waiters queue and the holder releases twice
    const first = semaphore.acquire().then(() => order.push(1));
    const second = semaphore.acquire().then(() => order.push(2));
    semaphore.release();
    await first;
    semaphore.release();
    await second;

    // then they got the slot first come, first served
    expect(order).toEqual([1, 2]);
  });

  it('tryAcquire takes a slot only when one is free', () => {
    // given a semaphore of 1
    const semaphore = new Semaphore(1);

    // when taking twice without waiting
    const first = semaphore.tryAcquire();
    const second = semaphore.tryAcquire();

    // then only the first succeeded
    expect([first, second]).toEqual([true, false]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
