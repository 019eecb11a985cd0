// C3.5, C2.1: the built-in test carrier keeps only non-personal state (tracking number,
// status, creation time): a label's personal fields are checked, never stored. Shipments
// move forward only. Both engines.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ShippingService,
  TestCarrier,
  testTrackingNumber,
  type ShippingTables,
} from '../../src/commerce/shipping/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { tablesOf } from '../../src/platform/db/index.js';
import { newId } from '../../src/platform/ids.js';
import {
  closeAccessWorld,
  openAccessWorld,
  appErrorOf,
  type AccessWorld,
} from '../helpers/access-world.js';
import { assertNoLeaks, scanForMarkers, uniqueMarker } from '../helpers/leak-scan.js';
import { describeEachEngine } from '../helpers/test-engines.js';

describeEachEngine('test carrier and shipments (C3.5)', (engine) => {
  let world: AccessWorld;
  let closed = false;
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  const markers = {
    name: uniqueMarker('carrier-name'),
    phone: uniqueMarker('carrier-phone'),
    street: uniqueMarker('carrier-street'),
  };
  const label = {
    'orders.contact_name': `Test ${markers.name}`,
    'orders.contact_phone': `+33 1 ${markers.phone}`,
    'orders.shipping_address': JSON.stringify({
      line1: `1 ${markers.street}`,
      city: 'Lyon',
      postalCode: '69001',
      country: 'FR',
    }),
  };
  let db: ReturnType<typeof tablesOf<ShippingTables>>;
  let carrier: TestCarrier;
  let shipping: ShippingService;

  beforeAll(async () => {
    world = await openAccessWorld(engine, clock);
    db = tablesOf<ShippingTables>(world.database.db);
    carrier = new TestCarrier(db, clock);
    shipping = new ShippingService(db, carrier, clock);
  });
  afterAll(async () => {
    if (!closed) await closeAccessWorld(world);
  });

  it('issues the same tracking number for the same key, once, and another for another key', async () => {
    const first = await carrier.createShipment(label, 'key-aaaaaaaa');
    const again = await carrier.createShipment(label, 'key-aaaaaaaa');
    const other = await carrier.createShipment(label, 'key-bbbbbbbb');
    expect(first.trackingNumber).toBe(testTrackingNumber('key-aaaaaaaa'));
    expect(again).toEqual(first);
    expect(other.trackingNumber).not.toBe(first.trackingNumber);
    expect(first.trackingNumber).toMatch(/^TST[0-9A-F]{16}$/);
    const rows = await db
      .selectFrom('test_carrier_shipments')
      .selectAll()
      .where('tracking_number', '=', first.trackingNumber)
      .execute();
    expect(rows).toEqual([
      {
        tracking_number: first.trackingNumber,
        status: 'label_created',
        created_at: clock.now().getTime(),
      },
    ]);
    expect(await carrier.status(first.trackingNumber)).toBe('label_created');
  });

  it('refuses a label without a recipient name or a delivery address', async () => {
    const noName = { 'orders.shipping_address': label['orders.shipping_address'] };
    const noAddress = { 'orders.contact_name': label['orders.contact_name'] };
    for (const bad of [noName, noAddress, { ...label, 'orders.contact_name': '  ' }]) {
      expect(await appErrorOf(carrier.createShipment(bad, `key-${newId('t')}`))).toEqual([
        'CARRIER_LABEL_REFUSED',
        502,
        undefined,
      ]);
    }
  });

  it('moves a parcel at the carrier, and forgets a cancelled label', async () => {
    const { trackingNumber } = await carrier.createShipment(label, 'key-cccccccc');
    await carrier.advance(trackingNumber, 'in_transit');
    expect(await carrier.status(trackingNumber)).toBe('in_transit');
    await carrier.cancel(trackingNumber);
    expect((await appErrorOf(carrier.status(trackingNumber)))?.[0]).toBe(
      'CARRIER_TRACKING_UNKNOWN',
    );
    expect((await appErrorOf(carrier.advance(trackingNumber, 'delivered')))?.[0]).toBe(
      'CARRIER_TRACKING_UNKNOWN',
    );
  });

  it('records shipments that move forward only, each status once, with their history', async () => {
    const orderId = newId('ord');
    const shipmentId = newId('shp');
    await world.database.db.transaction().execute((trx) =>
      shipping.record(trx, {
        shipmentId,
        orderId,
        trackingNumber: testTrackingNumber('key-dddddddd'),
        createdBy: newId('stf'),
        idempotencyKey: 'client-key-1',
      }),
    );
    const advance = (to: 'in_transit' | 'delivered' | 'returned' | 'label_created') =>
      world.database.db.transaction().execute((trx) => shipping.advance(trx, shipmentId, to));
    clock.advance(60_000);
    expect(await advance('in_transit')).toMatchObject({ ok: true, from: 'label_created' });
    // The same status again is a harmless repeat, not a second event.
    expect(await advance('in_transit')).toMatchObject({ ok: true, from: 'in_transit' });
    expect(await advance('label_created')).toEqual({
      ok: false,
      reason: 'not_forward',
      current: 'in_transit',
    });
    clock.advance(60_000);
    expect(await advance('delivered')).toMatchObject({ ok: true, from: 'in_transit' });
    expect(await advance('in_transit')).toMatchObject({ ok: false, current: 'delivered' });
    const stored = await shipping.get(shipmentId);
    expect(stored?.status).toBe('delivered');
    expect(stored?.events.map((event) => event.status)).toEqual([
      'label_created',
      'in_transit',
      'delivered',
    ]);
    expect(await shipping.forOrder(orderId)).toEqual([stored]);
    expect(await shipping.byIdempotencyKey(orderId, 'client-key-1')).toEqual(stored);
    expect(await shipping.byIdempotencyKey(newId('ord'), 'client-key-1')).toBeUndefined();
    expect(await shipping.byTrackingNumber(testTrackingNumber('key-dddddddd'))).toEqual(stored);
    expect(
      await world.database.db
        .transaction()
        .execute((trx) => shipping.advance(trx, newId('shp'), 'delivered')),
    ).toEqual({ ok: false, reason: 'not_found' });
  });

  it('stores the idempotency key only as a digest', async () => {
    const rows = await db.selectFrom('shipments').select('idempotency_key').execute();
    for (const row of rows) expect(row.idempotency_key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps no label field anywhere: the carrier table has three columns, the scan finds no marker', async () => {
    const columns =
      engine === 'postgres'
        ? (
            await sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name = 'test_carrier_shipments'`.execute(
              world.database.db,
            )
          ).rows
        : (
            await sql<{
              name: string;
            }>`SELECT name FROM pragma_table_info('test_carrier_shipments')`.execute(
              world.database.db,
            )
          ).rows;
    expect(columns.map((column) => column.name).sort()).toEqual([
      'created_at',
      'status',
      'tracking_number',
    ]);
    const databaseUrl = world.store.databaseUrl;
    await world.database.close();
    closed = true;
    try {
      const findings = await scanForMarkers({
        markers: Object.values(markers),
        dataDir: world.store.dataDir,
        exclude: [world.keyringPath],
        ...(databaseUrl === undefined ? {} : { databaseUrl }),
      });
      assertNoLeaks(findings);
    } finally {
      await world.store.cleanup();
    }
  });
});
