/**
 * Runs work one at a time per key, in arrival order, within this process. Several instances may
 * still overlap, so work guarded by it must be safe to overlap too; the lock only keeps one process
 * from piling concurrent operations onto one remote system.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
