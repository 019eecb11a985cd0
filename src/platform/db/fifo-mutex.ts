/**
 * A lock handed to waiters in the order they asked for it. The embedded database has one
 * connection; whoever holds this lock uses it, and a commit queued behind waiters runs
 * after them, so nobody waits forever.
 */
export class FifoMutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];

  /** Resolves once the caller holds the lock. */
  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Hands the lock to the longest waiter, or frees it. */
  unlock(): void {
    const next = this.#waiters.shift();
    if (next === undefined) this.#locked = false;
    else next();
  }
}
