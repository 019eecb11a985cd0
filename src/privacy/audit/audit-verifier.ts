import type { KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import { READ_BATCH, sealProgress } from './audit-log-reader.js';
import type { AuditSealTables } from './audit-seal-migration.js';
import { checkpointSignatureValid, type Checkpoint } from './checkpoint.js';
import { CheckpointCursor } from './checkpoint-cursor.js';
import { checkedEntries, type WalkPosition } from './checked-entries.js';
import { Verdict, type CheckedEntries } from './entry-rows.js';
import { FlatFrontier } from './flat-frontier.js';
import { HASH_BYTES, ZERO_HASH } from './merkle-hash.js';
import { publicKeyId } from './signing-key-format.js';

/** The first place where the log and its checkpoints disagree. */
export type AuditProblem =
  | { readonly kind: 'entry'; readonly seq: number; readonly reason: string }
  | { readonly kind: 'checkpoint'; readonly treeSize: number; readonly reason: string };

/** The outcome of a verification: intact, or the first problem found. */
export type VerifyResult =
  | {
      readonly ok: true;
      /** Sealed entries checked. */
      readonly entries: number;
      /** Stored checkpoints checked. */
      readonly checkpoints: number;
      /** Entries covered by the latest checkpoint; those after it await the next one. */
      readonly coveredEntries: number;
    }
  | { readonly ok: false; readonly problem: AuditProblem };

/** How far a verification has come. */
export interface VerifyProgress {
  readonly done: number;
  /** Sealed entries when verification began; more may be sealed while it runs. */
  readonly total: number;
}

/** Options of a verification. */
export interface VerifyOptions {
  readonly onProgress?: (progress: VerifyProgress) => void;
  /**
   * Checkpoints exported earlier and kept elsewhere. Each must still be in the database,
   * unchanged, and match the entries: this catches the deletion or re-signing of recent
   * checkpoints, which the database alone cannot show.
   */
  readonly trusted?: readonly Checkpoint[];
  /** Entries read per query (and per chunk read in parallel). */
  readonly batchSize?: number;
  /**
   * Reader threads beside the main one, on SQLite. By default, when at least 20,000
   * entries are to be read, one per further core (at most 3) that sits idle while the main
   * thread reads its first chunk; none for fewer entries or on a busy machine.
   */
  readonly workers?: number;
}

/** Thrown inside the walk to stop at the first problem; never escapes verifyAuditLog. */
class Failed extends Error {
  constructor(readonly problem: AuditProblem) {
    super('audit log verification failed');
  }
}

const entryProblem = (seq: number, reason: string) => new Failed({ kind: 'entry', seq, reason });
const checkpointProblem = (treeSize: number, reason: string) =>
  new Failed({ kind: 'checkpoint', treeSize, reason });

/** The walk through the log: everything recomputed so far. */
class Walk implements WalkPosition {
  size = 0;
  /** The chain hash after the last entry: 32 bytes of `chainIn` at `chainAt`. */
  chainIn: Buffer = ZERO_HASH;
  chainAt = 0;
  readonly frontier = new FlatFrontier();
  lastCheckpoint = 0;
  checkpoints = 0;
  trustedAt = 0;

  constructor(
    readonly publicKey: KeyObject,
    readonly keyId: string,
    readonly cursor: CheckpointCursor,
    readonly trusted: readonly Checkpoint[],
  ) {}

  chainHex(): string {
    return this.chainIn.toString('hex', this.chainAt, this.chainAt + HASH_BYTES);
  }

  chainIs(hash: Buffer): boolean {
    return hash.compare(this.chainIn, this.chainAt, this.chainAt + HASH_BYTES) === 0;
  }
}

/** Takes entry `i` of a checked batch into the walk, or names why it does not belong. */
function enter(walk: Walk, entries: CheckedEntries, i: number): void {
  const expected = walk.size + 1;
  const seq = entries.seqs[i] ?? NaN;
  if (seq < expected) throw entryProblem(seq, 'another entry has the same seq');
  if (seq !== expected) {
    throw entryProblem(expected, `missing: the log jumps from seq ${walk.size} to ${seq}`);
  }
  const verdict = entries.verdicts[i];
  if (verdict === Verdict.leafMismatch) {
    throw entryProblem(seq, 'its fields do not match its leaf hash');
  }
  if (verdict !== Verdict.ok) {
    throw entryProblem(seq, 'its chain hash does not follow from the entries before it');
  }
  walk.frontier.append(entries.leaves, i * HASH_BYTES);
  walk.chainIn = entries.chains;
  walk.chainAt = i * HASH_BYTES;
  walk.size = seq;
}

function checkStored(walk: Walk, c: Checkpoint): void {
  if (c.keyId !== walk.keyId) {
    throw checkpointProblem(c.treeSize, `signed by key ${c.keyId}, not by key ${walk.keyId}`);
  }
  if (!checkpointSignatureValid(c, walk.publicKey)) {
    throw checkpointProblem(c.treeSize, 'its signature does not verify');
  }
  if (c.previousTreeSize > walk.lastCheckpoint) {
    throw checkpointProblem(
      c.previousTreeSize,
      `missing: the checkpoint of ${c.treeSize} entries names it as its predecessor`,
    );
  }
  if (c.previousTreeSize !== walk.lastCheckpoint) {
    throw checkpointProblem(
      c.treeSize,
      `names predecessor ${c.previousTreeSize}, but the checkpoint before it covers ${walk.lastCheckpoint}`,
    );
  }
  matchTree(walk, c, 'its');
  walk.lastCheckpoint = c.treeSize;
  walk.checkpoints += 1;
}

function matchTree(walk: Walk, c: Checkpoint, whose: string): void {
  if (c.treeSize !== walk.size) {
    throw checkpointProblem(c.treeSize, `${whose} tree size is not a whole number of entries`);
  }
  if (!c.rootHash.equals(walk.frontier.root())) {
    throw checkpointProblem(
      c.treeSize,
      `${whose} root hash does not match entries 1..${c.treeSize} (a change after entry ${walk.lastCheckpoint})`,
    );
  }
  if (!walk.chainIs(c.chainHash)) {
    throw checkpointProblem(c.treeSize, `${whose} chain hash does not match entry ${c.treeSize}`);
  }
}

function checkTrusted(walk: Walk, t: Checkpoint, stored: Checkpoint | undefined): void {
  if (t.keyId !== walk.keyId || !checkpointSignatureValid(t, walk.publicKey)) {
    throw checkpointProblem(t.treeSize, 'the exported copy is not signed by this key');
  }
  matchTree(walk, t, 'the exported copy’s');
  if (stored === undefined) {
    throw checkpointProblem(t.treeSize, 'missing from the database (the exported copy has it)');
  }
  if (!stored.signature.equals(t.signature) || stored.signedAt !== t.signedAt) {
    throw checkpointProblem(t.treeSize, 'differs from the exported copy');
  }
}

/**
 * The tree size at which the next stored or exported checkpoint must be checked. A size
 * an intruder stored as text or a fraction reads as -Infinity or sorts between entries:
 * either way it is checked as soon as it comes up, and its signature fails.
 */
async function nextCheckpointSize(walk: Walk): Promise<number> {
  const stored = await walk.cursor.peek();
  const trusted = walk.trusted[walk.trustedAt];
  const storedSize = stored === undefined ? Infinity : stored.treeSize;
  return Math.min(Number.isNaN(storedSize) ? -Infinity : storedSize, trusted?.treeSize ?? Infinity);
}

/** Checks every stored and exported checkpoint of at most `walk.size` entries, in order. */
async function checkCheckpoints(walk: Walk): Promise<void> {
  while ((await nextCheckpointSize(walk)) <= walk.size) {
    const stored = await walk.cursor.peek();
    const trusted = walk.trusted[walk.trustedAt];
    const trustedSize = trusted?.treeSize ?? Infinity;
    const storedSize =
      stored === undefined ? Infinity : Number.isNaN(stored.treeSize) ? -Infinity : stored.treeSize;
    const atStored = stored !== undefined && storedSize <= trustedSize;
    if (atStored) {
      checkStored(walk, stored);
      walk.cursor.shift();
    }
    if (trusted !== undefined && trustedSize <= storedSize) {
      checkTrusted(walk, trusted, atStored && storedSize === trustedSize ? stored : undefined);
      walk.trustedAt += 1;
    }
  }
}

/** After the last entry: a checkpoint beyond it means entries are missing, or are new. */
async function checkBeyond(walk: Walk, db: Kysely<AuditSealTables>): Promise<boolean> {
  walk.cursor.refresh();
  const stored = await walk.cursor.peek();
  const trusted = walk.trusted[walk.trustedAt];
  const next = [stored, trusted]
    .filter((c): c is Checkpoint => c !== undefined)
    .sort((a, b) => a.treeSize - b.treeSize)[0];
  if (next === undefined) return false;
  if (next.keyId !== walk.keyId || !checkpointSignatureValid(next, walk.publicKey)) {
    throw checkpointProblem(next.treeSize, 'its signature does not verify');
  }
  if (next.treeSize <= walk.size) return false;
  // A live sealer may have sealed more since the walk's last read: walk on if so.
  const more = await db
    .selectFrom('audit_events')
    .select('seq')
    .where('seq', '>', walk.size)
    .limit(1)
    .executeTakeFirst();
  if (more !== undefined) return true;
  throw entryProblem(
    walk.size + 1,
    `missing: the checkpoint of ${next.treeSize} entries covers it, the log ends at ${walk.size}`,
  );
}

/**
 * Verifies the sealed audit log (C3.3): streams the entries in seq order, recomputes each
 * leaf and chain hash from the stored fields, the Merkle root at every checkpoint size,
 * and checks every checkpoint's signature, predecessor and hashes. Names the first entry
 * or checkpoint that does not match. Entries not yet sealed are not examined. On SQLite
 * the entries are read and hashed on several connections and threads at once
 * (checked-entries.ts); the walk still takes them strictly in order.
 */
export async function verifyAuditLog(
  db: Kysely<AuditSealTables>,
  publicKey: KeyObject,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  // A batch of no entries would read nothing forever.
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? READ_BATCH));
  const trusted = [...(options.trusted ?? [])]
    .filter((c) => c.treeSize > 0)
    .sort((a, b) => a.treeSize - b.treeSize);
  const walk = new Walk(
    publicKey,
    publicKeyId(publicKey),
    new CheckpointCursor(db, batchSize),
    trusted,
  );
  const total = (await sealProgress(db)).sealed;
  const reading = { batchSize, sealed: total, workers: options.workers };
  try {
    do {
      let due = await nextCheckpointSize(walk);
      for await (const entries of checkedEntries(db, walk, reading)) {
        for (let i = 0; i < entries.count; i++) {
          enter(walk, entries, i);
          // Checkpoints are few beside entries: look them up only when one is due.
          if (due <= walk.size) {
            await checkCheckpoints(walk);
            due = await nextCheckpointSize(walk);
          }
        }
        options.onProgress?.({ done: walk.size, total: Math.max(total, walk.size) });
      }
    } while (await checkBeyond(walk, db));
  } catch (error) {
    if (error instanceof Failed) return { ok: false, problem: error.problem };
    throw error;
  }
  return {
    ok: true,
    entries: walk.size,
    checkpoints: walk.checkpoints,
    coveredEntries: walk.lastCheckpoint,
  };
}
