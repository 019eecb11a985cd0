// C3.4, C3.5, C2.5: shipping an order hands the carrier the inventory's label fields —
// never the staff member — records the shipment, moves the order, and logs the
// disclosure where the customer sees it. Both engines.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { CARRIER_LABEL_FIELDS, type ShippingTables } from '../../src/commerce/shipping/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import { newId } from '../../src/platform/ids.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import { shredJournalPath } from '../../src/privacy/kernel/index.js';
import {
  bearer,
  createLoggedInStaff,
  registerCustomer,
  type LoggedIn,
  type LoggedInStaff,
} from '../helpers/identity.js';
import { assertNoLeaks, scanForMarkers, uniqueMarker } from '../helpers/leak-scan.js';
import { buyPaidOrder, codeOf, createProduct } from '../helpers/shop.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

interface Placed {
  readonly orderId: string;
  /** Digits of the phone number, without its `+`. */
  readonly name: string;
  readonly phone: string;
  readonly street: string;
}

describeEachEngine('ship an order (C3.4, C3.5)', (engine) => {
  let t: TestApp;
  let store: TestStore;
  let customer: LoggedIn;
  let fulfilment: LoggedInStaff;
  let variantId: string;
  let closed = false;
  const markers: string[] = [];

  /** Fresh digits for a phone number: long enough to be a leak-scan marker of their own. */
  const phoneDigits = () => String(randomInt(1e11, 1e12));

  /**
   * An order bought through the shop: cart, test card token, checkout (which captures,
   * so the order is paid). Its label fields carry fresh leak-scan markers.
   */
  async function paidOrder(): Promise<Placed> {
    const placed = {
      name: uniqueMarker('ship-name'),
      phone: phoneDigits(),
      street: uniqueMarker('ship-street'),
    };
    markers.push(placed.name, placed.phone, placed.street);
    const orderId = await buyPaidOrder(t, customer, variantId, {
      name: placed.name,
      phone: `+${placed.phone}`,
      shippingAddress: {
        line1: `1 ${placed.street}`,
        city: 'Lyon',
        postalCode: '69001',
        country: 'FR',
      },
    });
    return { orderId, ...placed };
  }

  const ship = (as: { token: string }, orderId: string, payload?: Record<string, unknown>) =>
    t.app.inject({
      method: 'POST',
      url: `/admin/orders/${orderId}/shipments`,
      headers: bearer(as),
      ...(payload === undefined ? {} : { payload }),
    });
  const listShipments = (as: { token: string }, orderId: string) =>
    t.app.inject({ url: `/admin/orders/${orderId}/shipments`, headers: bearer(as) });
  const orderStatus = async (orderId: string) =>
    (await t.app.commerce.services.orders.get(orderId))?.status;
  const audit = () => tablesOf<AuditTables>(t.database.db);
  const shippingDb = () => tablesOf<ShippingTables>(t.database.db);

  beforeAll(async () => {
    store = await createTestStore(engine);
    t = await createTestApp(engine, { store });
    customer = await registerCustomer(t.app, { name: 'Shipping Test Customer' });
    fulfilment = await createLoggedInStaff(t, ['fulfilment']);
    [variantId = ''] = await createProduct(
      t,
      [{ title: 'Blue', priceMinor: 1250, stock: 1000 }],
      'Test mug',
    );
  });
  afterAll(async () => {
    if (!closed) await t.close();
    await store.cleanup();
  });

  it('ships a paid order: the carrier gets exactly the label fields in the clear, the staff member none', async () => {
    const order = await paidOrder();
    const spy = vi.spyOn(t.app.commerce.services.shipping.carrier, 'createShipment');
    try {
      const response = await ship(fulfilment, order.orderId);
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json<Record<string, string>>();
      expect(body).toEqual({
        shipmentId: expect.stringMatching(/^shp_/) as string,
        trackingNumber: expect.stringMatching(/^TST/) as string,
        status: 'label_created',
        orderStatus: 'fulfilled',
      });
      for (const value of [order.name, order.phone, order.street]) {
        expect(response.body).not.toContain(value);
      }
      expect(spy).toHaveBeenCalledTimes(1);
      const [label] = spy.mock.calls[0] ?? [];
      expect(Object.keys(label ?? {}).sort()).toEqual([...CARRIER_LABEL_FIELDS].sort());
      expect(label?.['orders.contact_name']).toBe(order.name);
      expect(label?.['orders.contact_phone']).toBe(`+${order.phone}`);
      expect(JSON.parse(label?.['orders.shipping_address'] ?? '{}')).toMatchObject({
        line1: `1 ${order.street}`,
        country: 'FR',
      });
    } finally {
      spy.mockRestore();
    }
    expect(await orderStatus(order.orderId)).toBe('fulfilled');
  });

  it('records the disclosure to the carrier in the same step, visible in the customer’s access history (C3.4)', async () => {
    const order = await paidOrder();
    const response = await ship(fulfilment, order.orderId);
    expect(response.statusCode, response.body).toBe(201);
    const { shipmentId } = response.json<{ shipmentId: string }>();
    const events = await audit()
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'disclosure.carrier')
      .where('subject_id', '=', customer.id)
      .execute();
    const event = events.find((row) => String(row.detail).includes(shipmentId));
    expect(event).toMatchObject({
      actor_id: fulfilment.id,
      actor_role: 'fulfilment',
      purpose: 'shipping',
      decision: 'clear',
      outcome: 'success',
    });
    expect(JSON.parse(String(event?.detail))).toEqual({ processor: 'test', shipmentId });
    const history = await t.app.inject({
      url: '/store/me/access-history',
      headers: bearer(customer),
    });
    expect(history.statusCode, history.body).toBe(200);
    const entries = history.json<{
      events: {
        action: string;
        by: string;
        roles: string[];
        purpose: string;
        categories: { category: string }[];
      }[];
    }>().events;
    const disclosure = entries.find((entry) => entry.action === 'disclosure.carrier');
    expect(disclosure).toMatchObject({ by: 'staff', roles: ['fulfilment'], purpose: 'shipping' });
    expect(disclosure?.categories.map((c) => c.category).sort()).toEqual([
      'delivery.address',
      'order.contact',
    ]);
    expect(history.body).not.toContain(fulfilment.id);
    expect(history.body).not.toContain(shipmentId);
  });

  it('after shipment, fulfilment sees the address masked on the order (C2.5)', async () => {
    const order = await paidOrder();
    const read = async () => {
      const response = await t.app.inject({
        url: `/admin/orders/${order.orderId}`,
        headers: { ...bearer(fulfilment), 'x-custodia-purpose': 'shipping' },
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ fields: { shippingAddress?: { view: string } } }>().fields;
    };
    expect((await read()).shippingAddress?.view).toBe('clear');
    expect((await ship(fulfilment, order.orderId)).statusCode).toBe(201);
    const after = await t.app.inject({
      url: `/admin/orders/${order.orderId}`,
      headers: { ...bearer(fulfilment), 'x-custodia-purpose': 'shipping' },
    });
    expect(after.statusCode, after.body).toBe(200);
    expect(
      after.json<{ fields: { shippingAddress?: { view: string } } }>().fields.shippingAddress?.view,
    ).toBe('masked');
    expect(after.body).not.toContain(order.street);
  });

  it('refuses an order that is not paid (cancelled) or already shipped, with ORDER_NOT_SHIPPABLE; an unknown one with 404', async () => {
    // Checkout captures, so an order that is not paid is one cancelled after payment.
    const cancelled = await paidOrder();
    await t.app.commerce.services.orders.transition(cancelled.orderId, 'cancelled', {
      actor: { kind: 'system', name: 'test' },
      requestId: null,
      reason: 'customer_request',
    });
    const unpaid = await ship(fulfilment, cancelled.orderId);
    expect(unpaid.statusCode).toBe(409);
    expect(unpaid.json()).toMatchObject({
      error: { code: 'ORDER_NOT_SHIPPABLE', details: { status: 'cancelled' } },
    });
    const paid = await paidOrder();
    expect((await ship(fulfilment, paid.orderId)).statusCode).toBe(201);
    const twice = await ship(fulfilment, paid.orderId);
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({
      error: { code: 'ORDER_NOT_SHIPPABLE', details: { status: 'fulfilled' } },
    });
    for (const id of [newId('ord'), 'not-an-order', newId('shp')]) {
      const response = await ship(fulfilment, id);
      expect(response.statusCode).toBe(404);
      expect(codeOf(response)).toBe('ORDER_NOT_FOUND');
    }
    const extra = await ship(fulfilment, paid.orderId, {
      idempotencyKey: 'key-extra-1',
      note: 'x',
    });
    expect(extra.statusCode).toBe(400);
    const shortKey = await ship(fulfilment, paid.orderId, { idempotencyKey: 'short' });
    expect(shortKey.statusCode).toBe(400);
  });

  it('answers the same shipment again for the same idempotency key, even for concurrent requests', async () => {
    const order = await paidOrder();
    const key = `key-${newId('k')}`;
    const [first, second] = await Promise.all([
      ship(fulfilment, order.orderId, { idempotencyKey: key }),
      ship(fulfilment, order.orderId, { idempotencyKey: key }),
    ]);
    expect(first.statusCode, first.body).toBe(201);
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toEqual(first.json());
    const third = await ship(fulfilment, order.orderId, { idempotencyKey: key });
    expect(third.statusCode).toBe(201);
    expect(third.headers['idempotent-replayed']).toBe('true');
    expect(third.json()).toEqual(first.json());
    const { trackingNumber } = first.json<{ trackingNumber: string }>();
    const listed = await listShipments(fulfilment, order.orderId);
    expect(listed.json<{ shipments: unknown[] }>().shipments).toHaveLength(1);
    // The label the shipment records is still live at the carrier: the loser's undo did not void it.
    expect(await t.app.commerce.services.shipping.carrier.status(trackingNumber)).toBe(
      'label_created',
    );
  });

  it('without a key, concurrent requests ship once and void the other label', async () => {
    const order = await paidOrder();
    const responses = await Promise.all([
      ship(fulfilment, order.orderId),
      ship(fulfilment, order.orderId),
    ]);
    expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const labels = await shippingDb()
      .selectFrom('test_carrier_shipments')
      .select('tracking_number')
      .execute();
    const recorded = await shippingDb().selectFrom('shipments').select('tracking_number').execute();
    // Every label the carrier still holds is a recorded shipment: none is left behind.
    expect(labels.map((l) => l.tracking_number).sort()).toEqual(
      recorded.map((r) => r.tracking_number).sort(),
    );
  });

  it('leaves no label value at rest or in the logs, the test carrier’s table included (C2.1)', async () => {
    expect(markers.length).toBeGreaterThan(0);
    const keyring = t.config.keyringPath;
    await t.close();
    closed = true;
    const findings = await scanForMarkers({
      markers,
      dataDir: store.dataDir,
      exclude: [keyring, shredJournalPath(keyring)],
      logs: t.logs.text(),
      ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
    });
    assertNoLeaks(findings);
  });
});
