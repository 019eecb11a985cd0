// Carts expire a lifetime (CUSTODIA_CART_TTL_HOURS) after their last change: every change
// refreshes the expiry, reading does not, a refused change does not, and an expired cart
// answers 410 CART_EXPIRED to reads, changes and checkout alike. Time is a test clock.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { bearer, createLoggedInStaff } from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

interface Cart {
  id: string;
  expiresAt: string;
  lines: { lineId: string; quantity: number }[];
}

const MINUTE = 60_000;
const codeOf = (response: LightMyRequestResponse) =>
  response.json<{ error: { code: string } }>().error.code;

describeEachEngine('cart expiry', (engine) => {
  const clock = new ManualClock();
  let t: TestApp;
  let ttl: number;
  let plenty: string;
  let scarce: string;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
  const ok = async (response: Promise<LightMyRequestResponse>, status = 200) => {
    const reply = await response;
    expect(reply.statusCode, reply.body).toBe(status);
    return reply.json<Cart>();
  };
  const expiry = (cart: Cart) => new Date(cart.expiresAt).getTime();
  const now = () => clock.now().getTime();
  let cart: Cart;

  beforeAll(async () => {
    t = await createTestApp(engine, { clock });
    ttl = t.config.commerce.cartTtlMs;
    const admin = await createLoggedInStaff(t, ['admin']);
    const response = await t.app.inject({
      method: 'POST',
      url: '/admin/products',
      headers: bearer(admin),
      payload: {
        title: 'Notebook',
        variants: [
          {
            title: 'Plain',
            sku: `NB-${randomBytes(5).toString('hex')}`,
            priceMinor: 800,
            stock: 1000,
          },
          {
            title: 'Dotted',
            sku: `NB-${randomBytes(5).toString('hex')}`,
            priceMinor: 800,
            stock: 1,
          },
        ],
      },
    });
    const ids = response.json<{ variants: { id: string }[] }>().variants.map((v) => v.id);
    [plenty = '', scarce = ''] = ids;
  });
  afterAll(async () => t.close());
  beforeEach(async () => {
    cart = await ok(call('POST', '/store/carts'), 201);
  });

  it('expires a lifetime after creation; reading does not extend it', async () => {
    expect(expiry(cart)).toBe(now() + ttl);
    clock.advance(ttl - 1);
    const read = await ok(call('GET', `/store/carts/${cart.id}`));
    expect(read.expiresAt).toBe(cart.expiresAt);
    clock.advance(1);
    const expired = await call('GET', `/store/carts/${cart.id}`);
    expect(expired.statusCode).toBe(410);
    expect(codeOf(expired)).toBe('CART_EXPIRED');
  });

  it('refreshes the expiry on every change: country, add, change and remove a line', async () => {
    const steps: [string, () => Promise<LightMyRequestResponse>][] = [
      ['country', () => call('PATCH', `/store/carts/${cart.id}`, { country: 'NL' })],
      [
        'add',
        () => call('POST', `/store/carts/${cart.id}/lines`, { variantId: plenty, quantity: 1 }),
      ],
      [
        'change',
        () =>
          call('PATCH', `/store/carts/${cart.id}/lines/${cart.lines[0]?.lineId ?? ''}`, {
            quantity: 2,
          }),
      ],
      [
        'add again',
        () => call('POST', `/store/carts/${cart.id}/lines`, { variantId: plenty, quantity: 1 }),
      ],
      [
        'remove',
        () => call('DELETE', `/store/carts/${cart.id}/lines/${cart.lines[0]?.lineId ?? ''}`),
      ],
    ];
    for (const [step, change] of steps) {
      // Most of a lifetime passes between changes: without the refresh the cart would lapse.
      clock.advance(ttl - MINUTE);
      cart = await ok(change());
      expect(expiry(cart), step).toBe(now() + ttl);
    }
    expect(cart.lines).toEqual([]);
  });

  it('does not refresh the expiry on a refused change', async () => {
    clock.advance(10 * MINUTE);
    const refused = await call('POST', `/store/carts/${cart.id}/lines`, {
      variantId: scarce,
      quantity: 2,
    });
    expect(codeOf(refused)).toBe('INSUFFICIENT_STOCK');
    expect((await ok(call('GET', `/store/carts/${cart.id}`))).expiresAt).toBe(cart.expiresAt);
  });

  it('answers 410 CART_EXPIRED to every change and to checkout, and changes nothing', async () => {
    cart = await ok(
      call('POST', `/store/carts/${cart.id}/lines`, { variantId: plenty, quantity: 1 }),
    );
    const lineId = cart.lines[0]?.lineId ?? '';
    clock.advance(ttl);
    for (const [method, url, body] of [
      ['GET', `/store/carts/${cart.id}`, undefined],
      ['PATCH', `/store/carts/${cart.id}`, { country: 'DE' }],
      ['POST', `/store/carts/${cart.id}/lines`, { variantId: plenty, quantity: 1 }],
      ['PATCH', `/store/carts/${cart.id}/lines/${lineId}`, { quantity: 5 }],
      ['DELETE', `/store/carts/${cart.id}/lines/${lineId}`, undefined],
    ] as const) {
      const response = await call(method, url, body);
      expect(response.statusCode, `${method} ${url}`).toBe(410);
      expect(codeOf(response)).toBe('CART_EXPIRED');
    }
    await expect(
      t.app.commerce.services.carts.forCheckout(cart.id, null, 'NL'),
    ).rejects.toMatchObject({ code: 'CART_EXPIRED', status: 410 });
    const row = await t.database.db
      .withTables<{ cart_lines: { cart_id: string; quantity: number } }>()
      .selectFrom('cart_lines')
      .select('quantity')
      .where('cart_id', '=', cart.id)
      .execute();
    expect(row.map((line) => Number(line.quantity))).toEqual([1]);
  });
});
