// C2.3, C3.4: who may ship and follow a parcel (fulfilment ships; support and finance
// only look; admin neither), forward-only status updates that move the order to
// delivered, and a label that is not sent when the staff member's roles do not cover it
// or the customer's data was erased. Both engines.
import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { newId } from '../../src/platform/ids.js';
import {
  bearer,
  createLoggedInStaff,
  registerCustomer,
  type LoggedIn,
  type LoggedInStaff,
} from '../helpers/identity.js';
import { buyPaidOrder, codeOf, createProduct } from '../helpers/shop.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

/** A role that may ship and sees the address, but has no grant on the recipient's name or phone. */
const DOCK_ROLE = {
  roles: [
    {
      name: 'dock_hand',
      description: 'Loads parcels: the delivery address for shipping, nothing else',
      permissions: ['orders.fulfil'],
      grants: [{ category: 'delivery.address', purpose: 'shipping', view: 'clear' }],
    },
  ],
};

describeEachEngine('shipment updates and who may ship (C2.3, C3.4)', (engine) => {
  let t: TestApp;
  let store: TestStore;
  let rolesFile: string;
  let customer: LoggedIn;
  let fulfilment: LoggedInStaff;
  let support: LoggedInStaff;
  let finance: LoggedInStaff;
  let admin: LoggedInStaff;
  let dock: LoggedInStaff;
  let variantId: string;

  /** An order bought through the shop (cart, test card, checkout, which captures): paid. */
  const paidOrder = (owner: LoggedIn = customer): Promise<string> =>
    buyPaidOrder(t, owner, variantId, {
      name: 'Test Recipient',
      shippingAddress: { line1: '2 Test Street', city: 'Ghent', postalCode: '9000', country: 'BE' },
    });

  const ship = (as: { token: string }, orderId: string) =>
    t.app.inject({
      method: 'POST',
      url: `/admin/orders/${orderId}/shipments`,
      headers: bearer(as),
    });
  const update = (as: { token: string }, shipmentId: string, status: string) =>
    t.app.inject({
      method: 'PATCH',
      url: `/admin/shipments/${shipmentId}`,
      headers: bearer(as),
      payload: { status },
    });
  const listShipments = (as: { token: string }, orderId: string) =>
    t.app.inject({ url: `/admin/orders/${orderId}/shipments`, headers: bearer(as) });
  const orderStatus = async (orderId: string) =>
    (await t.app.commerce.services.orders.get(orderId))?.status;

  beforeAll(async () => {
    store = await createTestStore(engine);
    rolesFile = `${store.dataDir}-roles.json`;
    writeFileSync(rolesFile, JSON.stringify(DOCK_ROLE));
    t = await createTestApp(engine, { store, env: { CUSTODIA_ROLES_FILE: rolesFile } });
    customer = await registerCustomer(t.app, { name: 'Updates Test Customer' });
    [fulfilment, support, finance, admin, dock] = await Promise.all([
      createLoggedInStaff(t, ['fulfilment']),
      createLoggedInStaff(t, ['support_agent']),
      createLoggedInStaff(t, ['finance']),
      createLoggedInStaff(t, ['admin']),
      createLoggedInStaff(t, ['dock_hand']),
    ]);
    [variantId = ''] = await createProduct(
      t,
      [{ title: 'Small', priceMinor: 4000, stock: 1000 }],
      'Test lamp',
    );
  });
  afterAll(async () => {
    await t.close();
    await store.cleanup();
    rmSync(rolesFile, { force: true });
  });

  it('moves a shipment forward only; delivered moves the order to delivered', async () => {
    const orderId = await paidOrder();
    const shipped = await ship(fulfilment, orderId);
    const { shipmentId } = shipped.json<{ shipmentId: string }>();
    const inTransit = await update(fulfilment, shipmentId, 'in_transit');
    expect(inTransit.statusCode, inTransit.body).toBe(200);
    expect(inTransit.json()).toMatchObject({ status: 'in_transit', orderStatus: 'fulfilled' });
    expect((await update(fulfilment, shipmentId, 'in_transit')).statusCode).toBe(200);
    expect((await update(fulfilment, shipmentId, 'label_created')).statusCode).toBe(400);
    const delivered = await update(fulfilment, shipmentId, 'delivered');
    expect(delivered.json()).toMatchObject({ status: 'delivered', orderStatus: 'delivered' });
    expect(await orderStatus(orderId)).toBe('delivered');
    const back = await update(fulfilment, shipmentId, 'in_transit');
    expect(back.statusCode).toBe(409);
    expect(back.json()).toMatchObject({
      error: {
        code: 'SHIPMENT_STATUS_CONFLICT',
        details: { current: 'delivered', requested: 'in_transit' },
      },
    });
    const returned = await update(fulfilment, shipmentId, 'returned');
    expect(returned.json()).toMatchObject({ status: 'returned', orderStatus: 'delivered' });
    const listed = await listShipments(fulfilment, orderId);
    expect(listed.statusCode).toBe(200);
    const [shipment] = listed.json<{ shipments: { id: string; events: { status: string }[] }[] }>()
      .shipments;
    expect(shipment?.id).toBe(shipmentId);
    expect(shipment?.events.map((e) => e.status)).toEqual([
      'label_created',
      'in_transit',
      'delivered',
      'returned',
    ]);
    for (const id of [newId('shp'), 'nope']) {
      const missing = await update(fulfilment, id, 'delivered');
      expect(missing.statusCode).toBe(404);
      expect(codeOf(missing)).toBe('SHIPMENT_NOT_FOUND');
    }
  });

  it('records a delivery reported twice at once as one delivery, the order delivered once', async () => {
    const orderId = await paidOrder();
    const { shipmentId } = (await ship(fulfilment, orderId)).json<{ shipmentId: string }>();
    const both = await Promise.all([
      update(fulfilment, shipmentId, 'delivered'),
      update(fulfilment, shipmentId, 'delivered'),
    ]);
    for (const response of both) {
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ status: 'delivered', orderStatus: 'delivered' });
    }
    const order = await t.app.inject({
      url: `/admin/orders/${orderId}`,
      headers: bearer(fulfilment),
    });
    const history = order.json<{ history: { to: string }[] }>().history.map((entry) => entry.to);
    expect(history.filter((to) => to === 'delivered')).toHaveLength(1);
    const [shipment] = (await listShipments(fulfilment, orderId)).json<{
      shipments: { events: { status: string }[] }[];
    }>().shipments;
    expect(shipment?.events.map((event) => event.status)).toEqual(['label_created', 'delivered']);
  });

  it('lets only fulfilment ship and update; support and finance may list, admin may not (C2.3)', async () => {
    const orderId = await paidOrder();
    for (const staff of [support, finance, admin]) {
      const refused = await ship(staff, orderId);
      expect(refused.statusCode, staff.roles.join()).toBe(403);
      expect(codeOf(refused)).toBe('PERMISSION_DENIED');
    }
    const customerTry = await ship(customer, orderId);
    expect(customerTry.statusCode).toBe(403);
    expect(await orderStatus(orderId)).toBe('paid');
    const shipped = await ship(fulfilment, orderId);
    const { shipmentId } = shipped.json<{ shipmentId: string }>();
    for (const staff of [support, finance, admin]) {
      expect((await update(staff, shipmentId, 'in_transit')).statusCode).toBe(403);
    }
    for (const staff of [support, finance, fulfilment]) {
      expect((await listShipments(staff, orderId)).statusCode).toBe(200);
    }
    expect((await listShipments(admin, orderId)).statusCode).toBe(403);
  });

  it('sends nothing when the staff member’s roles do not cover every label field (C3.4)', async () => {
    const orderId = await paidOrder();
    const spy = vi.spyOn(t.app.commerce.services.shipping.carrier, 'createShipment');
    try {
      const refused = await ship(dock, orderId);
      expect(refused.statusCode, refused.body).toBe(403);
      expect(codeOf(refused)).toBe('SHIPMENT_LABEL_DENIED');
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(await orderStatus(orderId)).toBe('paid');
    expect((await listShipments(fulfilment, orderId)).json()).toEqual({ shipments: [] });
  });

  it('sends nothing for a customer whose data was erased (C4.4)', async () => {
    const erased = await registerCustomer(t.app, { name: 'Erased Test Customer' });
    const orderId = await paidOrder(erased);
    await t.privacy.shredder.shred(erased.id);
    const spy = vi.spyOn(t.app.commerce.services.shipping.carrier, 'createShipment');
    try {
      const refused = await ship(fulfilment, orderId);
      expect(refused.statusCode, refused.body).toBe(409);
      expect(codeOf(refused)).toBe('SHIPMENT_LABEL_ERASED');
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(await orderStatus(orderId)).toBe('paid');
  });
});
