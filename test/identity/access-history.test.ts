// C3.3, C3.4: a customer reads who used their data — when, by which role, why, which
// categories, reveals marked — and nothing about anyone else: no other customer's events,
// no staff member's id, no reveal's ticket id.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tablesOf } from '../../src/platform/db/index.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import {
  bearer,
  createLoggedInStaff,
  registerCustomer,
  type LoggedIn,
  type LoggedInStaff,
} from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

interface Entry {
  id: number;
  occurredAt: string;
  by: string;
  roles: string[];
  action: string;
  description: string;
  purpose: string | null;
  categories: { category: string; label: string }[];
  reveal: boolean;
  outcome: string;
}
interface History {
  events: Entry[];
  nextBefore: number | null;
}

const TICKET = 'TCK-90210';
const REASON = 'Customer called to confirm the address on file, ticket TCK-90210';
const codeOf = (response: LightMyRequestResponse) =>
  response.json<{ error?: { code: string } }>().error?.code;

describeEachEngine('customer access history (C3.3, C3.4)', (engine) => {
  let t: TestApp;
  let a: LoggedIn;
  let b: LoggedIn;
  let agent: LoggedInStaff;
  let privacy: LoggedInStaff;
  let security: LoggedInStaff;
  /** Every staff id, and every request id the staff sent: none may reach a customer. */
  const staffTraces: string[] = [];

  const history = (as: { token: string }, query: Record<string, string> = {}) =>
    t.app.inject({ url: '/store/me/access-history', query, headers: bearer(as) });
  const read = async (as: { token: string }, query: Record<string, string> = {}) => {
    const response = await history(as, query);
    expect(response.statusCode, response.body).toBe(200);
    for (const trace of staffTraces) expect(response.body).not.toContain(trace);
    expect(response.body).not.toContain(TICKET);
    return response.json<History>();
  };
  const staffCall = async (
    as: LoggedInStaff,
    method: 'GET' | 'POST',
    url: string,
    extra: { payload?: Record<string, unknown>; purpose?: string } = {},
  ) => {
    const response = await t.app.inject({
      method,
      url,
      headers: {
        ...bearer(as),
        ...(extra.purpose === undefined ? {} : { 'x-custodia-purpose': extra.purpose }),
      },
      ...(extra.payload === undefined ? {} : { payload: extra.payload }),
    });
    staffTraces.push(String(response.headers['x-request-id']));
    return response;
  };
  const subjectOf = async (ids: readonly number[]) =>
    ids.length === 0
      ? []
      : (
          await tablesOf<AuditTables>(t.database.db)
            .selectFrom('audit_events')
            .select('subject_id')
            .where('id', 'in', ids)
            .execute()
        ).map((row) => row.subject_id);

  beforeAll(async () => {
    t = await createTestApp(engine);
    a = await registerCustomer(t.app, { name: 'Ada Access', phone: '+44 20 7946 0999' });
    b = await registerCustomer(t.app, { name: 'Bea Bystander' });
    agent = await createLoggedInStaff(t, ['support_agent']);
    privacy = await createLoggedInStaff(t, ['privacy_officer']);
    security = await createLoggedInStaff(t, ['security_officer']);
    staffTraces.push(agent.id, privacy.id, security.id);

    // What staff do to A: a masked read, a reveal with a ticket, a refused reveal (the
    // privacy officer may not reveal for customer support), and a look at A's audit trail.
    expect((await staffCall(agent, 'GET', `/admin/customers/${a.id}`)).statusCode).toBe(200);
    const revealUrl = `/admin/customers/${a.id}/reveal`;
    const revealed = await staffCall(agent, 'POST', revealUrl, {
      payload: { fields: ['email'], reason: REASON, ticketId: TICKET },
    });
    expect(revealed.statusCode).toBe(200);
    const refused = await staffCall(privacy, 'POST', revealUrl, {
      payload: { fields: ['phone'], reason: REASON },
      purpose: 'customer_support',
    });
    expect([refused.statusCode, codeOf(refused)]).toEqual([403, 'REVEAL_DENIED']);
    const looked = await staffCall(privacy, 'GET', `/admin/audit/events?subjectId=${a.id}`, {
      purpose: 'privacy_request',
    });
    expect(looked.statusCode).toBe(200);
    // A background process with an action no wording knows yet (processor disclosures).
    await t.app.identity.audit.record([
      {
        occurredAt: new Date(),
        actorId: 'system:disclosure',
        actorRole: 'system',
        action: 'disclosure.deliver',
        purpose: 'shipping',
        subjectId: a.id,
        categories: ['delivery.address'],
        decision: 'clear',
        requestId: null,
        outcome: 'success',
      },
    ]);
  });
  afterAll(async () => t.close());

  it("shows staff's masked read and reveal of A, with role, purpose and categories, the reveal marked", async () => {
    const { events, nextBefore } = await read(a);
    expect(nextBefore).toBeNull();
    const strip = ({ id: _id, occurredAt: _at, ...rest }: Entry) => rest;
    expect(events.map(strip)).toEqual([
      {
        by: 'system',
        roles: ['system'],
        action: 'disclosure.deliver',
        description: 'used your data',
        purpose: 'shipping',
        categories: [{ category: 'delivery.address', label: 'Delivery and billing addresses' }],
        reveal: false,
        outcome: 'success',
      },
      {
        by: 'staff',
        roles: ['privacy_officer'],
        action: 'audit.query',
        description: 'looked at the record of who used your data',
        purpose: 'privacy_request',
        categories: [],
        reveal: false,
        outcome: 'success',
      },
      {
        by: 'staff',
        roles: ['privacy_officer'],
        action: 'customer.reveal',
        description: 'tried to reveal your phone number in the clear',
        purpose: 'customer_support',
        categories: [{ category: 'registration.phone', label: 'Phone number' }],
        reveal: true,
        outcome: 'denied',
      },
      {
        by: 'staff',
        roles: ['support_agent'],
        action: 'customer.reveal',
        description: 'revealed your email address in the clear',
        purpose: 'customer_support',
        categories: [{ category: 'registration.email', label: 'Email address' }],
        reveal: true,
        outcome: 'success',
      },
      {
        by: 'staff',
        roles: ['support_agent'],
        action: 'customer.read',
        description: 'viewed your profile',
        purpose: 'customer_support',
        categories: [
          { category: 'registration.email', label: 'Email address' },
          { category: 'registration.name', label: 'Name' },
          { category: 'registration.phone', label: 'Phone number' },
        ],
        reveal: false,
        outcome: 'success',
      },
    ]);
    for (const event of events) expect(Date.parse(event.occurredAt)).not.toBeNaN();
  });

  it("leaves A's events out of B's history, and B's out of A's, whatever is asked", async () => {
    // B was only registered and logged in: nobody else used B's data.
    expect((await read(b)).events).toEqual([]);
    const ownA = await read(a, { includeOwn: 'true', limit: '200' });
    const ownB = await read(b, { includeOwn: 'true', limit: '200' });
    expect(ownB.events.length).toBeGreaterThan(0);
    expect(new Set(await subjectOf(ownA.events.map((e) => e.id)))).toEqual(new Set([a.id]));
    expect(new Set(await subjectOf(ownB.events.map((e) => e.id)))).toEqual(new Set([b.id]));
    // The page cursor moves within one's own history; no parameter names another customer.
    const named = await history(b, { subjectId: a.id });
    expect([named.statusCode, codeOf(named)]).toEqual([400, 'UNKNOWN_FIELDS']);
    expect(named.body).not.toContain(a.id);
    const [newestOfA] = ownA.events;
    const paged = await read(b, { includeOwn: 'true', before: String((newestOfA?.id ?? 0) + 1) });
    expect(paged.events.map((e) => e.id)).toEqual(ownB.events.map((e) => e.id));
  });

  it("lists the customer's own acts only when asked, as 'you'", async () => {
    const others = await read(a);
    expect(others.events.every((event) => event.by !== 'you')).toBe(true);
    const own = await read(a, { includeOwn: 'true' });
    const mine = own.events.filter((event) => event.by === 'you');
    expect(mine.map((event) => [event.action, event.description, event.roles])).toEqual([
      ['service_event.record', 'recorded a sign-in to your account', ['customer']],
      ['session.create', 'signed in to your account', ['customer']],
      ['customer.register', 'created your account', ['customer']],
    ]);
    expect(own.events.filter((event) => event.by !== 'you')).toEqual(others.events);
  });

  it('pages newest first with a before cursor', async () => {
    const all = (await read(a, { includeOwn: 'true' })).events.map((e) => e.id);
    expect(all).toEqual([...all].sort((x, y) => y - x));
    const seen: number[] = [];
    let before: number | null = null;
    do {
      const query: Record<string, string> = { includeOwn: 'true', limit: '2' };
      if (before !== null) query['before'] = String(before);
      const pageOf: History = await read(a, query);
      expect(pageOf.events.length).toBeLessThanOrEqual(2);
      seen.push(...pageOf.events.map((e) => e.id));
      before = pageOf.nextBefore;
    } while (before !== null);
    expect(seen).toEqual(all);
  });

  it('refuses malformed queries with 400, and staff with 403', async () => {
    for (const [query, code] of [
      [{ includeOwn: 'yes' }, 'VALIDATION_FAILED'],
      [{ limit: '500' }, 'VALIDATION_FAILED'],
      [{ before: 'newest' }, 'VALIDATION_FAILED'],
      [{ actorId: security.id }, 'UNKNOWN_FIELDS'],
    ] as const) {
      const response = await history(a, query);
      expect([query, response.statusCode, codeOf(response)]).toEqual([query, 400, code]);
    }
    const staff = await history(security);
    expect([staff.statusCode, codeOf(staff)]).toEqual([403, 'WRONG_AUDIENCE']);
  });
});
