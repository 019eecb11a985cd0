// C3.3: the Merkle tree hash, inclusion and consistency proofs are exactly those of
// RFC 6962 §2.1, checked against a naive recursive transcription of its definitions on
// random tree sizes; tampered proofs never verify.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
} from './index.js';

const RUNS = 1000;
const MAX_SIZE = 300;

/** The RFC's k: the largest power of two smaller than n. */
function k(n: number): number {
  let power = 1;
  while (power * 2 < n) power *= 2;
  return power;
}

/** MTH(D[n]), RFC 6962 §2.1, over leaf hashes. */
function naiveRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0] as Buffer;
  const split = k(leaves.length);
  return nodeHash(naiveRoot(leaves.slice(0, split)), naiveRoot(leaves.slice(split)));
}

/** PATH(m, D[n]), RFC 6962 §2.1.1. */
function naivePath(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const split = k(leaves.length);
  return m < split
    ? [...naivePath(m, leaves.slice(0, split)), naiveRoot(leaves.slice(split))]
    : [...naivePath(m - split, leaves.slice(split)), naiveRoot(leaves.slice(0, split))];
}

/** SUBPROOF(m, D[n], b), RFC 6962 §2.1.2. */
function naiveSubproof(m: number, leaves: readonly Buffer[], whole: boolean): Buffer[] {
  if (m === leaves.length) return whole ? [] : [naiveRoot(leaves)];
  const split = k(leaves.length);
  return m <= split
    ? [...naiveSubproof(m, leaves.slice(0, split), whole), naiveRoot(leaves.slice(split))]
    : [...naiveSubproof(m - split, leaves.slice(split), false), naiveRoot(leaves.slice(0, split))];
}

/** Distinct leaf hashes, derived from a seed so fast-check need not generate them. */
function leavesOf(seed: number, size: number): Buffer[] {
  return Array.from({ length: size }, (_, i) => leafHash(Buffer.from(`leaf ${seed} ${i}`)));
}

const flip = (node: Buffer, bit: number) => {
  const copy = Buffer.from(node);
  copy[bit % 32] = (copy[bit % 32] ?? 0) ^ (1 << (bit % 8));
  return copy;
};

const seed = fc.integer({ min: 0, max: 1_000_000 });

describe('Merkle tree hash (RFC 6962 §2.1)', () => {
  it('hashes the empty tree to SHA-256 of nothing and one leaf to itself', () => {
    expect(MerkleFrontier.empty().root()).toEqual(EMPTY_ROOT);
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const [leaf] = leavesOf(1, 1);
    const frontier = MerkleFrontier.empty();
    frontier.append(leaf as Buffer);
    expect(frontier.root()).toEqual(leaf);
  });

  it('matches the recursive definition for every size, incrementally', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: MAX_SIZE }), (s, size) => {
        const leaves = leavesOf(s, size);
        const frontier = MerkleFrontier.empty();
        for (const leaf of leaves) frontier.append(leaf);
        expect(frontier.size).toBe(size);
        expect(frontier.root()).toEqual(naiveRoot(leaves));
      }),
      { numRuns: RUNS },
    );
  });

  it('resumes from its stored form as if it had never stopped', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: MAX_SIZE }), fc.nat(MAX_SIZE), (s, cut, more) => {
        const leaves = leavesOf(s, cut + more);
        const first = MerkleFrontier.empty();
        for (const leaf of leaves.slice(0, cut)) first.append(leaf);
        const resumed = MerkleFrontier.restore(cut, first.serialize());
        expect(resumed).toBeDefined();
        for (const leaf of leaves.slice(cut)) resumed?.append(leaf);
        expect(resumed?.root()).toEqual(naiveRoot(leaves));
        // Stored nodes that cannot belong to a tree of that size are refused.
        expect(
          MerkleFrontier.restore(
            cut,
            Buffer.concat([first.serialize(), leaves[0] ?? Buffer.alloc(32)]),
          ),
        ).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });
});

describe('inclusion proofs (RFC 6962 §2.1.1)', () => {
  const tree = seed.chain((s) =>
    fc
      .integer({ min: 1, max: MAX_SIZE })
      .chain((size) => fc.tuple(fc.constant(s), fc.constant(size), fc.nat(size - 1), fc.nat())),
  );

  it('equal PATH(m, D[n]) and verify against the root', () => {
    fc.assert(
      fc.property(tree, ([s, size, index]) => {
        const leaves = leavesOf(s, size);
        const proof = inclusionProof(leaves, index, size);
        expect(proof).toEqual(naivePath(index, leaves));
        const root = naiveRoot(leaves);
        expect(verifyInclusion(index, size, leaves[index] as Buffer, proof, root)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('never verify once the leaf, the index, the root or any proof node is changed', () => {
    fc.assert(
      fc.property(tree, ([s, size, index, noise]) => {
        const leaves = leavesOf(s, size);
        const proof = inclusionProof(leaves, index, size);
        const root = naiveRoot(leaves);
        const leaf = leaves[index] as Buffer;
        expect(verifyInclusion(index, size, flip(leaf, noise), proof, root)).toBe(false);
        expect(verifyInclusion(index, size, leaf, proof, flip(root, noise))).toBe(false);
        if (size > 1) {
          const other = (index + 1 + (noise % (size - 1))) % size;
          expect(verifyInclusion(other, size, leaf, proof, root)).toBe(false);
          const at = noise % proof.length;
          const changed = proof.map((node, i) => (i === at ? flip(node, noise) : node));
          expect(verifyInclusion(index, size, leaf, changed, root)).toBe(false);
          expect(verifyInclusion(index, size, leaf, proof.slice(0, -1), root)).toBe(false);
        }
        expect(verifyInclusion(index, size, leaf, [...proof, leaf], root)).toBe(false);
        expect(verifyInclusion(size, size, leaf, proof, root)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('consistency proofs (RFC 6962 §2.1.2)', () => {
  const pair = seed.chain((s) =>
    fc
      .integer({ min: 1, max: MAX_SIZE })
      .chain((size) =>
        fc.tuple(fc.constant(s), fc.integer({ min: 1, max: size }), fc.constant(size), fc.nat()),
      ),
  );

  it('equal PROOF(m, D[n]) and verify between the two roots', () => {
    fc.assert(
      fc.property(pair, ([s, oldSize, newSize]) => {
        const leaves = leavesOf(s, newSize);
        const proof = consistencyProof(leaves, oldSize, newSize);
        expect(proof).toEqual(naiveSubproof(oldSize, leaves, true));
        const oldRoot = naiveRoot(leaves.slice(0, oldSize));
        const newRoot = naiveRoot(leaves);
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('never verify once either root or any proof node is changed', () => {
    fc.assert(
      fc.property(pair, ([s, oldSize, newSize, noise]) => {
        const leaves = leavesOf(s, newSize);
        const proof = consistencyProof(leaves, oldSize, newSize);
        const oldRoot = naiveRoot(leaves.slice(0, oldSize));
        const newRoot = naiveRoot(leaves);
        expect(verifyConsistency(oldSize, newSize, flip(oldRoot, noise), newRoot, proof)).toBe(
          false,
        );
        expect(verifyConsistency(oldSize, newSize, oldRoot, flip(newRoot, noise), proof)).toBe(
          false,
        );
        if (proof.length > 0) {
          const at = noise % proof.length;
          const changed = proof.map((node, i) => (i === at ? flip(node, noise) : node));
          expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, changed)).toBe(false);
          expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof.slice(1))).toBe(false);
        }
        // A log that rewrote one old leaf is not an extension of the old one.
        const rewritten = leaves.map((leaf, i) => (i === noise % oldSize ? flip(leaf, 3) : leaf));
        const forged = consistencyProof(rewritten, oldSize, newSize);
        expect(verifyConsistency(oldSize, newSize, oldRoot, naiveRoot(rewritten), forged)).toBe(
          false,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('treats equal sizes and the empty old tree as trivially consistent, and refuses shrinking', () => {
    const leaves = leavesOf(7, 5);
    const root = naiveRoot(leaves);
    expect(consistencyProof(leaves, 5, 5)).toEqual([]);
    expect(verifyConsistency(5, 5, root, root, [])).toBe(true);
    expect(verifyConsistency(5, 5, root, flip(root, 1), [])).toBe(false);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, root, [])).toBe(true);
    expect(verifyConsistency(6, 5, root, root, [])).toBe(false);
    expect(() => consistencyProof(leaves, 6, 5)).toThrow(RangeError);
    expect(() => inclusionProof(leaves, 5, 5)).toThrow(RangeError);
  });
});
