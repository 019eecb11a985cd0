// Pooled CSPRNG output for ids, order numbers and nonces: each draw is its own, fresh, and
// the pool refills without a draw noticing.
import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from './random-pool.js';

describe('pooledRandomBytes', () => {
  it('gives buffers of the asked size that share no memory', () => {
    const first = pooledRandomBytes(12);
    const copy = Buffer.from(first);
    const second = pooledRandomBytes(12);
    second.fill(0xff);
    expect(first).toHaveLength(12);
    expect(first.equals(copy)).toBe(true);
  });

  it('never hands out the same bytes twice, across many refills', () => {
    // 3000 draws of 17 bytes pass through the 4 KiB pool a dozen times.
    const draws = Array.from({ length: 3000 }, () => pooledRandomBytes(17).toString('hex'));
    expect(new Set(draws).size).toBe(draws.length);
  });

  it('draws every byte value, with none far more often than the others', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 1000; i++) for (const byte of pooledRandomBytes(256)) counts[byte]! += 1;
    // 1000 per value expected; 6 standard deviations (~190) either side.
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });

  it.each([0, -1, 1.5, 257, Number.NaN])('refuses %s bytes', (count) => {
    expect(() => pooledRandomBytes(count)).toThrow(RangeError);
  });
});
