import type { Kysely } from 'kysely';
import { READ_BATCH, storedCheckpoints } from './audit-log-reader.js';
import type { AuditSealTables } from './audit-seal-migration.js';
import type { Checkpoint } from './checkpoint.js';

/**
 * Stored checkpoints in tree-size order, fetched a batch at a time as the verifier's walk
 * through the entries reaches them, so that neither entries nor checkpoints are ever all
 * in memory.
 */
export class CheckpointCursor {
  #buffer: Checkpoint[] = [];
  #after = -1;
  #exhausted = false;

  constructor(
    private readonly db: Kysely<AuditSealTables>,
    private readonly batchSize = READ_BATCH,
  ) {}

  /** The next checkpoint without consuming it; undefined when none is left. */
  async peek(): Promise<Checkpoint | undefined> {
    if (this.#buffer.length === 0 && !this.#exhausted) await this.#fill();
    return this.#buffer[0];
  }

  /** Consumes the checkpoint `peek` returned. */
  shift(): void {
    const taken = this.#buffer.shift();
    if (taken !== undefined) this.#after = taken.treeSize;
  }

  /**
   * Looks again after the last checkpoint consumed: a live sealer may have published
   * more since the cursor ran out.
   */
  refresh(): void {
    if (this.#buffer.length === 0) this.#exhausted = false;
  }

  async #fill(): Promise<void> {
    const after = Number.isFinite(this.#after) ? this.#after : -1;
    for await (const batch of storedCheckpoints(this.db, after, this.batchSize)) {
      this.#buffer = [...batch];
      this.#exhausted = batch.length < this.batchSize;
      return;
    }
    this.#exhausted = true;
  }
}
