// Catalog management under /admin/products: staff with `catalog.manage` (admin) create,
// list, change and archive products and variants; SKUs stay unique and prices stay in the
// shop's currency. Input and access rules: catalog-admin-access.test.ts.
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/platform/ids.js';
import { codeOf } from '../helpers/shop.js';
import { sku, useCatalogAdmin, type AdminProduct } from './catalog-admin-world.js';
import { describeEachEngine } from '../helpers/test-engines.js';

describeEachEngine('admin catalog', (engine) => {
  const world = useCatalogAdmin(engine);
  const { send, create } = world;

  describe('create and read', () => {
    it('creates an active product with variants priced in the shop currency', async () => {
      const product = await create();
      expect(product.id).toMatch(/^prd_[0-9a-z]{26}$/);
      expect(product.status).toBe('active');
      expect(product.title).toBe('Linen shirt');
      expect(product.variants).toHaveLength(2);
      for (const variant of product.variants) {
        expect(variant.id).toMatch(/^var_[0-9a-z]{26}$/);
        expect(variant.currency).toBe('EUR');
        expect(variant.priceMinor).toBe(4900);
        expect(variant.archived).toBe(false);
      }
      expect(product.variants.map((variant) => variant.stock)).toEqual([5, 0]);
      const read = await send('GET', `/admin/products/${product.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json<AdminProduct>()).toEqual(product);
    });

    it('answers 404 PRODUCT_NOT_FOUND for an unknown id and for an id of another shape', async () => {
      for (const id of [newId('prd'), 'not-an-id', newId('var')]) {
        const response = await send('GET', `/admin/products/${id}`);
        expect(response.statusCode).toBe(404);
        expect(codeOf(response)).toBe('PRODUCT_NOT_FOUND');
      }
    });

    it('lists products newest first, archived included, a page at a time with no repeats', async () => {
      const made: string[] = [];
      for (let i = 0; i < 5; i += 1) made.push((await create({ title: `Page item ${i}` })).id);
      const archived = await send('POST', `/admin/products/${made[2]}/archive`);
      expect(archived.statusCode).toBe(200);
      const seen: AdminProduct[] = [];
      let next: string | null = null;
      do {
        const query: string = next === null ? '' : `&after=${encodeURIComponent(next)}`;
        const page = await send('GET', `/admin/products?limit=2${query}`);
        expect(page.statusCode, page.body).toBe(200);
        const body = page.json<{ products: AdminProduct[]; next: string | null }>();
        expect(body.products.length).toBeLessThanOrEqual(2);
        seen.push(...body.products);
        next = body.next;
      } while (next !== null);
      const ids = seen.map((product) => product.id);
      expect(new Set(ids).size).toBe(ids.length);
      const ours = ids.filter((id) => made.includes(id));
      expect(ours).toEqual([...made].reverse());
      expect(seen.find((product) => product.id === made[2])?.status).toBe('archived');
      const onlyArchived = await send('GET', '/admin/products?status=archived&limit=100');
      expect(
        onlyArchived
          .json<{ products: AdminProduct[] }>()
          .products.every((product) => product.status === 'archived'),
      ).toBe(true);
    });
  });

  describe('changes', () => {
    it('changes the title and clears the description; the update time moves', async () => {
      const product = await create();
      const patched = await send('PATCH', `/admin/products/${product.id}`, {
        title: 'Linen shirt, washed',
        description: null,
      });
      expect(patched.statusCode, patched.body).toBe(200);
      const body = patched.json<AdminProduct>();
      expect(body.title).toBe('Linen shirt, washed');
      expect(body.description).toBeNull();
      expect(body.variants).toEqual(product.variants);
    });

    it('archives a product, and archiving again changes nothing', async () => {
      const product = await create();
      const first = await send('POST', `/admin/products/${product.id}/archive`);
      expect(first.json<AdminProduct>().status).toBe('archived');
      const again = await send('POST', `/admin/products/${product.id}/archive`);
      expect(again.statusCode).toBe(200);
      expect(again.json<AdminProduct>()).toEqual(first.json<AdminProduct>());
    });

    it('adds a variant', async () => {
      const product = await create();
      const added = await send('POST', `/admin/products/${product.id}/variants`, {
        title: 'L',
        sku: sku('SHIRT-L'),
        priceMinor: 5400,
        stock: 2,
      });
      expect(added.statusCode, added.body).toBe(201);
      const variants = added.json<AdminProduct>().variants;
      expect(variants.map((variant) => variant.title)).toEqual(['S', 'M', 'L']);
      expect(variants[2]?.priceMinor).toBe(5400);
    });

    it('changes title and price, sets stock, adjusts it, and archives a variant', async () => {
      const product = await create();
      const variant = product.variants[0];
      if (variant === undefined) throw new Error('no variant');
      const url = `/admin/products/${product.id}/variants/${variant.id}`;
      const renamed = await send('PATCH', url, { title: 'Small', priceMinor: 4500 });
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect(renamed.json<AdminProduct>().variants[0]).toMatchObject({
        title: 'Small',
        priceMinor: 4500,
        stock: 5,
      });
      const counted = await send('PATCH', url, { stock: 12 });
      expect(counted.json<AdminProduct>().variants[0]?.stock).toBe(12);
      const delivered = await send('PATCH', url, { stockAdjustment: 8 });
      expect(delivered.json<AdminProduct>().variants[0]?.stock).toBe(20);
      const writtenOff = await send('PATCH', url, { stockAdjustment: -20 });
      expect(writtenOff.json<AdminProduct>().variants[0]?.stock).toBe(0);
      const archived = await send('PATCH', url, { archived: true });
      expect(archived.json<AdminProduct>().variants[0]?.archived).toBe(true);
      const restored = await send('PATCH', url, { archived: false });
      expect(restored.json<AdminProduct>().variants[0]?.archived).toBe(false);
    });

    it('refuses an adjustment below zero with 409 STOCK_BELOW_ZERO and keeps the stock', async () => {
      const product = await create();
      const variant = product.variants[0];
      if (variant === undefined) throw new Error('no variant');
      const url = `/admin/products/${product.id}/variants/${variant.id}`;
      const response = await send('PATCH', url, { stockAdjustment: -6 });
      expect(response.statusCode).toBe(409);
      expect(codeOf(response)).toBe('STOCK_BELOW_ZERO');
      expect(response.json<{ error: { details: unknown } }>().error.details).toEqual({
        stock: 5,
        adjustment: -6,
      });
      const read = await send('GET', `/admin/products/${product.id}`);
      expect(read.json<AdminProduct>().variants[0]?.stock).toBe(5);
    });

    it('answers VARIANT_NOT_FOUND for a variant of another product, unknown or misshapen', async () => {
      const one = await create();
      const other = await create();
      const foreign = other.variants[0]?.id ?? '';
      for (const variantId of [foreign, newId('var'), 'x']) {
        const response = await send('PATCH', `/admin/products/${one.id}/variants/${variantId}`, {
          title: 'Renamed',
        });
        expect(response.statusCode).toBe(404);
        expect(codeOf(response)).toBe('VARIANT_NOT_FOUND');
      }
      expect((await send('GET', `/admin/products/${other.id}`)).json<AdminProduct>()).toEqual(
        other,
      );
      const noProduct = await send('PATCH', `/admin/products/${newId('prd')}/variants/${foreign}`, {
        title: 'Renamed',
      });
      expect(codeOf(noProduct)).toBe('PRODUCT_NOT_FOUND');
      for (const [method, url, body] of [
        ['PATCH', `/admin/products/${newId('prd')}`, { title: 'x' }],
        ['POST', `/admin/products/${newId('prd')}/archive`, undefined],
        [
          'POST',
          `/admin/products/${newId('prd')}/variants`,
          { title: 'x', sku: sku(), priceMinor: 1, stock: 1 },
        ],
      ] as const) {
        const response = await send(method, url, body);
        expect(response.statusCode).toBe(404);
        expect(codeOf(response)).toBe('PRODUCT_NOT_FOUND');
      }
    });
  });

  describe('SKUs and currency', () => {
    it('refuses a SKU already in use with 409 SKU_TAKEN naming it, and creates nothing', async () => {
      const product = await create();
      const taken = product.variants[0]?.sku ?? '';
      const before = await send('GET', '/admin/products?limit=100');
      const response = await send('POST', '/admin/products', {
        title: 'Clash',
        variants: [
          { title: 'A', sku: sku(), priceMinor: 100, stock: 1 },
          { title: 'B', sku: taken, priceMinor: 100, stock: 1 },
        ],
      });
      expect(response.statusCode).toBe(409);
      expect(codeOf(response)).toBe('SKU_TAKEN');
      expect(response.json<{ error: { details: unknown } }>().error.details).toEqual({
        skus: [taken],
      });
      const after = await send('GET', '/admin/products?limit=100');
      expect(after.json<{ products: unknown[] }>().products).toHaveLength(
        before.json<{ products: unknown[] }>().products.length,
      );
      const added = await send('POST', `/admin/products/${product.id}/variants`, {
        title: 'dup',
        sku: taken,
        priceMinor: 1,
        stock: 1,
      });
      expect(added.statusCode).toBe(409);
      expect(codeOf(added)).toBe('SKU_TAKEN');
    });

    it('refuses the same SKU twice in one request', async () => {
      const twice = sku();
      const response = await send('POST', '/admin/products', {
        title: 'Twice',
        variants: [
          { title: 'A', sku: twice, priceMinor: 100, stock: 1 },
          { title: 'B', sku: twice, priceMinor: 100, stock: 1 },
        ],
      });
      expect(response.statusCode).toBe(409);
      expect(codeOf(response)).toBe('SKU_TAKEN');
    });

    it('refuses a price in another currency with 400 CURRENCY_MISMATCH', async () => {
      const response = await send('POST', '/admin/products', {
        title: 'Dollars',
        variants: [{ title: 'A', sku: sku(), priceMinor: 100, currency: 'USD', stock: 1 }],
      });
      expect(response.statusCode).toBe(400);
      expect(codeOf(response)).toBe('CURRENCY_MISMATCH');
      expect(response.json<{ error: { details: unknown } }>().error.details).toEqual({
        expected: 'EUR',
        received: 'USD',
      });
      const product = await create();
      const patch = await send(
        'PATCH',
        `/admin/products/${product.id}/variants/${product.variants[0]?.id ?? ''}`,
        { priceMinor: 100, currency: 'GBP' },
      );
      expect(codeOf(patch)).toBe('CURRENCY_MISMATCH');
    });
  });
});
