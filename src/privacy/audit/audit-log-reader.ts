import type { CompiledQuery, Kysely } from 'kysely';
import { hexOf } from '../../platform/db/index.js';
import type { AuditCheckpointsTable, AuditSealTables } from './audit-seal-migration.js';
import { checkpointFromRow, storedBytes, type Checkpoint } from './checkpoint.js';
import { ENTRY_COLUMNS, type SealableEntry } from './entry-encoding.js';
import { ENTRY_ROW_COLUMNS } from './entry-rows.js';
import type { LeafSource } from './merkle-proofs.js';

/** A sealed entry as stored: its fields, seq, and the hashes the sealer wrote beside them. */
export type SealedRow = SealableEntry & {
  readonly leaf_hash: Buffer | null;
  readonly chain_hash: Buffer | null;
};

/** Rows fetched per query when streaming the log: big enough to amortise a round trip. */
export const READ_BATCH = 5000;

/**
 * Streams sealed entries in (seq, id) order, one batch per query, from `afterSeq`
 * (exclusive). Ordering by id as well keeps a duplicated seq (possible only if someone
 * dropped the unique index) from hiding a row at a batch boundary.
 */
export async function* sealedEntries(
  db: Kysely<AuditSealTables>,
  afterSeq = 0,
  batchSize = READ_BATCH,
): AsyncGenerator<readonly SealedRow[]> {
  let last: { seq: number; id: number } | undefined;
  for (;;) {
    let query = db
      .selectFrom('audit_events')
      .select([...ENTRY_COLUMNS, 'seq', 'leaf_hash', 'chain_hash'])
      .where('seq', 'is not', null)
      .orderBy('seq')
      .orderBy('id')
      .limit(batchSize);
    if (last === undefined) {
      query = query.where('seq', '>', afterSeq);
    } else {
      const { seq, id } = last;
      query = query
        .where('seq', '>=', seq)
        .where((eb) => eb.or([eb('seq', '>', seq), eb('id', '>', id)]));
    }
    const rows = await query.execute();
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    const tail = rows[rows.length - 1];
    if (tail === undefined || tail.seq === null) return;
    last = { seq: Number(tail.seq), id: Number(tail.id) };
  }
}

/**
 * The verifier's rows: sealed entries after `afterSeq` (exclusive), up to `upTo`
 * (inclusive) when given, in (seq, id) order, as ENTRY_ROW_COLUMNS followed by the stored
 * leaf and chain hash in hex.
 */
export function entryRowsQuery(
  db: Kysely<AuditSealTables>,
  afterSeq: number,
  upTo?: number,
): CompiledQuery {
  let query = db
    .selectFrom('audit_events')
    .select([
      ...ENTRY_ROW_COLUMNS,
      hexOf(db, 'leaf_hash').as('leaf_hex'),
      hexOf(db, 'chain_hash').as('chain_hex'),
    ])
    .where('seq', '>', afterSeq);
  if (upTo !== undefined) query = query.where('seq', '<=', upTo);
  return query.orderBy('seq').orderBy('id').compile();
}

/** The stored chain hash, in hex, of the last entry (by id) at `seq`: what the next one chains from. */
export function chainSeedQuery(db: Kysely<AuditSealTables>, seq: number): CompiledQuery {
  return db
    .selectFrom('audit_events')
    .select(hexOf(db, 'chain_hash').as('chain_hex'))
    .where('seq', '=', seq)
    .orderBy('id', 'desc')
    .limit(1)
    .compile();
}

/**
 * The stored leaf hashes of leaf indexes [start, end) (seqs start+1 … end), in batches.
 * Throws when an entry in the range is missing: a proof over a gap would prove nothing.
 */
export function leafHashSource(db: Kysely<AuditSealTables>, batchSize = READ_BATCH): LeafSource {
  return async function* (start: number, end: number) {
    let next = start + 1;
    while (next <= end) {
      const rows = await db
        .selectFrom('audit_events')
        .select(['seq', 'leaf_hash'])
        .where('seq', '>=', next)
        .where('seq', '<=', end)
        .orderBy('seq')
        .limit(batchSize)
        .execute();
      const leaves: Buffer[] = [];
      for (const row of rows) {
        if (Number(row.seq) !== next || row.leaf_hash === null) {
          throw new Error(`Audit entry ${next} is missing or unsealed`);
        }
        leaves.push(storedBytes(row.leaf_hash));
        next += 1;
      }
      if (rows.length === 0) throw new Error(`Audit entry ${next} is missing or unsealed`);
      yield leaves;
    }
  };
}

/** Streams checkpoints in tree-size order, from `afterTreeSize` (exclusive), in batches. */
export async function* storedCheckpoints(
  db: Kysely<AuditSealTables>,
  afterTreeSize = -1,
  batchSize = READ_BATCH,
): AsyncGenerator<readonly Checkpoint[]> {
  let after = afterTreeSize;
  for (;;) {
    const rows: AuditCheckpointsTable[] = await db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('tree_size', '>', after)
      .orderBy('tree_size')
      .limit(batchSize)
      .execute();
    if (rows.length > 0) yield rows.map(checkpointFromRow);
    const tail = rows[rows.length - 1];
    if (rows.length < batchSize || tail === undefined) return;
    after = Number(tail.tree_size);
  }
}

/** The checkpoint covering the most entries, if any. */
export async function latestCheckpoint(
  db: Kysely<AuditSealTables>,
): Promise<Checkpoint | undefined> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : checkpointFromRow(row);
}

/** The checkpoint of exactly `treeSize` entries, if one was published. */
export async function checkpointAt(
  db: Kysely<AuditSealTables>,
  treeSize: number,
): Promise<Checkpoint | undefined> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('tree_size', '=', treeSize)
    .executeTakeFirst();
  return row === undefined ? undefined : checkpointFromRow(row);
}

/** The highest seq sealed so far (0 when nothing is), and how many events wait to be sealed. */
export async function sealProgress(
  db: Kysely<AuditSealTables>,
): Promise<{ sealed: number; pending: number }> {
  const last = await db
    .selectFrom('audit_events')
    .select('seq')
    .where('seq', 'is not', null)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const pending = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('seq', 'is', null)
    .executeTakeFirstOrThrow();
  return { sealed: Number(last?.seq ?? 0), pending: Number(pending.n) };
}
