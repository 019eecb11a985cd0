import type { CompiledQuery, Kysely } from 'kysely';
import { sqliteFileOf, streamRowArrays } from '../../platform/db/index.js';
import { chainSeedQuery, entryRowsQuery } from './audit-log-reader.js';
import type { AuditSealTables } from './audit-seal-migration.js';
import { checkChunksInOrder, defaultWorkers, type EntryChunks } from './entry-check-pool.js';
import { checkRows, type CheckedEntries, type PlainQuery } from './entry-rows.js';
import { HASH_BYTES } from './merkle-hash.js';

/** Where the verifier's walk stands: what the next entry must follow. */
export interface WalkPosition {
  /** Entries walked so far; the next must have seq size + 1. */
  readonly size: number;
  /** The chain hash after the last entry walked, in hex. */
  chainHex(): string;
}

/** How to read the log. */
export interface CheckedEntriesOptions {
  /** Entries per query, and per chunk when reading in parallel. */
  readonly batchSize: number;
  /** The highest seq sealed when verification began. */
  readonly sealed: number;
  /** Reader threads beside the main one (SQLite only); by default as many as idle cores repay. */
  readonly workers?: number | undefined;
}

/** Below this many entries, reader threads would start for longer than they save. */
const PARALLEL_FROM = 20_000;

const plain = (query: CompiledQuery): PlainQuery => ({
  sql: query.sql,
  parameters: [...query.parameters],
});

/**
 * The sealed entries after the walk's position, recomputed and compared with their stored
 * hashes, in (seq, id) order, a batch at a time. The walk consumes each batch before the
 * next is asked for, so `walk` has caught up whenever this resumes.
 *
 * On SQLite the entries sealed when verification began are read in chunks of consecutive
 * seqs, in parallel on connections of their own (entry-check-pool.ts). A chunk that ends
 * short has a gap, which the walk must report where it is: from there on, and beyond the
 * sealed range (entries sealed since, a seq that is not a number), rows are read in order
 * on one stream, as on PostgreSQL.
 */
export async function* checkedEntries(
  db: Kysely<AuditSealTables>,
  walk: WalkPosition,
  options: CheckedEntriesOptions,
): AsyncGenerator<CheckedEntries> {
  const file = await sqliteFileOf(db);
  const start = walk.size;
  const { batchSize, sealed } = options;
  if (file !== undefined && sealed > start) {
    const firstSeed = walk.chainHex();
    const upper = (index: number) => Math.min(start + (index + 1) * batchSize, sealed);
    const chunks: EntryChunks = {
      count: Math.ceil((sealed - start) / batchSize),
      at: (index) => {
        const after = start + index * batchSize;
        return {
          rows: plain(entryRowsQuery(db, after, upper(index))),
          seed: index === 0 ? firstSeed : plain(chainSeedQuery(db, after)),
        };
      },
    };
    // Threads by default only when there is enough to read and an idle core to read on.
    const workers =
      options.workers !== undefined
        ? { count: options.workers, onlyOnIdleCores: false }
        : { count: sealed - start >= PARALLEL_FROM ? defaultWorkers() : 0, onlyOnIdleCores: true };
    let index = 0;
    for await (const entries of checkChunksInOrder(file, chunks, workers)) {
      yield entries;
      // Short of its last seq, the chunk has a gap: read on in order from where the walk is.
      if (walk.size < upper(index)) break;
      index += 1;
    }
  }
  let seed = walk.chainHex();
  for await (const rows of streamRowArrays(db, entryRowsQuery(db, walk.size), batchSize)) {
    const entries = checkRows(rows, seed);
    const last = (entries.count - 1) * HASH_BYTES;
    seed = entries.chains.toString('hex', last, last + HASH_BYTES);
    yield entries;
  }
}
