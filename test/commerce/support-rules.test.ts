// Customer support rules: C1.1 strict requests (bounds, unknown fields, order ids), paging;
// races between agents, and between an answer and the customer closing; C2.3 the ticket
// routes refused to every role but support, customers kept off the Admin API and staff
// off the Store API, with nothing of a conversation in any refusal.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createLoggedInStaff,
  type LoggedIn,
  type LoggedInStaff,
} from '../helpers/identity.js';
import type { TestApp } from '../helpers/test-app.js';
import { outcome } from '../helpers/shop.js';
import { useSupportWorld } from './support-world.js';
import { describeEachEngine } from '../helpers/test-engines.js';

const SUBJECT = 'Wrong size delivered';
const FIRST = 'I ordered the large teapot and received the small one.';
const ANSWER = 'We will swap it: a courier collects the small one tomorrow.';

describeEachEngine('support rules (C1.1, C2.3)', (engine) => {
  const world = useSupportWorld(engine);
  const { call } = world;
  let t: TestApp;
  let ada: LoggedIn;
  let ben: LoggedIn;
  let agentA: LoggedInStaff;
  let agentB: LoggedInStaff;
  let ticketId = '';
  const staffView = (session: LoggedInStaff, id = ticketId) => world.staffView(session, id);

  beforeAll(async () => {
    // The world's own beforeAll, registered first, has opened the app by now.
    ({ t, ada, ben, agentA, agentB } = world);
    const opened = await call(ada, 'POST', '/store/tickets', { subject: SUBJECT, body: FIRST });
    ticketId = opened.json<{ id: string }>().id;
    const answered = await call(agentA, 'POST', `/admin/tickets/${ticketId}/messages`, {
      body: ANSWER,
    });
    expect(answered.statusCode, answered.body).toBe(201);
  });

  describe('requests', () => {
    it('refuses bodies and subjects out of bounds, unknown fields and bad order ids', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ subject: '', body: FIRST }, '400 VALIDATION_FAILED'],
        [{ subject: '   ', body: FIRST }, '400 VALIDATION_FAILED'],
        [{ subject: 'x'.repeat(201), body: FIRST }, '400 VALIDATION_FAILED'],
        [{ subject: SUBJECT, body: 'x'.repeat(5001) }, '400 VALIDATION_FAILED'],
        [{ subject: SUBJECT }, '400 VALIDATION_FAILED'],
        [{ subject: SUBJECT, body: FIRST, priority: 'high' }, '400 UNKNOWN_FIELDS'],
        [{ subject: SUBJECT, body: FIRST, customerId: ben.id }, '400 UNKNOWN_FIELDS'],
        [{ subject: SUBJECT, body: FIRST, orderId: 'order-17' }, '400 TICKET_ORDER_INVALID'],
      ];
      for (const [payload, expected] of cases) {
        const reply = await call(ben, 'POST', '/store/tickets', payload);
        expect([payload, outcome(reply)]).toEqual([payload, expected]);
      }
      const longest = await call(ben, 'POST', '/store/tickets', {
        subject: 'x'.repeat(200),
        body: 'y'.repeat(5000),
      });
      expect(longest.statusCode, longest.body).toBe(201);
      const id = longest.json<{ id: string }>().id;
      const extra = await call(ben, 'POST', `/store/tickets/${id}/messages`, {
        body: 'hello',
        author: 'staff',
      });
      expect(outcome(extra)).toBe('400 UNKNOWN_FIELDS');
      const assign = await call(agentA, 'POST', `/admin/tickets/${id}/assign`, {
        staffId: agentA.id,
        status: 'closed',
      });
      expect(outcome(assign)).toBe('400 UNKNOWN_FIELDS');
      const query = await call(agentA, 'GET', '/admin/tickets?customerId=x');
      expect(outcome(query)).toBe('400 UNKNOWN_FIELDS');
      const limit = await call(agentA, 'GET', '/admin/tickets?limit=500');
      expect(outcome(limit)).toBe('400 VALIDATION_FAILED');
    });

    it('pages the queue newest first with a cursor', async () => {
      for (let i = 0; i < 3; i++) {
        const reply = await call(ben, 'POST', '/store/tickets', {
          subject: `Page ${i}`,
          body: 'b',
        });
        expect(reply.statusCode).toBe(201);
      }
      const seen: string[] = [];
      let next: string | null = null;
      do {
        const url: string = `/admin/tickets?limit=2${next === null ? '' : `&after=${next}`}`;
        const page = (await call(agentA, 'GET', url)).json<{
          tickets: { id: string; createdAt: string }[];
          next: string | null;
        }>();
        expect(page.tickets.length).toBeLessThanOrEqual(2);
        seen.push(...page.tickets.map((e) => e.id));
        next = page.next;
      } while (next !== null);
      const all = (await call(agentA, 'GET', '/admin/tickets?limit=50')).json<{
        tickets: { id: string }[];
      }>();
      expect(seen).toEqual(all.tickets.map((e) => e.id));
      expect(new Set(seen).size).toBe(seen.length);
    });
  });

  describe('races', () => {
    it('gives an unassigned ticket to exactly one of two agents answering at once', async () => {
      const opened = await call(ben, 'POST', '/store/tickets', { subject: 'Race', body: 'Who?' });
      const id = opened.json<{ id: string }>().id;
      const replies = await Promise.all(
        [agentA, agentB].map((agent) =>
          t.app.inject({
            method: 'POST',
            url: `/admin/tickets/${id}/messages`,
            headers: bearer(agent),
            payload: { body: `Answer from ${agent.id}` },
          }),
        ),
      );
      expect(replies.map(outcome).sort()).toEqual(['201', '403 TICKET_NOT_ASSIGNED_TO_YOU']);
      const winner = replies[0]?.statusCode === 201 ? agentA : agentB;
      const view = await staffView(winner, id);
      expect(view.assignedTo).toBe(winner.id);
      expect(view.messages.map((m) => m.authorId)).toEqual([ben.id, winner.id]);
    });

    it('stores no message on a ticket its customer closes at the same moment', async () => {
      const opened = await call(ben, 'POST', '/store/tickets', { subject: 'Race', body: 'Bye' });
      const id = opened.json<{ id: string }>().id;
      const [closed, late] = await Promise.all([
        t.app.inject({ method: 'POST', url: `/store/tickets/${id}/close`, headers: bearer(ben) }),
        t.app.inject({
          method: 'POST',
          url: `/admin/tickets/${id}/messages`,
          headers: bearer(agentA),
          payload: { body: 'Still there?' },
        }),
      ]);
      expect(closed.statusCode).toBe(200);
      const view = await staffView(agentA, id);
      expect(view.status).toBe('closed');
      // Either the answer landed before the close, or it was refused and not stored.
      if (late.statusCode === 201) expect(view.messages).toHaveLength(2);
      else {
        expect(outcome(late)).toBe('409 TICKET_CLOSED');
        expect(view.messages).toHaveLength(1);
      }
    });
  });

  describe('roles (C2.3)', () => {
    it('refuses the ticket routes to fulfilment, finance, privacy officers and admins', async () => {
      for (const role of [
        'fulfilment',
        'finance',
        'privacy_officer',
        'security_officer',
        'admin',
      ]) {
        const staff = await createLoggedInStaff(t, [role]);
        for (const reply of [
          await call(staff, 'GET', '/admin/tickets'),
          await call(staff, 'GET', `/admin/tickets/${ticketId}`),
          await call(staff, 'POST', `/admin/tickets/${ticketId}/assign`),
          await call(staff, 'POST', `/admin/tickets/${ticketId}/messages`, { body: 'hi' }),
        ]) {
          expect([role, outcome(reply)]).toEqual([role, '403 PERMISSION_DENIED']);
          for (const text of [SUBJECT, FIRST, ANSWER]) expect(reply.body).not.toContain(text);
        }
      }
    });

    it('keeps customers off the admin routes and staff off the store routes', async () => {
      expect(outcome(await call(ada, 'GET', '/admin/tickets'))).toBe('403 WRONG_AUDIENCE');
      expect(outcome(await call(ada, 'GET', `/admin/tickets/${ticketId}`))).toBe(
        '403 WRONG_AUDIENCE',
      );
      expect(outcome(await call(agentA, 'GET', '/store/tickets'))).toBe('403 WRONG_AUDIENCE');
      const open = await call(agentA, 'POST', '/store/tickets', { subject: 'x', body: 'y' });
      expect(outcome(open)).toBe('403 WRONG_AUDIENCE');
      const anonymous = await t.app.inject({ url: '/store/tickets' });
      expect(outcome(anonymous)).toBe('401 AUTHENTICATION_REQUIRED');
    });
  });
});
