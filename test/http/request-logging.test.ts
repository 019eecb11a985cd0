// Request logging: one JSON line per request with its id, route and status; credentials,
// query strings, client addresses and path text other than ids never reach the log (C1.3).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/test-engines.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describeEachEngine('request logging', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t.close());

  it('logs one line per request without credentials, query values or the full address', async () => {
    const response = await t.app.inject({
      url: '/healthz?email=marker-7f3a@example.test',
      remoteAddress: '198.51.100.77',
      headers: {
        authorization: 'Bearer secret-token-9c1e',
        cookie: '__Host-session=cookie-value-51d0',
      },
    });
    const requestId = response.headers['x-request-id'];
    const lines = t.logs.records().filter((record) => record['requestId'] === requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'request completed',
      status: 200,
      req: { method: 'GET', path: '/healthz', route: '/healthz' },
    });
    const text = t.logs.text();
    for (const secret of ['marker-7f3a', 'secret-token-9c1e', 'cookie-value-51d0', '198.51.100']) {
      expect(text).not.toContain(secret);
    }
  });

  it('logs the path as its route with ids filled in, never other text the client put there', async () => {
    const pathOf = async (url: string) => {
      const response = await t.app.inject({ url });
      const line = t.logs
        .records()
        .find(
          (record) =>
            record['requestId'] === response.headers['x-request-id'] &&
            record['msg'] === 'request completed',
        );
      return (line?.['req'] as { path?: string; route?: string } | undefined) ?? {};
    };
    const id = 'prd_0123456789abcdefghjkmnpqrs';
    expect(await pathOf(`/store/products/${id}`)).toMatchObject({
      path: `/store/products/${id}`,
      route: '/store/products/:id',
    });
    expect(await pathOf('/store/products/path-marker-51c2%40example.test')).toMatchObject({
      path: '/store/products/:id',
      route: '/store/products/:id',
    });
    // A path no route matches is not logged at all.
    expect((await pathOf('/no/such/path-marker-51c2')).path).toBeUndefined();
    expect(t.logs.text()).not.toContain('path-marker-51c2');
  });
});
