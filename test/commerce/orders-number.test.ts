// Order numbers are random and unique by index, with no counter row: a number that is
// already taken is drawn again inside the same transaction, on both engines (a failed
// INSERT would abort a PostgreSQL transaction, so the clash must not be an error).
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type * as OrderNumber from '../../src/commerce/orders/order-number.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { placeOrder } from '../helpers/shop.js';

const drawn: string[] = [];

vi.mock('../../src/commerce/orders/order-number.js', async (importActual) => {
  const actual = await importActual<typeof OrderNumber>();
  return { ...actual, newOrderNumber: () => drawn.shift() ?? actual.newOrderNumber() };
});

describeEachEngine('order numbers: a clash is drawn again', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t.close());

  it('keeps the first order, draws again for the second, and both commit', async () => {
    drawn.push('AAAAA-00001');
    const first = await placeOrder(t);
    drawn.push('AAAAA-00001', 'AAAAA-00001', 'AAAAA-00002');
    const second = await placeOrder(t);
    expect(first.number).toBe('AAAAA-00001');
    expect(second.number).toBe('AAAAA-00002');
    expect(drawn).toEqual([]);
    const orders = t.app.commerce.services.orders;
    expect((await orders.get(second.orderId))?.lines).toHaveLength(2);
    expect((await orders.get(first.orderId))?.number).toBe('AAAAA-00001');
  });
});
