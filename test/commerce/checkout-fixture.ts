// A small shop for checkout tests: products made through the admin API, carts and
// test-provider tokens made through the store API, the checkout form with synthetic data.
import { randomBytes } from 'node:crypto';
import { createStaff } from '../../src/identity/staff/index.js';
import { bearer, syntheticEmail, syntheticPassword } from '../helpers/identity.js';
import type { TestApp } from '../helpers/test-app.js';

/** The test provider's documented cards. */
export const CARDS = {
  visa: '4242424242424242',
  mastercard: '5555555555554444',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expiredCard: '4000000000000069',
  processingError: '4000000000000119',
} as const;

/** A shopper's credentials, or none for a guest. */
export type Shopper = { readonly token: string } | undefined;

interface Reply {
  readonly statusCode: number;
  readonly body: string;
  json<T>(): T;
}

function expectStatus(reply: Reply, status: number, what: string): void {
  if (reply.statusCode !== status) throw new Error(`${what}: ${reply.statusCode} ${reply.body}`);
}

// Each call from its own documentation address, so the token endpoint's per-client limit
// (60 a minute) never decides a test.
const clientAddress = () => `192.0.2.${1 + ((randomBytes(1)[0] ?? 0) % 250)}`;

/** A payment token for a test card. */
export async function tokenFor(t: TestApp, number: string): Promise<string> {
  const reply = await t.app.inject({
    method: 'POST',
    url: '/test-payments/tokens',
    remoteAddress: clientAddress(),
    payload: { number, expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' },
  });
  expectStatus(reply, 201, 'tokenise');
  return reply.json<{ token: string }>().token;
}

/** Creates a product through the admin API; returns its variant ids in the order given. */
export async function createProduct(
  t: TestApp,
  variants: readonly { title: string; priceMinor: number; stock: number }[],
  title = 'Linen shirt',
): Promise<string[]> {
  const admin = await createStaff(
    t.app.identity.staff,
    { email: syntheticEmail('staff'), roles: ['admin'], password: syntheticPassword() },
    { kind: 'system', name: 'test' },
    null,
  );
  const session = await t.app.identity.customers.sessions.create('staff', admin.id);
  const reply = await t.app.inject({
    method: 'POST',
    url: '/admin/products',
    headers: bearer(session),
    payload: {
      title,
      variants: variants.map((variant) => ({
        ...variant,
        sku: `SKU-${randomBytes(4).toString('hex')}`,
      })),
    },
  });
  expectStatus(reply, 201, 'create product');
  return reply.json<{ variants: { id: string }[] }>().variants.map((variant) => variant.id);
}

/** Starts a cart and adds the lines; returns its id. */
export async function newCart(
  t: TestApp,
  lines: readonly { variantId: string; quantity: number }[],
  shopper?: Shopper,
): Promise<string> {
  const headers = shopper === undefined ? {} : bearer(shopper);
  const created = await t.app.inject({ method: 'POST', url: '/store/carts', headers, payload: {} });
  expectStatus(created, 201, 'create cart');
  const cartId = created.json<{ id: string }>().id;
  for (const line of lines) {
    const added = await t.app.inject({
      method: 'POST',
      url: `/store/carts/${cartId}/lines`,
      headers,
      payload: line,
    });
    expectStatus(added, 200, 'add line');
  }
  return cartId;
}

/** The checkout form with synthetic contact data, changed by `overrides`. */
export function checkoutForm(
  paymentToken: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    email: syntheticEmail('buyer'),
    name: 'Noor Fixture',
    shippingAddress: { line1: '21 Rue Test', city: 'Lyon', postalCode: '69002', country: 'FR' },
    paymentToken,
    ...overrides,
  };
}

/** Posts the checkout form for a cart, as a guest or as a customer. */
export function postCheckout(
  t: TestApp,
  cartId: string,
  form: Record<string, unknown>,
  shopper?: Shopper,
) {
  return t.app.inject({
    method: 'POST',
    url: `/store/carts/${cartId}/checkout`,
    headers: shopper === undefined ? {} : bearer(shopper),
    payload: form,
  });
}
