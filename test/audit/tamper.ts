// Ways an intruder with write access to the database could alter the sealed audit log,
// and where the verifier must then report the first problem.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import {
  chainHash,
  checkpointStatement,
  entryLeafHash,
  MerkleFrontier,
  publicKeyId,
  ZERO_HASH,
  type AuditSealTables,
  type Checkpoint,
} from '../../src/privacy/audit/index.js';

type Db = Kysely<AuditSealTables>;

/** Stored entry fields an intruder may change (seq changes are deletes and reorders). */
export const ENTRY_TARGETS = [
  'id',
  'occurred_at',
  'actor_id',
  'actor_role',
  'action',
  'purpose',
  'subject_id',
  'categories',
  'decision',
  'request_id',
  'outcome',
  'detail',
] as const;

/** Checkpoint columns an intruder may change. */
export const CHECKPOINT_TARGETS = [
  'root_hash',
  'chain_hash',
  'signed_at',
  'key_id',
  'signature',
  'previous_tree_size',
  'tree_size',
] as const;

/**
 * One alteration. `rehash`: the intruder also recomputes every leaf and chain hash from
 * the changed entry on, as anyone who knows the format can; only the signed checkpoints
 * then show the change.
 */
export type Tamper =
  | {
      readonly on: 'entry';
      readonly act: 'modify';
      readonly seq: number;
      readonly field: (typeof ENTRY_TARGETS)[number] | 'leaf_hash' | 'chain_hash';
      readonly rehash: boolean;
    }
  | {
      readonly on: 'entry';
      readonly act: 'delete' | 'insert';
      readonly seq: number;
      readonly rehash: boolean;
    }
  | {
      readonly on: 'entry';
      readonly act: 'reorder';
      readonly seq: number;
      readonly other: number;
      readonly rehash: boolean;
    }
  | {
      readonly on: 'checkpoint';
      readonly act: 'modify';
      readonly treeSize: number;
      readonly field: (typeof CHECKPOINT_TARGETS)[number];
      readonly to: number;
    }
  | { readonly on: 'checkpoint'; readonly act: 'delete'; readonly treeSize: number }
  | {
      readonly on: 'checkpoint';
      readonly act: 'forge';
      readonly treeSize: number;
      readonly how: 'random' | 'copied' | 'own-key' | 'own-key-real-id';
    }
  | {
      readonly on: 'checkpoint';
      readonly act: 'reorder';
      readonly treeSize: number;
      readonly other: number;
    };

/** The sealed log as built: its size and the tree sizes of its checkpoints. */
export interface LogShape {
  readonly size: number;
  readonly checkpoints: readonly number[];
}

/** Where the verifier must name the first problem. */
export function expectedPlace(
  tamper: Tamper,
  log: LogShape,
  trusted: boolean,
): { kind: 'entry'; seq: number } | { kind: 'checkpoint'; treeSize: number } {
  const firstCheckpointFrom = (seq: number) => log.checkpoints.find((size) => size >= seq);
  if (tamper.on === 'entry') {
    const from = tamper.act === 'reorder' ? Math.min(tamper.seq, tamper.other) : tamper.seq;
    if (!tamper.rehash) return { kind: 'entry', seq: from };
    if (tamper.act === 'delete') {
      // The log is one shorter: a checkpoint at its old end covers an entry now gone.
      const covering = log.checkpoints.find((size) => size >= from && size <= log.size - 1);
      return covering === undefined
        ? { kind: 'entry', seq: log.size }
        : { kind: 'checkpoint', treeSize: covering };
    }
    return { kind: 'checkpoint', treeSize: firstCheckpointFrom(from) ?? log.size };
  }
  if (tamper.act === 'modify' && tamper.field === 'tree_size') {
    // Moved: found at its new size, unless the exported copy misses it at its old one first.
    return {
      kind: 'checkpoint',
      treeSize: trusted && tamper.to > tamper.treeSize ? tamper.treeSize : tamper.to,
    };
  }
  if (tamper.act === 'reorder') {
    return { kind: 'checkpoint', treeSize: Math.min(tamper.treeSize, tamper.other) };
  }
  return { kind: 'checkpoint', treeSize: tamper.treeSize };
}

const flip = (bytes: Buffer) => {
  const copy = Buffer.from(bytes);
  copy[0] = (copy[0] ?? 0) ^ 0x01;
  return copy;
};

/** Moves every entry with seq ≥ from by `by`, through negative seqs, so no unique check trips. */
async function shiftSeqs(db: Db, from: number, by: number): Promise<void> {
  await db
    .updateTable('audit_events')
    .set({ seq: sql<number>`0 - (seq + ${by})` })
    .where('seq', '>=', from)
    .execute();
  await db
    .updateTable('audit_events')
    .set({ seq: sql<number>`0 - seq` })
    .where('seq', '<', 0)
    .execute();
}

/** What anyone who knows the format can do: recompute leaf and chain hashes from `from` on. */
async function rehashFrom(db: Db, from: number): Promise<void> {
  const before = await db
    .selectFrom('audit_events')
    .select('chain_hash')
    .where('seq', '=', from - 1)
    .executeTakeFirst();
  let chain = before?.chain_hash ?? ZERO_HASH;
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('seq', '>=', from)
    .orderBy('seq')
    .execute();
  for (const row of rows) {
    const leaf = entryLeafHash(row);
    chain = chainHash(chain, leaf);
    await db
      .updateTable('audit_events')
      .set({ leaf_hash: leaf, chain_hash: chain })
      .where('id', '=', row.id)
      .execute();
  }
}

async function tamperEntry(db: Db, t: Extract<Tamper, { on: 'entry' }>): Promise<void> {
  const row = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('seq', '=', t.seq)
    .executeTakeFirst();
  if (t.act === 'modify' && row !== undefined) {
    await db
      .updateTable('audit_events')
      .set(changedValue(row, t.field, await maxId(db)))
      .where('id', '=', row.id)
      .execute();
  } else if (t.act === 'delete') {
    await db.deleteFrom('audit_events').where('seq', '=', t.seq).execute();
    if (t.rehash) await shiftSeqs(db, t.seq + 1, -1);
  } else if (t.act === 'insert') {
    await shiftSeqs(db, t.seq, 1);
    await db
      .insertInto('audit_events')
      .values({
        id: (await maxId(db)) + 1,
        occurred_at: Date.UTC(2026, 2, 1),
        actor_id: 'stf_intruder',
        actor_role: 'admin',
        action: 'customer.read',
        purpose: 'customer_support',
        subject_id: 'cus_victim',
        categories: '["registration.email"]',
        decision: 'clear',
        request_id: null,
        outcome: 'success',
        detail: null,
        seq: t.seq,
        leaf_hash: randomBytes(32),
        chain_hash: randomBytes(32),
      })
      .execute();
  } else if (t.act === 'reorder') {
    await db.updateTable('audit_events').set({ seq: -1 }).where('seq', '=', t.seq).execute();
    await db.updateTable('audit_events').set({ seq: t.seq }).where('seq', '=', t.other).execute();
    await db.updateTable('audit_events').set({ seq: t.other }).where('seq', '=', -1).execute();
  }
  if (t.rehash) await rehashFrom(db, t.act === 'reorder' ? Math.min(t.seq, t.other) : t.seq);
}

async function maxId(db: Db): Promise<number> {
  const row = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

function changedValue(
  row: Record<string, unknown>,
  field: string,
  max: number,
): Record<string, unknown> {
  const value = row[field];
  if (field === 'id') return { id: max + 1000 };
  if (Buffer.isBuffer(value)) return { [field]: flip(value) };
  if (typeof value === 'number') return { [field]: value + 1 };
  if (value === null) return { [field]: 'x' };
  return { [field]: `${value as string}x` };
}

async function tamperCheckpoint(
  db: Db,
  t: Extract<Tamper, { on: 'checkpoint' }>,
  log: LogShape,
): Promise<void> {
  const at = (size: number) => db.updateTable('audit_checkpoints').where('tree_size', '=', size);
  if (t.act === 'modify') {
    const row = await db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('tree_size', '=', t.treeSize)
      .executeTakeFirstOrThrow();
    const change: Record<string, unknown> =
      t.field === 'tree_size'
        ? { tree_size: t.to }
        : t.field === 'key_id'
          ? { key_id: 'ffffffffffffffff' }
          : t.field === 'signed_at' || t.field === 'previous_tree_size'
            ? { [t.field]: Number(row[t.field]) + 1 }
            : { [t.field]: flip(row[t.field]) };
    await at(t.treeSize).set(change).execute();
  } else if (t.act === 'delete') {
    await db.deleteFrom('audit_checkpoints').where('tree_size', '=', t.treeSize).execute();
  } else if (t.act === 'reorder') {
    await at(t.treeSize).set({ tree_size: -1 }).execute();
    await at(t.other).set({ tree_size: t.treeSize }).execute();
    await at(-1).set({ tree_size: t.other }).execute();
  } else {
    await db
      .insertInto('audit_checkpoints')
      .values(await forged(db, t, log))
      .execute();
  }
}

/** A checkpoint the intruder makes up: its hashes right where it can compute them, its signature not. */
async function forged(db: Db, t: Extract<Tamper, { act: 'forge' }>, log: LogShape) {
  const rows = await db
    .selectFrom('audit_events')
    .select(['leaf_hash', 'chain_hash'])
    .where('seq', '<=', t.treeSize)
    .orderBy('seq')
    .execute();
  const frontier = MerkleFrontier.empty();
  for (const row of rows) if (row.leaf_hash !== null) frontier.append(row.leaf_hash);
  const real = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .orderBy('tree_size')
    .executeTakeFirstOrThrow();
  const unsigned = {
    treeSize: t.treeSize,
    previousTreeSize: [...log.checkpoints].reverse().find((size) => size < t.treeSize) ?? 0,
    rootHash: t.how === 'random' ? randomBytes(32) : frontier.root(),
    chainHash:
      t.how === 'random' ? randomBytes(32) : (rows[rows.length - 1]?.chain_hash ?? ZERO_HASH),
    signedAt: Date.UTC(2026, 2, 2),
    keyId: real.key_id,
  };
  let signature: Buffer = t.how === 'random' ? randomBytes(64) : real.signature;
  if (t.how === 'own-key' || t.how === 'own-key-real-id') {
    const own = generateKeyPairSync('ed25519');
    const claimed = {
      ...unsigned,
      keyId: t.how === 'own-key' ? publicKeyId(own.publicKey) : real.key_id,
    };
    signature = sign(null, checkpointStatement(claimed), own.privateKey);
    unsigned.keyId = claimed.keyId;
  }
  const checkpoint: Checkpoint = { ...unsigned, signature };
  return {
    tree_size: checkpoint.treeSize,
    previous_tree_size: checkpoint.previousTreeSize,
    root_hash: checkpoint.rootHash,
    chain_hash: checkpoint.chainHash,
    signed_at: checkpoint.signedAt,
    key_id: checkpoint.keyId,
    signature: checkpoint.signature,
  };
}

/** Applies one alteration to the log. */
export async function applyTamper(db: Db, tamper: Tamper, log: LogShape): Promise<void> {
  if (tamper.on === 'entry') await tamperEntry(db, tamper);
  else await tamperCheckpoint(db, tamper, log);
}
