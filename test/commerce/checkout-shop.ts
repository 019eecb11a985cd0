// The shop the checkout tests share: two variants with plenty of stock, a token for every
// test card, and the probes that say what a checkout left behind.
import { expect } from 'vitest';
import type { OrdersTables } from '../../src/commerce/orders/index.js';
import type { TestProviderTables } from '../../src/commerce/payments/index.js';
import { createStaff } from '../../src/identity/staff/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import type { KeysTables } from '../../src/privacy/keys/index.js';
import { bearer, syntheticEmail, syntheticPassword } from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { CARDS, createProduct, tokenFor, type Shopper } from './checkout-fixture.js';

/** An answer of `inject`. */
export interface Reply {
  readonly statusCode: number;
  readonly body: string;
  readonly headers: Record<string, unknown>;
  json<T>(): T;
}

/** The answer of a successful checkout. */
export interface Placed {
  orderId: string;
  number: string;
  status: string;
  totalMinor: number;
  currency: string;
}

const codeOf = (reply: Reply) => reply.json<{ error?: { code?: string } }>().error?.code;
/** Status and code together, so a failure shows both. */
export const outcome = (reply: Reply) => `${reply.statusCode} ${codeOf(reply) ?? ''}`.trim();
/** The details of an error answer. */
export const detailsOf = (reply: Reply) =>
  reply.json<{ error: { details?: unknown } }>().error.details;

/** The shop, its tokens and its probes. */
export interface CheckoutShop {
  readonly t: TestApp;
  readonly tokens: Readonly<Record<keyof typeof CARDS, string>>;
  /** Two variants: a 45.00 shirt and 12.00 socks, 1,000 of each. */
  readonly shirt: string;
  readonly socks: string;
  db(): ReturnType<typeof tablesOf<OrdersTables & AuditTables & KeysTables & TestProviderTables>>;
  stockOf(variantId: string): Promise<number | undefined>;
  orderCount(): Promise<number>;
  /** `200` while the cart is open, `409 CART_CHECKED_OUT` after. */
  cartStatus(cartId: string, shopper?: Shopper): Promise<string>;
  /** Asserts a 201 and returns the placed order. */
  placedOf(reply: Reply): Placed;
  /** A bearer session of a new support agent. */
  supportSession(): Promise<{ token: string }>;
}

/** Opens the shop on a fresh store, with French and German VAT. */
export async function openCheckoutShop(engine: 'sqlite' | 'postgres'): Promise<CheckoutShop> {
  const t = await createTestApp(engine, { env: { CUSTODIA_TAX_RATES: 'FR=20,DE=19' } });
  const [shirt = '', socks = ''] = await createProduct(t, [
    { title: 'Blue / M', priceMinor: 4500, stock: 1000 },
    { title: 'Grey socks', priceMinor: 1200, stock: 1000 },
  ]);
  const entries = await Promise.all(
    Object.entries(CARDS).map(async ([name, number]) => [name, await tokenFor(t, number)]),
  );
  const tokens = Object.fromEntries(entries) as Record<keyof typeof CARDS, string>;
  const db = () =>
    tablesOf<OrdersTables & AuditTables & KeysTables & TestProviderTables>(t.database.db);
  return {
    t,
    tokens,
    shirt,
    socks,
    db,
    stockOf: async (variantId) =>
      (await t.app.commerce.services.catalog.variants([variantId])).get(variantId)?.stock,
    orderCount: async () => {
      const row = await db()
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    cartStatus: async (cartId, shopper) =>
      outcome(
        await t.app.inject({
          url: `/store/carts/${cartId}`,
          headers: shopper === undefined ? {} : bearer(shopper),
        }),
      ),
    placedOf: (reply) => {
      expect(reply.statusCode, reply.body).toBe(201);
      return reply.json<Placed>();
    },
    supportSession: async () => {
      const staff = await createStaff(
        t.app.identity.staff,
        { email: syntheticEmail('staff'), roles: ['support_agent'], password: syntheticPassword() },
        { kind: 'system', name: 'test' },
        null,
      );
      return t.app.identity.customers.sessions.create('staff', staff.id);
    },
  };
}
