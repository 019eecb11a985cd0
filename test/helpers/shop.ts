// The shop the commerce tests share: staff sessions, products made through the admin API,
// carts, test-provider tokens and checkouts made through the store API, orders placed
// directly through the orders service, and the small readers of an answer.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { CartLine, CartTotals } from '../../src/commerce/carts/index.js';
import type { Address, OrderLine, OrderStatus } from '../../src/commerce/orders/index.js';
import { createStaff } from '../../src/identity/staff/index.js';
import { newId } from '../../src/platform/ids.js';
import { bearer, syntheticEmail, syntheticPassword } from './identity.js';
import type { TestApp } from './test-app.js';

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

/** An answer of `inject`. */
export interface Reply {
  readonly statusCode: number;
  readonly body: string;
  readonly headers: Record<string, unknown>;
  json<T>(): T;
}

/** The error code of an answer, undefined for an answer that is not an error. */
export const codeOf = (reply: Reply) => reply.json<{ error?: { code?: string } }>().error?.code;
/** Status and code together, so a failure shows both. */
export const outcome = (reply: Reply) => `${reply.statusCode} ${codeOf(reply) ?? ''}`.trim();
/** The details of an error answer. */
export const detailsOf = (reply: Reply) =>
  reply.json<{ error: { details?: unknown } }>().error.details;

function expectStatus(reply: Pick<Reply, 'statusCode' | 'body'>, status: number, what: string) {
  expect(reply.statusCode, `${what}: ${reply.body}`).toBe(status);
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

/** Creates a staff member of one role with synthetic details; returns their id. */
export async function createStaffMember(t: TestApp, role: string): Promise<string> {
  const created = await createStaff(
    t.app.identity.staff,
    { email: syntheticEmail('staff'), roles: [role], password: syntheticPassword() },
    { kind: 'system', name: 'test' },
    null,
  );
  return created.id;
}

/** A bearer session of a staff member. */
export function staffSession(t: TestApp, staffId: string): Promise<{ token: string }> {
  return t.app.identity.customers.sessions.create('staff', staffId);
}

/** A variant as the admin API takes it. */
export interface NewVariant {
  readonly title: string;
  readonly sku: string;
  readonly priceMinor: number;
  readonly stock: number;
}

/** Posts a product as `admin`; returns its id and its variant ids in the order given. */
export async function postProduct(
  t: TestApp,
  admin: { token: string },
  title: string,
  variants: readonly NewVariant[],
): Promise<{ id: string; variants: string[] }> {
  const reply = await t.app.inject({
    method: 'POST',
    url: '/admin/products',
    headers: bearer(admin),
    payload: { title, variants },
  });
  expectStatus(reply, 201, 'create product');
  const body = reply.json<{ id: string; variants: { id: string }[] }>();
  return { id: body.id, variants: body.variants.map((variant) => variant.id) };
}

/** Patches a variant as `admin`. */
export function patchVariant(
  t: TestApp,
  admin: { token: string },
  productId: string,
  variantId: string,
  payload: object,
) {
  return t.app.inject({
    method: 'PATCH',
    url: `/admin/products/${productId}/variants/${variantId}`,
    headers: bearer(admin),
    payload,
  });
}

/** Creates a product through the admin API as a new admin; returns its variant ids in the order given. */
export async function createProduct(
  t: TestApp,
  variants: readonly { title: string; priceMinor: number; stock: number }[],
  title = 'Linen shirt',
): Promise<string[]> {
  const admin = await staffSession(t, await createStaffMember(t, 'admin'));
  const skus = variants.map((variant) => ({
    ...variant,
    sku: `SKU-${randomBytes(4).toString('hex')}`,
  }));
  return (await postProduct(t, admin, title, skus)).variants;
}

/** Starts a cart (with `body`, e.g. a country) and adds the lines; returns its id. */
export async function newCart(
  t: TestApp,
  lines: readonly { variantId: string; quantity: number }[],
  shopper?: Shopper,
  body: { country?: string } = {},
): Promise<string> {
  const headers = shopper === undefined ? {} : bearer(shopper);
  const created = await t.app.inject({
    method: 'POST',
    url: '/store/carts',
    headers,
    payload: body,
  });
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

/** Who receives a bought order and where. */
export interface Recipient {
  readonly name: string;
  readonly phone?: string;
  readonly shippingAddress: Address;
}

/**
 * Buys one unit of a variant through the shop as a customer: a cart for the recipient's
 * country, the visa test card, checkout (which captures). Returns the paid order's id.
 */
export async function buyPaidOrder(
  t: TestApp,
  owner: { token: string; email: string },
  variantId: string,
  recipient: Recipient,
): Promise<string> {
  const country = recipient.shippingAddress.country;
  const cartId = await newCart(t, [{ variantId, quantity: 1 }], owner, { country });
  const paymentToken = await tokenFor(t, CARDS.visa);
  const form = { email: owner.email, ...recipient, paymentToken };
  const reply = await postCheckout(t, cartId, form, owner);
  expectStatus(reply, 201, 'checkout');
  const order = reply.json<{ orderId: string; status: string }>();
  expect(order.status).toBe('paid');
  return order.orderId;
}

/** An order placed for a test, with the clear values it was given. */
export interface PlacedOrder {
  readonly orderId: string;
  readonly number: string;
  readonly subjectId: string;
  readonly contact: { email: string; name: string; phone?: string };
  readonly shippingAddress: Address;
  readonly billingAddress?: Address;
}

/** What a test may choose about an order; everything else is synthetic. */
export interface OrderOptions {
  readonly customerId?: string | null;
  readonly subjectId?: string;
  readonly contact?: { email: string; name: string; phone?: string };
  readonly shippingAddress?: Address;
  readonly billingAddress?: Address;
  readonly lines?: readonly OrderLine[];
  /** Statuses to move through after `placed`, in order. */
  readonly path?: readonly OrderStatus[];
}

/** Two lines of a synthetic catalog. */
export const SAMPLE_LINES: readonly OrderLine[] = [
  {
    variantId: 'var_sample0000000000000000000a',
    productTitle: 'Linen shirt',
    variantTitle: 'Blue / M',
    sku: 'LS-BLU-M',
    quantity: 2,
    unitPriceMinor: 4500,
    lineTotalMinor: 9000,
  },
  {
    variantId: 'var_sample0000000000000000000b',
    productTitle: 'Wool socks',
    variantTitle: 'Grey',
    sku: 'WS-GRY',
    quantity: 1,
    unitPriceMinor: 1200,
    lineTotalMinor: 1200,
  },
];

/** A synthetic delivery address. */
export function sampleAddress(label: string, city = 'Lyon', country = 'FR'): Address {
  return { line1: `12 ${label} Street`, city, postalCode: '69002', country };
}

/**
 * Places an order through `services.orders.create` in its own transaction, as checkout
 * does (for tests that need orders without a cart and a payment), then moves it along `path`.
 */
export async function placeOrder(t: TestApp, options: OrderOptions = {}): Promise<PlacedOrder> {
  const orders = t.app.commerce.services.orders;
  const orderId = newId('ord');
  const customerId = options.customerId ?? null;
  const subjectId = options.subjectId ?? customerId ?? newId('sub');
  const contact = options.contact ?? {
    email: `buyer-${orderId.slice(-6)}@example.test`,
    name: 'Sam Buyer',
  };
  const shippingAddress = options.shippingAddress ?? sampleAddress('Quay');
  const billing =
    options.billingAddress === undefined ? {} : { billingAddress: options.billingAddress };
  const lines = options.lines ?? SAMPLE_LINES;
  const subtotalMinor = lines.reduce((sum, line) => sum + line.lineTotalMinor, 0);
  const taxMinor = Math.round(subtotalMinor * 0.2);
  const writer = await t.privacy.vault.writer(subjectId);
  const { number } = await t.database.db.transaction().execute((trx) =>
    orders.create(trx, writer, {
      orderId,
      subjectId,
      customerId,
      contact,
      shippingAddress,
      ...billing,
      lines: [...lines],
      totals: { currency: 'EUR', subtotalMinor, taxMinor, totalMinor: subtotalMinor + taxMinor },
      actor: customerId === null ? { kind: 'anonymous' } : { kind: 'customer', id: customerId },
      requestId: null,
    }),
  );
  for (const to of options.path ?? []) {
    await orders.transition(orderId, to, {
      actor: { kind: 'system', name: 'test' },
      requestId: null,
    });
  }
  return { orderId, number, subjectId, contact, shippingAddress, ...billing };
}

/** A cart line as the shopper sees it. */
export interface ShopperCartLine extends CartLine {
  available: boolean;
  availableQuantity: number;
}

/** A cart as the shopper sees it. */
export interface ShopperCart extends CartTotals {
  id: string;
  customerId: string | null;
  country: string | null;
  lines: ShopperCartLine[];
  expiresAt: string;
}

/** How a cart request is authenticated: bearer headers, cookies, or nothing (a guest). */
export type Who = { headers?: Record<string, string>; cookies?: Record<string, string> };
/** A guest: no credentials. */
export const GUEST: Who = {};

/** The cart requests of the cart tests, against the app and admin `current` returns. */
export function cartRequests(current: () => { t: TestApp; admin: { token: string } }) {
  const request = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    who: Who = GUEST,
    payload?: unknown,
  ) =>
    current().t.app.inject({
      method,
      url,
      ...who,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const ok = async (response: Promise<Reply>, status = 200): Promise<ShopperCart> => {
    const reply = await response;
    expect(reply.statusCode, reply.body).toBe(status);
    return reply.json<ShopperCart>();
  };
  return {
    request,
    ok,
    newCart: (who: Who = GUEST, body?: object) =>
      ok(request('POST', '/store/carts', who, body), 201),
    addLine: (cart: string, variantId: string, quantity: number, who: Who = GUEST) =>
      request('POST', `/store/carts/${cart}/lines`, who, { variantId, quantity }),
    /** A 'Tea tin' with variants `Size 0`, `Size 1`… of the given prices and stock; returns ids. */
    product: (...variants: { priceMinor: number; stock: number }[]) =>
      postProduct(
        current().t,
        current().admin,
        'Tea tin',
        variants.map((variant, i) => ({
          ...variant,
          title: `Size ${i}`,
          sku: `TEA-${randomBytes(5).toString('hex')}`,
        })),
      ),
    patchVariant: (productId: string, variantId: string, payload: object) =>
      patchVariant(current().t, current().admin, productId, variantId, payload),
  };
}
