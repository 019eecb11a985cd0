// The carts service as checkout uses it: forCheckout prices a cart for a destination and
// refuses what cannot be bought; markCheckedOut closes a cart once, in the caller's
// transaction, even when two checkouts race.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CartsService } from '../../src/commerce/carts/index.js';
import { taxFor } from '../../src/commerce/carts/index.js';
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

describeEachEngine('carts service', (engine) => {
  let t: TestApp;
  let admin: LoggedInStaff;
  let alice: LoggedIn;
  let carts: CartsService;
  let db: Kysely<unknown>;
  let productId: string;
  let tea: string;
  let cup: string;

  const newCart = async (who?: LoggedIn, country?: string) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/store/carts',
      ...(who === undefined ? {} : { headers: bearer(who) }),
      ...(country === undefined ? {} : { payload: { country } }),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  };
  const add = async (cartId: string, variantId: string, quantity: number, who?: LoggedIn) => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/store/carts/${cartId}/lines`,
      ...(who === undefined ? {} : { headers: bearer(who) }),
      payload: { variantId, quantity },
    });
    expect(response.statusCode, response.body).toBe(200);
  };

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { CUSTODIA_TAX_RATES: 'NL=21,DE=19' } });
    admin = await createLoggedInStaff(t, ['admin']);
    alice = await registerCustomer(t.app);
    carts = t.app.commerce.services.carts;
    db = t.database.db as Kysely<unknown>;
    const response = await t.app.inject({
      method: 'POST',
      url: '/admin/products',
      headers: bearer(admin),
      payload: {
        title: 'Tea set',
        variants: [
          {
            title: 'Tea',
            sku: `TS-${randomBytes(5).toString('hex')}`,
            priceMinor: 1250,
            stock: 50,
          },
          { title: 'Cup', sku: `TS-${randomBytes(5).toString('hex')}`, priceMinor: 333, stock: 50 },
        ],
      },
    });
    const body = response.json<{ id: string; variants: { id: string }[] }>();
    productId = body.id;
    [tea = '', cup = ''] = body.variants.map((variant) => variant.id);
  });
  afterAll(async () => t.close());

  describe('forCheckout', () => {
    it('prices the cart now for the destination given, whatever country the cart holds', async () => {
      const cartId = await newCart(undefined, 'DE');
      await add(cartId, tea, 2);
      await add(cartId, cup, 1);
      const snapshot = await carts.forCheckout(cartId, null, 'nl');
      expect(snapshot).toEqual({
        id: cartId,
        customerId: null,
        country: 'NL',
        currency: 'EUR',
        lines: [
          {
            lineId: expect.stringMatching(/^lin_/) as string,
            variantId: tea,
            productId,
            productTitle: 'Tea set',
            variantTitle: 'Tea',
            sku: expect.stringMatching(/^TS-/) as string,
            quantity: 2,
            unitPriceMinor: 1250,
            lineTotalMinor: 2500,
          },
          {
            lineId: expect.stringMatching(/^lin_/) as string,
            variantId: cup,
            productId,
            productTitle: 'Tea set',
            variantTitle: 'Cup',
            sku: expect.stringMatching(/^TS-/) as string,
            quantity: 1,
            unitPriceMinor: 333,
            lineTotalMinor: 333,
          },
        ],
        subtotalMinor: 2833,
        taxRateBasisPoints: 2100,
        taxMinor: taxFor(2833, 2100),
        totalMinor: 2833 + taxFor(2833, 2100),
        expiresAt: expect.any(Date) as Date,
      });
      expect(snapshot.taxMinor).toBe(595); // 594.93
      expect((await carts.forCheckout(cartId, null, 'FR')).taxMinor).toBe(0);
    });

    it('serves a customer’s cart to that customer only; a guest cart to anyone', async () => {
      const own = await newCart(alice);
      await add(own, tea, 1, alice);
      expect((await carts.forCheckout(own, alice.id, 'NL')).customerId).toBe(alice.id);
      for (const stranger of [null, newId('cus')]) {
        await expect(carts.forCheckout(own, stranger, 'NL')).rejects.toMatchObject({
          code: 'CART_NOT_FOUND',
        });
      }
      const guest = await newCart();
      await add(guest, tea, 1);
      expect((await carts.forCheckout(guest, alice.id, 'NL')).customerId).toBeNull();
    });

    it('refuses unknown carts, empty carts and carts with a variant no longer sold', async () => {
      for (const id of [newId('crt'), 'bogus']) {
        await expect(carts.forCheckout(id, null, 'NL')).rejects.toMatchObject({
          code: 'CART_NOT_FOUND',
          status: 404,
        });
      }
      const empty = await newCart();
      await expect(carts.forCheckout(empty, null, 'NL')).rejects.toMatchObject({
        code: 'CART_EMPTY',
        status: 409,
      });
      const response = await t.app.inject({
        method: 'POST',
        url: `/admin/products/${productId}/variants`,
        headers: bearer(admin),
        payload: {
          title: 'Saucer',
          sku: `TS-${randomBytes(5).toString('hex')}`,
          priceMinor: 100,
          stock: 5,
        },
      });
      const saucer = response.json<{ variants: { id: string }[] }>().variants[2]?.id ?? '';
      const cartId = await newCart();
      await add(cartId, tea, 1);
      await add(cartId, saucer, 1);
      await t.app.inject({
        method: 'PATCH',
        url: `/admin/products/${productId}/variants/${saucer}`,
        headers: bearer(admin),
        payload: { archived: true },
      });
      await expect(carts.forCheckout(cartId, null, 'NL')).rejects.toMatchObject({
        code: 'VARIANT_UNAVAILABLE',
        status: 409,
        details: { variantIds: [saucer] },
      });
    });
  });

  describe('markCheckedOut', () => {
    it('closes an open cart once; afterwards the cart answers 409 CART_CHECKED_OUT', async () => {
      const cartId = await newCart();
      await add(cartId, tea, 1);
      const orderId = newId('ord');
      expect(
        await db.transaction().execute((trx) => carts.markCheckedOut(trx, cartId, orderId)),
      ).toBe(true);
      expect(
        await db.transaction().execute((trx) => carts.markCheckedOut(trx, cartId, newId('ord'))),
      ).toBe(false);
      await expect(carts.forCheckout(cartId, null, 'NL')).rejects.toMatchObject({
        code: 'CART_CHECKED_OUT',
        status: 409,
      });
      const read = await t.app.inject({ url: `/store/carts/${cartId}` });
      expect(read.statusCode).toBe(409);
      expect(read.json<{ error: { code: string; details: unknown } }>().error).toMatchObject({
        code: 'CART_CHECKED_OUT',
        details: { orderId },
      });
      const change = await t.app.inject({
        method: 'POST',
        url: `/store/carts/${cartId}/lines`,
        payload: { variantId: tea, quantity: 1 },
      });
      expect(change.statusCode).toBe(409);
    });

    it('leaves the cart open when the caller’s transaction rolls back', async () => {
      const cartId = await newCart();
      await add(cartId, cup, 1);
      await expect(
        db.transaction().execute(async (trx) => {
          expect(await carts.markCheckedOut(trx, cartId, newId('ord'))).toBe(true);
          throw new Error('a later checkout step failed');
        }),
      ).rejects.toThrow('a later checkout step failed');
      expect((await carts.forCheckout(cartId, null, 'NL')).lines).toHaveLength(1);
    });

    it('lets exactly one of several concurrent checkouts close the cart', async () => {
      const cartId = await newCart();
      await add(cartId, cup, 1);
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          db.transaction().execute((trx) => carts.markCheckedOut(trx, cartId, newId('ord'))),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('offers the tax rule as taxFor', () => {
      expect(carts.taxFor(1250, 2100)).toBe(263);
    });
  });
});
