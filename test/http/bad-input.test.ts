// Bad input at the HTTP edge: every malformed request gets a 4xx with a stable code and
// the one error shape, never a 500; unknown errors become a 500 that leaks nothing (C1.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/test-engines.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { probeRoutes } from '../helpers/probe-routes.js';

describeEachEngine('bad input', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, {
      env: { CUSTODIA_BODY_LIMIT: '2048' },
      plugins: [probeRoutes],
    });
  });
  afterAll(async () => t.close());

  const post = (payload: string, contentType = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: '/probe/echo',
      payload,
      headers: { 'content-type': contentType },
    });

  const errorOf = (response: { json: () => unknown }) =>
    (
      response.json() as {
        error: { code: string; message: string; requestId: string; details?: unknown };
      }
    ).error;

  it('accepts a valid body', async () => {
    const response = await post(JSON.stringify({ name: 'n', quantity: 2 }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: 2 });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const response = await post('{"name": "n", ');
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('MALFORMED_JSON');
  });

  it('refuses half a surrogate pair or a NUL with 400 INVALID_TEXT, accepts a whole pair', async () => {
    for (const body of [
      '{"name": "a\\ud800", "quantity": 1}',
      '{"\\udfff": "n", "quantity": 1}',
      '{"name": "a\\u0000b", "quantity": 1}',
    ]) {
      const response = await post(body);
      expect(response.statusCode).toBe(400);
      expect(errorOf(response).code).toBe('INVALID_TEXT');
    }
    const inUrl = await t.app.inject({ url: '/healthz?x=%00' });
    expect(inUrl.statusCode).toBe(400);
    expect(errorOf(inUrl).code).toBe('INVALID_TEXT');
    const whole = await post('{"name": "\\ud83d\\ude00", "quantity": 1}');
    expect(whole.statusCode).toBe(200);
  });

  it('answers an empty JSON body with 400 EMPTY_BODY', async () => {
    const response = await post('');
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('EMPTY_BODY');
  });

  it('answers a wrong content type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await post('name=n&quantity=2', 'application/x-www-form-urlencoded');
    expect(response.statusCode).toBe(415);
    expect(errorOf(response).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an oversized body with 413 BODY_TOO_LARGE', async () => {
    const response = await post(JSON.stringify({ name: 'x'.repeat(4096), quantity: 1 }));
    expect(response.statusCode).toBe(413);
    expect(errorOf(response).code).toBe('BODY_TOO_LARGE');
  });

  it('lists unknown fields, nested ones by path, in a 400 UNKNOWN_FIELDS', async () => {
    const response = await post(
      JSON.stringify({
        name: 'n',
        quantity: 1,
        colour: 'red',
        address: { city: 'c', country: 'NL', zip: '1' },
      }),
    );
    expect(response.statusCode).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe('UNKNOWN_FIELDS');
    const details = error.details as { location: string; unknownFields: string[] };
    expect(details.location).toBe('body');
    expect([...details.unknownFields].sort()).toEqual(['address.zip', 'colour']);
    expect(error.message).toContain('colour');
  });

  it('reports schema failures by path and rule, without echoing the values', async () => {
    const response = await post(JSON.stringify({ name: '', quantity: -5 }));
    expect(response.statusCode).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe('VALIDATION_FAILED');
    const issues = (error.details as { issues: { path: string }[] }).issues;
    expect(issues.map((issue) => issue.path).sort()).toEqual(['name', 'quantity']);
    expect(response.body).not.toContain('-5');
  });

  it('refuses __proto__ with 400 FORBIDDEN_PROPERTY', async () => {
    const response = await post('{"name":"n","quantity":1,"__proto__":{"isAdmin":true}}');
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('FORBIDDEN_PROPERTY');
  });

  it('refuses constructor.prototype with 400 FORBIDDEN_PROPERTY', async () => {
    const response = await post(
      '{"name":"n","quantity":1,"constructor":{"prototype":{"isAdmin":true}}}',
    );
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('FORBIDDEN_PROPERTY');
  });

  it('refuses an over-long path segment (414) and a broken percent-encoding (400) without echoing the path', async () => {
    const marker = 'sweep-marker-'.padEnd(150, 'q');
    const long = await t.app.inject({ url: `/store/products/${marker}` });
    expect(long.statusCode).toBe(414);
    expect(errorOf(long).code).toBe('URI_TOO_LONG');
    expect(errorOf(long).requestId).toBe(long.headers['x-request-id']);
    expect(long.body).not.toContain('sweep-marker');
    const broken = await t.app.inject({ url: '/store/products/sweep-marker%E0%A4%A' });
    expect(broken.statusCode).toBe(400);
    expect(errorOf(broken).code).toBe('BAD_REQUEST');
    expect(broken.body).not.toContain('sweep-marker');
  });

  it('answers an unknown route with 404 NOT_FOUND in the same shape', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/no/such/route' });
    expect(response.statusCode).toBe(404);
    const error = errorOf(response);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.requestId).toBe(response.headers['x-request-id']);
  });

  it('turns an unexpected error into a 500 with a request id and nothing internal', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/probe/crash' });
    expect(response.statusCode).toBe(500);
    const error = errorOf(response);
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.requestId).toMatch(/^req_/);
    expect(response.body).not.toMatch(/10\.0\.0\.7|shop_admin|internal detail|stack/);
    const logged = t.logs.records().find((record) => record['msg'] === 'unhandled error');
    expect(logged?.['requestId']).toBe(error.requestId);
  });
});

describe('request ids', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => t.close());

  it('keeps a safe caller id and replaces an unsafe one', async () => {
    const kept = await t.app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'trace-12345678' },
    });
    expect(kept.headers['x-request-id']).toBe('trace-12345678');
    const replaced = await t.app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\n{"msg":"forged"}' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^req_[0-9a-z]{26}$/);
  });
});
