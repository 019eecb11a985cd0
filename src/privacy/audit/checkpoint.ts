import { verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { AuditCheckpointsTable } from './audit-seal-migration.js';

/** A signed statement of the log's Merkle root and chain hash after `treeSize` entries. */
export interface Checkpoint {
  readonly treeSize: number;
  /** The tree size of the checkpoint before this one, 0 for the first: a lost one is noticed. */
  readonly previousTreeSize: number;
  readonly rootHash: Buffer;
  readonly chainHash: Buffer;
  /** Milliseconds since the epoch, UTC. */
  readonly signedAt: number;
  readonly keyId: string;
  readonly signature: Buffer;
}

/** A checkpoint before it is signed. */
export type UnsignedCheckpoint = Omit<Checkpoint, 'signature'>;

const STATEMENT_FORMAT = 'custodia-audit-checkpoint/1';

/**
 * The exact bytes the signature covers: UTF-8 text, one `name value` pair a line, each
 * line ending in a newline, in this order:
 *
 *   custodia-audit-checkpoint/1
 *   tree-size <decimal>
 *   previous-tree-size <decimal>
 *   root-hash <64 lower-case hex digits>
 *   chain-hash <64 lower-case hex digits>
 *   signed-at <decimal milliseconds since the epoch, UTC>
 *   key-id <16 lower-case hex digits>
 *
 * Text, so an operator can rebuild it with a shell and check the signature with
 * `openssl pkeyutl -verify -rawin` and nothing from Custodia.
 */
export function checkpointStatement(checkpoint: UnsignedCheckpoint): Buffer {
  return Buffer.from(
    [
      STATEMENT_FORMAT,
      `tree-size ${checkpoint.treeSize}`,
      `previous-tree-size ${checkpoint.previousTreeSize}`,
      `root-hash ${checkpoint.rootHash.toString('hex')}`,
      `chain-hash ${checkpoint.chainHash.toString('hex')}`,
      `signed-at ${checkpoint.signedAt}`,
      `key-id ${checkpoint.keyId}`,
      '',
    ].join('\n'),
    'utf8',
  );
}

/** Signs a checkpoint statement with `sign` (the signing key's). */
export function signCheckpoint(
  unsigned: UnsignedCheckpoint,
  sign: (message: Buffer) => Buffer,
): Checkpoint {
  return { ...unsigned, signature: sign(checkpointStatement(unsigned)) };
}

/** True when the signature is a valid Ed25519 signature of the statement under `publicKey`. */
export function checkpointSignatureValid(checkpoint: Checkpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, checkpointStatement(checkpoint), publicKey, checkpoint.signature);
  } catch {
    // A signature of the wrong length, or a value an intruder wrote, is just invalid.
    return false;
  }
}

/** Any stored value as bytes, so a tampered column of another type fails its checks, not the verifier. */
export function storedBytes(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  return Buffer.from(String(value), 'utf8');
}

/** A checkpoint as read from its row. */
export function checkpointFromRow(row: AuditCheckpointsTable): Checkpoint {
  return {
    treeSize: Number(row.tree_size),
    previousTreeSize: Number(row.previous_tree_size),
    rootHash: storedBytes(row.root_hash),
    chainHash: storedBytes(row.chain_hash),
    signedAt: Number(row.signed_at),
    keyId: String(row.key_id),
    signature: storedBytes(row.signature),
  };
}

/** The row a checkpoint is stored as. */
export function checkpointToRow(checkpoint: Checkpoint): AuditCheckpointsTable {
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

/** A checkpoint as exported and printed: hashes in hex, the signature in base64. */
export interface CheckpointJson {
  readonly type: 'checkpoint';
  readonly treeSize: number;
  readonly previousTreeSize: number;
  readonly rootHash: string;
  readonly chainHash: string;
  readonly signedAt: number;
  /** `signedAt` for people; not signed, ignored when read back. */
  readonly time: string;
  readonly keyId: string;
  readonly signature: string;
}

/** The exported form of a checkpoint. */
export function checkpointToJson(checkpoint: Checkpoint): CheckpointJson {
  return {
    type: 'checkpoint',
    treeSize: checkpoint.treeSize,
    previousTreeSize: checkpoint.previousTreeSize,
    rootHash: checkpoint.rootHash.toString('hex'),
    chainHash: checkpoint.chainHash.toString('hex'),
    signedAt: checkpoint.signedAt,
    time: new Date(checkpoint.signedAt).toISOString(),
    keyId: checkpoint.keyId,
    signature: checkpoint.signature.toString('base64'),
  };
}

const hex32 = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .transform((value) => Buffer.from(value, 'hex'));
const size = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const checkpointJsonSchema = z.strictObject({
  type: z.literal('checkpoint'),
  treeSize: size,
  previousTreeSize: size,
  rootHash: hex32,
  chainHash: hex32,
  signedAt: z.number().int(),
  time: z.string().optional(),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  signature: z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/)
    .transform((value) => Buffer.from(value, 'base64')),
});

/** Reads an exported checkpoint back; undefined when it is not one. Its signature is not checked here. */
export function checkpointFromJson(value: unknown): Checkpoint | undefined {
  const parsed = checkpointJsonSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const { treeSize, previousTreeSize, rootHash, chainHash, signedAt, keyId, signature } =
    parsed.data;
  const checkpoint = {
    treeSize,
    previousTreeSize,
    rootHash,
    chainHash,
    signedAt,
    keyId,
    signature,
  };
  return checkpoint;
}
