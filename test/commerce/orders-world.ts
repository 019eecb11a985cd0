// One shop for the order route tests: two customers with orders in several statuses, a
// guest order, and a staff member of every default role, with the helpers that call as
// each of them.
import { afterAll, beforeAll, expect } from 'vitest';
import { tablesOf } from '../../src/platform/db/index.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import { bearer, registerCustomer, syntheticEmail, type LoggedIn } from '../helpers/identity.js';
import {
  createStaffMember,
  placeOrder,
  staffSession,
  type PlacedOrder,
  type Reply,
} from '../helpers/shop.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** The default staff roles. */
export const STAFF = [
  'support_agent',
  'fulfilment',
  'finance',
  'privacy_officer',
  'security_officer',
  'admin',
] as const;

/** A default staff role. */
export type Role = (typeof STAFF)[number];

/** Alice's order contact and addresses. */
export const NAME = 'Alva Marker';
export const PHONE = '+31 20 555 0144';
export const SHIPPING = {
  line1: '7 Keizersgracht',
  city: 'Amsterdam',
  postalCode: '1015 CX',
  country: 'NL',
};
export const BILLING = {
  line1: '3 Damrak',
  line2: 'Floor 2',
  city: 'Haarlem',
  postalCode: '2011 AB',
  country: 'NL',
};

/** The shop, its people and its orders, and how to call as each of them. */
export interface OrdersWorld {
  readonly t: TestApp;
  readonly alice: LoggedIn;
  readonly bob: LoggedIn;
  /** Alice's orders: placed, paid, and shipped (fulfilled). */
  readonly placed: PlacedOrder;
  readonly paid: PlacedOrder;
  readonly fulfilled: PlacedOrder;
  /** Bob's paid order, and a paid guest order. */
  readonly bobs: PlacedOrder;
  readonly guest: PlacedOrder;
  /** Pieces of Alice's order that no masked answer, list or audit event may contain. */
  readonly secrets: readonly string[];
  /** A GET as a customer. */
  readonly store: (who: { token: string }, url: string) => Promise<Reply>;
  /** A GET as a staff member of one role, naming a purpose or not. */
  readonly as: (role: Role, url: string, purpose?: string) => Promise<Reply>;
  /** Asserts no detail of Alice's order is in the answer. */
  readonly expectNoSecrets: (reply: Reply, what: string) => void;
  /** The audit events of the answer's request. */
  readonly auditOf: (reply: Reply) => Promise<Record<string, unknown>[]>;
}

/** Opens the world on a fresh store of the engine. */
export async function openOrdersWorld(engine: 'sqlite' | 'postgres'): Promise<OrdersWorld> {
  const t = await createTestApp(engine);
  const alice = await registerCustomer(t.app, { name: 'Alice Account' });
  const bob = await registerCustomer(t.app, { name: 'Bob Account' });
  const forAlice = (path: ('paid' | 'fulfilled')[]) =>
    placeOrder(t, {
      customerId: alice.id,
      contact: { email: syntheticEmail('alva'), name: NAME, phone: PHONE },
      shippingAddress: SHIPPING,
      billingAddress: BILLING,
      path,
    });
  const placed = await forAlice([]);
  const paid = await forAlice(['paid']);
  const fulfilled = await forAlice(['paid', 'fulfilled']);
  const bobs = await placeOrder(t, { customerId: bob.id, path: ['paid'] });
  const guest = await placeOrder(t, { path: ['paid'] });
  const staff = {} as Record<Role, string>;
  for (const role of STAFF) staff[role] = await createStaffMember(t, role);
  const secrets = [
    paid.contact.email,
    paid.contact.email.split('@')[0] ?? '',
    NAME,
    'Marker',
    PHONE,
    '555 0144',
    SHIPPING.line1,
    SHIPPING.postalCode,
    BILLING.line1,
    'Keizersgracht',
    'Damrak',
  ];
  return {
    t,
    alice,
    bob,
    placed,
    paid,
    fulfilled,
    bobs,
    guest,
    secrets,
    store: (who, url) => t.app.inject({ url, headers: bearer(who) }),
    as: async (role, url, purpose) => {
      const issued = await staffSession(t, staff[role]);
      return t.app.inject({
        url,
        headers: {
          ...bearer(issued),
          ...(purpose === undefined ? {} : { 'x-custodia-purpose': purpose }),
        },
      });
    },
    expectNoSecrets: (reply, what) => {
      for (const secret of secrets) {
        expect(reply.body, `${what}: ${secret}`).not.toContain(secret);
      }
    },
    auditOf: (reply) =>
      tablesOf<AuditTables>(t.database.db)
        .selectFrom('audit_events')
        .selectAll()
        .where('request_id', '=', String(reply.headers['x-request-id']))
        .execute(),
  };
}

/**
 * The world for one suite: opened before its tests, closed after. The fields read the
 * open world, so read them in a hook or a test; the callers may be taken apart at once.
 */
export function useOrdersWorld(engine: 'sqlite' | 'postgres'): OrdersWorld {
  let opened: OrdersWorld | undefined;
  beforeAll(async () => {
    opened = await openOrdersWorld(engine);
  });
  afterAll(async () => opened?.t.close());
  const world = (): OrdersWorld => {
    if (opened === undefined) throw new Error('The orders world opens in beforeAll');
    return opened;
  };
  const field = <K extends keyof OrdersWorld>(key: K) => ({
    enumerable: true,
    get: () => world()[key],
  });
  const fields = ['t', 'alice', 'bob', 'placed', 'paid', 'fulfilled', 'bobs', 'guest', 'secrets'];
  return Object.defineProperties(
    {
      store: (who, url) => world().store(who, url),
      as: (role, url, purpose) => world().as(role, url, purpose),
      expectNoSecrets: (reply, what) => world().expectNoSecrets(reply, what),
      auditOf: (reply) => world().auditOf(reply),
    } as OrdersWorld,
    Object.fromEntries(fields.map((key) => [key, field(key as keyof OrdersWorld)])),
  );
}
