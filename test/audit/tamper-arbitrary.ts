// Random single alterations of a sealed log, for the tamper property tests.
import fc from 'fast-check';
import { CHECKPOINT_TARGETS, ENTRY_TARGETS, type LogShape, type Tamper } from './tamper.js';

/** Any one alteration of a log of this shape. */
export function tamperArbitrary(log: LogShape): fc.Arbitrary<Tamper> {
  const n = log.size;
  const seq = fc.integer({ min: 1, max: n });
  const rehash = fc.boolean();
  const checkpointIndex = fc.nat(log.checkpoints.length - 1);
  const sizeAt = (i: number) => log.checkpoints[i] ?? n;
  const free = fc.integer({ min: 1, max: n + 5 }).filter((size) => !log.checkpoints.includes(size));
  return fc.oneof(
    fc.record({
      on: fc.constant('entry' as const),
      act: fc.constant('modify' as const),
      seq,
      field: fc.constantFrom(...ENTRY_TARGETS),
      rehash,
    }),
    fc.record({
      on: fc.constant('entry' as const),
      act: fc.constant('modify' as const),
      seq,
      field: fc.constantFrom('leaf_hash' as const, 'chain_hash' as const),
      rehash: fc.constant(false),
    }),
    fc.record({
      on: fc.constant('entry' as const),
      act: fc.constant('delete' as const),
      seq,
      rehash,
    }),
    // Appending after the last checkpoint, hashes and all, is what sealing does: only a
    // later checkpoint can vouch for it, so rehashed inserts go inside the signed log.
    fc.oneof(
      fc.record({
        on: fc.constant('entry' as const),
        act: fc.constant('insert' as const),
        seq: fc.integer({ min: 1, max: n + 1 }),
        rehash: fc.constant(false),
      }),
      fc.record({
        on: fc.constant('entry' as const),
        act: fc.constant('insert' as const),
        seq,
        rehash: fc.constant(true),
      }),
    ),
    fc
      .tuple(seq, seq, rehash)
      .filter(([a, b]) => a !== b)
      .map(([a, b, r]) => ({
        on: 'entry' as const,
        act: 'reorder' as const,
        seq: a,
        other: b,
        rehash: r,
      })),
    fc
      .tuple(checkpointIndex, fc.constantFrom(...CHECKPOINT_TARGETS), fc.nat())
      .map(([i, field, noise]) => {
        const low = i === 0 ? 0 : sizeAt(i - 1);
        const high = i === log.checkpoints.length - 1 ? n + 1 : sizeAt(i + 1);
        const choices = Array.from({ length: high - low - 1 }, (_, k) => low + 1 + k).filter(
          (s) => s !== sizeAt(i),
        );
        // A checkpoint squeezed between two neighbours cannot move: change its signature instead.
        const target = field === 'tree_size' && choices.length === 0 ? 'signature' : field;
        return {
          on: 'checkpoint' as const,
          act: 'modify' as const,
          treeSize: sizeAt(i),
          field: target,
          to: choices[noise % Math.max(1, choices.length)] ?? 0,
        };
      }),
    checkpointIndex.map((i) => ({
      on: 'checkpoint' as const,
      act: 'delete' as const,
      treeSize: sizeAt(i),
    })),
    fc.record({
      on: fc.constant('checkpoint' as const),
      act: fc.constant('forge' as const),
      treeSize: free,
      how: fc.constantFrom(
        'random' as const,
        'copied' as const,
        'own-key' as const,
        'own-key-real-id' as const,
      ),
    }),
    fc
      .tuple(checkpointIndex, checkpointIndex)
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => ({
        on: 'checkpoint' as const,
        act: 'reorder' as const,
        treeSize: sizeAt(a),
        other: sizeAt(b),
      })),
  );
}
