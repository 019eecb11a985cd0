import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './outbox-backoff.js';

describe('outbox backoff', () => {
  it('doubles from the base, with half of each wait random, up to the cap', () => {
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(500);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0.999999)).toBe(1_000);
    expect(backoffDelay(4, DEFAULT_BACKOFF, () => 0)).toBe(4_000);
    expect(backoffDelay(40, DEFAULT_BACKOFF, () => 0)).toBe(1_800_000);
  });

  it('always waits between half the ceiling and the ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, r) => {
          const ceiling = Math.min(
            DEFAULT_BACKOFF.maxMs,
            DEFAULT_BACKOFF.baseMs * 2 ** Math.min(n - 1, 30),
          );
          const delay = backoffDelay(n, DEFAULT_BACKOFF, () => r);
          return delay >= ceiling / 2 && delay <= ceiling;
        },
      ),
    );
  });
});
