// Operational endpoints: liveness, readiness (database reachable and migrated), Prometheus
// metrics by route template, and the OpenAPI document with its UI.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/app/migrations.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describeEachEngine('operations endpoints', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t.close());

  it('GET /healthz answers 200 while the process is up', async () => {
    const response = await t.app.inject({ url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when every migration is applied', async () => {
    const response = await t.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
  });

  it('GET /readyz answers 503 NOT_READY while a migration is pending', async () => {
    const last = MIGRATIONS[MIGRATIONS.length - 1]?.name ?? '';
    await sql`delete from kysely_migration where name = ${last}`.execute(t.database.db);
    try {
      const response = await t.app.inject({ url: '/readyz' });
      expect(response.statusCode).toBe(503);
      const body = response.json<{ error: { code: string; details: { reason: string } } }>();
      expect(body.error.code).toBe('NOT_READY');
      expect(body.error.details.reason).toBe('migrations pending');
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${last}, ${new Date().toISOString()})`.execute(
        t.database.db,
      );
    }
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('GET /metrics exposes process metrics and request durations by route template', async () => {
    await t.app.inject({ url: '/healthz' });
    await t.app.inject({ url: '/no/such/thing?email=someone@example.test' });
    const response = await t.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toContain('custodia_process_cpu_user_seconds_total');
    expect(text).toMatch(
      /custodia_http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} [1-9]/,
    );
    expect(text).toContain('route="(unmatched)",status_code="404"');
    expect(text).not.toContain('example.test');
  });

  it('GET /openapi.json is an OpenAPI 3.1 document that lists the routes', async () => {
    const response = await t.app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
  });

  it('GET /docs serves the API explorer', async () => {
    const redirect = await t.app.inject({ url: '/docs' });
    expect([200, 302]).toContain(redirect.statusCode);
    const page = await t.app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('swagger');
  });
});
