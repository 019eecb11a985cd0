// The orders service on both engines: creation seals every personal field (C2.1) and keeps
// the non-personal facts that survive erasure (C4.4); the status machine refuses every move
// it does not allow and records each one it makes, with an audit event (C3.3).
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ORDER_NUMBER,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  type OrderStatus,
  type OrdersTables,
} from '../../src/commerce/orders/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import { isAppError } from '../../src/platform/errors/index.js';
import { newId } from '../../src/platform/ids.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { placeOrder, SAMPLE_LINES, sampleAddress } from '../helpers/shop.js';

const SYSTEM = { actor: { kind: 'system', name: 'test' }, requestId: null } as const;

/** The shortest path of allowed moves from `placed` to each status. */
const PATH_TO: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  placed: [],
  paid: ['paid'],
  fulfilled: ['paid', 'fulfilled'],
  delivered: ['paid', 'fulfilled', 'delivered'],
  cancelled: ['cancelled'],
  refunded: ['paid', 'refunded'],
};

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (isAppError(error)) return error.code;
  return error instanceof Error ? error.message : undefined;
}

describeEachEngine(
  'orders service: creation, status machine, refunds (C2.1 C3.3 C4.4)',
  (engine) => {
    let t: TestApp;
    const db = () => tablesOf<OrdersTables & AuditTables>(t.database.db);
    const orders = () => t.app.commerce.services.orders;

    beforeAll(async () => {
      t = await createTestApp(engine);
    });
    afterAll(async () => t.close());

    it('creates an order as placed: number, lines, history, sealed contact and addresses, one audit event', async () => {
      const placed = await placeOrder(t, {
        contact: {
          email: 'ines.marker@example.test',
          name: 'Ines Okafor',
          phone: '+33 4 72 00 00 01',
        },
        shippingAddress: sampleAddress('Saone'),
        billingAddress: sampleAddress('Rhone', 'Paris'),
      });
      expect(placed.number).toMatch(ORDER_NUMBER);
      const record = await orders().get(placed.orderId);
      expect(record).toMatchObject({
        id: placed.orderId,
        number: placed.number,
        subjectId: placed.subjectId,
        customerId: null,
        status: 'placed',
        currency: 'EUR',
        subtotalMinor: 10200,
        taxMinor: 2040,
        totalMinor: 12240,
        refundedMinor: 0,
        shippingCountry: 'FR',
        lines: SAMPLE_LINES,
      });
      const row = await db()
        .selectFrom('orders')
        .selectAll()
        .where('id', '=', placed.orderId)
        .executeTakeFirstOrThrow();
      for (const column of [
        'contact_email',
        'contact_name',
        'contact_phone',
        'shipping_address',
        'billing_address',
      ] as const) {
        const bytes = row[column];
        expect(Buffer.isBuffer(bytes), column).toBe(true);
        for (const clear of ['ines.marker', 'Okafor', '72 00 00', 'Saone', 'Rhone']) {
          expect(Buffer.from(bytes as Buffer).toString('latin1'), column).not.toContain(clear);
        }
      }
      const history = await db()
        .selectFrom('order_status_history')
        .selectAll()
        .where('order_id', '=', placed.orderId)
        .execute();
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({
        from_status: null,
        to_status: 'placed',
        actor_role: 'anonymous',
      });
      const events = await db()
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'order.create')
        .where('subject_id', '=', placed.subjectId)
        .execute();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        purpose: 'order_fulfilment',
        decision: 'none',
        categories: '["delivery.address","order.contact"]',
      });
      expect(JSON.parse(events[0]?.detail ?? '{}')).toEqual({ orderId: placed.orderId, lines: 2 });
    });

    it('hands out the personal fields as FieldInputs, absent ones with null, and only those asked for', async () => {
      const placed = await placeOrder(t);
      const inputs = await orders().personalFields(placed.orderId);
      expect(inputs.map((input) => [input.field, input.rowId, input.sealed === null])).toEqual([
        ['orders.contact_email', placed.orderId, false],
        ['orders.contact_name', placed.orderId, false],
        ['orders.contact_phone', placed.orderId, true],
        ['orders.shipping_address', placed.orderId, false],
        ['orders.billing_address', placed.orderId, true],
      ]);
      const some = await orders().personalFields(placed.orderId, [
        'orders.contact_name',
        'customers.email',
      ]);
      expect(some.map((input) => input.field)).toEqual(['orders.contact_name']);
      expect(await orders().personalFields(newId('ord'))).toEqual([]);
      expect(await orders().personalFields('not-an-id')).toEqual([]);
      expect(await orders().get(newId('ord'))).toBeUndefined();
    });

    it('reads the order and the fields asked for at once, as get and personalFields do apart', async () => {
      const placed = await placeOrder(t);
      const which = ['orders.contact_email', 'orders.contact_name'] as const;
      const both = await orders().getWithFields(placed.orderId, which);
      expect(both?.order).toEqual(await orders().get(placed.orderId));
      expect(both?.fields).toEqual(await orders().personalFields(placed.orderId, which));
      expect(both?.fields.map((input) => input.field)).toEqual([...which]);
      expect(await orders().getWithFields(newId('ord'), which)).toBeUndefined();
      expect(await orders().getWithFields('not-an-id', which)).toBeUndefined();
    });

    it('gives every order its own number', async () => {
      const placed = await Promise.all(Array.from({ length: 20 }, () => placeOrder(t)));
      const numbers = placed.map((order) => order.number);
      expect(new Set(numbers).size).toBe(numbers.length);
      for (const number of numbers) expect(number).toMatch(ORDER_NUMBER);
    });

    const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => ({ from, to })));

    it.each(pairs)('moves $from → $to only where the machine allows it', async ({ from, to }) => {
      const placed = await placeOrder(t, { path: PATH_TO[from] });
      const before = await db()
        .selectFrom('order_status_history')
        .select('id')
        .where('order_id', '=', placed.orderId)
        .execute();
      const allowed = ORDER_TRANSITIONS[from].includes(to);
      const code = await codeOf(
        orders().transition(placed.orderId, to, { ...SYSTEM, reason: 'test_move' }),
      );
      const after = await db()
        .selectFrom('order_status_history')
        .selectAll()
        .where('order_id', '=', placed.orderId)
        .orderBy('id')
        .execute();
      const status = (await orders().get(placed.orderId))?.status;
      if (allowed) {
        expect(code).toBeUndefined();
        expect(status).toBe(to);
        expect(after).toHaveLength(before.length + 1);
        expect(after.at(-1)).toMatchObject({
          from_status: from,
          to_status: to,
          actor_id: 'system:test',
          actor_role: 'system',
          reason: 'test_move',
        });
      } else {
        expect(code).toBe('ORDER_STATUS_CONFLICT');
        expect(status).toBe(from);
        expect(after).toHaveLength(before.length);
      }
    });

    it('audits each move as order.status with the order, both statuses and the reason code', async () => {
      const placed = await placeOrder(t);
      await orders().transition(placed.orderId, 'cancelled', {
        actor: { kind: 'customer', id: newId('cus') },
        requestId: 'req_test_cancel',
        reason: 'customer_request',
      });
      const [event] = await db()
        .selectFrom('audit_events')
        .selectAll()
        .where('request_id', '=', 'req_test_cancel')
        .execute();
      expect(event).toMatchObject({
        action: 'order.status',
        subject_id: placed.subjectId,
        decision: 'none',
        outcome: 'success',
      });
      expect(JSON.parse(event?.detail ?? '{}')).toEqual({
        orderId: placed.orderId,
        from: 'placed',
        to: 'cancelled',
        reason: 'customer_request',
      });
    });

    it('refuses an unknown order with ORDER_NOT_FOUND and free text as a reason', async () => {
      expect(await codeOf(orders().transition(newId('ord'), 'paid', SYSTEM))).toBe(
        'ORDER_NOT_FOUND',
      );
      expect(await codeOf(orders().transition('ord_nope', 'paid', SYSTEM))).toBe('ORDER_NOT_FOUND');
      const placed = await placeOrder(t);
      const freeText = await codeOf(
        orders().transition(placed.orderId, 'cancelled', {
          ...SYSTEM,
          reason: 'Asked by Ines on the phone',
        }),
      );
      expect(freeText).toMatch(/reason is a code/);
      expect((await orders().get(placed.orderId))?.status).toBe('placed');
    });

    it('lets exactly one of two concurrent moves to paid win', async () => {
      for (let round = 0; round < 5; round++) {
        const placed = await placeOrder(t);
        const results = await Promise.all(
          (['paid', 'paid'] as const).map((to) =>
            codeOf(orders().transition(placed.orderId, to, SYSTEM)),
          ),
        );
        expect(results.filter((code) => code === undefined)).toHaveLength(1);
        expect(results.filter((code) => code === 'ORDER_STATUS_CONFLICT')).toHaveLength(1);
        const history = await db()
          .selectFrom('order_status_history')
          .select('id')
          .where('order_id', '=', placed.orderId)
          .execute();
        expect(history).toHaveLength(2);
      }
    });

    it('joins the caller transaction: a rolled-back move leaves no trace', async () => {
      const placed = await placeOrder(t);
      await t.database.db
        .transaction()
        .execute(async (trx) => {
          await orders().transition(placed.orderId, 'paid', SYSTEM, trx);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      expect((await orders().get(placed.orderId))?.status).toBe('placed');
    });

    it('adds refunds up to the total and refuses more (ORDER_REFUND_EXCEEDS_TOTAL)', async () => {
      const placed = await placeOrder(t, { path: ['paid'] });
      const refund = (amount: number) =>
        t.database.db
          .transaction()
          .execute((trx) => orders().addRefunded(trx, placed.orderId, amount));
      await refund(2000);
      await refund(10240);
      expect((await orders().get(placed.orderId))?.refundedMinor).toBe(12240);
      expect(await codeOf(refund(1))).toBe('ORDER_REFUND_EXCEEDS_TOTAL');
      expect(
        await codeOf(
          t.database.db.transaction().execute((trx) => orders().addRefunded(trx, newId('ord'), 1)),
        ),
      ).toBe('ORDER_NOT_FOUND');
      expect((await orders().get(placed.orderId))?.refundedMinor).toBe(12240);
    });
  },
);
