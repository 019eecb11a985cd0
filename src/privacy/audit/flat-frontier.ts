import { hash } from 'node:crypto';
import { EMPTY_ROOT, HASH_BYTES, nodeHash } from './merkle-hash.js';

/**
 * Copies one 32-byte hash between buffers. A plain loop: Buffer#copy's argument handling
 * costs more than copying 32 bytes, and the verifier copies a few hashes per entry.
 */
export function copyHash(from: Uint8Array, fromAt: number, to: Uint8Array, toAt: number): void {
  for (let i = 0; i < HASH_BYTES; i++) to[toAt + i] = from[fromAt + i] ?? 0;
}

// A safe integer has at most 53 one-bits, one subtree each, plus the leaf being carried.
const MAX_NODES = 54;

/**
 * The verifier's Merkle frontier: the same right edge as MerkleFrontier (the subtree roots
 * of the binary digits of the size), kept in one buffer and appended to from a slice of
 * another, so a walk over millions of leaves allocates nothing per leaf.
 */
export class FlatFrontier {
  #size = 0;
  #count = 0;
  readonly #nodes = Buffer.alloc(MAX_NODES * HASH_BYTES);
  /** H(0x01 ‖ left ‖ right) is hashed from here. */
  readonly #pair = Buffer.alloc(1 + 2 * HASH_BYTES);

  constructor() {
    this.#pair[0] = 0x01;
  }

  /** How many leaves the tree holds. */
  get size(): number {
    return this.#size;
  }

  /** Adds the leaf hash at `source[at .. at + 32]` at the right edge. */
  append(source: Buffer, at: number): void {
    copyHash(source, at, this.#nodes, this.#count * HASH_BYTES);
    this.#count += 1;
    // Each trailing 1-bit of the old size is a subtree as large as the one being carried.
    for (let size = this.#size; size % 2 === 1; size = Math.floor(size / 2)) {
      const right = this.#count * HASH_BYTES;
      copyHash(this.#nodes, right - 2 * HASH_BYTES, this.#pair, 1);
      copyHash(this.#nodes, right - HASH_BYTES, this.#pair, 1 + HASH_BYTES);
      this.#count -= 1;
      // A digest as latin1 ('binary') text is one byte per character, and cheaper than a buffer.
      this.#nodes.write(hash('sha256', this.#pair, 'binary'), right - 2 * HASH_BYTES, 'binary');
    }
    this.#size += 1;
  }

  /** MTH of the whole tree (RFC 6962 §2.1): the subtree roots folded from the right. */
  root(): Buffer {
    if (this.#count === 0) return EMPTY_ROOT;
    const node = (i: number) => this.#nodes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
    let root: Buffer = Buffer.from(node(this.#count - 1));
    for (let i = this.#count - 2; i >= 0; i--) root = nodeHash(node(i), root);
    return root;
  }
}
