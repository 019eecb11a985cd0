// C3.3: the verifier's row encoding and frontier give exactly the sealer's bytes and roots,
// so reading rows as arrays changes how fast a log verifies, never what it proves.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRows, ENTRY_ROW_COLUMNS, rowLeafHex, Verdict } from './entry-rows.js';
import { FlatFrontier } from './flat-frontier.js';
import {
  chainHash,
  entryLeafHash,
  MerkleFrontier,
  ZERO_HASH,
  type SealableEntry,
  type StoredValue,
} from './index.js';

const storedValue: fc.Arbitrary<StoredValue> = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(2 ** 53, -(2 ** 60), 1e300, 0.5, -0, NaN, Infinity),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 120, maxLength: 400 }),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
);

const row = fc.array(storedValue, {
  minLength: ENTRY_ROW_COLUMNS.length,
  maxLength: ENTRY_ROW_COLUMNS.length,
});

const asEntry = (values: readonly StoredValue[]): SealableEntry =>
  Object.fromEntries(
    ENTRY_ROW_COLUMNS.map((column, i) => [column, values[i] ?? null]),
  ) as unknown as SealableEntry;

describe('entry rows as the verifier reads them', () => {
  it('hash to the sealer’s leaf hash for every value a column can hold', () => {
    fc.assert(
      fc.property(row, (values) => {
        expect(rowLeafHex(values)).toBe(entryLeafHash(asEntry(values)).toString('hex'));
      }),
      { numRuns: 2000 },
    );
  });

  it('grows past its buffer for a very long value', () => {
    const values: StoredValue[] = ENTRY_ROW_COLUMNS.map(() => null);
    values[12] = 'é'.repeat(10_000);
    values[11] = Buffer.alloc(9_000, 7);
    expect(rowLeafHex(values)).toBe(entryLeafHash(asEntry(values)).toString('hex'));
  });

  it('recompute the chain from the seed and judge each row, leaf before chain', () => {
    const values = Array.from({ length: 4 }, (_, i) =>
      ENTRY_ROW_COLUMNS.map((column) => (column === 'seq' ? i + 1 : `${column}-${i}`)),
    );
    const seed = randomBytes(32);
    let chain: Buffer = seed;
    const rows = values.map((v) => {
      const leaf = entryLeafHash(asEntry(v));
      chain = chainHash(chain, leaf);
      return [...v, leaf.toString('hex'), chain.toString('hex')];
    });
    const intact = checkRows(rows, seed.toString('hex'));
    expect([...intact.verdicts]).toEqual([0, 0, 0, 0]);
    expect([...intact.seqs]).toEqual([1, 2, 3, 4]);
    expect(intact.chains.subarray(96, 128).toString('hex')).toBe(rows[3]?.[14]);
    const changed = rows.map((r) => [...r]);
    (changed[1] as unknown[])[5] = 'customer.reveal';
    (changed[2] as unknown[])[14] = ZERO_HASH.toString('hex');
    (changed[3] as unknown[])[13] = null;
    expect([...checkRows(changed, seed.toString('hex')).verdicts]).toEqual([
      Verdict.ok,
      Verdict.leafMismatch,
      Verdict.chainMismatch,
      Verdict.leafMismatch,
    ]);
    expect(checkRows(rows, ZERO_HASH.toString('hex')).verdicts[0]).toBe(Verdict.chainMismatch);
  });
});

describe('the verifier’s flat Merkle frontier', () => {
  it('has the root of MerkleFrontier at every size', () => {
    const leaves = randomBytes(32 * 300);
    const flat = new FlatFrontier();
    const reference = MerkleFrontier.empty();
    expect(flat.root()).toEqual(reference.root());
    for (let i = 0; i < 300; i++) {
      flat.append(leaves, 32 * i);
      reference.append(leaves.subarray(32 * i, 32 * (i + 1)));
      expect(flat.size).toBe(reference.size);
      expect(flat.root().equals(reference.root())).toBe(true);
    }
  });
});
