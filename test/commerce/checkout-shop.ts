// The shop the checkout tests share: two variants with plenty of stock, a token for every
// test card, and the probes that say what a checkout left behind.
import { afterAll, beforeAll, expect } from 'vitest';
import type { OrdersTables } from '../../src/commerce/orders/index.js';
import type { TestProviderTables } from '../../src/commerce/payments/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import type { KeysTables } from '../../src/privacy/keys/index.js';
import { bearer } from '../helpers/identity.js';
import {
  CARDS,
  createProduct,
  createStaffMember,
  outcome,
  staffSession,
  tokenFor,
  type Reply,
  type Shopper,
} from '../helpers/shop.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** The answer of a successful checkout. */
export interface Placed {
  orderId: string;
  number: string;
  status: string;
  totalMinor: number;
  currency: string;
}

/** The shop, its tokens and its probes. */
export interface CheckoutShop {
  readonly t: TestApp;
  readonly tokens: Readonly<Record<keyof typeof CARDS, string>>;
  /** Two variants: a 45.00 shirt and 12.00 socks, 1,000 of each. */
  readonly shirt: string;
  readonly socks: string;
  readonly db: () => ReturnType<
    typeof tablesOf<OrdersTables & AuditTables & KeysTables & TestProviderTables>
  >;
  readonly stockOf: (variantId: string) => Promise<number | undefined>;
  readonly orderCount: () => Promise<number>;
  /** `200` while the cart is open, `409 CART_CHECKED_OUT` after. */
  readonly cartStatus: (cartId: string, shopper?: Shopper) => Promise<string>;
  /** Asserts a 201 and returns the placed order. */
  readonly placedOf: (reply: Reply) => Placed;
  /** A bearer session of a new support agent. */
  readonly supportSession: () => Promise<{ token: string }>;
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
    supportSession: async () => staffSession(t, await createStaffMember(t, 'support_agent')),
  };
}

/**
 * The shop for one suite: opened before its tests, closed after. The fields read the open
 * shop, so read them in a hook or a test; the probes may be taken apart at once.
 */
export function useCheckoutShop(engine: 'sqlite' | 'postgres'): CheckoutShop {
  let opened: CheckoutShop | undefined;
  beforeAll(async () => {
    opened = await openCheckoutShop(engine);
  });
  afterAll(async () => opened?.t.close());
  const shop = (): CheckoutShop => {
    if (opened === undefined) throw new Error('The checkout shop opens in beforeAll');
    return opened;
  };
  return {
    get t() {
      return shop().t;
    },
    get tokens() {
      return shop().tokens;
    },
    get shirt() {
      return shop().shirt;
    },
    get socks() {
      return shop().socks;
    },
    db: () => shop().db(),
    stockOf: (variantId) => shop().stockOf(variantId),
    orderCount: () => shop().orderCount(),
    cartStatus: (cartId, shopper) => shop().cartStatus(cartId, shopper),
    placedOf: (reply) => shop().placedOf(reply),
    supportSession: () => shop().supportSession(),
  };
}
