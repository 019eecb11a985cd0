// C2.3 C2.5 C3.2: staff read orders masked by role and purpose through the access
// engine; fulfilment sees the delivery address in the clear only while the order awaits
// shipment; lists carry no personal fields (C1.5); every read is audited (C3.3).
import { beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/platform/ids.js';
import { registerCustomer } from '../helpers/identity.js';
import type { TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { outcome, placeOrder, type PlacedOrder } from '../helpers/shop.js';
import { SHIPPING, STAFF, useOrdersWorld, type Role } from './orders-world.js';

type Shown = { view: string; value?: unknown };
interface AdminOrder {
  id: string;
  status: string;
  fields: Record<string, Shown>;
  history: { from: string | null; to: string; actorRole: string }[];
}
interface Page {
  orders: Record<string, unknown>[];
  next: string | null;
}

const masked = (value: string) => ({ view: 'masked', value });

describeEachEngine('C2.3 C2.5 C3.2 orders for staff, masked by role and purpose', (engine) => {
  const w = useOrdersWorld(engine);
  const { as, expectNoSecrets, auditOf } = w;
  let t: TestApp;
  let paid: PlacedOrder;
  let fulfilled: PlacedOrder;
  let placed: PlacedOrder;
  let bobs: PlacedOrder;
  let guest: PlacedOrder;
  beforeAll(() => {
    ({ t, placed, paid, fulfilled, bobs, guest } = w);
  });
  const adminRead = async (role: Role, order: PlacedOrder, purpose?: string) => {
    const reply = await as(role, `/admin/orders/${order.orderId}`, purpose);
    expect(reply.statusCode, reply.body).toBe(200);
    return reply.json<AdminOrder>();
  };

  it('shows support_agent every order field masked, nothing in the clear (C2.5)', async () => {
    const order = await adminRead('support_agent', paid, 'customer_support');
    expect(order.fields).toEqual({
      email: masked('a•••@example.test'),
      name: masked('A. M.'),
      phone: masked('•••• 44'),
      shippingAddress: masked('Amsterdam, NL'),
      billingAddress: masked('Haarlem, NL'),
    });
    // A purpose support does not work for gives them no field at all.
    expect((await adminRead('support_agent', paid)).fields).toEqual({});
  });

  it('shows fulfilment the delivery address in the clear for shipping only while the order is paid', async () => {
    const awaiting = await adminRead('fulfilment', paid, 'shipping');
    expect(awaiting.fields).toEqual({
      email: masked('a•••@example.test'),
      name: masked('A. M.'),
      phone: masked('•••• 44'),
      shippingAddress: { view: 'clear', value: SHIPPING },
    });
    for (const order of [fulfilled, placed]) {
      const capped = await adminRead('fulfilment', order, 'shipping');
      expect(capped.fields.shippingAddress, order.orderId).toEqual(masked('Amsterdam, NL'));
      expect(Object.values(capped.fields).every((field) => field.view === 'masked')).toBe(true);
    }
    // Order fulfilment (the default purpose) needs the address masked only.
    expect((await adminRead('fulfilment', paid)).fields.shippingAddress).toEqual(
      masked('Amsterdam, NL'),
    );
    expect(awaiting.history.map((entry) => entry.actorRole)).toEqual(['customer', 'system']);
  });

  it('shows finance contact and billing masked for payment and refund, never in the clear', async () => {
    const payment = await adminRead('finance', paid, 'payment');
    expect(payment.fields).toEqual({
      email: masked('a•••@example.test'),
      name: masked('A. M.'),
      phone: masked('•••• 44'),
      billingAddress: masked('Haarlem, NL'),
    });
    const refund = await adminRead('finance', fulfilled, 'refund');
    expect(refund.fields.shippingAddress).toEqual(masked('Amsterdam, NL'));
    expect(Object.values(refund.fields).every((field) => field.view === 'masked')).toBe(true);
  });

  it('never shows a clear value but fulfilment’s address, for any role and purpose, and never a secret in a masked answer', async () => {
    const purposes = ['order_fulfilment', 'shipping', 'customer_support', 'payment', 'refund'];
    for (const role of STAFF) {
      for (const purpose of purposes) {
        for (const order of [placed, paid, fulfilled]) {
          const reply = await as(role, `/admin/orders/${order.orderId}`, purpose);
          if (reply.statusCode !== 200) continue;
          const fields = reply.json<AdminOrder>().fields;
          for (const [name, field] of Object.entries(fields)) {
            const clearAllowed =
              role === 'fulfilment' &&
              purpose === 'shipping' &&
              order === paid &&
              name === 'shippingAddress';
            if (!clearAllowed) expect(field.view, `${role} ${purpose} ${name}`).not.toBe('clear');
          }
          if (!(role === 'fulfilment' && purpose === 'shipping' && order === paid)) {
            expectNoSecrets(reply, `${role} ${purpose}`);
          }
        }
      }
    }
  });

  it('refuses admin, privacy_officer and security_officer, who hold no orders.read, with nothing in the answer', async () => {
    for (const role of ['admin', 'privacy_officer', 'security_officer'] as const) {
      for (const url of ['/admin/orders', `/admin/orders/${paid.orderId}`]) {
        const reply = await as(role, url);
        expect(outcome(reply), `${role} ${url}`).toBe('403 PERMISSION_DENIED');
        expectNoSecrets(reply, role);
      }
    }
  });

  it('lists orders for staff without personal fields, filters by status, pages, and audits the list', async () => {
    const reply = await as('support_agent', '/admin/orders?limit=50', 'customer_support');
    expect(reply.statusCode).toBe(200);
    const ids = reply.json<Page>().orders.map((order) => order.id);
    expect(ids).toEqual(expect.arrayContaining([paid.orderId, bobs.orderId, guest.orderId]));
    expectNoSecrets(reply, 'admin list');
    const paidOnly = (await as('fulfilment', '/admin/orders?status=paid', 'shipping')).json<Page>();
    expect(paidOnly.orders.every((order) => order.status === 'paid')).toBe(true);
    expect(paidOnly.orders.map((order) => order.id)).toEqual([
      guest.orderId,
      bobs.orderId,
      paid.orderId,
    ]);
    const one = (await as('finance', '/admin/orders?limit=1', 'payment')).json<Page>();
    const rest = (
      await as('finance', `/admin/orders?limit=50&after=${one.next ?? ''}`, 'payment')
    ).json<Page>();
    expect([...one.orders, ...rest.orders].map((order) => order.id)).toEqual(ids);
    const [event] = await auditOf(reply);
    expect(event).toMatchObject({
      action: 'order.list',
      decision: 'none',
      purpose: 'customer_support',
    });
    const invalid = await as('support_agent', '/admin/orders?status=lost', 'customer_support');
    expect(outcome(invalid)).toBe('400 VALIDATION_FAILED');
    const extra = await as('support_agent', '/admin/orders?email=x', 'customer_support');
    expect(outcome(extra)).toBe('400 UNKNOWN_FIELDS');
  });

  it('audits a staff read with role, purpose, categories and the strongest view, no personal data', async () => {
    const reply = await as('fulfilment', `/admin/orders/${paid.orderId}`, 'shipping');
    const [event] = await auditOf(reply);
    expect(event).toMatchObject({
      action: 'order.read',
      actor_role: 'fulfilment',
      purpose: 'shipping',
      subject_id: paid.subjectId,
      decision: 'clear',
      categories: '["delivery.address","order.contact"]',
    });
    for (const secret of w.secrets) expect(JSON.stringify(event)).not.toContain(secret);
  });

  it('answers 404 for an unknown or malformed order id and 400 for a purpose the route does not serve', async () => {
    for (const id of [newId('ord'), 'nope', newId('cus')]) {
      expect(outcome(await as('support_agent', `/admin/orders/${id}`, 'customer_support'))).toBe(
        '404 ORDER_NOT_FOUND',
      );
    }
    const reply = await as('support_agent', `/admin/orders/${paid.orderId}`, 'marketing');
    expect(outcome(reply)).toBe('400 PURPOSE_NOT_SERVED');
  });
  it('keeps amounts, lines and country after erasure; personal fields read as erased (C4.4)', async () => {
    const carol = await registerCustomer(t.app, { name: 'Carol Account' });
    const order = await placeOrder(t, {
      customerId: carol.id,
      shippingAddress: SHIPPING,
      path: ['paid'],
    });
    await t.privacy.shredder.shred(carol.id);
    const view = await adminRead('support_agent', order, 'customer_support');
    expect(view.fields).toEqual({
      email: { view: 'erased' },
      name: { view: 'erased' },
      phone: { view: 'absent' },
      shippingAddress: { view: 'erased' },
      billingAddress: { view: 'absent' },
    });
    expect(view.status).toBe('paid');
    const record = await t.app.commerce.services.orders.get(order.orderId);
    expect(record).toMatchObject({ totalMinor: 12240, shippingCountry: 'NL' });
    expect(record?.lines).toHaveLength(2);
  });
});
