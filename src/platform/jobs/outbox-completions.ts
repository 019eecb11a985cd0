import { WriteGroups } from '../write-groups.js';

/**
 * Marks delivered jobs done in groups (`WriteGroups`): a completion is written at once
 * when no other is being written, and otherwise in one statement with every completion
 * that arrives meanwhile. A busy worker finishes many deliveries while one write is on its
 * way (on PostgreSQL, a round trip and a commit), so it pays for one write per group, not
 * one per job.
 */
export class CompletionGroups {
  readonly #groups: WriteGroups<string, boolean>;

  /** `write` marks the jobs done and returns those this worker still held. */
  constructor(write: (ids: readonly string[]) => Promise<ReadonlySet<string>>) {
    this.#groups = new WriteGroups(async (ids) => {
      const held = await write(ids);
      return ids.map((id) => held.has(id));
    });
  }

  /** Resolves once the job is marked done: true if this worker still held it. */
  complete(id: string): Promise<boolean> {
    return this.#groups.add(id);
  }
}
