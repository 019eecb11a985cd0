// A checkout that cannot complete leaves nothing half-written, on both engines and for
// guests and customers alike: a declined or failed payment, a forged token, a shortage,
// undeclared fields (C1.1) or a failed capture leave no order (or a cancelled one), the
// stock as it was, the cart open and the authorisation voided.
import { beforeAll, expect, it } from 'vitest';
import { registerCustomer, type LoggedIn } from '../helpers/identity.js';
import type { TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import {
  checkoutForm,
  createProduct,
  detailsOf,
  newCart,
  outcome,
  postCheckout,
  type Reply,
  type Shopper,
} from '../helpers/shop.js';
import { useCheckoutShop, type CheckoutShop } from './checkout-shop.js';

describeEachEngine('checkout failures leave nothing behind (C1.1 C4.4)', (engine) => {
  const shop = useCheckoutShop(engine);
  const { db, stockOf, orderCount, cartStatus, placedOf, supportSession } = shop;
  let t: TestApp;
  let tokens: CheckoutShop['tokens'];
  let shirt: string;
  let socks: string;
  beforeAll(() => {
    ({ t, tokens, shirt, socks } = shop);
  });

  const failures = [
    ['declined', '402 PAYMENT_DECLINED', { reason: 'declined' }],
    ['insufficientFunds', '402 PAYMENT_DECLINED', { reason: 'insufficient_funds' }],
    ['expiredCard', '402 PAYMENT_DECLINED', { reason: 'expired_card' }],
    ['processingError', '502 PAYMENT_PROVIDER_FAILED', { stage: 'authorise' }],
  ] as const;

  it.each(failures)(
    'leaves nothing behind when the card is %s: %s',
    async (card, expected, details) => {
      for (const shopper of [undefined, await registerCustomer(t.app)] as Shopper[]) {
        const cartId = await newCart(t, [{ variantId: shirt, quantity: 1 }], shopper);
        const before = { orders: await orderCount(), stock: await stockOf(shirt) };
        const keysBefore = await db().selectFrom('subject_key').select('subject_id').execute();
        const reply = await postCheckout(t, cartId, checkoutForm(tokens[card]), shopper);
        expect(outcome(reply)).toBe(expected);
        expect(detailsOf(reply)).toEqual(details);
        expect(reply.body).not.toContain(tokens[card]);
        expect(await orderCount()).toBe(before.orders);
        expect(await stockOf(shirt)).toBe(before.stock);
        expect(await cartStatus(cartId, shopper)).toBe('200');
        // No data key was made for a guest whose card was refused.
        const keysAfter = await db().selectFrom('subject_key').select('subject_id').execute();
        expect(keysAfter.length).toBe(keysBefore.length);
      }
    },
  );

  it('refuses a token the provider never issued with 400 PAYMENT_TOKEN_INVALID', async () => {
    const cartId = await newCart(t, [{ variantId: socks, quantity: 1 }]);
    const forged = `${tokens.visa.slice(0, -4)}AAAA`;
    const reply = await postCheckout(t, cartId, checkoutForm(forged));
    expect(outcome(reply)).toBe('400 PAYMENT_TOKEN_INVALID');
    expect(await cartStatus(cartId)).toBe('200');
  });

  it('answers 409 OUT_OF_STOCK with the variant and the count left, voids the authorisation and stores no guest key', async () => {
    const [rare = ''] = await createProduct(
      t,
      [{ title: 'Last one', priceMinor: 9900, stock: 2 }],
      'Rare print',
    );
    const cartId = await newCart(t, [{ variantId: rare, quantity: 2 }]);
    // Someone else buys one while this cart waits.
    placedOf(
      await postCheckout(
        t,
        await newCart(t, [{ variantId: rare, quantity: 1 }]),
        checkoutForm(tokens.visa),
      ),
    );
    const before = await orderCount();
    const guestKeys = async () =>
      (
        await db()
          .selectFrom('subject_key')
          .select('subject_id')
          .where('subject_id', 'like', 'sub_%')
          .execute()
      ).length;
    const keysBefore = await guestKeys();
    const reply = await postCheckout(t, cartId, checkoutForm(tokens.visa));
    expect(outcome(reply)).toBe('409 OUT_OF_STOCK');
    expect(detailsOf(reply)).toEqual({
      shortages: [{ variantId: rare, requested: 2, available: 1 }],
    });
    expect(await orderCount()).toBe(before);
    expect(await stockOf(rare)).toBe(1);
    expect(await cartStatus(cartId)).toBe('200');
    const voided = await db()
      .selectFrom('test_provider_authorisations')
      .select(['amount_minor', 'voided_at'])
      .where('amount_minor', '=', 2 * 9900 + 3960)
      .execute();
    expect(voided).toHaveLength(1);
    expect(voided[0]?.voided_at).not.toBeNull();
    // The guest's data key was to be written by the order's transaction, which rolled back.
    expect(await guestKeys()).toBe(keysBefore);
    // So were its audit events, written before the stock was reserved: they rolled back
    // with it, and no order or payment is on record for this request.
    const actions = await db()
      .selectFrom('audit_events')
      .select('action')
      .where('request_id', '=', String(reply.headers['x-request-id']))
      .execute();
    expect(actions.map((row) => row.action)).not.toContain('order.create');
    expect(actions.map((row) => row.action)).not.toContain('payment.record');
  });

  it('refuses undeclared fields with 400 UNKNOWN_FIELDS naming them, and stores nothing (C1.1)', async () => {
    const cartId = await newCart(t, [{ variantId: socks, quantity: 1 }]);
    const before = await orderCount();
    const form = checkoutForm(tokens.visa, {
      dateOfBirth: '1990-01-01',
      shippingAddress: {
        line1: '1 Rue Test',
        city: 'Lyon',
        postalCode: '69002',
        country: 'FR',
        doorCode: '1234',
      },
      consents: { marketing: true, profiling: true },
    });
    const reply = await postCheckout(t, cartId, form);
    expect(outcome(reply)).toBe('400 UNKNOWN_FIELDS');
    const unknown = (detailsOf(reply) as { unknownFields: string[] }).unknownFields;
    expect([...unknown].sort()).toEqual([
      'consents.profiling',
      'dateOfBirth',
      'shippingAddress.doorCode',
    ]);
    expect(reply.body).not.toContain('1990-01-01');
    expect(await orderCount()).toBe(before);
    expect(await cartStatus(cartId)).toBe('200');
    for (const [bad, field] of [
      [{ email: 'not-an-email' }, 'email'],
      [
        { shippingAddress: { line1: 'x', city: 'y', postalCode: '1', country: 'XX' } },
        'shippingAddress.country',
      ],
      [{ paymentToken: '' }, 'paymentToken'],
    ] as const) {
      const invalid = await postCheckout(t, cartId, checkoutForm(tokens.visa, bad));
      expect(outcome(invalid), field).toBe('400 VALIDATION_FAILED');
    }
  });

  it('refuses staff, another customer’s cart, and an unknown cart', async () => {
    const owner = await registerCustomer(t.app);
    const other: LoggedIn = await registerCustomer(t.app);
    const cartId = await newCart(t, [{ variantId: socks, quantity: 1 }], owner);
    expect(outcome(await postCheckout(t, cartId, checkoutForm(tokens.visa), other))).toBe(
      '404 CART_NOT_FOUND',
    );
    expect(outcome(await postCheckout(t, cartId, checkoutForm(tokens.visa)))).toBe(
      '404 CART_NOT_FOUND',
    );
    const staff = await supportSession();
    expect((await postCheckout(t, cartId, checkoutForm(tokens.visa), staff)).statusCode).toBe(403);
    expect(outcome(await postCheckout(t, 'crt_unknown', checkoutForm(tokens.visa)))).toBe(
      '404 CART_NOT_FOUND',
    );
    expect(await cartStatus(cartId, owner)).toBe('200');
  });

  it('cancels the order, gives the stock back and voids the authorisation when the capture fails', async () => {
    const payments = t.app.commerce.services.payments;
    const capture = payments.capture.bind(payments);
    const cartId = await newCart(t, [{ variantId: shirt, quantity: 1 }]);
    const before = { orders: await orderCount(), stock: await stockOf(shirt) };
    // The provider accepts the authorisation, then fails the capture.
    (payments as { capture: typeof payments.capture }).capture = () =>
      Promise.resolve({ ok: false, reason: 'provider_unavailable' });
    let reply: Reply;
    try {
      reply = await postCheckout(t, cartId, checkoutForm(tokens.visa));
    } finally {
      (payments as { capture: typeof payments.capture }).capture = capture;
    }
    expect(outcome(reply)).toBe('502 PAYMENT_PROVIDER_FAILED');
    expect(detailsOf(reply)).toEqual({ stage: 'capture' });
    expect(await orderCount()).toBe(before.orders + 1);
    expect(await stockOf(shirt)).toBe(before.stock);
    const [cancelled] = await db()
      .selectFrom('orders')
      .select(['id', 'status'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    expect(cancelled?.status).toBe('cancelled');
    const [payment] = await payments.forOrder(cancelled?.id ?? '');
    expect(payment?.status).toBe('voided');
  });
});
