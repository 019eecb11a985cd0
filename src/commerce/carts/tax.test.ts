import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taxFor } from './tax.js';

describe('taxFor', () => {
  it('rounds half up to a whole minor unit', () => {
    expect(taxFor(1250, 2100)).toBe(263); // 262.5
    expect(taxFor(1250, 1900)).toBe(238); // 237.5
    expect(taxFor(1249, 2100)).toBe(262); // 262.29
    expect(taxFor(1, 4999)).toBe(0); // 0.4999
    expect(taxFor(1, 5000)).toBe(1); // 0.5
    expect(taxFor(0, 2100)).toBe(0);
    expect(taxFor(999, 0)).toBe(0);
  });

  it('stays exact where floating point would not (subtotal × rate beyond 2^53)', () => {
    expect(taxFor(9_007_199_254_740, 2100)).toBe(1_891_511_843_495);
  });

  it('is within half a unit of the exact amount, and a half always rounds up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (subtotal, basisPoints) => {
          const exact = BigInt(subtotal) * BigInt(basisPoints);
          const diff = BigInt(taxFor(subtotal, basisPoints)) * 10_000n - exact;
          return diff > -5000n && diff <= 5000n;
        },
      ),
    );
  });

  it('refuses negative or fractional inputs', () => {
    for (const [subtotal, rate] of [
      [-1, 2100],
      [1.5, 2100],
      [100, -1],
      [100, 21.5],
      [Number.NaN, 0],
    ] as const) {
      expect(() => taxFor(subtotal, rate)).toThrow(RangeError);
    }
  });
});
