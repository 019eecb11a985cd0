import type { KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../platform/errors/index.js';
import { auditErrors } from './audit-errors.js';
import { checkpointAt, latestCheckpoint, leafHashSource } from './audit-log-reader.js';
import type { AuditSealTables } from './audit-seal-migration.js';
import {
  checkpointFromJson,
  checkpointSignatureValid,
  checkpointStatement,
  checkpointToJson,
  type Checkpoint,
  type CheckpointJson,
} from './checkpoint.js';
import {
  encodeEntry,
  ENTRY_COLUMNS,
  ENTRY_FORMAT_VERSION,
  type StoredValue,
} from './entry-encoding.js';
import { leafHash } from './merkle-hash.js';
import {
  consistencyRanges,
  inclusionRanges,
  rangeRootsFrom,
  verifyConsistency,
  verifyInclusion,
} from './merkle-proofs.js';
import { parsePublicKeyPem } from './signing-key-format.js';

/** A checkpoint with the exact statement its signature covers, for offline checks. */
export type CheckpointWithStatement = CheckpointJson & { readonly statement: string };

/** Proof that one entry is in the log the latest checkpoint signed (RFC 6962 §2.1.1). */
export interface InclusionProofDocument {
  readonly format: 'custodia-audit-inclusion-proof/1';
  readonly seq: number;
  readonly leafIndex: number;
  readonly treeSize: number;
  /** The stored fields, for people; the proof rests on `entry`. */
  readonly event: Readonly<Record<string, StoredValue>>;
  /** The canonical entry bytes (entry-encoding.ts), base64. */
  readonly entry: string;
  readonly leafHash: string;
  /** Sibling subtree hashes from the leaf up, hex. */
  readonly auditPath: readonly string[];
  readonly checkpoint: CheckpointWithStatement;
  readonly publicKey: string;
}

/** Proof that the log of one checkpoint is a prefix of another's (RFC 6962 §2.1.2). */
export interface ConsistencyProofDocument {
  readonly format: 'custodia-audit-consistency-proof/1';
  readonly oldTreeSize: number;
  readonly newTreeSize: number;
  readonly proof: readonly string[];
  readonly oldCheckpoint: CheckpointWithStatement;
  readonly newCheckpoint: CheckpointWithStatement;
  readonly publicKey: string;
}

/** The outcome of checking a proof document. */
export type ProofCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const withStatement = (checkpoint: Checkpoint): CheckpointWithStatement => ({
  ...checkpointToJson(checkpoint),
  statement: checkpointStatement(checkpoint).toString('utf8'),
});

const unavailable = (message: string) =>
  new AppError(auditErrors.AUDIT_PROOF_UNAVAILABLE, { message });

/** Builds the inclusion proof of entry `seq` against the latest checkpoint. */
export async function buildInclusionProof(
  db: Kysely<AuditSealTables>,
  seq: number,
  publicKeyPem: string,
): Promise<InclusionProofDocument> {
  const checkpoint = await latestCheckpoint(db);
  if (checkpoint === undefined) throw unavailable('No audit checkpoint has been published yet');
  if (!Number.isSafeInteger(seq) || seq < 1 || seq > checkpoint.treeSize) {
    throw unavailable(
      `Audit entry ${seq} is not covered by the latest checkpoint (entries 1..${checkpoint.treeSize})`,
    );
  }
  const row = await db
    .selectFrom('audit_events')
    .select(ENTRY_COLUMNS)
    .where('seq', '=', seq)
    .executeTakeFirst();
  if (row === undefined) throw unavailable(`Audit entry ${seq} is missing`);
  const entry = encodeEntry({ ...row, seq });
  const path = await rangeRootsFrom(
    leafHashSource(db),
    inclusionRanges(seq - 1, checkpoint.treeSize),
  );
  return {
    format: 'custodia-audit-inclusion-proof/1',
    seq,
    leafIndex: seq - 1,
    treeSize: checkpoint.treeSize,
    event: { seq, ...row },
    entry: entry.toString('base64'),
    leafHash: leafHash(entry).toString('hex'),
    auditPath: path.map((node) => node.toString('hex')),
    checkpoint: withStatement(checkpoint),
    publicKey: publicKeyPem,
  };
}

/** Builds the consistency proof between the checkpoints of `oldSize` and `newSize` entries. */
export async function buildConsistencyProof(
  db: Kysely<AuditSealTables>,
  oldSize: number,
  newSize: number,
  publicKeyPem: string,
): Promise<ConsistencyProofDocument> {
  const [older, newer] = await Promise.all([checkpointAt(db, oldSize), checkpointAt(db, newSize)]);
  if (older === undefined) throw unavailable(`No checkpoint covers exactly ${oldSize} entries`);
  if (newer === undefined) throw unavailable(`No checkpoint covers exactly ${newSize} entries`);
  if (oldSize > newSize) throw unavailable('The old checkpoint must not be larger than the new');
  const proof = await rangeRootsFrom(leafHashSource(db), consistencyRanges(oldSize, newSize));
  return {
    format: 'custodia-audit-consistency-proof/1',
    oldTreeSize: oldSize,
    newTreeSize: newSize,
    proof: proof.map((node) => node.toString('hex')),
    oldCheckpoint: withStatement(older),
    newCheckpoint: withStatement(newer),
    publicKey: publicKeyPem,
  };
}

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const size = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const inclusionSchema = z.object({
  format: z.literal('custodia-audit-inclusion-proof/1'),
  seq: size,
  leafIndex: size,
  treeSize: size,
  entry: z.string(),
  leafHash: hex32,
  auditPath: z.array(hex32),
  checkpoint: z.unknown(),
  publicKey: z.string(),
});

const consistencySchema = z.object({
  format: z.literal('custodia-audit-consistency-proof/1'),
  oldTreeSize: size,
  newTreeSize: size,
  proof: z.array(hex32),
  oldCheckpoint: z.unknown(),
  newCheckpoint: z.unknown(),
  publicKey: z.string(),
});

/** A checkpoint from a document, checked against the key; a reason when it fails. */
function signedCheckpoint(value: unknown, key: KeyObject, size: number): Checkpoint | string {
  // The statement is rebuilt from the fields; the copy in the document is for people.
  const json: Record<string, unknown> = { ...(value ?? {}) };
  delete json['statement'];
  const checkpoint = checkpointFromJson(json);
  if (checkpoint === undefined) return 'the checkpoint is malformed';
  if (checkpoint.treeSize !== size) return 'the checkpoint covers another tree size';
  if (!checkpointSignatureValid(checkpoint, key)) return 'the checkpoint signature does not verify';
  return checkpoint;
}

function keyFor(document: { publicKey: string }, publicKey: KeyObject | undefined) {
  return publicKey ?? parsePublicKeyPem(document.publicKey);
}

/**
 * Checks an inclusion proof document offline: the entry bytes hash to the leaf, the
 * leaf's seq is the one claimed, the path leads to the checkpoint's root, and the
 * checkpoint is signed. Pass the public key kept elsewhere; the document's own key
 * proves only that whoever wrote the document signed it.
 */
export function verifyInclusionProofDocument(document: unknown, publicKey?: KeyObject): ProofCheck {
  const parsed = inclusionSchema.safeParse(document);
  if (!parsed.success) return { ok: false, reason: 'not an inclusion proof document' };
  const doc = parsed.data;
  const key = keyFor(doc, publicKey);
  if (key === undefined) return { ok: false, reason: 'the public key is not an Ed25519 key' };
  const entry = Buffer.from(doc.entry, 'base64');
  const leaf = leafHash(entry);
  if (leaf.toString('hex') !== doc.leafHash)
    return { ok: false, reason: 'the entry does not hash to the leaf' };
  // The entry starts with its format version and its seq (tag 0x01, int64).
  if (
    entry.length < 10 ||
    entry[0] !== ENTRY_FORMAT_VERSION ||
    entry[1] !== 0x01 ||
    entry.readBigInt64BE(2) !== BigInt(doc.seq)
  ) {
    return { ok: false, reason: 'the entry is not the one at this seq' };
  }
  if (doc.leafIndex !== doc.seq - 1) return { ok: false, reason: 'the leaf index is not seq − 1' };
  const checkpoint = signedCheckpoint(doc.checkpoint, key, doc.treeSize);
  if (typeof checkpoint === 'string') return { ok: false, reason: checkpoint };
  const path = doc.auditPath.map((node) => Buffer.from(node, 'hex'));
  if (!verifyInclusion(doc.leafIndex, doc.treeSize, leaf, path, checkpoint.rootHash)) {
    return { ok: false, reason: 'the audit path does not lead to the checkpoint root' };
  }
  return { ok: true };
}

/** Checks a consistency proof document offline: both checkpoints signed, the old tree a prefix of the new. */
export function verifyConsistencyProofDocument(
  document: unknown,
  publicKey?: KeyObject,
): ProofCheck {
  const parsed = consistencySchema.safeParse(document);
  if (!parsed.success) return { ok: false, reason: 'not a consistency proof document' };
  const doc = parsed.data;
  const key = keyFor(doc, publicKey);
  if (key === undefined) return { ok: false, reason: 'the public key is not an Ed25519 key' };
  const older = signedCheckpoint(doc.oldCheckpoint, key, doc.oldTreeSize);
  if (typeof older === 'string') return { ok: false, reason: `old: ${older}` };
  const newer = signedCheckpoint(doc.newCheckpoint, key, doc.newTreeSize);
  if (typeof newer === 'string') return { ok: false, reason: `new: ${newer}` };
  const proof = doc.proof.map((node) => Buffer.from(node, 'hex'));
  if (!verifyConsistency(doc.oldTreeSize, doc.newTreeSize, older.rootHash, newer.rootHash, proof)) {
    return { ok: false, reason: 'the proof does not show the new log extends the old' };
  }
  return { ok: true };
}
