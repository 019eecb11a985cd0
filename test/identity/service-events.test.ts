// C1.3: the service-interaction log — every customer sign-in (and a wrong password on an
// existing account) is recorded with the IPv4 /24 or IPv6 /48 network and the user agent,
// sealed under the customer's key, audited in the same commit, and shown to the customer
// alone through GET /store/me/sign-ins. The full client address is kept nowhere.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceEventTables } from '../../src/identity/service-events/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import {
  bearer,
  createLoggedInStaff,
  registerCustomer,
  syntheticEmail,
  syntheticPassword,
  type LoggedIn,
} from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

interface SignIn {
  id: string;
  kind: string;
  occurredAt: string;
  network: string | null;
  userAgent: string | null;
}

const codeOf = (response: LightMyRequestResponse) =>
  response.json<{ error: { code: string } }>().error.code;

describeEachEngine('service-interaction log (C1.3)', (engine) => {
  let t: TestApp;
  let customer: LoggedIn;
  let other: LoggedIn;

  const rowsOf = (subjectId: string) =>
    tablesOf<ServiceEventTables>(t.database.db)
      .selectFrom('service_events')
      .selectAll()
      .where('subject_id', '=', subjectId)
      .orderBy('occurred_at', 'asc')
      .execute();
  const auditOf = (requestId: string) =>
    tablesOf<AuditTables>(t.database.db)
      .selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('id', 'asc')
      .execute();
  const login = (
    account: { email: string; password: string },
    remoteAddress: string,
    userAgent?: string,
  ) =>
    t.app.inject({
      method: 'POST',
      url: '/store/sessions',
      payload: { email: account.email, password: account.password },
      remoteAddress,
      headers: userAgent === undefined ? {} : { 'user-agent': userAgent },
    });
  const signIns = async (session: { token: string }, query = '') => {
    const response = await t.app.inject({
      url: `/store/me/sign-ins${query}`,
      headers: bearer(session),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ signIns: SignIn[] }>().signIns;
  };

  beforeAll(async () => {
    t = await createTestApp(engine);
    customer = await registerCustomer(t.app);
    other = await registerCustomer(t.app);
  });
  afterAll(async () => t.close());

  it('records a sign-in with the IPv4 /24 network and the user agent, sealed (C1.3)', async () => {
    const before = (await rowsOf(customer.id)).length;
    const response = await login(customer, '198.51.100.77', 'TestBrowser/1.0 (Example OS)');
    expect(response.statusCode).toBe(201);
    const rows = await rowsOf(customer.id);
    expect(rows).toHaveLength(before + 1);
    const row = rows.at(-1);
    expect(row?.kind).toBe('login');
    expect(row?.id).toMatch(/^sev_[0-9a-z]{26}$/);
    // Ciphertext only: neither the network nor the agent is readable in the row.
    for (const sealed of [row?.ip_truncated, row?.user_agent]) {
      expect(Buffer.isBuffer(sealed)).toBe(true);
      expect(sealed?.toString('latin1')).not.toContain('198.51.100');
      expect(sealed?.toString('latin1')).not.toContain('TestBrowser');
    }
    const session = response.json<{ token: string }>();
    const [newest] = await signIns(session);
    expect(newest).toMatchObject({
      id: row?.id,
      kind: 'login',
      network: '198.51.100.0',
      userAgent: 'TestBrowser/1.0 (Example OS)',
    });
  });

  it('records a password change and a sign-out too, each with its network', async () => {
    const account = await registerCustomer(t.app);
    const signedIn = await login(account, '203.0.113.41', 'TestBrowser/2.0');
    expect(signedIn.statusCode).toBe(201);
    const newPassword = `${account.password}-changed`;
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/store/me/password',
      headers: bearer(signedIn.json<{ token: string }>()),
      payload: { currentPassword: account.password, newPassword },
      remoteAddress: '203.0.113.42',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const loggedOut = await t.app.inject({
      method: 'DELETE',
      url: '/store/sessions/current',
      headers: bearer(changed.json<{ token: string }>()),
      remoteAddress: '203.0.113.43',
    });
    expect(loggedOut.statusCode).toBe(204);
    // Order within one millisecond is not defined, so the kinds are compared as a set.
    const kinds = (await rowsOf(account.id)).map((row) => row.kind).sort();
    expect(kinds).toEqual(['login', 'login', 'logout', 'password_change']);
    const again = await login({ ...account, password: newPassword }, '203.0.113.44');
    const listed = await signIns(again.json<{ token: string }>());
    for (const kind of ['logout', 'password_change']) {
      expect(listed).toContainEqual(expect.objectContaining({ kind, network: '203.0.113.0' }));
    }
  });

  it('keeps only the /48 of an IPv6 address, the /24 of an IPv4-mapped one, and no blank user agent', async () => {
    const response = await login(customer, '2001:db8:85a3:1234:5678:8a2e:370:7334', 'Agent/6');
    expect(response.statusCode).toBe(201);
    const [newest] = await signIns(response.json<{ token: string }>());
    expect(newest).toMatchObject({
      kind: 'login',
      network: '2001:db8:85a3::',
      userAgent: 'Agent/6',
    });
    const mapped = await login(customer, '::ffff:192.0.2.200', '   ');
    const [fromMapped] = await signIns(mapped.json<{ token: string }>());
    // An IPv4 client behind an IPv4-mapped address is truncated as IPv4; a blank agent is none.
    expect(fromMapped).toMatchObject({ network: '192.0.2.0', userAgent: null });
  });

  it('cuts the user agent to 512 characters (C1.3: nothing excessive)', async () => {
    const long = `LongAgent/${'x'.repeat(1000)}`;
    const response = await login(customer, '192.0.2.1', long);
    const [newest] = await signIns(response.json<{ token: string }>());
    expect(newest?.userAgent).toBe(long.slice(0, 512));
  });

  it('records the sign-in and its audit events in one commit, with the categories', async () => {
    const response = await login(customer, '203.0.113.9', 'Audited/1');
    const requestId = String(response.headers['x-request-id']);
    const events = await auditOf(requestId);
    expect(events.map((event) => [event.action, event.outcome])).toEqual([
      ['session.create', 'success'],
      ['service_event.record', 'success'],
    ]);
    const recorded = events[1];
    expect(recorded).toMatchObject({
      actor_id: customer.id,
      actor_role: 'customer',
      subject_id: customer.id,
      purpose: 'risk_mitigation',
      decision: 'none',
    });
    expect(JSON.parse(recorded?.categories ?? '[]')).toEqual([
      'service.network',
      'service.user_agent',
    ]);
    const detail = JSON.parse(recorded?.detail ?? '{}') as Record<string, unknown>;
    expect(Object.keys(detail).sort()).toEqual(['kind', 'serviceEvent']);
    expect(detail['kind']).toBe('login');
    expect(detail['serviceEvent']).toMatch(/^sev_[0-9a-z]{26}$/);
  });

  it('records a wrong password on an existing account as login_failed, and nothing for an unknown address', async () => {
    const wrong = await login(
      { email: customer.email, password: syntheticPassword() },
      '192.0.2.77',
    );
    expect(wrong.statusCode).toBe(401);
    const failedEvents = await auditOf(String(wrong.headers['x-request-id']));
    expect(failedEvents.map((event) => [event.action, event.outcome])).toEqual([
      ['session.create', 'failure'],
      ['service_event.record', 'success'],
    ]);
    const rows = await tablesOf<ServiceEventTables>(t.database.db)
      .selectFrom('service_events')
      .select(['subject_id', 'kind'])
      .execute();
    const unknown = await login(
      { email: syntheticEmail('nobody'), password: syntheticPassword() },
      '192.0.2.78',
    );
    expect(unknown.statusCode).toBe(401);
    expect(
      await tablesOf<ServiceEventTables>(t.database.db)
        .selectFrom('service_events')
        .select(['subject_id', 'kind'])
        .execute(),
    ).toHaveLength(rows.length);
    const unknownEvents = await auditOf(String(unknown.headers['x-request-id']));
    expect(unknownEvents.map((event) => event.action)).toEqual(['session.create']);
    // The holder sees the failed attempt among their sign-ins.
    const [newest] = await signIns(customer);
    expect(newest).toMatchObject({ kind: 'login_failed', network: '192.0.2.0' });
  });

  it('shows each customer only their own sign-ins, newest first, within the limit', async () => {
    await login(other, '192.0.2.150', 'OtherAgent/2');
    const mine = await signIns(customer);
    const theirs = await signIns(other);
    const mineIds = new Set((await rowsOf(customer.id)).map((row) => row.id));
    const theirIds = new Set((await rowsOf(other.id)).map((row) => row.id));
    expect(mine.every((entry) => mineIds.has(entry.id))).toBe(true);
    expect(theirs.every((entry) => theirIds.has(entry.id))).toBe(true);
    expect(theirs[0]).toMatchObject({ network: '192.0.2.0', userAgent: 'OtherAgent/2' });
    const times = mine.map((entry) => Date.parse(entry.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(await signIns(customer, '?limit=2')).toHaveLength(2);
  });

  it('reads through the access engine for identity verification, audited as service_event.read', async () => {
    const response = await t.app.inject({ url: '/store/me/sign-ins', headers: bearer(customer) });
    const events = await auditOf(String(response.headers['x-request-id']));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'service_event.read',
      actor_id: customer.id,
      subject_id: customer.id,
      purpose: 'identity_verification',
      decision: 'clear',
      outcome: 'success',
    });
  });

  describe('refusals', () => {
    it('refuses staff, anonymous callers and unknown query fields', async () => {
      const staff = await createLoggedInStaff(t, ['security_officer']);
      const asStaff = await t.app.inject({ url: '/store/me/sign-ins', headers: bearer(staff) });
      expect([asStaff.statusCode, codeOf(asStaff)]).toEqual([403, 'WRONG_AUDIENCE']);
      const anonymous = await t.app.inject({ url: '/store/me/sign-ins' });
      expect([anonymous.statusCode, codeOf(anonymous)]).toEqual([401, 'AUTHENTICATION_REQUIRED']);
      const unknown = await t.app.inject({
        url: `/store/me/sign-ins?subjectId=${other.id}`,
        headers: bearer(customer),
      });
      expect([unknown.statusCode, codeOf(unknown)]).toEqual([400, 'UNKNOWN_FIELDS']);
      const tooMany = await t.app.inject({
        url: '/store/me/sign-ins?limit=1000',
        headers: bearer(customer),
      });
      expect([tooMany.statusCode, codeOf(tooMany)]).toEqual([400, 'VALIDATION_FAILED']);
    });
  });
});
