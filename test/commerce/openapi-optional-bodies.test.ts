// /openapi.json says a request body is required exactly when the route refuses a request
// without one. Starting a cart and shipping an order take an optional body; they are
// documented as such, and a body that is sent is validated as strictly as before. The
// rule is checked for every operation that has a body, by sending each a request with
// none as an actor its guard lets through and seeing whether the body is what it refuses.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStaff } from '../../src/identity/staff/index.js';
import { DEFAULT_ROLES } from '../../src/privacy/access/index.js';
import {
  bearer,
  registerCustomer,
  syntheticEmail,
  syntheticPassword,
} from '../helpers/identity.js';
import { codeOf, createStaffMember, staffSession } from '../helpers/shop.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

interface Operation {
  requestBody?: { required?: boolean };
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

const OPTIONAL = ['POST /store/carts', 'POST /admin/orders/:id/shipments'];

describeEachEngine('OpenAPI: optional request bodies', (engine) => {
  let t: TestApp;
  let doc: OpenApi;
  let customerId: string;
  let everyRoleId: string;

  beforeAll(async () => {
    t = await createTestApp(engine);
    const reply = await t.app.inject({ url: '/openapi.json' });
    doc = reply.json<OpenApi>();
    customerId = (await registerCustomer(t.app)).id;
    // Each role only widens what a staff member may do: with all of them, every staff
    // route's guard lets the request through to validation.
    const created = await createStaff(
      t.app.identity.staff,
      {
        email: syntheticEmail('staff'),
        roles: DEFAULT_ROLES.map((role) => role.name),
        password: syntheticPassword(),
      },
      { kind: 'system', name: 'test' },
      null,
    );
    everyRoleId = created.id;
  });
  afterAll(async () => t.close());

  /** Every operation with a request body, keyed `METHOD /path/:param`. */
  const bodied = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => operation.requestBody !== undefined)
        .map(([method, operation]) => ({
          key: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
          required: operation.requestBody?.required !== false,
        })),
    );

  /** Credentials the route's guard lets through: none for the public and guests. */
  async function credentialsFor(method: string, url: string): Promise<Record<string, string>> {
    const route = t.app.identity.routes.find((r) => r.method === method && r.url === url);
    const sessions = t.app.identity.customers.sessions;
    switch (route?.access.audience) {
      case 'customer':
        return bearer(await sessions.create('customer', customerId));
      case 'staff':
        return bearer(await sessions.create('staff', everyRoleId));
      default:
        return {};
    }
  }

  it('marks the bodies of starting a cart and shipping an order optional', () => {
    const found = new Map(bodied().map((op) => [op.key, op.required]));
    for (const key of OPTIONAL) expect(found.get(key), key).toBe(false);
    // The rest of the operation is as generated: the schema of a body that is sent.
    const cart = doc.paths['/store/carts']?.['post']?.requestBody as {
      content?: Record<string, { schema?: unknown }>;
    };
    expect(cart.content?.['application/json']?.schema).toBeDefined();
  });

  it('says a body is required exactly when the route refuses a request without one', async () => {
    const operations = bodied();
    expect(operations.length).toBeGreaterThan(10);
    const wrong: string[] = [];
    const undecided: string[] = [];
    for (const { key, required } of operations) {
      const [method = '', url = ''] = key.split(' ');
      const response = await t.app.inject({
        method: method as 'POST',
        url: url.replace(/:\w+/g, 'x'),
        headers: await credentialsFor(method, url),
        remoteAddress: '203.0.113.9',
      });
      const error = response.json<{ error?: { code?: string; details?: { location?: string } } }>()
        .error;
      if (response.statusCode === 401 || response.statusCode === 403) {
        undecided.push(`${key}: ${response.statusCode} ${error?.code ?? ''}`);
        continue;
      }
      const refusedForBody = response.statusCode === 400 && error?.details?.location === 'body';
      if (error?.details?.location === 'params') undecided.push(`${key}: params refused`);
      else if (refusedForBody !== required) {
        wrong.push(`${key}: documented required=${required}, answered ${response.statusCode}`);
      }
    }
    expect(undecided).toEqual([]);
    expect(wrong).toEqual([]);
  });

  it('still validates a body that is sent', async () => {
    const shopper = await t.app.inject({
      method: 'POST',
      url: '/store/carts',
      payload: { country: 'XYZ' },
    });
    expect(shopper.statusCode).toBe(400);
    expect(codeOf(shopper)).toBe('VALIDATION_FAILED');
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/store/carts',
      payload: { country: 'NL', price: 0 },
    });
    expect(codeOf(unknown)).toBe('UNKNOWN_FIELDS');
    const fulfilment = await staffSession(t, await createStaffMember(t, 'fulfilment'));
    const ship = await t.app.inject({
      method: 'POST',
      url: '/admin/orders/ord_unknown/shipments',
      headers: bearer(fulfilment),
      payload: { idempotencyKey: 'short' },
    });
    expect(ship.statusCode).toBe(400);
    expect(codeOf(ship)).toBe('VALIDATION_FAILED');
    const empty = await t.app.inject({ method: 'POST', url: '/store/carts' });
    expect(empty.statusCode, empty.body).toBe(201);
  });
});
