// Carts under /store/carts: starting a cart, adding, changing and removing lines, lines
// priced from the catalog as it is now, tax by destination country, and the stock,
// quantity and availability checks. Access and input rules: carts-access.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/platform/ids.js';
import { bearer, createLoggedInStaff, type LoggedInStaff } from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { cartRequests, codeOf, detailsOf, GUEST } from '../helpers/shop.js';

describeEachEngine('carts', (engine) => {
  let t: TestApp;
  let admin: LoggedInStaff;

  const { request, ok, newCart, addLine, product, patchVariant } = cartRequests(() => ({
    t,
    admin,
  }));

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { CUSTODIA_TAX_RATES: 'NL=21,DE=19,US=0' } });
    admin = await createLoggedInStaff(t, ['admin']);
  });
  afterAll(async () => t.close());

  describe('lifecycle and prices', () => {
    it('starts an empty guest cart without a body, expiring one lifetime from now', async () => {
      const before = Date.now();
      const cart = await newCart();
      expect(cart.id).toMatch(/^crt_[0-9a-z]{26}$/);
      expect(cart).toMatchObject({
        customerId: null,
        country: null,
        currency: 'EUR',
        lines: [],
        subtotalMinor: 0,
        taxRateBasisPoints: 0,
        taxMinor: 0,
        totalMinor: 0,
      });
      const expires = new Date(cart.expiresAt).getTime();
      expect(expires).toBeGreaterThanOrEqual(before + t.config.commerce.cartTtlMs);
      expect(expires).toBeLessThanOrEqual(Date.now() + t.config.commerce.cartTtlMs);
      expect(await ok(request('GET', `/store/carts/${cart.id}`))).toEqual(cart);
    });

    it('adds lines, increases a line when its variant is added again, and totals them', async () => {
      const tin = await product({ priceMinor: 1250, stock: 10 }, { priceMinor: 399, stock: 10 });
      const [large = '', small = ''] = tin.variants;
      const cart = await newCart();
      let body = await ok(addLine(cart.id, large, 1));
      expect(body.lines).toEqual([
        expect.objectContaining({
          variantId: large,
          productId: tin.id,
          productTitle: 'Tea tin',
          variantTitle: 'Size 0',
          quantity: 1,
          unitPriceMinor: 1250,
          lineTotalMinor: 1250,
          available: true,
          availableQuantity: 10,
        }),
      ]);
      const lineId = body.lines[0]?.lineId;
      expect(lineId).toMatch(/^lin_[0-9a-z]{26}$/);
      body = await ok(addLine(cart.id, large, 2));
      expect(body.lines).toHaveLength(1);
      expect(body.lines[0]).toMatchObject({ lineId, quantity: 3, lineTotalMinor: 3750 });
      body = await ok(addLine(cart.id, small, 2));
      expect(body.lines.map((line) => line.variantId)).toEqual([large, small]);
      expect(body).toMatchObject({ subtotalMinor: 3750 + 798, taxMinor: 0, totalMinor: 4548 });
    });

    it('changes and removes lines', async () => {
      const tin = await product({ priceMinor: 500, stock: 10 }, { priceMinor: 700, stock: 10 });
      const [a = '', b = ''] = tin.variants;
      const cart = await newCart();
      await ok(addLine(cart.id, a, 1));
      const both = await ok(addLine(cart.id, b, 1));
      const [lineA, lineB] = both.lines;
      const changed = await ok(
        request('PATCH', `/store/carts/${cart.id}/lines/${lineA?.lineId ?? ''}`, GUEST, {
          quantity: 4,
        }),
      );
      expect(changed.lines[0]?.quantity).toBe(4);
      expect(changed.subtotalMinor).toBe(4 * 500 + 700);
      const removed = await ok(
        request('DELETE', `/store/carts/${cart.id}/lines/${lineB?.lineId ?? ''}`),
      );
      expect(removed.lines.map((line) => line.lineId)).toEqual([lineA?.lineId]);
      expect(removed.subtotalMinor).toBe(2000);
      for (const lineId of [lineB?.lineId ?? '', newId('lin'), 'nope']) {
        for (const [method, payload] of [
          ['PATCH', { quantity: 1 }],
          ['DELETE', undefined],
        ] as const) {
          const response = await request(
            method,
            `/store/carts/${cart.id}/lines/${lineId}`,
            GUEST,
            payload,
          );
          expect(response.statusCode).toBe(404);
          expect(codeOf(response)).toBe('CART_LINE_NOT_FOUND');
        }
      }
      // A line of another cart is not a line of this one.
      const other = await newCart();
      const foreign = (await ok(addLine(other.id, a, 1))).lines[0]?.lineId ?? '';
      const response = await request('DELETE', `/store/carts/${cart.id}/lines/${foreign}`);
      expect(codeOf(response)).toBe('CART_LINE_NOT_FOUND');
      expect((await ok(request('GET', `/store/carts/${other.id}`))).lines).toHaveLength(1);
    });

    it('prices lines from the catalog as it is now', async () => {
      const tin = await product({ priceMinor: 1000, stock: 10 });
      const [variant = ''] = tin.variants;
      const cart = await newCart();
      await ok(addLine(cart.id, variant, 2));
      await patchVariant(tin.id, variant, { priceMinor: 1100 });
      const now = await ok(request('GET', `/store/carts/${cart.id}`));
      expect(now.lines[0]).toMatchObject({ unitPriceMinor: 1100, lineTotalMinor: 2200 });
      expect(now.subtotalMinor).toBe(2200);
    });

    it('lists a line whose variant stopped being sold, without counting it', async () => {
      const tin = await product({ priceMinor: 1000, stock: 10 }, { priceMinor: 300, stock: 10 });
      const [kept = '', dropped = ''] = tin.variants;
      const cart = await newCart();
      await ok(addLine(cart.id, kept, 1));
      await ok(addLine(cart.id, dropped, 1));
      await patchVariant(tin.id, dropped, { archived: true });
      const body = await ok(request('GET', `/store/carts/${cart.id}`));
      expect(body.lines.map((line) => [line.variantId, line.available])).toEqual([
        [kept, true],
        [dropped, false],
      ]);
      expect(body.lines[1]?.availableQuantity).toBe(0);
      expect(body.subtotalMinor).toBe(1000);
    });
  });

  describe('tax by destination country', () => {
    it('applies the configured rate half up on the subtotal; unknown or no country pays none', async () => {
      const tin = await product({ priceMinor: 1250, stock: 10 });
      const [variant = ''] = tin.variants;
      const cart = await newCart(GUEST, { country: 'nl' });
      expect(cart.country).toBe('NL');
      expect(cart.taxRateBasisPoints).toBe(2100);
      let body = await ok(addLine(cart.id, variant, 1));
      // 1250 × 21% = 262.5 → 263
      expect(body).toMatchObject({ subtotalMinor: 1250, taxMinor: 263, totalMinor: 1513 });
      const patch = (country: string | null) =>
        ok(request('PATCH', `/store/carts/${cart.id}`, GUEST, { country }));
      body = await patch('DE');
      // 1250 × 19% = 237.5 → 238
      expect(body).toMatchObject({ country: 'DE', taxRateBasisPoints: 1900, taxMinor: 238 });
      body = await patch('US');
      expect(body).toMatchObject({ taxRateBasisPoints: 0, taxMinor: 0, totalMinor: 1250 });
      body = await patch('FR');
      expect(body).toMatchObject({ country: 'FR', taxRateBasisPoints: 0, taxMinor: 0 });
      body = await patch(null);
      expect(body).toMatchObject({ country: null, taxMinor: 0, totalMinor: 1250 });
    });
  });

  describe('stock, limits and availability', () => {
    it('answers 409 INSUFFICIENT_STOCK with the available count, counting units already in the cart', async () => {
      const tin = await product({ priceMinor: 100, stock: 3 });
      const [variant = ''] = tin.variants;
      const cart = await newCart();
      const tooMany = await addLine(cart.id, variant, 4);
      expect(tooMany.statusCode).toBe(409);
      expect(codeOf(tooMany)).toBe('INSUFFICIENT_STOCK');
      expect(detailsOf(tooMany)).toEqual({ variantId: variant, requested: 4, available: 3 });
      await ok(addLine(cart.id, variant, 2));
      const more = await addLine(cart.id, variant, 2);
      expect(codeOf(more)).toBe('INSUFFICIENT_STOCK');
      expect(detailsOf(more)).toEqual({ variantId: variant, requested: 4, available: 3 });
      const lineId = (await ok(request('GET', `/store/carts/${cart.id}`))).lines[0]?.lineId ?? '';
      const raise = await request('PATCH', `/store/carts/${cart.id}/lines/${lineId}`, GUEST, {
        quantity: 5,
      });
      expect(codeOf(raise)).toBe('INSUFFICIENT_STOCK');
      expect((await ok(request('GET', `/store/carts/${cart.id}`))).lines[0]?.quantity).toBe(2);
      // Stock ran low meanwhile: the shopper can still lower the line.
      await patchVariant(tin.id, variant, { stock: 0 });
      const lowered = await ok(
        request('PATCH', `/store/carts/${cart.id}/lines/${lineId}`, GUEST, { quantity: 1 }),
      );
      expect(lowered.lines[0]).toMatchObject({ quantity: 1, availableQuantity: 0 });
    });

    it('holds at most 99 units per line (409 LINE_QUANTITY_LIMIT; 400 for one request above 99)', async () => {
      const tin = await product({ priceMinor: 100, stock: 1000 });
      const [variant = ''] = tin.variants;
      const cart = await newCart();
      await ok(addLine(cart.id, variant, 60));
      const over = await addLine(cart.id, variant, 40);
      expect(over.statusCode).toBe(409);
      expect(codeOf(over)).toBe('LINE_QUANTITY_LIMIT');
      expect(detailsOf(over)).toEqual({ variantId: variant, max: 99, inCart: 60 });
      const body = await addLine(cart.id, variant, 100);
      expect(body.statusCode).toBe(400);
      expect(codeOf(body)).toBe('VALIDATION_FAILED');
    });

    it('answers 409 VARIANT_UNAVAILABLE for archived, unknown and misshapen variants', async () => {
      const tin = await product({ priceMinor: 100, stock: 5 }, { priceMinor: 100, stock: 5 });
      const [archived = '', ofArchivedProduct = ''] = tin.variants;
      await patchVariant(tin.id, archived, { archived: true });
      const cart = await newCart();
      for (const variantId of [archived, newId('var'), 'var_bad', newId('prd')]) {
        const response = await addLine(cart.id, variantId, 1);
        expect(response.statusCode, variantId).toBe(409);
        expect(codeOf(response)).toBe('VARIANT_UNAVAILABLE');
      }
      await t.app.inject({
        method: 'POST',
        url: `/admin/products/${tin.id}/archive`,
        headers: bearer(admin),
      });
      expect(codeOf(await addLine(cart.id, ofArchivedProduct, 1))).toBe('VARIANT_UNAVAILABLE');
    });

    it('holds at most 50 different variants (409 CART_FULL)', async () => {
      const many = await product(
        ...Array.from({ length: 51 }, () => ({ priceMinor: 1, stock: 1 })),
      );
      const cart = await newCart();
      for (const variantId of many.variants.slice(0, 50)) await ok(addLine(cart.id, variantId, 1));
      const full = await addLine(cart.id, many.variants[50] ?? '', 1);
      expect(full.statusCode).toBe(409);
      expect(codeOf(full)).toBe('CART_FULL');
      expect(detailsOf(full)).toEqual({ maxLines: 50 });
      // More of a variant already in the cart still fits.
      const first = many.variants[0] ?? '';
      await patchVariant(many.id, first, { stock: 2 });
      await ok(addLine(cart.id, first, 1));
    });
  });
});
