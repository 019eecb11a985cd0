// Rate limits: the in-memory store on one instance, and the shared database store that
// makes several instances on one database count against the same limit.
import type { FastifyPluginAsync } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine, createTestStore, type TestStore } from '../helpers/test-engines.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('rate limit, in-memory store', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { env: { CUSTODIA_RATE_LIMIT_MAX: '3' } });
  });
  afterAll(async () => t.close());

  it('answers 429 RATE_LIMITED with Retry-After once the limit is spent, per client address', async () => {
    const from = (remoteAddress: string) => t.app.inject({ url: '/openapi.json', remoteAddress });
    for (let i = 0; i < 3; i++) expect((await from('198.51.100.10')).statusCode).toBe(200);
    const limited = await from('198.51.100.10');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const body = limited.json<{
      error: { code: string; details: { retryAfterSeconds: number } };
    }>();
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect((await from('198.51.100.11')).statusCode).toBe(200);
  });

  it('never limits the health and metrics endpoints that orchestrators poll', async () => {
    for (let i = 0; i < 5; i++) {
      expect(
        (await t.app.inject({ url: '/healthz', remoteAddress: '198.51.100.12' })).statusCode,
      ).toBe(200);
    }
  });
});

/** Two routes with the same tight limit of their own (max 2 a minute). */
const twoLimitedRoutes: FastifyPluginAsync = async (app) => {
  for (const path of ['/probe/limited-a', '/probe/limited-b']) {
    app.get(path, { config: { rateLimit: { max: 2, timeWindow: 60_000 } } }, () => ({ ok: true }));
  }
};

describeEachEngine('rate limit, shared database store', (engine) => {
  let store: TestStore;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    store = await createTestStore(engine);
    const env = { CUSTODIA_RATE_LIMIT_MAX: '4', CUSTODIA_RATE_LIMIT_STORE: 'database' };
    first = await createTestApp(engine, { store, env, plugins: [twoLimitedRoutes] });
    second = await createTestApp(engine, { store, env });
  });
  afterAll(async () => {
    await first.close();
    await second.close();
    await store.cleanup();
  });

  it('counts requests to every instance against one limit', async () => {
    const codes: number[] = [];
    for (const app of [first, second, first, second, first]) {
      const response = await app.app.inject({
        url: '/openapi.json',
        remoteAddress: '203.0.113.40',
      });
      codes.push(response.statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 200, 429]);
  });

  it('keeps concurrent increments exact', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? first : second).app.inject({
          url: '/openapi.json',
          remoteAddress: '203.0.113.41',
        }),
      ),
    );
    const allowed = responses.filter((response) => response.statusCode === 200).length;
    expect(allowed).toBe(4);
  });

  it('keeps a separate count for each route with a limit of its own', async () => {
    const limited = (path: string) =>
      first.app.inject({ url: path, remoteAddress: '203.0.113.42' });
    expect((await limited('/probe/limited-a')).statusCode).toBe(200);
    expect((await limited('/probe/limited-a')).statusCode).toBe(200);
    expect((await limited('/probe/limited-a')).statusCode).toBe(429);
    expect((await limited('/probe/limited-b')).statusCode).toBe(200);
  });

  it('stores client addresses only as keyed hashes', async () => {
    const rows = await first.database.db
      .withTables<{ rate_limit_bucket: { bucket_key: string } }>()
      .selectFrom('rate_limit_bucket')
      .select('bucket_key')
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.bucket_key).not.toMatch(/203\.0\.113|198\.51/);
  });
});
