import type { Kysely } from 'kysely';
import type { ShredJournal, SubjectKeys } from '../keys/index.js';
import type { VaultTables } from './vault.js';

const BATCH = 500;

/**
 * Crypto-shredding (C4.4): destroys a subject's data key and blind-index entries in one
 * transaction, after recording the erasure in the journal kept beside the keyring.
 */
export class Shredder {
  constructor(
    private readonly db: Kysely<VaultTables>,
    private readonly keys: SubjectKeys,
    private readonly journal: ShredJournal,
  ) {}

  /** Erases a subject for good: no API, CLI or restored backup can read its fields again. */
  async shred(subjectId: string): Promise<void> {
    // Journal first: if the process dies before the commit, the next start finishes it.
    this.journal.append(subjectId);
    await this.#destroy(subjectId);
  }

  /**
   * Re-applies every journalled erasure to the database, so that a database restored
   * from before an erasure is shredded again before it serves a request. Returns how
   * many subjects had to be shredded again.
   */
  async reapplyJournal(): Promise<number> {
    const ids = this.journal.read();
    let reapplied = 0;
    for (let start = 0; start < ids.length; start += BATCH) {
      const batch = ids.slice(start, start + BATCH);
      const live = await this.db
        .selectFrom('subject_key')
        .select('subject_id')
        .where('subject_id', 'in', batch)
        .where('wrapped_key', 'is not', null)
        .union(
          this.db.selectFrom('blind_index').select('subject_id').where('subject_id', 'in', batch),
        )
        .execute();
      for (const { subject_id } of live) await this.#destroy(subject_id);
      reapplied += live.length;
    }
    return reapplied;
  }

  async #destroy(subjectId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.keys.destroy(trx, subjectId);
      await trx.deleteFrom('blind_index').where('subject_id', '=', subjectId).execute();
    });
    // A concurrent read may have cached the key as it was before the commit.
    this.keys.evict(subjectId);
  }
}
