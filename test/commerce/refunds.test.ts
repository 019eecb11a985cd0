// Refunds through the API on both engines, on orders bought through the real checkout:
// full and partial refunds through the provider, never beyond what was captured (also
// under concurrency), idempotent by key, audited as refund.create, a provider failure as
// a 502 without personal data, and only the finance role may refund (C2.3, C3.3).
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrdersTables } from '../../src/commerce/orders/index.js';
import type { RefundsTables } from '../../src/commerce/refunds/index.js';
import type { PaymentsTables, TestProviderTables } from '../../src/commerce/payments/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import { newId } from '../../src/platform/ids.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import {
  bearer,
  createLoggedInStaff,
  registerCustomer,
  type LoggedInStaff,
} from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import {
  checkoutForm,
  createProduct,
  newCart,
  placeOrder,
  postCheckout,
  tokenFor,
} from '../helpers/shop.js';

const VISA = '4242424242424242';
const REFUND_FAILS = '4000000000005126';

interface Refunded {
  refundId: string;
  amountMinor: number;
  orderStatus: string;
  refundedMinor: number;
}

const errorOf = (response: LightMyRequestResponse) =>
  response.json<{ error: { code: string; details?: Record<string, unknown> } }>().error;

describeEachEngine('refunds (C2.3 C3.3)', (engine) => {
  let t: TestApp;
  let variantId: string;
  let finance: LoggedInStaff;
  let support: LoggedInStaff;
  let fulfilment: LoggedInStaff;
  let admin: LoggedInStaff;
  const tokens = new Map<string, string>();
  const db = () =>
    tablesOf<OrdersTables & RefundsTables & PaymentsTables & TestProviderTables & AuditTables>(
      t.database.db,
    );

  /** An order bought through the checkout API as a guest: paid, its payment captured. */
  async function paidOrder(card = VISA, quantity = 2) {
    let token = tokens.get(card);
    if (token === undefined) {
      token = await tokenFor(t, card);
      tokens.set(card, token);
    }
    const cartId = await newCart(t, [{ variantId, quantity }]);
    const email = `refund-buyer-${randomUUID().slice(0, 8)}@example.test`;
    const response = await postCheckout(t, cartId, checkoutForm(token, { email }));
    expect(response.statusCode, response.body).toBe(201);
    const placed = response.json<{ orderId: string; status: string; totalMinor: number }>();
    expect(placed.status).toBe('paid');
    return { ...placed, email };
  }

  function refund(orderId: string, payload: Record<string, unknown>, who = finance) {
    return t.app.inject({
      method: 'POST',
      url: `/admin/orders/${orderId}/refunds`,
      headers: bearer(who),
      payload,
    });
  }

  function listRefunds(orderId: string, who: { token: string } = finance) {
    return t.app.inject({ url: `/admin/orders/${orderId}/refunds`, headers: bearer(who) });
  }

  const paymentOf = async (orderId: string) => {
    const [payment] = await t.app.commerce.services.payments.forOrder(orderId);
    if (payment === undefined) throw new Error('no payment');
    return payment;
  };

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { CUSTODIA_TAX_RATES: 'FR=20' } });
    [variantId = ''] = await createProduct(t, [
      { title: 'Oak / Large', priceMinor: 4250, stock: 10_000 },
    ]);
    finance = await createLoggedInStaff(t, ['finance']);
    support = await createLoggedInStaff(t, ['support_agent']);
    fulfilment = await createLoggedInStaff(t, ['fulfilment']);
    admin = await createLoggedInStaff(t, ['admin']);
  });
  afterAll(async () => t.close());

  it('refunds a whole order when no amount is given: the order becomes refunded', async () => {
    const order = await paidOrder();
    expect(order.totalMinor).toBe(2 * 4250 + 1700);
    const response = await refund(order.orderId, { reason: 'damaged' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json<Refunded>()).toEqual({
      refundId: expect.stringMatching(/^ref_/) as string,
      amountMinor: order.totalMinor,
      orderStatus: 'refunded',
      refundedMinor: order.totalMinor,
    });
    expect(await paymentOf(order.orderId)).toMatchObject({
      status: 'refunded',
      capturedMinor: order.totalMinor,
      refundedMinor: order.totalMinor,
    });
    const order2 = await t.app.commerce.services.orders.get(order.orderId);
    expect(order2).toMatchObject({ status: 'refunded', refundedMinor: order.totalMinor });
    // Nothing left: a second full refund is refused.
    const again = await refund(order.orderId, { reason: 'damaged' });
    expect(again.statusCode).toBe(409);
    expect(errorOf(again)).toEqual({
      code: 'REFUND_EXCEEDS_CAPTURED',
      message: expect.any(String) as string,
      requestId: expect.any(String) as string,
      details: {
        capturedMinor: order.totalMinor,
        refundedMinor: order.totalMinor,
        requestedMinor: 0,
      },
    });
  });

  it('refunds in parts: the order stays paid until the last part', async () => {
    const order = await paidOrder();
    const first = await refund(order.orderId, { amountMinor: 1000, reason: 'goodwill' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json<Refunded>()).toMatchObject({
      amountMinor: 1000,
      orderStatus: 'paid',
      refundedMinor: 1000,
    });
    expect((await paymentOf(order.orderId)).status).toBe('partially_refunded');
    const tooMuch = await refund(order.orderId, {
      amountMinor: order.totalMinor - 999,
      reason: 'goodwill',
    });
    expect(tooMuch.statusCode).toBe(409);
    expect(errorOf(tooMuch)).toMatchObject({
      code: 'REFUND_EXCEEDS_CAPTURED',
      details: {
        capturedMinor: order.totalMinor,
        refundedMinor: 1000,
        requestedMinor: order.totalMinor - 999,
      },
    });
    const rest = await refund(order.orderId, { reason: 'returned' });
    expect(rest.json<Refunded>()).toMatchObject({
      amountMinor: order.totalMinor - 1000,
      orderStatus: 'refunded',
      refundedMinor: order.totalMinor,
    });
    const listed = await listRefunds(order.orderId);
    expect(listed.statusCode, listed.body).toBe(200);
    const body = listed.json<{
      capturedMinor: number;
      refundedMinor: number;
      refunds: {
        amountMinor: number;
        reason: string;
        createdBy: string;
        providerRefundId: string;
      }[];
    }>();
    expect(body).toMatchObject({
      orderId: order.orderId,
      currency: 'EUR',
      capturedMinor: order.totalMinor,
      refundedMinor: order.totalMinor,
    });
    expect(body.refunds.map((r) => [r.amountMinor, r.reason, r.createdBy])).toEqual([
      [1000, 'goodwill', finance.id],
      [order.totalMinor - 1000, 'returned', finance.id],
    ]);
    for (const r of body.refunds) expect(r.providerRefundId).toMatch(/^re_/);
    expect(listed.body).not.toContain(order.email);
  });

  it('refuses more than was captured, in one go or as concurrent refunds', async () => {
    const order = await paidOrder();
    const over = await refund(order.orderId, {
      amountMinor: order.totalMinor + 1,
      reason: 'other',
    });
    expect(over.statusCode).toBe(409);
    expect(errorOf(over).code).toBe('REFUND_EXCEEDS_CAPTURED');
    const part = Math.floor(order.totalMinor * 0.4);
    const responses = await Promise.all(
      Array.from({ length: 4 }, () =>
        refund(order.orderId, { amountMinor: part, reason: 'goodwill' }),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 201, 409, 409]);
    const after = await t.app.commerce.services.orders.get(order.orderId);
    expect(after).toMatchObject({ status: 'paid', refundedMinor: 2 * part });
    expect(await paymentOf(order.orderId)).toMatchObject({ refundedMinor: 2 * part });
    const providerTotal = await db()
      .selectFrom('test_provider_refunds')
      .select((eb) => eb.fn.sum<number>('amount_minor').as('total'))
      .where('authorisation_id', '=', (await paymentOf(order.orderId)).authorisationId)
      .executeTakeFirstOrThrow();
    expect(Number(providerTotal.total)).toBe(2 * part);
  });

  it('a repeated idempotency key answers the same refund once; another request under it is refused', async () => {
    const order = await paidOrder();
    const idempotencyKey = `key-${randomUUID()}`;
    const payload = { amountMinor: 500, reason: 'wrong_item', idempotencyKey };
    const first = await refund(order.orderId, payload);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const repeats = await Promise.all([
      refund(order.orderId, payload),
      refund(order.orderId, payload),
    ]);
    for (const repeat of repeats) {
      expect(repeat.statusCode).toBe(201);
      expect(repeat.headers['idempotent-replayed']).toBe('true');
      expect(repeat.json<Refunded>()).toEqual(first.json<Refunded>());
    }
    const rows = await db()
      .selectFrom('refunds')
      .select('id')
      .where('order_id', '=', order.orderId)
      .execute();
    expect(rows).toHaveLength(1);
    expect((await t.app.commerce.services.orders.get(order.orderId))?.refundedMinor).toBe(500);
    for (const changed of [
      { ...payload, amountMinor: 501 },
      { ...payload, reason: 'goodwill' },
      { reason: 'wrong_item', idempotencyKey },
    ]) {
      const refused = await refund(order.orderId, changed);
      expect(refused.statusCode).toBe(409);
      expect(errorOf(refused).code).toBe('REFUND_IDEMPOTENCY_KEY_REUSED');
    }
    // Concurrent first requests under one new key: one refund, one answer.
    const freshKey = `key-${randomUUID()}`;
    const together = await Promise.all(
      Array.from({ length: 3 }, () =>
        refund(order.orderId, { amountMinor: 700, reason: 'goodwill', idempotencyKey: freshKey }),
      ),
    );
    expect(together.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(together.map((r) => r.json<Refunded>().refundId)).size).toBe(1);
    expect((await t.app.commerce.services.orders.get(order.orderId))?.refundedMinor).toBe(1200);
    // The same key on another order is another request.
    const other = await paidOrder();
    const elsewhere = await refund(other.orderId, payload);
    expect(elsewhere.statusCode).toBe(201);
    expect(elsewhere.json<Refunded>().refundId).not.toBe(first.json<Refunded>().refundId);
  });

  it('C3.3: audits refund.create with ids, amounts and codes only', async () => {
    const order = await paidOrder();
    const response = await refund(order.orderId, { amountMinor: 300, reason: 'not_received' });
    const { refundId } = response.json<Refunded>();
    const events = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'refund.create')
      .where('request_id', '=', String(response.headers['x-request-id']))
      .execute();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ actor_id: finance.id, actor_role: 'finance', purpose: 'refund' });
    expect(JSON.parse(String(event?.detail))).toMatchObject({
      refundId,
      orderId: order.orderId,
      amountMinor: 300,
      reason: 'not_received',
    });
    expect(String(event?.detail)).not.toContain(order.email);
  });

  it('answers 502 PAYMENT_PROVIDER_FAILED when the provider refuses, changing nothing', async () => {
    const order = await paidOrder(REFUND_FAILS);
    const response = await refund(order.orderId, { reason: 'damaged' });
    expect(response.statusCode).toBe(502);
    expect(errorOf(response)).toMatchObject({
      code: 'PAYMENT_PROVIDER_FAILED',
      details: { reason: 'processing_error' },
    });
    expect(response.body).not.toContain(order.email);
    expect(response.body).not.toContain(REFUND_FAILS);
    expect(response.body).not.toContain('5126');
    expect(await t.app.commerce.services.orders.get(order.orderId)).toMatchObject({
      status: 'paid',
      refundedMinor: 0,
    });
    expect(await paymentOf(order.orderId)).toMatchObject({ status: 'captured', refundedMinor: 0 });
    const rows = await db()
      .selectFrom('refunds')
      .select('id')
      .where('order_id', '=', order.orderId)
      .execute();
    expect(rows).toEqual([]);
  });

  it('refuses orders that were never paid (409) and unknown orders (404)', async () => {
    const placed = await placeOrder(t);
    const cancelled = await placeOrder(t, { path: ['cancelled'] });
    for (const orderId of [placed.orderId, cancelled.orderId]) {
      const response = await refund(orderId, { reason: 'other' });
      expect(response.statusCode).toBe(409);
      expect(errorOf(response).code).toBe('REFUND_ORDER_NOT_PAID');
    }
    for (const orderId of [newId('ord'), 'ord_nope', 'x'.repeat(64)]) {
      const response = await refund(orderId, { reason: 'other' });
      expect(response.statusCode).toBe(404);
      expect(errorOf(response).code).toBe('ORDER_NOT_FOUND');
      expect((await listRefunds(orderId)).statusCode).toBe(404);
    }
  });

  it('C1.1: takes a reason code, never free text, and positive whole amounts', async () => {
    const order = await paidOrder();
    const cases: [Record<string, unknown>, string][] = [
      [{ reason: 'damaged', note: 'the customer said the box was wet' }, 'UNKNOWN_FIELDS'],
      [{ reason: 'the box was wet' }, 'VALIDATION_FAILED'],
      [{}, 'VALIDATION_FAILED'],
      [{ reason: 'damaged', amountMinor: 0 }, 'VALIDATION_FAILED'],
      [{ reason: 'damaged', amountMinor: 10.5 }, 'VALIDATION_FAILED'],
      [{ reason: 'damaged', idempotencyKey: 'a b' }, 'VALIDATION_FAILED'],
    ];
    for (const [payload, code] of cases) {
      const response = await refund(order.orderId, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(errorOf(response).code).toBe(code);
    }
    expect((await t.app.commerce.services.orders.get(order.orderId))?.refundedMinor).toBe(0);
  });

  it('C2.3: only finance refunds; support and fulfilment may list refunds, admin may not', async () => {
    const order = await paidOrder();
    for (const who of [support, fulfilment, admin]) {
      const response = await refund(order.orderId, { reason: 'goodwill' }, who);
      expect(response.statusCode, who.roles.join()).toBe(403);
      expect(errorOf(response).code).toBe('PERMISSION_DENIED');
    }
    const customer = await registerCustomer(t.app);
    const asCustomer = await refund(
      order.orderId,
      { reason: 'goodwill' },
      { ...finance, ...customer },
    );
    expect(asCustomer.statusCode).toBe(403);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: `/admin/orders/${order.orderId}/refunds`,
      payload: { reason: 'goodwill' },
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await t.app.commerce.services.orders.get(order.orderId))?.refundedMinor).toBe(0);
    for (const who of [finance, support, fulfilment]) {
      expect((await listRefunds(order.orderId, who)).statusCode).toBe(200);
    }
    expect((await listRefunds(order.orderId, admin)).statusCode).toBe(403);
    expect((await refund(order.orderId, { reason: 'goodwill' })).statusCode).toBe(201);
  });
});
