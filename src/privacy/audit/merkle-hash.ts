import { hash } from 'node:crypto';

/** Bytes in every hash of the log: SHA-256. */
export const HASH_BYTES = 32;

/** The chain hash before the first entry (chain_0): 32 zero bytes. */
export const ZERO_HASH: Buffer = Buffer.alloc(HASH_BYTES);

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

// Chain and node hashes join two or three short parts: copy them into one reused buffer
// rather than allocate a concatenation per hash. Hashing is synchronous, so reuse is safe.
const joined = Buffer.allocUnsafe(1 + 2 * HASH_BYTES);

/** SHA-256 of the concatenated parts. */
export function sha256(...parts: readonly Uint8Array[]): Buffer {
  // One-shot hashing avoids a Hash object per call, which dominates for 32- and 64-byte inputs.
  if (parts.length === 1 && parts[0] !== undefined) return hash('sha256', parts[0], 'buffer');
  let length = 0;
  for (const part of parts) length += part.length;
  if (length > joined.length) return hash('sha256', Buffer.concat(parts), 'buffer');
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return hash('sha256', joined.subarray(0, at), 'buffer');
}

/** RFC 6962 leaf hash, H(0x00 ‖ entry): the prefix keeps a leaf from passing for a node. */
export function leafHash(entry: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, entry);
}

/** RFC 6962 interior node hash, H(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/** The hash chain: chain_n = H(chain_{n-1} ‖ leaf_n), so each entry commits to all before it. */
export function chainHash(previous: Uint8Array, leaf: Uint8Array): Buffer {
  return sha256(previous, leaf);
}

/** The Merkle tree hash of the empty tree, SHA-256 of no bytes (RFC 6962 §2.1). */
export const EMPTY_ROOT: Buffer = sha256(Buffer.alloc(0));
