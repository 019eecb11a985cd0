// C3.3: the audit query API. Staff with `audit.read` (security and privacy officers) filter
// the log by time, actor, subject, action, purpose, outcome and decision, newest first, a
// page at a time; everyone else is refused; every query is itself audited, naming its
// filters but not their values; malformed filters are refused with stable codes.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tablesOf } from '../../src/platform/db/index.js';
import type { AuditEvent, AuditSealTables } from '../../src/privacy/audit/index.js';
import { bearer, createLoggedInStaff, type LoggedInStaff } from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

interface EventReply {
  id: number;
  seq: number | null;
  occurredAt: string;
  actorId: string;
  actorRole: string;
  action: string;
  purpose: string | null;
  subjectId: string | null;
  categories: string[];
  decision: string;
  requestId: string | null;
  outcome: string;
  detail: Record<string, unknown> | null;
}
interface PageReply {
  events: EventReply[];
  nextBefore: number | null;
}

const T0 = Date.parse('2020-03-01T00:00:00Z');
const MINUTE = 60_000;
// The seeded events lie before this; queries of a subject are themselves events about that
// subject (written now), so the tests that count seeded events look only before it.
const SEEDED_UNTIL = '2020-03-02T00:00:00Z';
const token = () => randomBytes(6).toString('hex');
const codeOf = (response: LightMyRequestResponse) =>
  response.json<{ error?: { code: string } }>().error?.code;

describeEachEngine('audit query API (C3.3)', (engine) => {
  let t: TestApp;
  let security: LoggedInStaff;
  let privacy: LoggedInStaff;
  let others: Record<'support_agent' | 'fulfilment' | 'admin' | 'finance', LoggedInStaff>;

  beforeAll(async () => {
    t = await createTestApp(engine);
    security = await createLoggedInStaff(t, ['security_officer']);
    privacy = await createLoggedInStaff(t, ['privacy_officer']);
    others = {
      support_agent: await createLoggedInStaff(t, ['support_agent']),
      fulfilment: await createLoggedInStaff(t, ['fulfilment']),
      admin: await createLoggedInStaff(t, ['admin']),
      finance: await createLoggedInStaff(t, ['finance']),
    };
  });
  afterAll(async () => t.close());

  const query = (
    as: { token: string },
    params: Record<string, string>,
    purpose?: string,
  ): Promise<LightMyRequestResponse> =>
    t.app.inject({
      url: '/admin/audit/events',
      query: params,
      headers: {
        ...bearer(as),
        ...(purpose === undefined ? {} : { 'x-custodia-purpose': purpose }),
      },
    });
  const page = async (params: Record<string, string>): Promise<PageReply> => {
    const response = await query(security, params);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<PageReply>();
  };
  const auditRows = () => tablesOf<AuditSealTables>(t.database.db).selectFrom('audit_events');

  /**
   * Seven synthetic events about one fresh subject, a minute apart from T0, by two
   * fresh actors; returned oldest first with their ids.
   */
  async function seed(): Promise<{
    subject: string;
    actors: [string, string];
    ids: number[];
  }> {
    const subject = `cus_seed${token()}`;
    const actors: [string, string] = [`stf_a${token()}`, `stf_b${token()}`];
    const base = {
      actorRole: 'support_agent',
      subjectId: subject,
      categories: ['registration.email' as const],
      requestId: null,
    };
    const plan: Pick<AuditEvent, 'action' | 'purpose' | 'decision' | 'outcome'>[] = [
      {
        action: 'customer.read',
        purpose: 'customer_support',
        decision: 'masked',
        outcome: 'success',
      },
      {
        action: 'customer.reveal',
        purpose: 'customer_support',
        decision: 'clear',
        outcome: 'success',
      },
      {
        action: 'customer.read',
        purpose: 'risk_mitigation',
        decision: 'masked',
        outcome: 'success',
      },
      {
        action: 'customer.reveal',
        purpose: 'privacy_request',
        decision: 'deny',
        outcome: 'denied',
      },
      {
        action: 'customer.read',
        purpose: 'customer_support',
        decision: 'none',
        outcome: 'failure',
      },
      {
        action: 'customer.list',
        purpose: 'customer_support',
        decision: 'masked',
        outcome: 'success',
      },
      {
        action: 'customer.read',
        purpose: 'privacy_request',
        decision: 'masked',
        outcome: 'success',
      },
    ];
    // One at a time, so ids follow the plan's order.
    for (const [i, facts] of plan.entries()) {
      await t.app.identity.audit.record([
        {
          ...base,
          ...facts,
          actorId: actors[i % 2] ?? '',
          occurredAt: new Date(T0 + i * MINUTE),
        },
      ]);
    }
    const rows = await auditRows()
      .select('id')
      .where('subject_id', '=', subject)
      .orderBy('id', 'asc')
      .execute();
    return { subject, actors, ids: rows.map((row) => Number(row.id)) };
  }
  /** The seeded events' positions (0 = oldest) that a page lists, in its order. */
  const positions = (reply: PageReply, ids: readonly number[]) =>
    reply.events.map((event) => ids.indexOf(event.id));

  it('filters by subject, actor, action, purpose, outcome and decision, newest first', async () => {
    const { subject, actors, ids } = await seed();
    expect(positions(await page({ subjectId: subject }), ids)).toEqual([6, 5, 4, 3, 2, 1, 0]);
    expect(positions(await page({ actorId: actors[1] }), ids)).toEqual([5, 3, 1]);
    const filtered = (params: Record<string, string>) =>
      page({ subjectId: subject, to: SEEDED_UNTIL, ...params }).then((reply) =>
        positions(reply, ids),
      );
    expect(await filtered({ action: 'customer.reveal' })).toEqual([3, 1]);
    expect(await filtered({ purpose: 'privacy_request' })).toEqual([6, 3]);
    expect(await filtered({ outcome: 'failure' })).toEqual([4]);
    expect(await filtered({ decision: 'masked' })).toEqual([6, 5, 2, 0]);
    expect(await filtered({ actorId: actors[0], action: 'customer.read' })).toEqual([6, 4, 2, 0]);
    expect(await filtered({ action: 'customer.erase' })).toEqual([]);

    const [newest] = (await page({ subjectId: subject, to: SEEDED_UNTIL, limit: '1' })).events;
    // seq is the sealer's, which runs in the background: its own test below.
    expect({ ...newest, seq: 'sealed or not' }).toEqual({
      id: ids[6],
      seq: 'sealed or not',
      occurredAt: new Date(T0 + 6 * MINUTE).toISOString(),
      actorId: actors[0],
      actorRole: 'support_agent',
      action: 'customer.read',
      purpose: 'privacy_request',
      subjectId: subject,
      categories: ['registration.email'],
      decision: 'masked',
      requestId: null,
      outcome: 'success',
      detail: null,
    });
  });

  it("shows each event's place in the sealed chain once the sealer has numbered it", async () => {
    const { subject, ids } = await seed();
    const sealing = t.app.auditSealing;
    expect(sealing).toBeDefined();
    await sealing?.sealer.sealPending();
    const stored = await auditRows()
      .select(['id', 'seq'])
      .where('subject_id', '=', subject)
      .orderBy('id', 'desc')
      .execute();
    const seqs = (await page({ subjectId: subject, to: SEEDED_UNTIL })).events.map((e) => e.seq);
    expect(seqs).toEqual(
      stored.filter((row) => ids.includes(Number(row.id))).map((row) => Number(row.seq)),
    );
    // Sealed in id order: the newest has the highest number.
    expect(seqs.every((seq) => seq !== null && seq > 0)).toBe(true);
    expect(seqs).toEqual([...seqs].sort((x, y) => (y ?? 0) - (x ?? 0)));
  });

  it('filters by time: from is inclusive, to exclusive, offsets honoured', async () => {
    const { subject, ids } = await seed();
    const at = (minutes: number) => new Date(T0 + minutes * MINUTE).toISOString();
    const inRange = (params: Record<string, string>) =>
      page({ subjectId: subject, ...params }).then((reply) => positions(reply, ids));
    expect(await inRange({ from: at(2), to: at(5) })).toEqual([4, 3, 2]);
    expect(await inRange({ from: at(5), to: SEEDED_UNTIL })).toEqual([6, 5]);
    expect(await inRange({ to: at(1) })).toEqual([0]);
    // 01:03 at +01:00 is 00:03 UTC.
    expect(await inRange({ from: '2020-03-01T01:03:00+01:00', to: at(4) })).toEqual([3]);
  });

  it('pages with a before cursor that stays stable while events arrive', async () => {
    const { subject, ids } = await seed();
    const seeded = { subjectId: subject, to: SEEDED_UNTIL };
    const first = await page({ ...seeded, limit: '3' });
    expect(positions(first, ids)).toEqual([6, 5, 4]);
    expect(first.nextBefore).toBe(ids[4]);
    // A new event after the first page neither repeats nor hides one on the next pages.
    await t.app.identity.audit.record([
      {
        occurredAt: new Date(T0 + 9 * MINUTE),
        actorId: 'system:test',
        actorRole: 'system',
        action: 'customer.read',
        purpose: 'account',
        subjectId: subject,
        categories: [],
        decision: 'none',
        requestId: null,
        outcome: 'success',
      },
    ]);
    const second = await page({ ...seeded, limit: '3', before: String(first.nextBefore) });
    expect(positions(second, ids)).toEqual([3, 2, 1]);
    const third = await page({ ...seeded, limit: '3', before: String(second.nextBefore) });
    expect(positions(third, ids)).toEqual([0]);
    expect(third.nextBefore).toBeNull();
    // An exactly full last page says so too.
    const all = await page({ ...seeded, limit: '8' });
    expect(all.events).toHaveLength(8);
    expect(all.nextBefore).toBeNull();
  });

  it('lets the security and privacy officers query, and refuses every other role with 403', async () => {
    expect((await query(security, {})).statusCode).toBe(200);
    expect((await query(privacy, {}, 'privacy_request')).statusCode).toBe(200);
    for (const [role, staff] of Object.entries(others)) {
      const response = await query(staff, {});
      expect([role, response.statusCode, codeOf(response)]).toEqual([
        role,
        403,
        'PERMISSION_DENIED',
      ]);
      expect(response.body).not.toContain('"events"');
    }
  });

  it('audits every query with actor, role, purpose and the filters by name, never their values', async () => {
    const { subject, actors } = await seed();
    const response = await query(
      privacy,
      { subjectId: subject, actorId: actors[0], action: 'customer.read', limit: '2' },
      'privacy_request',
    );
    expect(response.statusCode).toBe(200);
    const requestId = response.headers['x-request-id'];
    expect(typeof requestId).toBe('string');
    const rows = await auditRows()
      .selectAll()
      .where('request_id', '=', String(requestId))
      .execute();
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({
      actor_id: privacy.id,
      actor_role: 'privacy_officer',
      action: 'audit.query',
      purpose: 'privacy_request',
      subject_id: subject,
      decision: 'none',
      outcome: 'success',
    });
    expect(JSON.parse(row?.categories ?? 'null')).toEqual([]);
    expect(JSON.parse(row?.detail ?? 'null')).toEqual({
      filters: 'actorId,subjectId,action',
      paged: false,
      limit: 2,
      returned: 2,
    });
    expect(row?.detail).not.toContain(actors[0]);
    expect(row?.detail).not.toContain('customer.read');

    // The security officer's default purpose; a query without filters names none.
    const unfiltered = await query(security, {});
    const [own] = await auditRows()
      .selectAll()
      .where('request_id', '=', String(unfiltered.headers['x-request-id']))
      .execute();
    expect(own).toMatchObject({
      actor_id: security.id,
      actor_role: 'security_officer',
      purpose: 'risk_mitigation',
      subject_id: null,
    });
    expect(JSON.parse(own?.detail ?? 'null')).toMatchObject({ filters: 'none' });
    // The query's own event is written after it ran: it is not in its own answer.
    const listed = unfiltered.json<PageReply>().events.map((event) => event.id);
    expect(listed).not.toContain(Number(own?.id));
  });

  it('refuses malformed filters with 400 and a stable code, without echoing them or auditing a read', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ colour: 'red' }, 'UNKNOWN_FIELDS'],
      [{ from: 'yesterday' }, 'VALIDATION_FAILED'],
      [{ to: '2020-03-01T00:00:00' }, 'VALIDATION_FAILED'],
      [{ limit: '0' }, 'VALIDATION_FAILED'],
      [{ limit: '201' }, 'VALIDATION_FAILED'],
      [{ before: '-4' }, 'VALIDATION_FAILED'],
      [{ before: 'evt_x' }, 'VALIDATION_FAILED'],
      [{ purpose: 'curiosity' }, 'VALIDATION_FAILED'],
      [{ outcome: 'maybe' }, 'VALIDATION_FAILED'],
      [{ decision: 'peek' }, 'VALIDATION_FAILED'],
      [{ actorId: 'ada.lovelace@example.test' }, 'VALIDATION_FAILED'],
      [{ subjectId: 'Ada Lovelace' }, 'VALIDATION_FAILED'],
      [{ action: 'customer.read by ada@example.test' }, 'VALIDATION_FAILED'],
      [{ from: '2020-03-01T00:05:00Z', to: '2020-03-01T00:05:00Z' }, 'AUDIT_RANGE_INVALID'],
      [{ from: '2020-03-02T00:00:00Z', to: '2020-03-01T00:00:00Z' }, 'AUDIT_RANGE_INVALID'],
    ];
    const refused: string[] = [];
    for (const [params, code] of cases) {
      const response = await query(security, params);
      expect([params, response.statusCode, codeOf(response)]).toEqual([params, 400, code]);
      // Long values only: a digit or two turns up in any body (the request id).
      for (const value of Object.values(params).filter((v) => v.length >= 8)) {
        expect(response.body).not.toContain(value);
      }
      refused.push(String(response.headers['x-request-id']));
    }
    const wrongPurpose = await query(security, {}, 'customer_support');
    expect([wrongPurpose.statusCode, codeOf(wrongPurpose)]).toEqual([400, 'PURPOSE_NOT_SERVED']);
    // Nothing was read, so there is no query to audit.
    const logged = await auditRows()
      .select('id')
      .where('request_id', 'in', refused)
      .where('action', '=', 'audit.query')
      .execute();
    expect(logged).toEqual([]);
  });
});
