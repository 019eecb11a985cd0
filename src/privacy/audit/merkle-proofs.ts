import { MerkleFrontier } from './merkle-frontier.js';
import { nodeHash } from './merkle-hash.js';

/** A run of leaves [start, end) whose Merkle tree hash is one element of a proof. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

// Tree sizes may exceed 2^32; JavaScript's bit operators are 32-bit, so these divide.
const half = (value: number) => Math.floor(value / 2);
const odd = (value: number) => value % 2 === 1;

/** The largest power of two strictly below n (n ≥ 2): where RFC 6962 splits a tree. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n: number) => n >= 1 && split(n + 1) === n;

/**
 * The subtrees whose hashes form PATH(index, D[size]) of RFC 6962 §2.1.1, in proof order
 * (nearest the leaf first). Knowing the ranges first lets a caller hash them from any
 * leaf source, such as rows streamed from the database.
 */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`No leaf ${index} in a tree of ${size}`);
  }
  const ranges: LeafRange[] = [];
  let start = 0;
  let n = size;
  let m = index;
  while (n > 1) {
    const k = split(n);
    if (m < k) {
      ranges.push({ start: start + k, end: start + n });
      n = k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
      m -= k;
      n -= k;
    }
  }
  return ranges.reverse();
}

/**
 * The subtrees whose hashes form PROOF(oldSize, D[newSize]) of RFC 6962 §2.1.2, in proof
 * order. Empty when the sizes are equal or the old tree is empty: nothing needs proving.
 */
export function consistencyRanges(oldSize: number, newSize: number): LeafRange[] {
  if (
    !Number.isSafeInteger(oldSize) ||
    !Number.isSafeInteger(newSize) ||
    oldSize < 0 ||
    oldSize > newSize
  ) {
    throw new RangeError(`No consistency proof from ${oldSize} to ${newSize}`);
  }
  if (oldSize === 0) return [];
  const ranges: LeafRange[] = [];
  let start = 0;
  let m = oldSize;
  let n = newSize;
  let whole = true;
  while (m !== n) {
    const k = split(n);
    if (m <= k) {
      ranges.push({ start: start + k, end: start + n });
      n = k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
      m -= k;
      n -= k;
      whole = false;
    }
  }
  // SUBPROOF(m, D[m], false): the old tree's subtree is named unless it is the old root.
  if (!whole) ranges.push({ start, end: start + n });
  return ranges.reverse();
}

/** The tree hash of each range, from leaf hashes held in memory. */
export function rangeRoots(leaves: readonly Buffer[], ranges: readonly LeafRange[]): Buffer[] {
  return ranges.map(({ start, end }) => {
    const frontier = MerkleFrontier.empty();
    for (let i = start; i < end; i++) {
      const leaf = leaves[i];
      if (leaf === undefined) throw new RangeError(`No leaf ${i}`);
      frontier.append(leaf);
    }
    return frontier.root();
  });
}

/** Reads the leaf hashes of [start, end) in order, in batches. */
export type LeafSource = (start: number, end: number) => AsyncIterable<readonly Buffer[]>;

/** The tree hash of each range, streaming leaves so that memory stays O(log n). */
export async function rangeRootsFrom(
  source: LeafSource,
  ranges: readonly LeafRange[],
): Promise<Buffer[]> {
  const roots: Buffer[] = [];
  for (const { start, end } of ranges) {
    const frontier = MerkleFrontier.empty();
    for await (const batch of source(start, end)) for (const leaf of batch) frontier.append(leaf);
    if (frontier.size !== end - start) {
      throw new RangeError(`Leaves ${start}..${end} are incomplete (${frontier.size} read)`);
    }
    roots.push(frontier.root());
  }
  return roots;
}

/** PATH(index, D[size]) from leaf hashes in memory. */
export function inclusionProof(leaves: readonly Buffer[], index: number, size: number): Buffer[] {
  return rangeRoots(leaves, inclusionRanges(index, size));
}

/** PROOF(oldSize, D[newSize]) from leaf hashes in memory. */
export function consistencyProof(
  leaves: readonly Buffer[],
  oldSize: number,
  newSize: number,
): Buffer[] {
  return rangeRoots(leaves, consistencyRanges(oldSize, newSize));
}

/**
 * Checks that `leaf` is leaf `index` of the tree of `size` leaves with hash `root`
 * (the algorithm of RFC 9162 §2.1.3.2, which verifies RFC 6962 proofs).
 */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Buffer,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return false;
  }
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // A right edge without a sibling at these levels: climb past them.
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/**
 * Checks that the tree of `oldSize` leaves with hash `oldRoot` is a prefix of the tree of
 * `newSize` leaves with hash `newRoot`: the log only grew (RFC 9162 §2.1.4.2).
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Buffer,
  newRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize)) return false;
  if (oldSize < 0 || oldSize > newSize) return false;
  if (oldSize === 0) return proof.length === 0;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  const [first, ...rest] = path;
  if (first === undefined) return false;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = first;
  let sr = first;
  for (const c of rest) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}
