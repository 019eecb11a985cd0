// Every operation of the API, fed what a careless or hostile client sends: each body field
// in turn replaced by a wrong type, an out-of-range number, a huge or odd string; path and
// query parameters likewise; as a guest, a customer and a staff member holding every role.
// A client's mistake is never a 5xx, every refusal has the one error shape with a stable
// code, and no refusal or log line repeats what the client sent (C1.1: nothing is
// half-written or echoed on the way).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLoggedInStaff, registerCustomer } from '../helpers/identity.js';
import {
  ECHO_MARKER,
  EDGE_PARAMS,
  fillPath,
  hostileBodies,
  markerInPersonalField,
  normalKey,
  operationsOf,
  type Operation,
  type Plausible,
} from '../helpers/hostile-requests.js';
import {
  CARDS,
  checkoutForm,
  newCart,
  postCheckout,
  postProduct,
  tokenFor,
  type ShopperCart,
} from '../helpers/shop.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { personalLogKeys } from '../../src/privacy/inventory/index.js';
import { describeEachEngine } from '../helpers/test-engines.js';

/** What is wrong with one answer, for the failure list. */
interface Finding {
  readonly request: string;
  readonly status: number;
  readonly code: string;
}

// Operations that change the caller's own credentials run late, and those that end its
// session last, so the sweep keeps its identities for everything else; probes of the
// service itself are not input.
const rank = (path: string) =>
  /sessions\/current$/.test(path) ? 2 : /me\/password$|reauth$|staff-setup$/.test(path) ? 1 : 0;
const NOT_INPUT = new Set(['/healthz', '/readyz']);
// The names personal data goes by in requests (the inventory's columns and API aliases):
// a value sent under one of them must not come back in a refusal. Codes and ids sent
// elsewhere (an unknown role, a taken SKU) are named back on purpose.
const PERSONAL = new Set(personalLogKeys().map(normalKey));

/** The `error` member of an answer's body, if the body is JSON and has one. */
function errorOf(body: string): { code?: unknown; requestId?: unknown } | undefined {
  try {
    return (JSON.parse(body) as { error?: { code?: unknown; requestId?: unknown } }).error;
  } catch {
    return undefined;
  }
}

describeEachEngine('route sweep', (engine) => {
  let t: TestApp;
  let operations: Operation[];
  let ids: Record<string, string>;
  let known: Plausible;
  let who: Record<'guest' | 'customer' | 'staff', Record<string, string>>;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { CUSTODIA_RATE_LIMIT_MAX: '1000000' } });
    const document = (await t.app.inject({ url: '/openapi.json' })).json<unknown>();
    operations = operationsOf(document)
      .filter((operation) => !NOT_INPUT.has(operation.path))
      .sort((a, b) => rank(a.path) - rank(b.path));
    const roles = t.app.identity.staff.policy.roleNames();
    const staff = await createLoggedInStaff(t, roles);
    const customer = await registerCustomer(t.app);
    const product = await postProduct(t, staff, 'Sweep shirt', [
      { title: 'M', sku: 'SWEEP-M', priceMinor: 1500, stock: 50 },
    ]);
    const productId = product.id;
    const variantId = product.variants[0] ?? '';
    const cartId = await newCart(t, [{ variantId, quantity: 1 }], customer, { country: 'FR' });
    const cart = await t.app.inject({
      url: `/store/carts/${cartId}`,
      headers: { authorization: `Bearer ${customer.token}` },
    });
    const lineId = cart.json<ShopperCart>().lines[0]?.lineId ?? '';
    const paid = await newCart(t, [{ variantId, quantity: 1 }], customer, { country: 'FR' });
    const checkout = await postCheckout(
      t,
      paid,
      checkoutForm(await tokenFor(t, CARDS.visa), { email: customer.email }),
      customer,
    );
    const orderId = checkout.json<{ orderId: string }>().orderId;
    const ticket = await t.app.inject({
      method: 'POST',
      url: '/store/tickets',
      headers: { authorization: `Bearer ${customer.token}` },
      payload: { subject: 'Sweep', body: 'A synthetic question.', orderId },
    });
    const shipment = await t.app.inject({
      method: 'POST',
      url: `/admin/orders/${orderId}/shipments`,
      headers: { authorization: `Bearer ${staff.token}` },
      payload: {},
    });
    ids = {
      productId,
      variantId,
      lineId,
      orderId,
      cartId,
      customerId: customer.id,
      ticketId: ticket.json<{ id: string }>().id,
      shipmentId: shipment.json<{ shipmentId: string }>().shipmentId,
    };
    for (const [name, id] of Object.entries(ids)) expect(id, name).toMatch(/^[a-z]{3}_/);
    known = {
      email: 'sweep@example.test',
      password: 'sweep-password-1234567',
      country: 'FR',
      currency: 'EUR',
      variantId,
      orderId,
      paymentToken: await tokenFor(t, CARDS.visa),
      number: CARDS.visa,
      cvc: '123',
      expMonth: 12,
      expYear: new Date().getUTCFullYear() + 2,
    };
    who = {
      guest: {},
      customer: { authorization: `Bearer ${customer.token}` },
      staff: { authorization: `Bearer ${staff.token}` },
    };
  });
  afterAll(async () => t.close());

  /** The real ids a path's parameters take, by where the parameter sits. */
  function realParams(operation: Operation): Record<string, string> {
    const values: Record<string, string> = {};
    for (const name of operation.pathParams) {
      if (name !== 'id') {
        values[name] = ids[name] ?? 'x';
        continue;
      }
      const resource = /^\/(?:admin|store)\/(\w+)/.exec(operation.path)?.[1];
      const byResource: Record<string, string | undefined> = {
        products: ids['productId'],
        carts: ids['cartId'],
        orders: ids['orderId'],
        tickets: ids['ticketId'],
        customers: ids['customerId'],
        shipments: ids['shipmentId'],
      };
      values[name] = byResource[resource ?? ''] ?? 'x';
    }
    return values;
  }

  /**
   * Path and query variants of an operation, each as a URL; `personal` when a query
   * parameter that names personal data carries the marker.
   */
  function urls(
    operation: Operation,
    real: Record<string, string>,
  ): { url: string; personal: boolean }[] {
    const list = [{ url: fillPath(operation.path, real), personal: false }];
    for (const name of operation.pathParams) {
      for (const edge of EDGE_PARAMS) {
        list.push({ url: fillPath(operation.path, { ...real, [name]: edge }), personal: false });
      }
    }
    for (const name of operation.queryParams) {
      for (const edge of EDGE_PARAMS) {
        list.push({
          url: `${fillPath(operation.path, real)}?${name}=${encodeURIComponent(edge)}`,
          personal: PERSONAL.has(normalKey(name)) && edge === ECHO_MARKER,
        });
      }
    }
    return list;
  }

  it('answers every hostile request with a 4xx in the one error shape, never a 5xx', async () => {
    const findings: Finding[] = [];
    // One example of each operation and status: a broken handler fails for many inputs.
    const seen = new Set<string>();
    let sent = 0;
    for (const operation of operations) {
      const identity = operation.path.startsWith('/admin') ? 'staff' : 'customer';
      const requests: {
        url: string;
        body?: unknown;
        headers: Record<string, string>;
        personal: boolean;
      }[] = [];
      const real = realParams(operation);
      for (const { url, personal } of urls(operation, real)) {
        requests.push(
          { url, headers: who.guest, personal },
          { url, headers: who[identity], personal },
        );
      }
      if (operation.body !== undefined) {
        const url = fillPath(operation.path, real);
        for (const body of hostileBodies(operation.body, known)) {
          const personal = markerInPersonalField(body, PERSONAL);
          requests.push({ url, body, headers: who[identity], personal });
        }
      }
      for (const request of requests) {
        const json =
          request.body === undefined
            ? {}
            : {
                payload: JSON.stringify(request.body),
                headers: { ...request.headers, 'content-type': 'application/json' },
              };
        const reply = await t.app.inject({
          method: operation.method as 'GET',
          url: request.url,
          headers: request.headers,
          ...json,
        });
        sent += 1;
        if (reply.statusCode < 400) continue;
        const error = errorOf(reply.body);
        const shaped = typeof error?.code === 'string' && typeof error.requestId === 'string';
        const echoed = request.personal && reply.body.includes(ECHO_MARKER);
        const kind = `${operation.method} ${operation.path} ${reply.statusCode}${echoed ? ' echo' : ''}`;
        if ((reply.statusCode >= 500 || !shaped || echoed) && !seen.has(kind)) {
          seen.add(kind);
          findings.push({
            request: `${operation.method} ${request.url.slice(0, 120)} ${JSON.stringify(request.body ?? null).slice(0, 160)}`,
            status: reply.statusCode,
            code: typeof error?.code === 'string' ? error.code : reply.body.slice(0, 100),
          });
        }
      }
    }
    // Nothing a client sent is repeated in the log (field values, codes, ids in paths).
    const logged = t.logs
      .records()
      .filter((record) => JSON.stringify(record).includes(ECHO_MARKER));
    expect({ findings, logged: logged.map((record) => record['msg']) }).toEqual({
      findings: [],
      logged: [],
    });
    // The sweep reached every operation with many requests, not a handful.
    expect(sent).toBeGreaterThan(operations.length * 20);
    // About 3,250 requests: seconds alone, longer beside other test files.
  }, 180_000);
});
