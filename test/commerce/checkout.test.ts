// Checkout end to end on both engines, as guest and as customer: the order is placed and
// paid, stock taken once per unit even under concurrent checkouts, the cart checked out;
// consents are recorded with the policy version and collection point shown, marketing off
// unless ticked (C1.2); card data reaches its owner in the clear and staff masked (C2.5);
// the order and payment are audited without personal data (C3.3).
import { beforeAll, expect, it } from 'vitest';
import { bearer, registerCustomer } from '../helpers/identity.js';
import type { TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { checkoutForm, createProduct, newCart, outcome, postCheckout } from '../helpers/shop.js';
import { useCheckoutShop, type CheckoutShop, type Placed } from './checkout-shop.js';

describeEachEngine('checkout places and pays orders (C1.2 C2.5 C3.3)', (engine) => {
  const shop = useCheckoutShop(engine);
  const { db, stockOf, cartStatus, placedOf, supportSession } = shop;
  let t: TestApp;
  let tokens: CheckoutShop['tokens'];
  let shirt: string;
  let socks: string;
  beforeAll(() => {
    ({ t, tokens, shirt, socks } = shop);
  });

  it('places and pays a guest order: 201, stock taken, cart checked out, payment captured', async () => {
    const before = { shirt: await stockOf(shirt), socks: await stockOf(socks) };
    const cartId = await newCart(t, [
      { variantId: shirt, quantity: 2 },
      { variantId: socks, quantity: 1 },
    ]);
    const placed = placedOf(await postCheckout(t, cartId, checkoutForm(tokens.visa)));
    // 2 × 45.00 + 12.00 = 102.00, with French VAT at 20 %.
    expect(placed).toMatchObject({ status: 'paid', totalMinor: 12240, currency: 'EUR' });
    expect(placed.orderId).toMatch(/^ord_/);
    const order = await t.app.commerce.services.orders.get(placed.orderId);
    expect(order).toMatchObject({
      number: placed.number,
      status: 'paid',
      customerId: null,
      subtotalMinor: 10200,
      taxMinor: 2040,
      totalMinor: 12240,
      shippingCountry: 'FR',
    });
    expect(order?.subjectId).toMatch(/^sub_/);
    expect(order?.lines.map((line) => [line.variantId, line.quantity])).toEqual([
      [shirt, 2],
      [socks, 1],
    ]);
    expect(await stockOf(shirt)).toBe((before.shirt ?? 0) - 2);
    expect(await stockOf(socks)).toBe((before.socks ?? 0) - 1);
    expect(await cartStatus(cartId)).toBe('409 CART_CHECKED_OUT');
    const payments = await t.app.commerce.services.payments.forOrder(placed.orderId);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'captured', capturedMinor: 12240 });
    // A second attempt on the same cart is refused before any payment is tried.
    expect(outcome(await postCheckout(t, cartId, checkoutForm(tokens.visa)))).toBe(
      '409 CART_CHECKED_OUT',
    );
  });

  it('places a logged-in customer’s order under their id; they read it with the card in the clear', async () => {
    const customer = await registerCustomer(t.app, { name: 'Cleo Account' });
    const cartId = await newCart(t, [{ variantId: socks, quantity: 3 }], customer);
    const form = checkoutForm(tokens.mastercard, {
      phone: '+33 4 72 00 00 09',
      billingAddress: { line1: '5 Place Test', city: 'Paris', postalCode: '75001', country: 'fr' },
    });
    const placed = placedOf(await postCheckout(t, cartId, form, customer));
    const order = await t.app.commerce.services.orders.get(placed.orderId);
    expect(order).toMatchObject({ customerId: customer.id, subjectId: customer.id });
    const own = await t.app.inject({
      url: `/store/orders/${placed.orderId}`,
      headers: bearer(customer),
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({
      status: 'paid',
      contact: { email: form['email'], name: 'Noor Fixture', phone: '+33 4 72 00 00 09' },
      shippingAddress: { line1: '21 Rue Test', city: 'Lyon', country: 'FR' },
      billingAddress: { line1: '5 Place Test', city: 'Paris', country: 'FR' },
      payments: [{ status: 'captured', card: { last4: '4444' } }],
    });
    const [payment] = own.json<{ payments: { card: { brand: string | null } }[] }>().payments;
    expect(payment?.card.brand?.toLowerCase()).toBe('mastercard');
    const list = await t.app.inject({ url: '/store/orders', headers: bearer(customer) });
    expect(list.json<{ orders: { id: string }[] }>().orders.map((o) => o.id)).toEqual([
      placed.orderId,
    ]);
    // Support sees the card masked (the masking rule of card fields), never in the clear.
    const support = await supportSession();
    const staffView = await t.app.inject({
      url: `/admin/orders/${placed.orderId}`,
      headers: { ...bearer(support), 'x-custodia-purpose': 'customer_support' },
    });
    const card = staffView.json<{ payments: { card: Record<string, { view: string }> }[] }>()
      .payments[0]?.card;
    expect(Object.values(card ?? {}).map((field) => field.view)).toEqual(['masked', 'masked']);
    expect(staffView.body).not.toContain(tokens.mastercard);
  });

  it('records a guest’s consents with policy version and collection point, marketing off by default (C1.2)', async () => {
    const ledger = t.app.identity.customers.consent;
    const unticked = placedOf(
      await postCheckout(
        t,
        await newCart(t, [{ variantId: socks, quantity: 1 }]),
        checkoutForm(tokens.visa),
      ),
    );
    const ticked = placedOf(
      await postCheckout(
        t,
        await newCart(t, [{ variantId: socks, quantity: 1 }]),
        checkoutForm(tokens.visa, { consents: { marketing: true } }),
      ),
    );
    const subjectOf = async (placed: Placed) =>
      (await t.app.commerce.services.orders.get(placed.orderId))?.subjectId ?? '';
    const [off] = await ledger.current(await subjectOf(unticked));
    expect(off).toMatchObject({ purpose: 'marketing', granted: false });
    expect(off?.record).toMatchObject({
      granted: false,
      policyVersion: t.config.identity.policyVersion,
      collectionPoint: 'checkout',
    });
    const [on] = await ledger.current(await subjectOf(ticked));
    expect(on).toMatchObject({ purpose: 'marketing', granted: true });
    expect(on?.record).toMatchObject({
      policyVersion: t.config.identity.policyVersion,
      collectionPoint: 'checkout',
    });
    expect(on?.record?.wording.length).toBeGreaterThan(20);
  });

  it('records a customer’s ticked consent at checkout, and leaves an earlier choice alone when the form has no boxes', async () => {
    const ledger = t.app.identity.customers.consent;
    const customer = await registerCustomer(t.app, { consents: { marketing: true } });
    placedOf(
      await postCheckout(
        t,
        await newCart(t, [{ variantId: socks, quantity: 1 }], customer),
        checkoutForm(tokens.visa),
        customer,
      ),
    );
    const [kept] = await ledger.current(customer.id);
    expect(kept).toMatchObject({ granted: true });
    expect(kept?.record?.collectionPoint).toBe('registration');
    placedOf(
      await postCheckout(
        t,
        await newCart(t, [{ variantId: socks, quantity: 1 }], customer),
        checkoutForm(tokens.visa, { consents: { marketing: false } }),
        customer,
      ),
    );
    const [withdrawn] = await ledger.current(customer.id);
    expect(withdrawn).toMatchObject({ granted: false });
    expect(withdrawn?.record?.collectionPoint).toBe('checkout');
  });

  it('sells the last units exactly once under concurrent checkouts; stock never goes below zero', async () => {
    const [last = ''] = await createProduct(
      t,
      [{ title: 'Final few', priceMinor: 500, stock: 3 }],
      'Poster',
    );
    const carts = await Promise.all(
      Array.from({ length: 8 }, () => newCart(t, [{ variantId: last, quantity: 1 }])),
    );
    const replies = await Promise.all(
      carts.map((cartId) => postCheckout(t, cartId, checkoutForm(tokens.visa))),
    );
    const outcomes = replies.map(outcome);
    expect(outcomes.filter((o) => o === '201')).toHaveLength(3);
    expect(outcomes.filter((o) => o === '409 OUT_OF_STOCK')).toHaveLength(5);
    expect(await stockOf(last)).toBe(0);
  });

  it('lets one of two simultaneous checkouts of one cart win; the loser voids only its own authorisation', async () => {
    const cartId = await newCart(t, [{ variantId: socks, quantity: 2 }]);
    const before = await stockOf(socks);
    const replies = await Promise.all(
      [0, 1].map(() => postCheckout(t, cartId, checkoutForm(tokens.visa))),
    );
    const outcomes = replies.map(outcome).sort();
    expect(outcomes).toEqual(['201', '409 CART_CHECKED_OUT']);
    const winner = replies.find((reply) => reply.statusCode === 201)?.json<Placed>();
    const payments = await t.app.commerce.services.payments.forOrder(winner?.orderId ?? '');
    expect(payments.map((payment) => payment.status)).toEqual(['captured']);
    expect(await stockOf(socks)).toBe((before ?? 0) - 2);
  });

  it('audits the order and the payment in the checkout’s request, without personal data', async () => {
    const cartId = await newCart(t, [{ variantId: socks, quantity: 1 }]);
    const form = checkoutForm(tokens.visa, { name: 'Audit Fixture Person' });
    const reply = await postCheckout(t, cartId, form);
    placedOf(reply);
    const events = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', String(reply.headers['x-request-id']))
      .execute();
    expect(events.map((event) => event.action).sort()).toEqual(
      expect.arrayContaining(['order.create', 'payment.record']),
    );
    const text = JSON.stringify(events);
    for (const secret of [
      String(form['email']),
      'Audit Fixture Person',
      '21 Rue Test',
      tokens.visa,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
