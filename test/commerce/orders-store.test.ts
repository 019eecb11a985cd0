// C2.3 C4.1 C4.4: customers list and read their own orders in the clear, and nobody
// else's: another customer's order, a guest order, an unknown or malformed id all answer
// 404 (IDOR); every read is audited (C3.3); after erasure an order keeps its amounts.
import { beforeAll, expect, it } from 'vitest';
import { tablesOf } from '../../src/platform/db/index.js';
import { newId } from '../../src/platform/ids.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import { registerCustomer, type LoggedIn } from '../helpers/identity.js';
import type { TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { outcome, placeOrder, type PlacedOrder } from '../helpers/shop.js';
import { BILLING, NAME, useOrdersWorld, PHONE, SHIPPING } from './orders-world.js';

interface StoreOrder {
  id: string;
  number: string;
  status: string;
  erased: boolean;
  contact: { email: string | null; name: string | null; phone: string | null };
  shippingAddress: Record<string, string> | null;
  billingAddress: Record<string, string> | null;
  history: { from: string | null; to: string }[];
  payments: unknown[];
}
interface Page {
  orders: Record<string, unknown>[];
  next: string | null;
}

describeEachEngine('C2.3 C4.1 a customer’s own orders', (engine) => {
  const w = useOrdersWorld(engine);
  const { store, as, expectNoSecrets, auditOf } = w;
  let t: TestApp;
  let alice: LoggedIn;
  let bob: LoggedIn;
  let paid: PlacedOrder;
  let fulfilled: PlacedOrder;
  let placed: PlacedOrder;
  let bobs: PlacedOrder;
  let guest: PlacedOrder;
  beforeAll(() => {
    ({ t, alice, bob, placed, paid, fulfilled, bobs, guest } = w);
  });

  it('lists a customer’s own orders only, newest first, in pages, without personal fields (C1.5)', async () => {
    const first = await store(alice, '/store/orders?limit=2');
    expect(first.statusCode).toBe(200);
    const page1 = first.json<Page>();
    expect(page1.orders.map((order) => order.id)).toEqual([fulfilled.orderId, paid.orderId]);
    expect(page1.next).not.toBeNull();
    const second = await store(alice, `/store/orders?limit=2&after=${page1.next ?? ''}`);
    const page2 = second.json<Page>();
    expect(page2.orders.map((order) => order.id)).toEqual([placed.orderId]);
    expect(page2.next).toBeNull();
    expect(Object.keys(page1.orders[0] ?? {}).sort()).toEqual(
      [
        'createdAt',
        'currency',
        'id',
        'number',
        'refundedMinor',
        'shippingCountry',
        'status',
        'subtotalMinor',
        'taxMinor',
        'totalMinor',
        'updatedAt',
      ].sort(),
    );
    expectNoSecrets(first, 'store list');
    const bobList = (await store(bob, '/store/orders')).json<Page>();
    expect(bobList.orders.map((order) => order.id)).toEqual([bobs.orderId]);
  });

  it('shows the owner their order in the clear: contact, both addresses, history (C4.1)', async () => {
    const reply = await store(alice, `/store/orders/${paid.orderId}`);
    expect(reply.statusCode).toBe(200);
    const order = reply.json<StoreOrder>();
    expect(order).toMatchObject({
      id: paid.orderId,
      number: paid.number,
      status: 'paid',
      erased: false,
      contact: { email: paid.contact.email, name: NAME, phone: PHONE },
      shippingAddress: SHIPPING,
      billingAddress: BILLING,
      payments: [],
    });
    expect(order.history.map((entry) => [entry.from, entry.to])).toEqual([
      [null, 'placed'],
      ['placed', 'paid'],
    ]);
    const events = await auditOf(reply);
    expect(events).toHaveLength(2);
    expect(
      events.map((event) => [event.action, event.purpose, event.decision, event.actor_role]),
    ).toEqual(
      expect.arrayContaining([
        ['order.read', 'order_fulfilment', 'clear', 'customer'],
        ['order.read', 'payment', 'clear', 'customer'],
      ]),
    );
  });

  it('answers 404 ORDER_NOT_FOUND alike for another customer’s order, a guest order, an unknown and a malformed id (IDOR)', async () => {
    const urls = [
      `/store/orders/${bobs.orderId}`,
      `/store/orders/${guest.orderId}`,
      `/store/orders/${newId('ord')}`,
      '/store/orders/ord_..%2F..%2Fetc',
      `/store/orders/${newId('ord').toUpperCase()}`,
    ];
    for (const url of urls) {
      const reply = await store(alice, url);
      expect(outcome(reply), url).toBe('404 ORDER_NOT_FOUND');
      expect(reply.body).not.toContain(bobs.contact.email);
      expect(reply.body).not.toContain(guest.contact.email);
    }
    expect(outcome(await store(bob, `/store/orders/${paid.orderId}`))).toBe('404 ORDER_NOT_FOUND');
    // A NUL byte is the platform's 400, never a 500 from the database.
    expect((await store(alice, '/store/orders/%00')).statusCode).toBe(400);
    // Nothing was read for anyone: no order.read event names Bob's subject.
    const reads = await tablesOf<AuditTables>(t.database.db)
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'order.read')
      .where('subject_id', 'in', [bobs.subjectId, guest.subjectId])
      .execute();
    expect(reads).toEqual([]);
  });

  it('refuses the store order routes without a customer session', async () => {
    expect((await t.app.inject({ url: '/store/orders' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: `/store/orders/${paid.orderId}` })).statusCode).toBe(401);
    const reply = await as('support_agent', `/store/orders/${paid.orderId}`);
    expect(reply.statusCode).toBe(403);
    expectNoSecrets(reply, 'staff on store');
  });

  it('shows the owner an erased order: amounts and lines stay, personal fields are null (C4.4)', async () => {
    const carol = await registerCustomer(t.app, { name: 'Carol Account' });
    const order = await placeOrder(t, { customerId: carol.id, path: ['paid'] });
    await t.privacy.shredder.shred(carol.id);
    const reply = await store(carol, `/store/orders/${order.orderId}`);
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({
      status: 'paid',
      totalMinor: 12240,
      erased: true,
      contact: { email: null, name: null, phone: null },
      shippingAddress: null,
      billingAddress: null,
    });
    expect(reply.json<{ lines: unknown[] }>().lines).toHaveLength(2);
  });
});
