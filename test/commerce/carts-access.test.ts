// Who reaches a cart and what a request may carry: a customer's cart answers to that
// customer only, a guest cart to whoever holds its id, staff are refused (C2.3); cookie
// sessions need the CSRF token for every change (C2.3); strict bodies refuse unknown
// fields, so a client cannot set a price, an owner or a status (C1.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/identity/auth/index.js';
import { newId } from '../../src/platform/ids.js';
import {
  bearer,
  createLoggedInStaff,
  registerCustomer,
  type LoggedIn,
  type LoggedInStaff,
} from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { cartRequests, codeOf, detailsOf, GUEST, type Who } from '../helpers/shop.js';

const as = (session: { token: string }): Who => ({ headers: bearer(session) });

describeEachEngine('cart access and input (C2.3, C1.1)', (engine) => {
  let t: TestApp;
  let admin: LoggedInStaff;

  const { request, ok, newCart, addLine, product } = cartRequests(() => ({ t, admin }));

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { CUSTODIA_TAX_RATES: 'NL=21,DE=19,US=0' } });
    admin = await createLoggedInStaff(t, ['admin']);
  });
  afterAll(async () => t.close());

  describe('validation (C1.1)', () => {
    it('refuses unknown fields: a client cannot set a price, an owner or a status', async () => {
      const tin = await product({ priceMinor: 100, stock: 5 });
      const cart = await newCart();
      const lineId = (await ok(addLine(cart.id, tin.variants[0] ?? '', 1))).lines[0]?.lineId;
      const cases: [string, string, object, string[]][] = [
        ['POST', '/store/carts', { country: 'NL', customerId: newId('cus') }, ['customerId']],
        ['PATCH', `/store/carts/${cart.id}`, { country: 'NL', status: 'checked_out' }, ['status']],
        [
          'POST',
          `/store/carts/${cart.id}/lines`,
          { variantId: tin.variants[0] ?? '', quantity: 1, unitPriceMinor: 1 },
          ['unitPriceMinor'],
        ],
        [
          'PATCH',
          `/store/carts/${cart.id}/lines/${lineId ?? ''}`,
          { quantity: 1, email: 'guest@example.test' },
          ['email'],
        ],
      ];
      for (const [method, url, body, unknown] of cases) {
        const response = await request(method as 'POST', url, GUEST, body);
        expect(response.statusCode, url).toBe(400);
        expect(codeOf(response)).toBe('UNKNOWN_FIELDS');
        expect(detailsOf(response)).toMatchObject({ unknownFields: unknown });
        expect(response.body).not.toContain('guest@example.test');
      }
    });

    it('refuses bad values with 400 VALIDATION_FAILED', async () => {
      const cart = await newCart();
      const variantId = newId('var');
      for (const [url, body] of [
        ['/store/carts', { country: 'NLD' }],
        ['/store/carts', { country: 'N1' }],
        [`/store/carts/${cart.id}/lines`, { variantId, quantity: 0 }],
        [`/store/carts/${cart.id}/lines`, { variantId, quantity: 1.5 }],
        [`/store/carts/${cart.id}/lines`, { variantId, quantity: '2' }],
        [`/store/carts/${cart.id}/lines`, { quantity: 1 }],
      ] as const) {
        const response = await request('POST', url, GUEST, body);
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        expect(codeOf(response)).toBe('VALIDATION_FAILED');
      }
      const patch = await request('PATCH', `/store/carts/${cart.id}`, GUEST, {});
      expect(codeOf(patch)).toBe('VALIDATION_FAILED');
    });

    it('answers 404 CART_NOT_FOUND for an unknown cart and an id of another shape', async () => {
      for (const id of [newId('crt'), 'crt_short', newId('ord')]) {
        const response = await request('GET', `/store/carts/${id}`);
        expect(response.statusCode).toBe(404);
        expect(codeOf(response)).toBe('CART_NOT_FOUND');
        const add = await addLine(id, newId('var'), 1);
        expect(codeOf(add)).toBe('CART_NOT_FOUND');
      }
    });
  });

  describe('ownership (C2.3)', () => {
    let alice: LoggedIn;
    let bob: LoggedIn;
    let variant: string;
    beforeAll(async () => {
      alice = await registerCustomer(t.app);
      bob = await registerCustomer(t.app);
      variant = (await product({ priceMinor: 900, stock: 50 })).variants[0] ?? '';
    });

    it('binds a logged-in customer’s cart to them; only they reach it, others get 404', async () => {
      const cart = await newCart(as(alice), { country: 'NL' });
      expect(cart.customerId).toBe(alice.id);
      await ok(addLine(cart.id, variant, 1, as(alice)));
      const line = (await ok(request('GET', `/store/carts/${cart.id}`, as(alice)))).lines[0];
      for (const who of [as(bob), GUEST]) {
        for (const [method, url, body] of [
          ['GET', `/store/carts/${cart.id}`, undefined],
          ['PATCH', `/store/carts/${cart.id}`, { country: 'DE' }],
          ['POST', `/store/carts/${cart.id}/lines`, { variantId: variant, quantity: 5 }],
          ['PATCH', `/store/carts/${cart.id}/lines/${line?.lineId ?? ''}`, { quantity: 9 }],
          ['DELETE', `/store/carts/${cart.id}/lines/${line?.lineId ?? ''}`, undefined],
        ] as const) {
          const response = await request(method, url, who, body);
          expect(response.statusCode, `${method} ${url}`).toBe(404);
          expect(codeOf(response)).toBe('CART_NOT_FOUND');
        }
      }
      const unchanged = await ok(request('GET', `/store/carts/${cart.id}`, as(alice)));
      expect(unchanged).toMatchObject({ country: 'NL', customerId: alice.id });
      expect(unchanged.lines.map((l) => l.quantity)).toEqual([1]);
    });

    it('lets whoever holds a guest cart’s id use it', async () => {
      const cart = await newCart();
      await ok(addLine(cart.id, variant, 1, as(alice)));
      await ok(addLine(cart.id, variant, 1, as(bob)));
      const body = await ok(request('GET', `/store/carts/${cart.id}`));
      expect(body.customerId).toBeNull();
      expect(body.lines[0]?.quantity).toBe(2);
    });

    it('refuses staff: they do not shop with their work accounts', async () => {
      const cart = await newCart();
      for (const [method, url] of [
        ['POST', '/store/carts'],
        ['GET', `/store/carts/${cart.id}`],
      ] as const) {
        const response = await request(method, url, as(admin));
        expect(response.statusCode).toBe(403);
        expect(codeOf(response)).toBe('WRONG_AUDIENCE');
      }
    });
  });

  describe('CSRF with cookie sessions (C2.3)', () => {
    let carol: LoggedIn;
    let variant: string;
    beforeAll(async () => {
      carol = await registerCustomer(t.app);
      variant = (await product({ priceMinor: 900, stock: 50 })).variants[0] ?? '';
    });
    const cookie = (csrf?: string): Who => ({
      cookies: { [SESSION_COOKIE]: carol.token },
      ...(csrf === undefined ? {} : { headers: { 'x-csrf-token': csrf } }),
    });

    it('refuses every cart change by cookie without the session’s CSRF token', async () => {
      const cart = await newCart(cookie(carol.csrfToken));
      expect(cart.customerId).toBe(carol.id);
      const line = (await ok(addLine(cart.id, variant, 1, cookie(carol.csrfToken)))).lines[0];
      for (const who of [cookie(), cookie('forged-token-0123456789abcdef')]) {
        for (const [method, url, body] of [
          ['POST', '/store/carts', undefined],
          ['PATCH', `/store/carts/${cart.id}`, { country: 'DE' }],
          ['POST', `/store/carts/${cart.id}/lines`, { variantId: variant, quantity: 1 }],
          ['PATCH', `/store/carts/${cart.id}/lines/${line?.lineId ?? ''}`, { quantity: 3 }],
          ['DELETE', `/store/carts/${cart.id}/lines/${line?.lineId ?? ''}`, undefined],
        ] as const) {
          const response = await request(method, url, who, body);
          expect(response.statusCode, `${method} ${url}`).toBe(403);
          expect(codeOf(response)).toBe('CSRF_TOKEN_INVALID');
        }
      }
      // Reading needs no token; nothing above changed the cart.
      const read = await ok(request('GET', `/store/carts/${cart.id}`, cookie()));
      expect(read).toMatchObject({ country: null });
      expect(read.lines.map((l) => l.quantity)).toEqual([1]);
      const changed = await ok(
        request(
          'PATCH',
          `/store/carts/${cart.id}/lines/${line?.lineId ?? ''}`,
          cookie(carol.csrfToken),
          {
            quantity: 3,
          },
        ),
      );
      expect(changed.lines[0]?.quantity).toBe(3);
    });
  });
});
