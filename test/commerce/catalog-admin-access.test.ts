// Catalog management input and access: strict bodies and queries refuse unknown fields
// with their paths (C1.1), bad values get 400 VALIDATION_FAILED naming the path, and
// only staff with `catalog.manage` reach the routes (C2.3).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createLoggedInStaff,
  registerCustomer,
  type LoggedIn,
  type LoggedInStaff,
} from '../helpers/identity.js';
import { codeOf } from '../helpers/shop.js';
import { sku, useCatalogAdmin, type AdminProduct } from './catalog-admin-world.js';
import { describeEachEngine } from '../helpers/test-engines.js';

describeEachEngine('admin catalog input and access (C1.1, C2.3)', (engine) => {
  const world = useCatalogAdmin(engine);
  const { send, create } = world;

  describe('validation (C1.1)', () => {
    it('refuses unknown fields with 400 UNKNOWN_FIELDS naming them, at every level', async () => {
      const product = await create();
      const variantUrl = `/admin/products/${product.id}/variants/${product.variants[0]?.id ?? ''}`;
      const cases: [string, string, unknown, string[]][] = [
        [
          'POST',
          '/admin/products',
          {
            title: 'x',
            variants: [{ title: 'a', sku: sku(), priceMinor: 1, stock: 1 }],
            vendorEmail: 'a@example.test',
          },
          ['vendorEmail'],
        ],
        [
          'POST',
          '/admin/products',
          { title: 'x', variants: [{ title: 'a', sku: sku(), priceMinor: 1, stock: 1, cost: 2 }] },
          ['variants.0.cost'],
        ],
        ['PATCH', `/admin/products/${product.id}`, { title: 'x', status: 'archived' }, ['status']],
        [
          'POST',
          `/admin/products/${product.id}/variants`,
          { title: 'a', sku: sku(), priceMinor: 1, stock: 1, note: 'n' },
          ['note'],
        ],
        ['PATCH', variantUrl, { stock: 1, supplier: 's' }, ['supplier']],
      ];
      for (const [method, url, body, unknown] of cases) {
        const response = await send(method as 'POST', url, body);
        expect(response.statusCode, `${method} ${url}`).toBe(400);
        expect(codeOf(response)).toBe('UNKNOWN_FIELDS');
        expect(
          response.json<{ error: { details: { unknownFields: string[] } } }>().error.details
            .unknownFields,
        ).toEqual(unknown);
      }
      const query = await send('GET', '/admin/products?limit=2&sort=title');
      expect(query.statusCode).toBe(400);
      expect(codeOf(query)).toBe('UNKNOWN_FIELDS');
    });

    it('refuses bad values with 400 VALIDATION_FAILED and names the path', async () => {
      const product = await create();
      const variantUrl = `/admin/products/${product.id}/variants/${product.variants[0]?.id ?? ''}`;
      const ok = { title: 'a', sku: sku(), priceMinor: 1, stock: 1 };
      const cases: [string, string, unknown, string][] = [
        ['POST', '/admin/products', { title: '', variants: [ok] }, 'title'],
        ['POST', '/admin/products', { title: 'x', variants: [] }, 'variants'],
        [
          'POST',
          '/admin/products',
          { title: 'x', variants: [{ ...ok, priceMinor: -1 }] },
          'variants.0.priceMinor',
        ],
        [
          'POST',
          '/admin/products',
          { title: 'x', variants: [{ ...ok, priceMinor: 1.5 }] },
          'variants.0.priceMinor',
        ],
        [
          'POST',
          '/admin/products',
          { title: 'x', variants: [{ ...ok, stock: -3 }] },
          'variants.0.stock',
        ],
        [
          'POST',
          '/admin/products',
          { title: 'x', variants: [{ ...ok, sku: 'has space' }] },
          'variants.0.sku',
        ],
        [
          'POST',
          '/admin/products',
          { title: 'x', variants: [{ ...ok, currency: 'eur' }] },
          'variants.0.currency',
        ],
        ['POST', '/admin/products', { title: 'tab\there', variants: [ok] }, 'title'],
        ['PATCH', `/admin/products/${product.id}`, {}, ''],
        ['PATCH', variantUrl, {}, ''],
        ['PATCH', variantUrl, { stock: 1, stockAdjustment: 1 }, 'stockAdjustment'],
        ['PATCH', variantUrl, { priceMinor: '100' }, 'priceMinor'],
      ];
      for (const [method, url, body, path] of cases) {
        const response = await send(method as 'POST', url, body);
        expect(response.statusCode, `${JSON.stringify(body)}: ${response.body}`).toBe(400);
        expect(codeOf(response)).toBe('VALIDATION_FAILED');
        const issues = response.json<{ error: { details: { issues: { path: string }[] } } }>().error
          .details.issues;
        expect(issues.map((issue) => issue.path)).toContain(path);
      }
      for (const query of ['limit=0', 'limit=101', 'after=garbage', 'status=deleted']) {
        const response = await send('GET', `/admin/products?${query}`);
        expect(response.statusCode, query).toBe(400);
        expect(codeOf(response)).toBe('VALIDATION_FAILED');
      }
    });
  });

  describe('who may manage the catalog (C2.3)', () => {
    let customer: LoggedIn;
    let support: LoggedInStaff;
    let fulfilment: LoggedInStaff;
    beforeAll(async () => {
      customer = await registerCustomer(world.t.app);
      support = await createLoggedInStaff(world.t, ['support_agent']);
      fulfilment = await createLoggedInStaff(world.t, ['fulfilment']);
    });

    it('refuses staff without catalog.manage, customers and guests, and changes nothing', async () => {
      const product = await create();
      const body = { title: 'Hijacked' };
      for (const [who, status, code] of [
        [support, 403, 'PERMISSION_DENIED'],
        [fulfilment, 403, 'PERMISSION_DENIED'],
        [customer, 403, 'WRONG_AUDIENCE'],
      ] as const) {
        for (const [method, url, payload] of [
          ['GET', '/admin/products', undefined],
          ['GET', `/admin/products/${product.id}`, undefined],
          ['PATCH', `/admin/products/${product.id}`, body],
          ['POST', '/admin/products', { title: 'x', variants: [] }],
        ] as const) {
          const response = await send(method, url, payload, who);
          expect(response.statusCode, `${method} ${url}`).toBe(status);
          expect(codeOf(response)).toBe(code);
        }
      }
      const guest = await world.t.app.inject({ method: 'GET', url: '/admin/products' });
      expect(guest.statusCode).toBe(401);
      expect(codeOf(guest)).toBe('AUTHENTICATION_REQUIRED');
      expect((await send('GET', `/admin/products/${product.id}`)).json<AdminProduct>().title).toBe(
        'Linen shirt',
      );
    });
  });
});
