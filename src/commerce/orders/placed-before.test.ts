// The orders a recovery sweep walks: those still `placed` and created before a time,
// oldest first (ties broken by id), page by page with a keyset cursor; paid, cancelled
// and younger orders are not among them. Both engines; time is a test clock.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { placeOrder } from '../../../test/helpers/shop.js';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { describeEachEngine } from '../../../test/helpers/test-engines.js';
import { ManualClock } from '../../platform/clock.js';
import type { OrderRef } from './order-types.js';

const SECOND = 1_000;

describeEachEngine('stale placed orders, oldest first', (engine) => {
  const clock = new ManualClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { clock });
  });
  afterAll(async () => t.close());

  it('lists only placed orders created before the time, oldest first, page by page', async () => {
    const orders = t.app.commerce.services.orders;
    const start = clock.now();
    const first = await placeOrder(t);
    await placeOrder(t, { path: ['paid'] });
    await placeOrder(t, { path: ['cancelled'] });
    clock.advance(SECOND);
    // Two orders in one millisecond: the id breaks the tie.
    const tied = [(await placeOrder(t)).orderId, (await placeOrder(t)).orderId].sort();
    clock.advance(SECOND);
    const cutoff = clock.now();
    await placeOrder(t);
    const all = await orders.placedBefore(cutoff, 10);
    expect(all.map((ref) => ref.id)).toEqual([first.orderId, ...tied]);
    expect(all[0]?.createdAt).toEqual(start);
    const pages: string[] = [];
    let after: OrderRef | undefined;
    for (let page = await orders.placedBefore(cutoff, 1); page.length > 0;) {
      pages.push(...page.map((ref) => ref.id));
      after = page.at(-1);
      page = await orders.placedBefore(cutoff, 1, after);
    }
    expect(pages).toEqual(all.map((ref) => ref.id));
  });
});
