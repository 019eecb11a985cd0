import { randomBytes } from 'node:crypto';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { afterCommit, fixedQuery, rowsAffected, tablesOf } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import { DataKeyCache, type DataKey } from './data-key-cache.js';
import type { KekProvider } from './kek-provider.js';
import { keysErrors } from './keys-errors.js';
import type { KeysTables, SubjectKeyTable } from './keys-migration.js';

/** A subject whose data key has been destroyed. */
export const SHREDDED = Symbol('shredded');

/** A data key made for a subject that has none yet, stored only with the caller's data. */
export interface NewSubjectKey {
  readonly key: DataKey;
  /**
   * Inserts the wrapped key in the caller's transaction, so the key exists exactly when
   * the data sealed with it does: a rolled-back transaction leaves no key behind.
   */
  readonly store: <DB>(trx: Transaction<DB>) => Promise<void>;
}

/** A subject's key row as inserted: every column but the generated id. */
type KeyRow = Required<Omit<Insertable<SubjectKeyTable>, 'id'>>;

const insertKey = fixedQuery((db: Kysely<KeysTables>, row: KeyRow) =>
  db.insertInto('subject_key').values(row),
);

/** Inserts the key unless the subject has one already. */
const insertKeyUnlessStored = fixedQuery((db: Kysely<KeysTables>, row: KeyRow) =>
  db
    .insertInto('subject_key')
    .values(row)
    .onConflict((conflict) => conflict.column('subject_id').doNothing()),
);

const storedKey = fixedQuery((db: Kysely<KeysTables>, args: { subjectId: string }) =>
  db
    .selectFrom('subject_key')
    .select(['key_id', 'kek_version', 'wrapped_key'])
    .where('subject_id', '=', args.subjectId),
);

/** Limits of the unwrapped-key cache. */
export interface KeyCacheOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
}

/** Binds a wrapped data key to its subject and key id, so a wrapped key moved to another row fails. */
export function wrapAad(subjectId: string, keyId: number): Buffer {
  return Buffer.from(`custodia/dek/v1|${subjectId}|${keyId}`, 'utf8');
}

/**
 * Per-subject data keys (AES-256-GCM), stored only wrapped by a versioned KEK and cached
 * unwrapped in memory for a bounded time.
 */
export class SubjectKeys {
  readonly #cache: DataKeyCache;
  /**
   * Bumped by every destroy and evict. A load that began before may have read a key row
   * that an erasure was about to replace, so it returns the key but does not cache it.
   */
  #generation = 0;

  constructor(
    private readonly db: Kysely<KeysTables>,
    readonly kek: KekProvider,
    private readonly clock: Clock,
    cache: KeyCacheOptions = { maxEntries: 10_000, ttlMs: 60_000 },
  ) {
    this.#cache = new DataKeyCache(cache.maxEntries, cache.ttlMs, clock);
  }

  /**
   * The subject's data key, created on first use. Call it before opening a transaction
   * that writes the subject's fields: the key row commits on its own, so a rolled-back
   * write never leaves a cached key without its row.
   */
  async forWriting(subjectId: string): Promise<DataKey> {
    const cached = this.#cache.get(subjectId);
    if (cached !== undefined) return cached;
    const existing = await this.#load(subjectId);
    if (existing === SHREDDED) throw new AppError(keysErrors.SUBJECT_ERASED);
    if (existing !== undefined) return existing;
    const made = await this.#make(subjectId);
    const generation = this.#generation;
    const inserted = await insertKeyUnlessStored.execute(this.db, made.row);
    if (rowsAffected(inserted) === 1) {
      // Ours is the stored key (committed: the insert ran on its own), no need to read it back.
      if (generation === this.#generation) this.#cache.set(subjectId, made.key);
      return made.key;
    }
    // Another writer won the race: whatever is stored now is the key.
    const stored = await this.#load(subjectId);
    if (stored === SHREDDED) throw new AppError(keysErrors.SUBJECT_ERASED);
    if (stored === undefined) throw new AppError(keysErrors.SUBJECT_KEY_MISSING);
    return stored;
  }

  /**
   * A data key for a subject id just made (a new account, a guest's `sub_…`), whose row
   * is written by `store` inside the transaction that writes the subject's first data.
   * The id must be new: storing it for a subject that has a key (or a tombstone) fails
   * the transaction. The key is cached once that transaction commits.
   */
  async prepareNew(subjectId: string): Promise<NewSubjectKey> {
    const made = await this.#make(subjectId);
    return {
      key: made.key,
      store: async (trx) => {
        const generation = this.#generation;
        await insertKey.execute(tablesOf<KeysTables>(trx), made.row);
        await afterCommit(trx, () => {
          if (generation === this.#generation) this.#cache.set(subjectId, made.key);
        });
      },
    };
  }

  /** A fresh data key for the subject, and its row: the key wrapped by the current KEK. */
  async #make(subjectId: string): Promise<{ key: DataKey; row: KeyRow }> {
    const key = randomBytes(32);
    const keyId = randomBytes(4).readUInt32BE(0);
    const { version, wrapped } = await this.kek.wrap(key, wrapAad(subjectId, keyId));
    return {
      key: { keyId, key },
      row: {
        subject_id: subjectId,
        key_id: keyId,
        kek_version: version,
        wrapped_key: wrapped,
        created_at: this.clock.now().getTime(),
        shredded_at: null,
      },
    };
  }

  /** The subject's data key for reading, SHREDDED after erasure. */
  async forReading(subjectId: string): Promise<DataKey | typeof SHREDDED> {
    const cached = this.#cache.get(subjectId);
    if (cached !== undefined) return cached;
    const loaded = await this.#load(subjectId);
    if (loaded === undefined) throw new AppError(keysErrors.SUBJECT_KEY_MISSING);
    return loaded;
  }

  /**
   * Destroys the subject's data key inside the caller's transaction, leaving a tombstone
   * so the subject can never be given a new key. Evicts it from the cache.
   */
  async destroy(trx: Transaction<KeysTables>, subjectId: string): Promise<void> {
    const now = this.clock.now().getTime();
    await trx
      .insertInto('subject_key')
      .values({
        subject_id: subjectId,
        key_id: 0,
        kek_version: null,
        wrapped_key: null,
        created_at: now,
        shredded_at: now,
      })
      .onConflict((conflict) =>
        conflict
          .column('subject_id')
          .doUpdateSet({ wrapped_key: null, kek_version: null, shredded_at: now }),
      )
      .execute();
    this.evict(subjectId);
  }

  /**
   * Drops a cached key. Call it again once the erasure has committed: a read on another
   * connection may have loaded the key row as it was before the commit.
   */
  evict(subjectId: string): void {
    this.#generation++;
    this.#cache.delete(subjectId);
  }

  /** Empties the unwrapped-key cache. */
  clearCache(): void {
    this.#cache.clear();
  }

  async #load(subjectId: string): Promise<DataKey | typeof SHREDDED | undefined> {
    const generation = this.#generation;
    const [row] = (await storedKey.execute(this.db, { subjectId })).rows;
    if (row === undefined) return undefined;
    if (row.wrapped_key === null || row.kek_version === null) return SHREDDED;
    const keyId = Number(row.key_id);
    const key = await this.kek.unwrap(row.kek_version, row.wrapped_key, wrapAad(subjectId, keyId));
    const dataKey = { keyId, key };
    if (generation === this.#generation) this.#cache.set(subjectId, dataKey);
    return dataKey;
  }
}
