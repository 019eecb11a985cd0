// Checkouts that stopped between placing the order and capturing (a crash, a deploy) are
// finished or undone by the recovery sweep, on both engines: an authorised payment is
// captured once (a capture made before the stop is replayed, not repeated) and the order
// paid; a payment already captured only moves its order; a refused capture cancels the
// order, gives the stock back and voids the authorisation. Orders younger than the settle
// time are left alone, and sweeps racing from two instances leave each order in exactly
// one final state, quietly. The crash is simulated by running every checkout step but the
// capture; time is a test clock. (The background loop and the listing of stale orders are
// tested beside their code.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrdersTables, OrderStatus } from '../../src/commerce/orders/index.js';
import type { TestProviderTables } from '../../src/commerce/payments/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { tablesOf } from '../../src/platform/db/index.js';
import { newId } from '../../src/platform/ids.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import {
  CHECKOUT_SETTLE_MS,
  checkoutBody,
  checkoutSteps,
  runSteps,
  type CheckoutState,
  type RecoveryReport,
} from '../../src/workflows/checkout/index.js';
import {
  CARDS,
  checkoutForm,
  createProduct,
  newCart,
  placeOrder,
  tokenFor,
} from '../helpers/shop.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

const SECOND = 1_000;
const ACTOR_ID = 'system:checkout-recovery';
const REASON = { paid: 'payment_captured', cancelled: 'capture_refused' } as const;
const NOTHING: RecoveryReport = { paid: 0, cancelled: 0, settled: 0, left: 0, failed: 0 };
/** A form whose personal values the log scan looks for. */
const FORM = {
  email: 'recovery-buyer@example.test',
  name: 'Ines Recoveryfixture',
  shippingAddress: { line1: '7 Rue Recovery', city: 'Lyon', postalCode: '69002', country: 'FR' },
};
type Line = { variantId: string; quantity: number };

describeEachEngine('checkout recovery', (engine) => {
  const clock = new ManualClock();
  let t: TestApp;
  /** A second instance on the same database. */
  let other: TestApp;
  let shirt: string;
  let socks: string;
  let token: string;
  /** Idempotency keys of every capture that reached the provider, replays included. */
  const providerCaptures: string[] = [];
  /** Run once before the next capture or void reaches the provider: another instance's turn. */
  const interleave: { capture?: () => Promise<void>; void?: () => Promise<void> } = {};

  const db = () => tablesOf<OrdersTables & AuditTables & TestProviderTables>(t.database.db);
  const services = () => t.app.commerce.services;
  const sweep = () => services().checkoutRecovery.sweep();
  const otherSweep = () => other.app.commerce.services.checkoutRecovery.sweep();
  /**
   * Moves the clock once both instances have sent the mails their orders queued: a jump
   * while one is being delivered would end its lease, and the other instance could take
   * it again (a warning this file's tests check for).
   */
  const advance = async (ms: number) => {
    await services().outbox.drain();
    await other.app.commerce.services.outbox.drain();
    clock.advance(ms);
  };
  const pastSettleTime = () => advance(CHECKOUT_SETTLE_MS + SECOND);
  const statusOf = async (orderId: string) => (await services().orders.get(orderId))?.status;
  const stockOf = async (variantId: string) =>
    (await services().catalog.variants([variantId])).get(variantId)?.stock ?? NaN;
  const capturesOf = (paymentId: string) =>
    providerCaptures.filter((key) => key === `capture:${paymentId}`).length;
  const paymentOf = async (orderId: string) => {
    const payments = await services().payments.forOrder(orderId);
    expect(payments).toHaveLength(1);
    return payments[0] ?? Promise.reject(new Error('no payment'));
  };
  const authorisationOf = async (authorisationId: string) => {
    const row = await db()
      .selectFrom('test_provider_authorisations')
      .select(['captured_minor', 'voided_at'])
      .where('id', '=', authorisationId)
      .executeTakeFirstOrThrow();
    return { capturedMinor: Number(row.captured_minor), voided: row.voided_at !== null };
  };

  /** The order moved out of `placed` once, by recovery: in its history and in the audit log. */
  async function expectOneMove(orderId: string, to: 'paid' | 'cancelled') {
    expect(await statusOf(orderId)).toBe(to);
    const history = await db()
      .selectFrom('order_status_history')
      .select(['to_status', 'actor_id', 'reason'])
      .where('order_id', '=', orderId)
      .where('from_status', '=', 'placed')
      .execute();
    expect(history).toEqual([{ to_status: to, actor_id: ACTOR_ID, reason: REASON[to] }]);
    const events = await db()
      .selectFrom('audit_events')
      .select(['actor_id', 'detail'])
      .where('action', '=', 'order.status')
      .execute();
    const mine = events.filter((event) => event.detail?.includes(orderId));
    const parsed = (detail: string | null): unknown => JSON.parse(detail ?? '');
    expect(mine.map((event) => [event.actor_id, parsed(event.detail)])).toEqual([
      [ACTOR_ID, { orderId, from: 'placed', to, reason: REASON[to] }],
    ]);
  }

  /** Captured or voided at the provider, never both; and the shop's record agrees. */
  async function expectSettledPayment(orderId: string, to: OrderStatus) {
    const payment = await paymentOf(orderId);
    expect(payment.status).toBe(to === 'paid' ? 'captured' : 'voided');
    expect(await authorisationOf(payment.authorisationId)).toEqual(
      to === 'paid'
        ? { capturedMinor: payment.amountMinor, voided: false }
        : { capturedMinor: 0, voided: true },
    );
  }

  /**
   * A guest checkout that stops where a crash would stop it: every step up to and
   * including place-order ran (order `placed`, payment `authorised`, stock reserved,
   * committed); the capture never did.
   */
  async function stoppedBeforeCapture(lines: Line[]) {
    const steps = checkoutSteps({
      db: tablesOf<unknown>(t.database.db),
      ...services(),
      consent: t.app.identity.customers.consent,
      vault: t.privacy.vault,
      clock,
      logger: t.logs.logger,
      settings: { policyVersion: t.config.identity.policyVersion },
    });
    expect(steps.at(-1)?.name).toBe('capture-payment');
    const state: CheckoutState = {
      request: {
        cartId: await newCart(t, lines),
        customerId: null,
        form: checkoutBody.parse(checkoutForm(token, FORM)),
        requestId: null,
      },
      actor: { kind: 'anonymous' },
      orderId: newId('ord'),
      paymentId: newId('pay'),
    };
    expect(await runSteps(steps.slice(0, -1), state, t.logs.logger)).toEqual({ ok: true });
    expect(await statusOf(state.orderId)).toBe('placed');
    const payment = await paymentOf(state.orderId);
    expect(payment.status).toBe('authorised');
    return { orderId: state.orderId, payment };
  }

  /** The provider voids the authorisation on its side: a capture is then refused. */
  const voidAtProvider = async (authorisationId: string) =>
    expect(
      await services().payments.provider.void({
        authorisationId,
        idempotencyKey: `test:expire:${authorisationId}`,
      }),
    ).toEqual({ ok: true });

  beforeAll(async () => {
    t = await createTestApp(engine, { clock });
    other = await createTestApp(engine, { store: t.store, clock });
    [shirt = '', socks = ''] = await createProduct(t, [
      { title: 'Blue / M', priceMinor: 4500, stock: 100 },
      { title: 'Grey socks', priceMinor: 1200, stock: 100 },
    ]);
    token = await tokenFor(t, CARDS.visa);
    // A spy over the real provider of the first instance: every call still reaches it.
    const provider = services().payments.provider;
    const real = { capture: provider.capture.bind(provider), void: provider.void.bind(provider) };
    const spied = provider as Pick<typeof provider, 'capture' | 'void'>;
    const takeTurn = async (which: 'capture' | 'void') => {
      const turn = interleave[which];
      delete interleave[which];
      await turn?.();
    };
    spied.capture = async (input) => {
      providerCaptures.push(input.idempotencyKey);
      await takeTurn('capture');
      return real.capture(input);
    };
    spied.void = async (input) => takeTurn('void').then(() => real.void(input));
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  it('captures and pays a checkout that stopped before its capture, once; a second sweep changes nothing', async () => {
    const stock = await stockOf(shirt);
    const { orderId, payment } = await stoppedBeforeCapture([{ variantId: shirt, quantity: 2 }]);
    expect(await stockOf(shirt)).toBe(stock - 2);
    await pastSettleTime();
    expect(await sweep()).toMatchObject({ left: 0, failed: 0 });
    await expectOneMove(orderId, 'paid');
    await expectSettledPayment(orderId, 'paid');
    expect(capturesOf(payment.id)).toBe(1);
    expect(await stockOf(shirt)).toBe(stock - 2);
    await advance(CHECKOUT_SETTLE_MS);
    expect(await sweep()).toEqual(NOTHING);
    expect(capturesOf(payment.id)).toBe(1);
    await expectOneMove(orderId, 'paid');
  });

  it('counts the orders each sweep recovers by outcome on GET /metrics, every outcome from zero', async () => {
    const outcomes = ['paid', 'cancelled', 'settled', 'left', 'failed'] as const;
    const counted = async () => {
      const text = (await t.app.inject({ url: '/metrics' })).body;
      return Object.fromEntries(
        outcomes.map((outcome) => {
          const prefix = `custodia_checkout_recovery_orders_total{outcome="${outcome}"} `;
          const line = text.split('\n').find((l) => l.startsWith(prefix));
          return [outcome, line === undefined ? NaN : Number(line.slice(prefix.length))];
        }),
      ) as Record<(typeof outcomes)[number], number>;
    };
    const before = await counted();
    for (const outcome of outcomes) expect(before[outcome]).toBeGreaterThanOrEqual(0);
    await stoppedBeforeCapture([{ variantId: shirt, quantity: 1 }]);
    await pastSettleTime();
    const report = await sweep();
    expect(report.paid).toBeGreaterThanOrEqual(1);
    const after = await counted();
    for (const outcome of outcomes) expect(after[outcome] - before[outcome]).toBe(report[outcome]);
  });

  it('replays a capture the provider made before the stop instead of capturing again', async () => {
    const { orderId, payment } = await stoppedBeforeCapture([{ variantId: socks, quantity: 1 }]);
    // The provider captured; the process stopped before the shop recorded it.
    const key = `capture:${payment.id}`;
    const { authorisationId, amountMinor } = payment;
    expect(
      await services().payments.provider.capture({
        authorisationId,
        amountMinor,
        idempotencyKey: key,
      }),
    ).toEqual({ ok: true });
    await pastSettleTime();
    await sweep();
    await expectOneMove(orderId, 'paid');
    await expectSettledPayment(orderId, 'paid');
    // Asked twice under one key: the provider ran it once and answered the replay.
    expect(capturesOf(payment.id)).toBe(2);
    const requests = await db()
      .selectFrom('test_provider_requests')
      .select('outcome')
      .where('operation', '=', 'capture')
      .where('idempotency_key', '=', key)
      .execute();
    expect(requests).toHaveLength(1);
  });

  it('cancels the order, gives the stock back and voids the authorisation when the provider refuses the capture', async () => {
    const stock = { shirt: await stockOf(shirt), socks: await stockOf(socks) };
    const { orderId, payment } = await stoppedBeforeCapture([
      { variantId: shirt, quantity: 1 },
      { variantId: socks, quantity: 3 },
    ]);
    expect(await stockOf(socks)).toBe(stock.socks - 3);
    await voidAtProvider(payment.authorisationId);
    await pastSettleTime();
    expect(await sweep()).toMatchObject({ left: 0, failed: 0 });
    await expectOneMove(orderId, 'cancelled');
    await expectSettledPayment(orderId, 'cancelled');
    expect({ shirt: await stockOf(shirt), socks: await stockOf(socks) }).toEqual(stock);
    // Nothing more to do: the stock is given back once.
    await advance(CHECKOUT_SETTLE_MS);
    expect(await sweep()).toEqual(NOTHING);
    expect(await stockOf(socks)).toBe(stock.socks);
  });

  it('leaves an order younger than the settle time alone', async () => {
    const { orderId, payment } = await stoppedBeforeCapture([{ variantId: socks, quantity: 1 }]);
    await advance(CHECKOUT_SETTLE_MS - SECOND);
    expect(await sweep()).toEqual(NOTHING);
    expect(await statusOf(orderId)).toBe('placed');
    expect((await paymentOf(orderId)).status).toBe('authorised');
    expect(capturesOf(payment.id)).toBe(0);
    expect(await authorisationOf(payment.authorisationId)).toEqual({
      capturedMinor: 0,
      voided: false,
    });
    // Once settled, it is recovered like any other.
    await advance(2 * SECOND);
    await sweep();
    await expectOneMove(orderId, 'paid');
    expect(capturesOf(payment.id)).toBe(1);
  });

  it('moves a captured order that was never marked paid to paid, without a second capture', async () => {
    const { orderId, payment } = await stoppedBeforeCapture([{ variantId: shirt, quantity: 1 }]);
    // What a capture whose `andThen` failed leaves: the payment captured, the order placed.
    expect(await services().payments.capture(payment.id)).toEqual({ ok: true, andThen: 'none' });
    expect(await statusOf(orderId)).toBe('placed');
    expect(capturesOf(payment.id)).toBe(1);
    await pastSettleTime();
    expect(await sweep()).toMatchObject({ paid: 1, left: 0, failed: 0 });
    await expectOneMove(orderId, 'paid');
    await expectSettledPayment(orderId, 'paid');
    expect(capturesOf(payment.id)).toBe(1);
  });

  it('passes over an order it cannot decide, with a warning, and recovers those behind it', async () => {
    // An order without any payment: not something checkout makes, so staff decide.
    const orphan = await placeOrder(t);
    const { orderId } = await stoppedBeforeCapture([{ variantId: socks, quantity: 1 }]);
    await pastSettleTime();
    const report = await services().checkoutRecovery.sweep({ batchSize: 1 });
    expect(report).toMatchObject({ paid: 1, left: 1, failed: 0 });
    expect(await statusOf(orphan.orderId)).toBe('placed');
    await expectOneMove(orderId, 'paid');
    const warnings = t.logs.records().filter((line) => line['orderId'] === orphan.orderId);
    expect(warnings.map((line) => [line['level'], line['code']])).toEqual([[40, 'NO_PAYMENT']]);
    // Settled by hand, so later sweeps have nothing left over.
    await services().orders.transition(orphan.orderId, 'cancelled', {
      actor: { kind: 'system', name: 'test' },
      requestId: null,
      reason: 'test_cleanup',
    });
  });

  it('two instances sweeping at once leave each order in exactly one final state, quietly', async () => {
    const before = { shirt: await stockOf(shirt), socks: await stockOf(socks) };
    const toPay = [];
    for (let i = 0; i < 3; i++)
      toPay.push(await stoppedBeforeCapture([{ variantId: shirt, quantity: 1 }]));
    const toCancel = [];
    for (let i = 0; i < 2; i++) {
      const stopped = await stoppedBeforeCapture([{ variantId: socks, quantity: 2 }]);
      await voidAtProvider(stopped.payment.authorisationId);
      toCancel.push(stopped);
    }
    const capturedOnly = await stoppedBeforeCapture([{ variantId: shirt, quantity: 1 }]);
    await services().payments.capture(capturedOnly.payment.id);
    toPay.push(capturedOnly);
    await pastSettleTime();
    const logsFrom = { ours: t.logs.lines.length, theirs: other.logs.lines.length };

    const reports = await Promise.all([sweep(), otherSweep(), sweep()]);

    for (const { orderId } of toPay) await expectOneMove(orderId, 'paid');
    for (const { orderId } of toCancel) await expectOneMove(orderId, 'cancelled');
    for (const { orderId } of toPay) await expectSettledPayment(orderId, 'paid');
    for (const { orderId } of toCancel) await expectSettledPayment(orderId, 'cancelled');
    // Sold: four shirts; the socks of the cancelled orders came back exactly once.
    expect(await stockOf(shirt)).toBe(before.shirt - 4);
    expect(await stockOf(socks)).toBe(before.socks);
    // Each order moved by exactly one sweep; the others found it moved.
    const total = (key: keyof RecoveryReport) => reports.reduce((sum, r) => sum + r[key], 0);
    expect([total('paid'), total('cancelled'), total('left'), total('failed')]).toEqual([
      toPay.length,
      toCancel.length,
      0,
      0,
    ]);
    // A lost race is at most a debug line with its code, never a warning or an error.
    const lines = [
      ...t.logs.lines.slice(logsFrom.ours),
      ...other.logs.lines.slice(logsFrom.theirs),
    ].map((line) => JSON.parse(line) as Record<string, unknown>);
    const loud = lines.filter((line) => Number(line['level']) >= 40);
    expect(loud.map((line) => [line['msg'], line['code'], line['reason']])).toEqual([]);
  });

  it('a sweep overtaken by another instance in the middle of an order finds it settled, quietly', async () => {
    const theirs: RecoveryReport[] = [];
    const theirTurn = async () => void theirs.push(await otherSweep());
    const stock = await stockOf(socks);
    const logsFrom = t.logs.lines.length;
    // The other instance captures and pays while this one waits on the provider's capture.
    const toPay = await stoppedBeforeCapture([{ variantId: shirt, quantity: 1 }]);
    await pastSettleTime();
    interleave.capture = theirTurn;
    const ours = [await sweep()];
    // It voids and cancels while this one waits on the provider's void.
    const toCancel = await stoppedBeforeCapture([{ variantId: socks, quantity: 2 }]);
    await voidAtProvider(toCancel.payment.authorisationId);
    await pastSettleTime();
    interleave.void = theirTurn;
    ours.push(await sweep());

    expect(theirs).toEqual([
      { ...NOTHING, paid: 1 },
      { ...NOTHING, cancelled: 1 },
    ]);
    expect(ours).toEqual([
      { ...NOTHING, settled: 1 },
      { ...NOTHING, settled: 1 },
    ]);
    await expectOneMove(toPay.orderId, 'paid');
    await expectSettledPayment(toPay.orderId, 'paid');
    await expectOneMove(toCancel.orderId, 'cancelled');
    await expectSettledPayment(toCancel.orderId, 'cancelled');
    expect(await stockOf(socks)).toBe(stock);
    const lines = t.logs.records().slice(logsFrom);
    expect(lines.filter((line) => Number(line['level']) >= 40)).toEqual([]);
    const lost = lines.filter((line) => line['code'] === 'ORDER_STATUS_CONFLICT');
    expect(lost.map((line) => [line['level'], line['orderId']])).toEqual([
      [20, toPay.orderId],
      [20, toCancel.orderId],
    ]);
  });

  it('logs counts, codes and ids, never the orders’ personal data', () => {
    const recovery = [...t.logs.records(), ...other.logs.records()].filter((line) =>
      String(line['msg']).startsWith('checkout recovery'),
    );
    expect(recovery.length).toBeGreaterThan(0);
    const text = JSON.stringify(recovery);
    for (const secret of [FORM.email, FORM.name, FORM.shippingAddress.line1, token]) {
      expect(text).not.toContain(secret);
    }
  });
});
