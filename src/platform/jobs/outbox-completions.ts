/** Ids per statement: well under either engine's limit on bound parameters. */
const IDS_PER_WRITE = 500;

interface Waiting {
  readonly id: string;
  resolve(held: boolean): void;
  reject(error: unknown): void;
}

/**
 * Marks delivered jobs done in groups: a completion is written at once when no write is
 * under way, and otherwise with every other completion that arrives meanwhile, in one
 * statement. A busy worker finishes many deliveries while one write is on its way (on
 * PostgreSQL, a round trip and a commit), so it pays for one write per group, not one per
 * job, and no completion waits for more than the write before its own.
 */
export class CompletionGroups {
  #waiting: Waiting[] = [];
  #writing = false;

  /** `write` marks the jobs done and returns those this worker still held. */
  constructor(private readonly write: (ids: readonly string[]) => Promise<ReadonlySet<string>>) {}

  /** Resolves once the job is marked done: true if this worker still held it. */
  complete(id: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ id, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#waiting.length > 0) {
      const group = this.#waiting.splice(0, IDS_PER_WRITE);
      try {
        const held = await this.write(group.map((waiting) => waiting.id));
        for (const waiting of group) waiting.resolve(held.has(waiting.id));
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
    this.#writing = false;
  }
}
