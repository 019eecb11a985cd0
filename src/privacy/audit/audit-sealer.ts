import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { bulkUpdate, lockKeyForTransaction } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import { auditErrors } from './audit-errors.js';
import { latestCheckpoint, leafHashSource } from './audit-log-reader.js';
import type { AuditSealTables } from './audit-seal-migration.js';
import { checkpointToRow, signCheckpoint, storedBytes, type Checkpoint } from './checkpoint.js';
import { ENTRY_COLUMNS, entryLeafHash } from './entry-encoding.js';
import { MerkleFrontier } from './merkle-frontier.js';
import { chainHash, ZERO_HASH } from './merkle-hash.js';

/** What signs checkpoints: the audit signing key, or a stand-in with the same shape. */
export interface CheckpointSigner {
  readonly keyId: string;
  sign(message: Buffer): Buffer;
}

/** How often checkpoints are published. */
export interface AuditSealerOptions {
  readonly signer: CheckpointSigner;
  readonly clock: Clock;
  /** N: publish once this many entries were sealed since the last checkpoint (1000). */
  readonly checkpointEvery?: number;
  /** T: publish once this many milliseconds passed since the last checkpoint (10 s). */
  readonly checkpointAfterMs?: number;
}

/** What one sealing transaction did. */
export interface SealResult {
  /** Entries sealed by this call. */
  readonly sealed: number;
  /** Entries sealed in all, after this call. */
  readonly treeSize: number;
  /** The checkpoint this call published, if it published one. */
  readonly checkpoint: Checkpoint | undefined;
}

/** Default N and T of issue 5: a checkpoint every 1000 entries or 10 seconds. */
export const DEFAULT_CHECKPOINT_EVERY = 1000;
/** Default T, in milliseconds. */
export const DEFAULT_CHECKPOINT_AFTER_MS = 10_000;
/** Events sealed per transaction unless told otherwise. */
export const DEFAULT_MAX_BATCH = 1000;

// One advisory lock for every instance on PostgreSQL: two sealers would give out a seq twice.
const SEALER_LOCK = 'custodia:audit-sealer';
const STATE_ID = 1;
// SQLite binds at most 32,766 parameters per statement; four per row.
const ROWS_PER_UPDATE = 1000;

interface ResumePoint {
  readonly frontier: MerkleFrontier;
  readonly chain: Buffer;
  readonly stateExists: boolean;
}

/**
 * Seals the audit log: gives unsealed events, oldest id first, the next seq, their leaf
 * and chain hashes, and publishes signed checkpoints of the Merkle root. Each call is one
 * transaction, so a process killed at any moment leaves the log as it was before the
 * call or after it, and the next call continues the chain from there.
 */
export class AuditSealer {
  readonly #checkpointEvery: number;
  readonly #checkpointAfterMs: number;

  constructor(
    private readonly db: Kysely<AuditSealTables>,
    private readonly options: AuditSealerOptions,
  ) {
    this.#checkpointEvery = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    this.#checkpointAfterMs = options.checkpointAfterMs ?? DEFAULT_CHECKPOINT_AFTER_MS;
  }

  /** Seals up to `maxBatch` pending events and publishes a checkpoint when one is due. */
  async sealPending(
    options: { maxBatch?: number; forceCheckpoint?: boolean } = {},
  ): Promise<SealResult> {
    const maxBatch = Math.max(0, Math.trunc(options.maxBatch ?? DEFAULT_MAX_BATCH));
    return this.db
      .transaction()
      .execute((trx) => this.#seal(trx, maxBatch, options.forceCheckpoint === true));
  }

  /** Seals up to `maxBatch` pending events and publishes a checkpoint of everything sealed. */
  async checkpoint(options: { maxBatch?: number } = {}): Promise<SealResult> {
    return this.sealPending({ ...options, forceCheckpoint: true });
  }

  async #seal(
    trx: Transaction<AuditSealTables>,
    maxBatch: number,
    force: boolean,
  ): Promise<SealResult> {
    await lockKeyForTransaction(trx, SEALER_LOCK);
    // A write first: on SQLite it takes the write lock now (waiting its busy timeout for
    // another process) rather than failing later on a snapshot that went stale.
    await trx
      .updateTable('audit_seal_state')
      .set({ id: STATE_ID })
      .where('id', '=', STATE_ID)
      .execute();
    const resume = await this.#resumePoint(trx);
    const { frontier } = resume;
    let chain = resume.chain;
    const pending =
      maxBatch === 0
        ? []
        : await trx
            .selectFrom('audit_events')
            .select(ENTRY_COLUMNS)
            .where('seq', 'is', null)
            .orderBy('id')
            .limit(maxBatch)
            .execute();
    const updates: [number, number, Buffer, Buffer][] = [];
    for (const row of pending) {
      const seq = frontier.size + 1;
      const leaf = entryLeafHash({ ...row, seq });
      chain = chainHash(chain, leaf);
      frontier.append(leaf);
      updates.push([Number(row.id), seq, leaf, chain]);
    }
    for (let start = 0; start < updates.length; start += ROWS_PER_UPDATE) {
      const chunk = updates.slice(start, start + ROWS_PER_UPDATE);
      const changed = await bulkUpdate<AuditSealTables>(
        trx,
        {
          table: 'audit_events',
          key: 'id',
          columns: [{ name: 'seq' }, { name: 'leaf_hash' }, { name: 'chain_hash' }],
        },
        chunk,
      );
      if (changed !== chunk.length) throw new Error('Audit events changed while being sealed');
    }
    const checkpoint = await this.#checkpointIfDue(trx, frontier, chain, force);
    await this.#saveState(trx, frontier, chain, resume.stateExists);
    return { sealed: updates.length, treeSize: frontier.size, checkpoint };
  }

  /** The frontier and chain hash after the last sealed entry, rebuilt when the cache disagrees. */
  async #resumePoint(trx: Transaction<AuditSealTables>): Promise<ResumePoint> {
    const state = await trx
      .selectFrom('audit_seal_state')
      .selectAll()
      .where('id', '=', STATE_ID)
      .executeTakeFirst();
    const last = await trx
      .selectFrom('audit_events')
      .select(['seq', 'chain_hash'])
      .where('seq', 'is not', null)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const size = Number(last?.seq ?? 0);
    const chain = last?.chain_hash == null ? ZERO_HASH : storedBytes(last.chain_hash);
    if (state !== undefined && Number(state.tree_size) === size) {
      const frontier = MerkleFrontier.restore(size, storedBytes(state.frontier));
      if (frontier !== undefined && storedBytes(state.chain_hash).equals(chain)) {
        return { frontier, chain, stateExists: true };
      }
    }
    // The cache is missing or stale (never sealed, or altered): recompute it from the
    // stored leaf hashes, once, rather than extend a tree that does not match the log.
    const frontier = MerkleFrontier.empty();
    for await (const leaves of leafHashSource(trx)(0, size)) {
      for (const leaf of leaves) frontier.append(leaf);
    }
    return { frontier, chain, stateExists: state !== undefined };
  }

  async #checkpointIfDue(
    trx: Transaction<AuditSealTables>,
    frontier: MerkleFrontier,
    chain: Buffer,
    force: boolean,
  ): Promise<Checkpoint | undefined> {
    const { signer, clock } = this.options;
    const last = await latestCheckpoint(trx);
    const lastSize = last?.treeSize ?? 0;
    if (frontier.size <= lastSize) return undefined;
    if (last !== undefined && last.keyId !== signer.keyId) {
      // Checkpoints of two keys would leave the log verifiable by neither key alone.
      throw new AppError(auditErrors.AUDIT_SIGNING_KEY_MISMATCH, {
        message: `The latest audit checkpoint was signed by key ${last.keyId}; this instance holds key ${signer.keyId}`,
      });
    }
    const now = clock.now().getTime();
    const due =
      force ||
      last === undefined ||
      frontier.size - lastSize >= this.#checkpointEvery ||
      now - last.signedAt >= this.#checkpointAfterMs;
    if (!due) return undefined;
    const checkpoint = signCheckpoint(
      {
        treeSize: frontier.size,
        previousTreeSize: lastSize,
        rootHash: frontier.root(),
        chainHash: chain,
        signedAt: now,
        keyId: signer.keyId,
      },
      (message) => signer.sign(message),
    );
    await trx.insertInto('audit_checkpoints').values(checkpointToRow(checkpoint)).execute();
    return checkpoint;
  }

  async #saveState(
    trx: Transaction<AuditSealTables>,
    frontier: MerkleFrontier,
    chain: Buffer,
    exists: boolean,
  ): Promise<void> {
    const values = { tree_size: frontier.size, chain_hash: chain, frontier: frontier.serialize() };
    if (exists) {
      await trx.updateTable('audit_seal_state').set(values).where('id', '=', STATE_ID).execute();
    } else {
      await trx
        .insertInto('audit_seal_state')
        .values({ id: STATE_ID, ...values })
        .execute();
    }
  }
}
