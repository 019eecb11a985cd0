// The test provider behaves like a card processor's test mode: each documented test
// number has its outcome, tokens are authenticated and expire, and authorise, capture,
// void and refund are idempotent by key (the same key answers the first outcome; a key
// reused with other parameters is refused), with refunds never exceeding the capture.
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { PaymentsService } from '../../src/commerce/payments/index.js';
import { TestTokenCodec } from '../../src/commerce/payments/test-provider/test-token.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { key, NEXT_YEAR, rejection, usePaymentsWorld } from './payments-world.js';

const HOUR = 3_600_000;

describeEachEngine('test payment provider', (engine) => {
  const world = usePaymentsWorld(engine);
  const { clock, db, tokenFor, paidWith, paymentOf } = world;
  let payments: PaymentsService;
  beforeAll(() => {
    payments = world.payments;
  });

  it.each([
    ['4242424242424242', { ok: true, brand: 'visa', last4: '4242' }],
    ['5555555555554444', { ok: true, brand: 'mastercard', last4: '4444' }],
    ['378282246310005', { ok: true, brand: 'amex', last4: '0005' }],
    ['4000000000005126', { ok: true, brand: 'visa', last4: '5126' }],
    ['4000000000000002', { ok: false, reason: 'declined' }],
    ['4000000000009995', { ok: false, reason: 'insufficient_funds' }],
    ['4000000000000069', { ok: false, reason: 'expired_card' }],
    ['4000000000000119', { ok: false, reason: 'processing_error' }],
  ] as const)('test number %s authorises as documented', async (number, expected) => {
    const result = await payments.authorise({
      token: await tokenFor(number),
      amountMinor: 1999,
      currency: 'EUR',
      idempotencyKey: key('auth'),
    });
    if (expected.ok) {
      expect(result).toEqual({
        ok: true,
        authorisationId: expect.stringMatching(/^auth_/) as string,
        card: { brand: expected.brand, last4: expected.last4, expMonth: 12, expYear: NEXT_YEAR },
      });
    } else {
      expect(result).toEqual({ ok: false, reason: expected.reason });
    }
  });

  it('refuses tampered, foreign and expired tokens as invalid_token', async () => {
    const token = await tokenFor('4242424242424242');
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const middle = 20;
    const flipped = token[middle] === 'x' ? 'y' : 'x';
    const foreign = new TestTokenCodec(randomBytes(32)).issue({
      card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: NEXT_YEAR },
      behaviour: 'succeed',
      issuedAt: clock.now(),
    });
    const tampered = [
      `${token.slice(0, -1)}${last}`,
      `${token.slice(0, middle)}${flipped}${token.slice(middle + 1)}`,
      `${token}A`,
    ];
    for (const candidate of [...tampered, foreign, 'tok_test_', 'pm_card_visa']) {
      const result = await payments.authorise({
        token: candidate,
        amountMinor: 100,
        currency: 'EUR',
        idempotencyKey: key('auth'),
      });
      expect(result).toEqual({ ok: false, reason: 'invalid_token' });
    }
    clock.advance(25 * HOUR);
    const stale = await payments.authorise({
      token,
      amountMinor: 100,
      currency: 'EUR',
      idempotencyKey: key('auth'),
    });
    expect(stale).toEqual({ ok: false, reason: 'invalid_token' });
  });

  it('authorise is idempotent by key: one authorisation, the first outcome again', async () => {
    const token = await tokenFor('5555555555554444');
    const input = { token, amountMinor: 4200, currency: 'EUR', idempotencyKey: key('auth') };
    const before = await world.authorisations();
    const first = await payments.authorise(input);
    const [again, concurrent] = await Promise.all([
      payments.authorise(input),
      payments.authorise(input),
    ]);
    expect(first.ok).toBe(true);
    expect(again).toEqual(first);
    expect(concurrent).toEqual(first);
    expect(await world.authorisations()).toBe(before + 1);
    // A declined card's outcome is stored and answered again as well.
    const declined = {
      token: await tokenFor('4000000000000002'),
      amountMinor: 100,
      currency: 'EUR',
      idempotencyKey: key('auth'),
    };
    expect(await payments.authorise(declined)).toEqual({ ok: false, reason: 'declined' });
    expect(await payments.authorise(declined)).toEqual({ ok: false, reason: 'declined' });
  });

  it('refuses an idempotency key reused with other parameters', async () => {
    const token = await tokenFor('4242424242424242');
    const input = { token, amountMinor: 1000, currency: 'EUR', idempotencyKey: key('auth') };
    expect((await payments.authorise(input)).ok).toBe(true);
    expect(await rejection(payments.authorise({ ...input, amountMinor: 1001 }))).toBe(
      'PAYMENT_IDEMPOTENCY_KEY_REUSED',
    );
    expect(
      await rejection(payments.authorise({ ...input, token: await tokenFor('4242424242424242') })),
    ).toBe('PAYMENT_IDEMPOTENCY_KEY_REUSED');
    expect(await rejection(payments.authorise({ ...input, currency: 'USD' }))).toBe(
      'PAYMENT_IDEMPOTENCY_KEY_REUSED',
    );
  });

  it('captures once: repeats and retries answer ok without capturing again', async () => {
    const { paymentId, authorisationId } = await paidWith('4242424242424242', 3000);
    expect(await payments.capture(paymentId)).toEqual({ ok: true, andThen: 'none' });
    expect(await payments.capture(paymentId)).toEqual({ ok: true, andThen: 'none' });
    expect(await paymentOf(paymentId)).toEqual({ status: 'captured', refunded: 0, captured: 3000 });
    const provider = payments.provider;
    const captureKey = key('capture');
    const other = await paidWith('4242424242424242', 3000);
    const input = {
      authorisationId: other.authorisationId,
      amountMinor: 3000,
      idempotencyKey: captureKey,
    };
    expect(await provider.capture(input)).toEqual({ ok: true });
    expect(await provider.capture(input)).toEqual({ ok: true });
    expect(await provider.capture({ ...input, idempotencyKey: key('capture') })).toEqual({
      ok: false,
      reason: 'already_captured',
    });
    expect(await rejection(provider.capture({ ...input, amountMinor: 10 }))).toBe(
      'PAYMENT_IDEMPOTENCY_KEY_REUSED',
    );
    expect(
      await provider.capture({ authorisationId, amountMinor: 1, idempotencyKey: key('capture') }),
    ).toEqual({ ok: false, reason: 'already_captured' });
    expect(
      await provider.capture({
        authorisationId: 'auth_none',
        amountMinor: 1,
        idempotencyKey: key('c'),
      }),
    ).toEqual({ ok: false, reason: 'authorisation_not_found' });
  });

  it('voids an uncaptured authorisation (the undo of authorise); a voided one cannot be captured', async () => {
    const { paymentId, authorisationId } = await paidWith('4242424242424242', 2500);
    const voidKey = key('void');
    await payments.voidAuthorisation(authorisationId, voidKey);
    await payments.voidAuthorisation(authorisationId, voidKey);
    expect((await paymentOf(paymentId)).status).toBe('voided');
    expect(await payments.capture(paymentId)).toEqual({
      ok: false,
      reason: 'authorisation_voided',
    });
    expect(
      await payments.provider.capture({
        authorisationId,
        amountMinor: 2500,
        idempotencyKey: key('c'),
      }),
    ).toEqual({ ok: false, reason: 'authorisation_voided' });
    // A captured one cannot be voided.
    const captured = await paidWith('4242424242424242', 2500);
    expect(await payments.capture(captured.paymentId)).toEqual({ ok: true, andThen: 'none' });
    expect(
      await payments.provider.void({
        authorisationId: captured.authorisationId,
        idempotencyKey: key('v'),
      }),
    ).toEqual({ ok: false, reason: 'already_captured' });
    await payments.voidAuthorisation(captured.authorisationId, key('v'));
    expect((await paymentOf(captured.paymentId)).status).toBe('captured');
    // Authorised without a payment row (a checkout that failed before recording it).
    const bare = await payments.authorise({
      token: await tokenFor('4242424242424242'),
      amountMinor: 700,
      currency: 'EUR',
      idempotencyKey: key('auth'),
    });
    if (!bare.ok) throw new Error('authorisation failed');
    await payments.voidAuthorisation(bare.authorisationId, key('void'));
    const row = await db()
      .selectFrom('test_provider_authorisations')
      .select('voided_at')
      .where('id', '=', bare.authorisationId)
      .executeTakeFirstOrThrow();
    expect(row.voided_at).not.toBeNull();
  });

  it('refunds partially and fully, idempotent by key, never beyond the capture', async () => {
    const { paymentId, orderId } = await paidWith('5555555555554444', 10_000);
    expect(await payments.refund(paymentId, 100, key('refund'))).toEqual({
      ok: false,
      reason: 'not_captured',
    });
    expect(await payments.capture(paymentId)).toEqual({ ok: true, andThen: 'none' });
    const first = key('refund');
    const partial = await payments.refund(paymentId, 3000, first);
    expect(partial).toEqual({
      ok: true,
      providerRefundId: expect.stringMatching(/^re_/) as string,
    });
    expect(await payments.refund(paymentId, 3000, first)).toEqual(partial);
    expect(await paymentOf(paymentId)).toEqual({
      status: 'partially_refunded',
      refunded: 3000,
      captured: 10_000,
    });
    expect(await rejection(payments.refund(paymentId, 3001, first))).toBe(
      'PAYMENT_IDEMPOTENCY_KEY_REUSED',
    );
    expect(await payments.refund(paymentId, 7001, key('refund'))).toEqual({
      ok: false,
      reason: 'exceeds_captured',
    });
    expect(await payments.refund(paymentId, 0, key('refund'))).toEqual({
      ok: false,
      reason: 'invalid_amount',
    });
    expect((await payments.refund(paymentId, 7000, key('refund'))).ok).toBe(true);
    expect(await paymentOf(paymentId)).toEqual({
      status: 'refunded',
      refunded: 10_000,
      captured: 10_000,
    });
    expect(await payments.refund(paymentId, 1, key('refund'))).toEqual({
      ok: false,
      reason: 'exceeds_captured',
    });
    const [record] = await payments.forOrder(orderId);
    expect(record).toMatchObject({
      id: paymentId,
      status: 'refunded',
      amountMinor: 10_000,
      capturedMinor: 10_000,
      refundedMinor: 10_000,
      currency: 'EUR',
      provider: 'test',
    });
  });

  it('concurrent refunds under different keys add up to at most the capture', async () => {
    const { paymentId, authorisationId } = await paidWith('4242424242424242', 10_000);
    expect(await payments.capture(paymentId)).toEqual({ ok: true, andThen: 'none' });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => payments.refund(paymentId, 4000, key('refund'))),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(2);
    expect(results.filter((result) => !result.ok)).toEqual(
      Array.from({ length: 4 }, () => ({ ok: false, reason: 'exceeds_captured' })),
    );
    expect(await paymentOf(paymentId)).toEqual({
      status: 'partially_refunded',
      refunded: 8000,
      captured: 10_000,
    });
    const provider = await db()
      .selectFrom('test_provider_refunds')
      .select((eb) => eb.fn.sum<number>('amount_minor').as('total'))
      .where('authorisation_id', '=', authorisationId)
      .executeTakeFirstOrThrow();
    expect(Number(provider.total)).toBe(8000);
  });

  it('a refund_fails card: the provider refuses, the held amount is given back', async () => {
    const { paymentId } = await paidWith('4000000000005126', 5000);
    expect(await payments.capture(paymentId)).toEqual({ ok: true, andThen: 'none' });
    const refundKey = key('refund');
    expect(await payments.refund(paymentId, 2000, refundKey)).toEqual({
      ok: false,
      reason: 'processing_error',
    });
    expect(await payments.refund(paymentId, 2000, refundKey)).toEqual({
      ok: false,
      reason: 'processing_error',
    });
    expect(await paymentOf(paymentId)).toEqual({ status: 'captured', refunded: 0, captured: 5000 });
  });
});
