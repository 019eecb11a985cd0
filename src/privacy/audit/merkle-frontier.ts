import { EMPTY_ROOT, HASH_BYTES, nodeHash } from './merkle-hash.js';

/**
 * The right edge of an RFC 6962 Merkle tree: the roots of the perfect subtrees that the
 * binary digits of its size decompose it into, largest (leftmost) first. Appending a
 * leaf merges equal-sized subtrees like a binary counter, so sealing a batch costs
 * O(batch · log n) and the tree hash for any size needs only these O(log n) nodes.
 */
export class MerkleFrontier {
  #size: number;
  /** Subtree roots, left to right; their sizes are the set bits of #size, descending. */
  readonly #nodes: Buffer[];

  private constructor(size: number, nodes: Buffer[]) {
    this.#size = size;
    this.#nodes = nodes;
  }

  /** The frontier of the empty tree. */
  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** Rebuilds a frontier from its size and its serialised nodes; undefined when they disagree. */
  static restore(size: number, bytes: Uint8Array): MerkleFrontier | undefined {
    if (!Number.isSafeInteger(size) || size < 0) return undefined;
    if (bytes.length !== popCount(size) * HASH_BYTES) return undefined;
    const nodes: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += HASH_BYTES) {
      nodes.push(Buffer.from(bytes.subarray(at, at + HASH_BYTES)));
    }
    return new MerkleFrontier(size, nodes);
  }

  /** How many leaves the tree holds. */
  get size(): number {
    return this.#size;
  }

  /** Adds a leaf hash at the right edge. */
  append(leaf: Buffer): void {
    let node = leaf;
    // Each trailing 1-bit of the old size is a subtree as large as the one being carried.
    // Sizes may pass 2^32, beyond JavaScript's 32-bit operators: divide instead of shifting.
    for (let size = this.#size; size % 2 === 1; size = Math.floor(size / 2)) {
      const left = this.#nodes.pop();
      if (left === undefined) throw new Error('Merkle frontier is inconsistent with its size');
      node = nodeHash(left, node);
    }
    this.#nodes.push(node);
    this.#size += 1;
  }

  /** MTH of the whole tree (RFC 6962 §2.1): the subtree roots folded from the right. */
  root(): Buffer {
    let root = this.#nodes[this.#nodes.length - 1];
    if (root === undefined) return EMPTY_ROOT;
    for (let i = this.#nodes.length - 2; i >= 0; i--) {
      const left = this.#nodes[i];
      if (left !== undefined) root = nodeHash(left, root);
    }
    return root;
  }

  /** The nodes, concatenated, for storing beside the size. */
  serialize(): Buffer {
    return Buffer.concat(this.#nodes);
  }

  /** An independent copy, so a caller can try appends without touching this one. */
  clone(): MerkleFrontier {
    return new MerkleFrontier(this.#size, [...this.#nodes]);
  }
}

function popCount(value: number): number {
  let count = 0;
  for (let rest = value; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}
