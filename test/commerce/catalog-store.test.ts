// The public catalog under /store/products: active products only, variants that are sold,
// prices in minor units with the currency, availability; keyset pages and title search.
// Strict queries refuse unknown parameters (C1.1).
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/platform/ids.js';
import {
  bearer,
  createLoggedInStaff,
  registerCustomer,
  type LoggedInStaff,
} from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

interface StoreVariant {
  id: string;
  title: string;
  sku: string;
  priceMinor: number;
  currency: string;
  inStock: boolean;
  availableQuantity: number;
}
interface StoreProduct {
  id: string;
  title: string;
  description: string | null;
  inStock: boolean;
  variants: StoreVariant[];
}
interface Page {
  products: StoreProduct[];
  next: string | null;
}

const codeOf = (response: LightMyRequestResponse) =>
  response.json<{ error: { code: string } }>().error.code;
const token = () => randomBytes(4).toString('hex');

describeEachEngine('store catalog', (engine) => {
  let t: TestApp;
  let admin: LoggedInStaff;

  const create = async (
    title: string,
    variants: { title: string; priceMinor: number; stock: number }[],
  ) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/admin/products',
      headers: bearer(admin),
      payload: {
        title,
        description: 'A synthetic product.',
        variants: variants.map((variant) => ({ ...variant, sku: `SKU-${token()}` })),
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string; variants: { id: string }[] }>();
  };
  const admin$ = (method: 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: bearer(admin),
      ...(payload === undefined ? {} : { payload }),
    });
  const list = async (query: string) => {
    const response = await t.app.inject({ url: `/store/products?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Page>();
  };

  beforeAll(async () => {
    t = await createTestApp(engine);
    admin = await createLoggedInStaff(t, ['admin']);
  });
  afterAll(async () => t.close());

  it('shows a product to anyone: prices in minor units with the currency, and availability', async () => {
    const tag = token();
    const made = await create(`Mug ${tag}`, [
      { title: 'Blue', priceMinor: 1250, stock: 3 },
      { title: 'Green', priceMinor: 1300, stock: 0 },
    ]);
    const response = await t.app.inject({ url: `/store/products/${made.id}` });
    expect(response.statusCode).toBe(200);
    const product = response.json<StoreProduct>();
    expect(product).toEqual({
      id: made.id,
      title: `Mug ${tag}`,
      description: 'A synthetic product.',
      inStock: true,
      variants: [
        expect.objectContaining({
          title: 'Blue',
          priceMinor: 1250,
          currency: 'EUR',
          inStock: true,
          availableQuantity: 3,
        }),
        expect.objectContaining({
          title: 'Green',
          priceMinor: 1300,
          currency: 'EUR',
          inStock: false,
          availableQuantity: 0,
        }),
      ],
    });
    // Staff-only facts (stock as stored, archive flags, times) are not part of the store view.
    expect(Object.keys(product.variants[0] ?? {}).sort()).toEqual([
      'availableQuantity',
      'currency',
      'id',
      'inStock',
      'priceMinor',
      'sku',
      'title',
    ]);
    const customer = await registerCustomer(t.app);
    const asCustomer = await t.app.inject({
      url: `/store/products/${made.id}`,
      headers: bearer(customer),
    });
    expect(asCustomer.json<StoreProduct>()).toEqual(product);
  });

  it('hides archived variants, and answers 404 PRODUCT_NOT_FOUND for an archived product', async () => {
    const tag = token();
    const made = await create(`Lamp ${tag}`, [
      { title: 'Brass', priceMinor: 8900, stock: 1 },
      { title: 'Steel', priceMinor: 7900, stock: 1 },
    ]);
    const [brass, steel] = made.variants;
    await admin$('PATCH', `/admin/products/${made.id}/variants/${brass?.id ?? ''}`, {
      archived: true,
    });
    const detail = (await t.app.inject({ url: `/store/products/${made.id}` })).json<StoreProduct>();
    expect(detail.variants.map((variant) => variant.id)).toEqual([steel?.id]);
    await admin$('POST', `/admin/products/${made.id}/archive`);
    const gone = await t.app.inject({ url: `/store/products/${made.id}` });
    expect(gone.statusCode).toBe(404);
    expect(codeOf(gone)).toBe('PRODUCT_NOT_FOUND');
    expect((await list(`q=${tag}`)).products).toEqual([]);
  });

  it('answers 404 for an unknown id and for ids of another shape', async () => {
    for (const id of [newId('prd'), 'prd_x', 'anything', newId('var')]) {
      const response = await t.app.inject({ url: `/store/products/${id}` });
      expect(response.statusCode, id).toBe(404);
      expect(codeOf(response)).toBe('PRODUCT_NOT_FOUND');
    }
    // A NUL never reaches the database (PostgreSQL would fail on it): refused as text.
    const nul = await t.app.inject({ url: `/store/products/${newId('prd')}%00` });
    expect(nul.statusCode).toBe(400);
    expect(codeOf(nul)).toBe('INVALID_TEXT');
  });

  it('pages through active products newest first with a keyset cursor, never repeating one', async () => {
    const tag = token();
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      made.push(
        (await create(`Poster ${tag} ${i}`, [{ title: 'A3', priceMinor: 1500, stock: 9 }])).id,
      );
    }
    await admin$('POST', `/admin/products/${made[1] ?? ''}/archive`);
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(
        `q=${tag}&limit=2${next === null ? '' : `&after=${encodeURIComponent(next)}`}`,
      );
      expect(page.products.length).toBeLessThanOrEqual(2);
      seen.push(...page.products.map((product) => product.id));
      next = page.next;
      pages += 1;
    } while (next !== null && pages < 10);
    expect(seen).toEqual([made[4], made[3], made[2], made[0]]);
    // A product added meanwhile does not shift the pages already handed out.
    const first = await list(`q=${tag}&limit=2`);
    await create(`Poster ${tag} late`, [{ title: 'A3', priceMinor: 1500, stock: 9 }]);
    const second = await list(`q=${tag}&limit=2&after=${encodeURIComponent(first.next ?? '')}`);
    expect(second.products.map((product) => product.id)).toEqual([made[2], made[0]]);
  });

  it('searches titles case-insensitively, taking % and _ literally', async () => {
    const tag = token();
    const plain = await create(`Candle ${tag} Amber`, [
      { title: 'One', priceMinor: 900, stock: 1 },
    ]);
    const percent = await create(`Candle ${tag} 100% wax`, [
      { title: 'One', priceMinor: 900, stock: 1 },
    ]);
    const ids = async (q: string) =>
      (await list(`q=${encodeURIComponent(q)}`)).products.map((product) => product.id).sort();
    expect(await ids(`candle ${tag} amber`)).toEqual([plain.id]);
    expect(await ids(`CANDLE ${tag}`)).toEqual([plain.id, percent.id].sort());
    expect(await ids(`${tag} 100%`)).toEqual([percent.id]);
    expect(await ids(`${tag}%wax`)).toEqual([]);
    expect(await ids(`${tag}_`)).toEqual([]);
  });

  it('refuses unknown query parameters (C1.1) and bad values with 400', async () => {
    const unknown = await t.app.inject({ url: '/store/products?limit=2&email=a@example.test' });
    expect(unknown.statusCode).toBe(400);
    expect(codeOf(unknown)).toBe('UNKNOWN_FIELDS');
    for (const query of [
      'limit=0',
      'limit=1000',
      'after=1.2',
      'q=',
      `q=${'x'.repeat(101)}`,
      'q=a%07b',
    ]) {
      const response = await t.app.inject({ url: `/store/products?${query}` });
      expect(response.statusCode, query).toBe(400);
      expect(codeOf(response)).toBe('VALIDATION_FAILED');
    }
  });

  it('reflects stock changes at once: a sold-out variant shows inStock false', async () => {
    const made = await create(`Scarf ${token()}`, [{ title: 'Wool', priceMinor: 3900, stock: 2 }]);
    const variantId = made.variants[0]?.id ?? '';
    await admin$('PATCH', `/admin/products/${made.id}/variants/${variantId}`, {
      stockAdjustment: -2,
    });
    const product = (
      await t.app.inject({ url: `/store/products/${made.id}` })
    ).json<StoreProduct>();
    expect(product.inStock).toBe(false);
    expect(product.variants[0]).toMatchObject({ inStock: false, availableQuantity: 0 });
  });
});
