interface Waiting<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Writes in groups: an item is written at once when no write is under way, and otherwise
 * together with every item that arrives meanwhile, in the next write. A busy server then
 * pays one write (a statement, a durable commit, a round trip) per group instead of one
 * per item, and no item waits for more than the write before its own. Each caller learns
 * the outcome of its own item; a failed write fails every item of its group, and the next
 * group is written regardless.
 */
export class WriteGroups<T, R = void> {
  #waiting: Waiting<T, R>[] = [];
  #writing = false;

  /** `write` writes a group and returns one result per item, in order. */
  constructor(private readonly write: (items: readonly T[]) => Promise<readonly R[]>) {}

  /** Resolves with the item's result once its group is written. */
  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#waiting.length > 0) {
      const group = this.#waiting.splice(0, this.#waiting.length);
      try {
        const results = await this.write(group.map((waiting) => waiting.item));
        group.forEach((waiting, index) => waiting.resolve(results[index] as R));
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
    this.#writing = false;
  }
}
