// What the admin catalog tests share: an app on a fresh store with an admin logged in,
// a request helper, a product maker, and the shape of the admin API's replies.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { bearer, createLoggedInStaff, type LoggedInStaff } from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** A variant as the admin API answers it. */
export interface AdminVariant {
  id: string;
  title: string;
  sku: string;
  priceMinor: number;
  currency: string;
  stock: number;
  archived: boolean;
}

/** A product as the admin API answers it. */
export interface AdminProduct {
  id: string;
  title: string;
  description: string | null;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
  variants: AdminVariant[];
}

let skuSeq = 0;
/** A SKU no other test uses. */
export const sku = (label = 'SKU') => `${label}-${Date.now().toString(36)}-${++skuSeq}`;

/** The app and its admin, open between the suite's beforeAll and afterAll. */
export interface CatalogAdmin {
  readonly t: TestApp;
  readonly admin: LoggedInStaff;
  /** Sends a request as the admin, or as `who`. */
  readonly send: (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: unknown,
    who?: { token: string },
  ) => Promise<LightMyRequestResponse>;
  /** Creates a two-variant product, changed by `overrides`; expects 201. */
  readonly create: (overrides?: Record<string, unknown>) => Promise<AdminProduct>;
}

/** Opens an app with an admin logged in before the suite's tests, and closes it after. */
export function useCatalogAdmin(engine: 'sqlite' | 'postgres'): CatalogAdmin {
  let opened: { t: TestApp; admin: LoggedInStaff } | undefined;
  beforeAll(async () => {
    const t = await createTestApp(engine);
    opened = { t, admin: await createLoggedInStaff(t, ['admin']) };
  });
  afterAll(async () => opened?.t.close());
  const current = () => {
    if (opened === undefined) throw new Error('The catalog app opens in beforeAll');
    return opened;
  };
  const send: CatalogAdmin['send'] = (method, url, payload, who = current().admin) =>
    current().t.app.inject({
      method,
      url,
      headers: bearer(who),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  return {
    get t() {
      return current().t;
    },
    get admin() {
      return current().admin;
    },
    send,
    create: async (overrides = {}) => {
      const response = await send('POST', '/admin/products', {
        title: 'Linen shirt',
        description: 'Washed linen, relaxed fit.',
        variants: [
          { title: 'S', sku: sku('SHIRT-S'), priceMinor: 4900, stock: 5 },
          { title: 'M', sku: sku('SHIRT-M'), priceMinor: 4900, currency: 'EUR', stock: 0 },
        ],
        ...overrides,
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<AdminProduct>();
    },
  };
}
