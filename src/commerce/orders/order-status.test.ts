// The order status machine, move by move: every allowed transition and every refused one.
import { describe, expect, it } from 'vitest';
import { canTransition, ORDER_STATUSES, sourcesOf, type OrderStatus } from './order-status.js';

// Written out by hand from the contract, not derived from the machine under test.
const ALLOWED: readonly (readonly [OrderStatus, OrderStatus])[] = [
  ['placed', 'paid'],
  ['placed', 'cancelled'],
  ['paid', 'fulfilled'],
  ['paid', 'cancelled'],
  ['paid', 'refunded'],
  ['fulfilled', 'delivered'],
  ['fulfilled', 'refunded'],
  ['delivered', 'refunded'],
];

const allowed = (from: OrderStatus, to: OrderStatus) =>
  ALLOWED.some(([f, t]) => f === from && t === to);

const EVERY_PAIR = ORDER_STATUSES.flatMap((from) =>
  ORDER_STATUSES.map((to) => ({ from, to, expected: allowed(from, to) })),
);

describe('order status machine', () => {
  it('knows six statuses', () => {
    expect([...ORDER_STATUSES].sort()).toEqual(
      ['cancelled', 'delivered', 'fulfilled', 'paid', 'placed', 'refunded'].sort(),
    );
  });

  it.each(EVERY_PAIR)('$from → $to allowed: $expected', ({ from, to, expected }) => {
    expect(canTransition(from, to)).toBe(expected);
  });

  it('never stays in place and never leaves cancelled or refunded', () => {
    for (const status of ORDER_STATUSES) expect(canTransition(status, status)).toBe(false);
    for (const to of ORDER_STATUSES) {
      expect(canTransition('cancelled', to)).toBe(false);
      expect(canTransition('refunded', to)).toBe(false);
    }
  });

  it('names the sources of each status', () => {
    expect(sourcesOf('refunded').sort()).toEqual(['delivered', 'fulfilled', 'paid']);
    expect(sourcesOf('cancelled').sort()).toEqual(['paid', 'placed']);
    expect(sourcesOf('placed')).toEqual([]);
  });
});
