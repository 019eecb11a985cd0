// C2.3: no customer reaches another customer's data by any route, tokens work only for
// the API of their kind of account, and a token that was tampered with, revoked or whose
// session is gone is refused. Staff asking for a customer who does not exist get a 404,
// never a 500; staff without the permission learn nothing, not even that.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStaff } from '../../src/identity/staff/index.js';
import { SESSION_COOKIE } from '../../src/identity/auth/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import type { SessionTables } from '../../src/identity/sessions/sessions-migration.js';
import type { StaffTables } from '../../src/identity/staff/index.js';
import {
  bearer,
  loginCustomer,
  registerCustomer,
  syntheticEmail,
  syntheticPassword,
  type LoggedIn,
} from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

interface Reply {
  readonly statusCode: number;
  readonly body: string;
}

const codeOf = (reply: Reply) =>
  (JSON.parse(reply.body) as { error?: { code?: string } }).error?.code;

/** Status and error code together, so a failure shows both. */
const outcome = (reply: Reply) => `${reply.statusCode} ${codeOf(reply) ?? ''}`.trim();

describeEachEngine('C2.3 IDOR, wrong audiences and dead tokens', (engine) => {
  let t: TestApp;
  let alice: LoggedIn;
  let bob: LoggedIn & { name: string; phone: string };
  let supportId: string;
  let fulfilmentId: string;

  const newStaff = async (role: string) => {
    const created = await createStaff(
      t.app.identity.staff,
      { email: syntheticEmail('staff'), roles: [role], password: syntheticPassword() },
      { kind: 'system', name: 'test' },
      null,
    );
    return created.id;
  };
  const sessions = () => t.app.identity.customers.sessions;
  const customerToken = async (id: string) => bearer(await sessions().create('customer', id));
  const staffToken = async (id: string) => bearer(await sessions().create('staff', id));
  /** Bob's personal data must appear in no answer given to anyone else. */
  const expectNothingOfBob = (reply: Reply) => {
    for (const value of [bob.email, bob.name, bob.phone]) expect(reply.body).not.toContain(value);
  };

  beforeAll(async () => {
    t = await createTestApp(engine);
    alice = await registerCustomer(t.app, { name: 'Alice Example' });
    const bobInput = { name: 'Bob Sample', phone: '+31 20 555 0177' };
    bob = { ...(await registerCustomer(t.app, bobInput)), ...bobInput };
    supportId = await newStaff('support_agent');
    fulfilmentId = await newStaff('fulfilment');
  });
  afterAll(async () => t.close());

  it('refuses a customer token on another customer’s admin record and its reveal with 403 WRONG_AUDIENCE', async () => {
    const headers = await customerToken(alice.id);
    const attempts = [
      { method: 'GET' as const, url: `/admin/customers/${bob.id}` },
      { method: 'HEAD' as const, url: `/admin/customers/${bob.id}` },
      { method: 'GET' as const, url: `/admin/customers?email=${encodeURIComponent(bob.email)}` },
      {
        method: 'POST' as const,
        url: `/admin/customers/${bob.id}/reveal`,
        payload: {
          fields: ['email', 'name', 'phone'],
          reason: 'Ticket SUP-7: checking the record',
        },
      },
    ];
    for (const attempt of attempts) {
      const reply = await t.app.inject({ ...attempt, headers });
      expect(reply.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
      if (attempt.method !== 'HEAD') expect(codeOf(reply)).toBe('WRONG_AUDIENCE');
      expectNothingOfBob(reply);
    }
  });

  it('refuses a customer’s cookie session on the admin record too, CSRF token or not', async () => {
    const issued = await sessions().create('customer', alice.id);
    const cookie = `${SESSION_COOKIE}=${issued.token}`;
    const csrf = await sessions().csrfToken(issued.session.id);
    const read = await t.app.inject({ url: `/admin/customers/${bob.id}`, headers: { cookie } });
    expect(outcome(read)).toBe('403 WRONG_AUDIENCE');
    const reveal = await t.app.inject({
      method: 'POST',
      url: `/admin/customers/${bob.id}/reveal`,
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { fields: ['email'], reason: 'Ticket SUP-8: checking the record' },
    });
    expect(outcome(reveal)).toBe('403 WRONG_AUDIENCE');
    expectNothingOfBob(read);
    expectNothingOfBob(reveal);
  });

  it('answers /store/me with the caller’s own record, whatever else the request names', async () => {
    const headers = await customerToken(alice.id);
    const urls = [
      '/store/me',
      `/store/me?id=${bob.id}`,
      `/store/me?customerId=${bob.id}&email=${encodeURIComponent(bob.email)}`,
    ];
    for (const url of urls) {
      const reply = await t.app.inject({
        url,
        headers: { ...headers, 'x-custodia-purpose': 'privacy_request' },
      });
      expect(reply.statusCode, url).toBe(200);
      expect(reply.json<{ id: string; email: string }>()).toMatchObject({
        id: alice.id,
        email: alice.email,
        name: 'Alice Example',
      });
      expectNothingOfBob(reply);
    }
    // A bearer token wins over a cookie: Bob's cookie beside Alice's token gives Alice's record.
    const bobSession = await sessions().create('customer', bob.id);
    const mixed = await t.app.inject({
      url: '/store/me',
      headers: { ...headers, cookie: `${SESSION_COOKIE}=${bobSession.token}` },
    });
    expect(mixed.json<{ id: string }>().id).toBe(alice.id);
    const current = await t.app.inject({ url: '/store/sessions/current', headers });
    expect(current.json<{ customerId: string }>().customerId).toBe(alice.id);
  });

  it('lets a customer’s password change and logout touch no other customer', async () => {
    const carol = await registerCustomer(t.app, { name: 'Carol Example' });
    const bobHeaders = await customerToken(bob.id);
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/store/me/password',
      headers: bearer(carol),
      payload: { currentPassword: carol.password, newPassword: syntheticPassword() },
    });
    expect(changed.statusCode).toBe(200);
    const loggedOut = await t.app.inject({
      method: 'DELETE',
      url: '/store/sessions/current',
      headers: bearer(changed.json<{ token: string }>()),
    });
    expect(loggedOut.statusCode).toBe(204);
    const stillBob = await t.app.inject({ url: '/store/me', headers: bobHeaders });
    expect(stillBob.json<{ id: string }>().id).toBe(bob.id);
    expect((await loginCustomer(t.app, bob.email, bob.password)).id).toBe(bob.id);
  });

  it('refuses a staff bearer token on every customer route with 403 WRONG_AUDIENCE', async () => {
    const headers = await staffToken(supportId);
    const customerRoutes = t.app.identity.routes.filter(
      (route) => route.url.startsWith('/store/') && route.access.audience !== 'public',
    );
    expect(customerRoutes.length).toBeGreaterThanOrEqual(5);
    for (const route of customerRoutes) {
      const reply = await t.app.inject({
        method: route.method as 'GET',
        url: route.url.replace(/:[a-zA-Z]+/g, bob.id),
        headers,
        ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
      });
      expect(outcome(reply), `${route.method} ${route.url}`).toBe('403 WRONG_AUDIENCE');
    }
    // The refused logout did not end the staff session.
    const still = await t.app.inject({ url: '/admin/sessions/current', headers });
    expect(still.statusCode).toBe(200);
  });

  it('refuses a customer bearer token on every staff route with 403 WRONG_AUDIENCE', async () => {
    const headers = await customerToken(alice.id);
    const staffRoutes = t.app.identity.routes.filter(
      (route) => route.url.startsWith('/admin/') && route.access.audience !== 'public',
    );
    expect(staffRoutes.length).toBeGreaterThanOrEqual(8);
    for (const route of staffRoutes) {
      const reply = await t.app.inject({
        method: route.method as 'GET',
        url: route.url.replace(/:[a-zA-Z]+/g, bob.id),
        headers,
        ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
      });
      expect(outcome(reply), `${route.method} ${route.url}`).toBe('403 WRONG_AUDIENCE');
      expectNothingOfBob(reply);
    }
  });

  it('answers an unknown customer id with 404 CUSTOMER_NOT_FOUND to staff who may read customers', async () => {
    const headers = await staffToken(supportId);
    const unknown = [
      `cus_${'0'.repeat(26)}`,
      supportId, // a staff id is no customer's
      "x' OR '1'='1",
      '..%2F..%2Fstaff',
    ];
    for (const id of unknown) {
      const url = `/admin/customers/${id.includes('%') ? id : encodeURIComponent(id)}`;
      const read = await t.app.inject({ url, headers });
      expect(outcome(read), url).toBe('404 CUSTOMER_NOT_FOUND');
      const reveal = await t.app.inject({
        method: 'POST',
        url: `${url}/reveal`,
        headers,
        payload: { fields: ['email'], reason: 'Ticket SUP-9: checking the record' },
      });
      expect(outcome(reveal), `${url}/reveal`).toBe('404 CUSTOMER_NOT_FOUND');
    }
    // A NUL in the path is refused before any route runs (PostgreSQL cannot store it).
    const nul = await t.app.inject({ url: '/admin/customers/cus_%00', headers });
    expect(outcome(nul)).toBe('400 INVALID_TEXT');
  });

  it('answers staff without the permission 403 PERMISSION_DENIED, known id or not (no existence oracle)', async () => {
    const headers = await staffToken(fulfilmentId);
    for (const id of [bob.id, `cus_${'0'.repeat(26)}`]) {
      const read = await t.app.inject({ url: `/admin/customers/${id}`, headers });
      expect(outcome(read)).toBe('403 PERMISSION_DENIED');
      expectNothingOfBob(read);
    }
  });

  it('refuses a tampered, a revoked and a deleted-session token with 401, for customers and staff', async () => {
    const db = tablesOf<SessionTables>(t.database.db);
    const cases = [
      { kind: 'customer' as const, id: alice.id, url: '/store/me' },
      { kind: 'staff' as const, id: supportId, url: `/admin/customers/${bob.id}` },
    ];
    for (const { kind, id, url } of cases) {
      const ask = (headers: Record<string, string>) => t.app.inject({ url, headers });
      const live = await sessions().create(kind, id);
      expect((await ask(bearer(live))).statusCode, `${kind} live`).toBe(200);
      const last = live.token.at(-1) === 'A' ? 'B' : 'A';
      const tampered = [
        `${live.token.slice(0, -1)}${last}`,
        `${live.token}A`,
        live.token.slice(1),
        live.token.toUpperCase() === live.token
          ? live.token.toLowerCase()
          : live.token.toUpperCase(),
      ];
      for (const token of tampered) {
        const reply = await ask({ authorization: `Bearer ${token}` });
        expect(outcome(reply), `${kind} tampered`).toBe('401 AUTHENTICATION_REQUIRED');
        const byCookie = await ask({ cookie: `${SESSION_COOKIE}=${token}` });
        expect(outcome(byCookie), `${kind} tampered cookie`).toBe('401 AUTHENTICATION_REQUIRED');
      }
      const revoked = await sessions().create(kind, id);
      await sessions().revoke(revoked.session.id);
      expect(outcome(await ask(bearer(revoked))), `${kind} revoked`).toBe(
        '401 AUTHENTICATION_REQUIRED',
      );
      const deleted = await sessions().create(kind, id);
      await db.deleteFrom('sessions').where('id', '=', deleted.session.id).execute();
      expect(outcome(await ask(bearer(deleted))), `${kind} deleted`).toBe(
        '401 AUTHENTICATION_REQUIRED',
      );
      // The live session was never disturbed by its neighbours.
      expect((await ask(bearer(live))).statusCode, `${kind} still live`).toBe(200);
    }
  });

  it('refuses a token after logout, and a staff token once the account is disabled, with 401', async () => {
    const headers = await customerToken(alice.id);
    const logout = await t.app.inject({
      method: 'DELETE',
      url: '/store/sessions/current',
      headers,
    });
    expect(logout.statusCode).toBe(204);
    const after = await t.app.inject({ url: '/store/me', headers });
    expect(outcome(after)).toBe('401 AUTHENTICATION_REQUIRED');

    const leaverId = await newStaff('support_agent');
    const staffHeaders = await staffToken(leaverId);
    const url = `/admin/customers/${bob.id}`;
    expect((await t.app.inject({ url, headers: staffHeaders })).statusCode).toBe(200);
    await tablesOf<StaffTables>(t.database.db)
      .updateTable('staff')
      .set({ disabled_at: Date.now() })
      .where('id', '=', leaverId)
      .execute();
    const disabled = await t.app.inject({ url, headers: staffHeaders });
    expect(outcome(disabled)).toBe('401 AUTHENTICATION_REQUIRED');
    expectNothingOfBob(disabled);
  });
});
