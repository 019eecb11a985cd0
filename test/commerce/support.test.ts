// Customer support through the Store and Admin APIs: a ticket's life from opening to
// closing; C2.3 and C2.5: a conversation in the clear only for its customer and for the
// support agent assigned to it, redacted for every other reader, refused to roles
// without the permission; another customer's ticket is not found; C3.3: every read and
// write is an audit event without content.
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/platform/ids.js';
import { tablesOf } from '../../src/platform/db/index.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import { createLoggedInStaff, type LoggedIn, type LoggedInStaff } from '../helpers/identity.js';
import type { TestApp } from '../helpers/test-app.js';
import { outcome } from '../helpers/shop.js';
import { useSupportWorld, type StaffTicket } from './support-world.js';
import { describeEachEngine } from '../helpers/test-engines.js';

interface CustomerTicket {
  id: string;
  status: string;
  orderId: string | null;
  subject: string | null;
  messages: { id: string; author: string; body: string | null }[];
}

const SUBJECT = 'Parcel arrived with a dented lid';
const FIRST = 'The lid of the tea tin was dented on arrival; could you send a new one?';
const ANSWER = 'Sorry about that: a replacement tin is on its way.';
const FOLLOW_UP = 'Thank you, and could it come in green?';
const REDACTED = { view: 'masked', value: '[redacted]' };

describeEachEngine('support tickets (C2.3, C2.5, C3.3)', (engine) => {
  const world = useSupportWorld(engine, { ada: 'Ada Example', ben: 'Ben Sample' });
  const { call } = world;
  let t: TestApp;
  let ada: LoggedIn;
  let ben: LoggedIn;
  let agentA: LoggedInStaff;
  let agentB: LoggedInStaff;
  let ticketId = '';
  const staffView = (session: LoggedInStaff, id = ticketId) => world.staffView(session, id);
  const customerView = async (session: LoggedIn, id = ticketId) => {
    const reply = await call(session, 'GET', `/store/tickets/${id}`);
    expect(reply.statusCode, reply.body).toBe(200);
    return reply.json<CustomerTicket>();
  };
  const auditOf = (reply: LightMyRequestResponse) =>
    tablesOf<AuditTables>(t.database.db)
      .selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', String(reply.headers['x-request-id']))
      .orderBy('id', 'asc')
      .execute();

  beforeAll(async () => {
    // The world's own beforeAll, registered first, has opened the app by now.
    ({ t, ada, ben, agentA, agentB } = world);
  });

  it('opens a ticket with its first message, audited as ticket.create', async () => {
    const reply = await call(ada, 'POST', '/store/tickets', { subject: SUBJECT, body: FIRST });
    expect(reply.statusCode, reply.body).toBe(201);
    const created = reply.json<{ id: string; status: string; orderId: string | null }>();
    expect(created).toMatchObject({ status: 'open', orderId: null });
    expect(created.id).toMatch(/^tkt_[0-9a-z]{26}$/);
    expect(reply.body).not.toContain(SUBJECT);
    ticketId = created.id;
    const [event] = await auditOf(reply);
    expect(event).toMatchObject({
      action: 'ticket.create',
      actor_id: ada.id,
      actor_role: 'customer',
      subject_id: ada.id,
      purpose: 'customer_support',
      categories: '["service.support_message"]',
      decision: 'none',
      outcome: 'success',
    });
    expect(event?.detail).not.toContain(SUBJECT);
  });

  it('shows the customer their own tickets and messages in the clear, audited as reads', async () => {
    const list = await call(ada, 'GET', '/store/tickets');
    expect(list.statusCode).toBe(200);
    expect(list.json<{ tickets: { id: string; subject: string }[] }>().tickets).toEqual([
      expect.objectContaining({ id: ticketId, subject: SUBJECT, status: 'open' }),
    ]);
    expect((await auditOf(list)).map((e) => [e.action, e.decision])).toEqual([
      ['ticket.list', 'clear'],
    ]);
    const detail = await customerView(ada);
    expect(detail.subject).toBe(SUBJECT);
    expect(detail.messages.map((m) => [m.author, m.body])).toEqual([['customer', FIRST]]);
  });

  it("answers another customer's ticket as not found, on every route, and a malformed id too", async () => {
    const empty = await call(ben, 'GET', '/store/tickets');
    expect(empty.json<{ tickets: unknown[] }>().tickets).toEqual([]);
    for (const reply of [
      await call(ben, 'GET', `/store/tickets/${ticketId}`),
      await call(ben, 'POST', `/store/tickets/${ticketId}/messages`, { body: 'Let me in' }),
      await call(ben, 'POST', `/store/tickets/${ticketId}/close`),
      await call(ben, 'GET', `/store/tickets/${newId('tkt')}`),
      await call(ben, 'GET', '/store/tickets/not-a-ticket'),
      await call(agentA, 'GET', `/admin/tickets/${newId('tkt')}`),
    ]) {
      expect(outcome(reply)).toBe('404 TICKET_NOT_FOUND');
      expect(reply.body).not.toContain(SUBJECT);
    }
    // A NUL in the path is refused before any route runs.
    expect(outcome(await call(agentA, 'GET', '/admin/tickets/tkt_%00'))).toBe('400 INVALID_TEXT');
    expect((await customerView(ada)).messages).toHaveLength(1);
  });

  it('queues the unassigned ticket for support with its subject, but redacts its messages until assigned', async () => {
    const queue = await call(agentA, 'GET', '/admin/tickets?assigned=none&status=open');
    expect(queue.statusCode, queue.body).toBe(200);
    const [entry] = queue.json<{ tickets: StaffTicket[] }>().tickets;
    expect(entry).toMatchObject({
      id: ticketId,
      customerId: ada.id,
      assignedTo: null,
      subject: { view: 'clear', value: SUBJECT },
    });
    const view = await staffView(agentA);
    expect(view.subject).toEqual(REDACTED);
    expect(view.messages.map((m) => m.body)).toEqual([REDACTED]);
    expect(JSON.stringify(view)).not.toContain(FIRST);
  });

  it('lets the first agent who answers take the ticket; the answer is theirs and the ticket answered', async () => {
    const reply = await call(agentA, 'POST', `/admin/tickets/${ticketId}/messages`, {
      body: ANSWER,
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json()).toMatchObject({ status: 'answered', assignedTo: agentA.id });
    expect((await auditOf(reply)).map((e) => [e.action, e.actor_id, e.subject_id])).toEqual([
      ['ticket.assign', agentA.id, ada.id],
      ['ticket.message', agentA.id, ada.id],
    ]);
  });

  it('shows the conversation in the clear to the assignee only (C2.5)', async () => {
    const mine = await call(agentA, 'GET', `/admin/tickets/${ticketId}`);
    const view = mine.json<StaffTicket>();
    expect(view.subject).toEqual({ view: 'clear', value: SUBJECT });
    expect(view.messages.map((m) => [m.authorKind, m.body])).toEqual([
      ['customer', { view: 'clear', value: FIRST }],
      ['staff', { view: 'clear', value: ANSWER }],
    ]);
    expect(view.messages[1]?.authorId).toBe(agentA.id);
    expect((await auditOf(mine)).map((e) => [e.action, e.decision])).toEqual([
      ['ticket.read', 'clear'],
    ]);

    const theirs = await call(agentB, 'GET', `/admin/tickets/${ticketId}`);
    const redacted = theirs.json<StaffTicket>();
    expect(redacted.subject).toEqual(REDACTED);
    expect(redacted.messages.map((m) => m.body)).toEqual([REDACTED, REDACTED]);
    for (const text of [SUBJECT, FIRST, ANSWER]) expect(theirs.body).not.toContain(text);
    expect((await auditOf(theirs)).map((e) => [e.action, e.decision])).toEqual([
      ['ticket.read', 'masked'],
    ]);
    // In the queue, a ticket a colleague has taken shows no subject either.
    const queue = await call(agentB, 'GET', '/admin/tickets');
    const entry = queue.json<{ tickets: StaffTicket[] }>().tickets.find((e) => e.id === ticketId);
    expect(entry?.subject).toEqual(REDACTED);
    const own = await call(agentA, 'GET', '/admin/tickets?assigned=me');
    expect(own.json<{ tickets: StaffTicket[] }>().tickets).toEqual([
      expect.objectContaining({ id: ticketId, subject: { view: 'clear', value: SUBJECT } }),
    ]);
    const none = await call(agentB, 'GET', '/admin/tickets?assigned=me');
    expect(none.json<{ tickets: unknown[] }>().tickets).toEqual([]);
  });

  it('lets only the assignee answer', async () => {
    const reply = await call(agentB, 'POST', `/admin/tickets/${ticketId}/messages`, {
      body: 'Butting in',
    });
    expect(outcome(reply)).toBe('403 TICKET_NOT_ASSIGNED_TO_YOU');
    expect((await staffView(agentA)).messages).toHaveLength(2);
  });

  it("shows the customer the answer, and reopens the ticket with the customer's next message", async () => {
    const detail = await customerView(ada);
    expect(detail.status).toBe('answered');
    expect(detail.messages.map((m) => [m.author, m.body])).toEqual([
      ['customer', FIRST],
      ['staff', ANSWER],
    ]);
    // Who on the staff answered is not the customer's business.
    expect(JSON.stringify(detail)).not.toContain(agentA.id);
    const reply = await call(ada, 'POST', `/store/tickets/${ticketId}/messages`, {
      body: FOLLOW_UP,
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json()).toMatchObject({ ticketId, status: 'open' });
    expect((await auditOf(reply)).map((e) => [e.action, e.actor_id, e.categories])).toEqual([
      ['ticket.message', ada.id, '["service.support_message"]'],
    ]);
  });

  it('hands the ticket to a colleague: the clear view moves with it', async () => {
    const reply = await call(agentA, 'POST', `/admin/tickets/${ticketId}/assign`, {
      staffId: agentB.id,
    });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.json()).toMatchObject({ id: ticketId, assignedTo: agentB.id, status: 'open' });
    const [event] = await auditOf(reply);
    expect(event).toMatchObject({ action: 'ticket.assign', actor_id: agentA.id });
    expect(JSON.parse(event?.detail ?? '{}')).toEqual({
      ticket: ticketId,
      assignee: agentB.id,
      previous: agentA.id,
    });
    expect((await staffView(agentB)).messages.map((m) => m.body?.view)).toEqual([
      'clear',
      'clear',
      'clear',
    ]);
    expect((await staffView(agentA)).messages.map((m) => m.body)).toEqual([
      REDACTED,
      REDACTED,
      REDACTED,
    ]);
    // Without a body, the caller takes it back.
    const back = await call(agentA, 'POST', `/admin/tickets/${ticketId}/assign`);
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ assignedTo: agentA.id });
  });

  it('assigns only to active staff who may answer tickets', async () => {
    const fulfilment = await createLoggedInStaff(t, ['fulfilment']);
    for (const staffId of [fulfilment.id, newId('stf'), 'someone', ada.id]) {
      const reply = await call(agentA, 'POST', `/admin/tickets/${ticketId}/assign`, { staffId });
      expect([staffId, outcome(reply)]).toEqual([staffId, '400 TICKET_ASSIGNEE_INVALID']);
    }
  });

  it('closes the ticket for its customer only; a closed ticket takes no more messages', async () => {
    const reply = await call(ada, 'POST', `/store/tickets/${ticketId}/close`);
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.json()).toMatchObject({ id: ticketId, status: 'closed' });
    expect((await auditOf(reply)).map((e) => e.action)).toEqual(['ticket.close']);
    const again = await call(ada, 'POST', `/store/tickets/${ticketId}/close`);
    expect(again.json()).toMatchObject({ status: 'closed' });
    expect(await auditOf(again)).toEqual([]);
    for (const late of [
      await call(ada, 'POST', `/store/tickets/${ticketId}/messages`, { body: 'One more thing' }),
      await call(agentA, 'POST', `/admin/tickets/${ticketId}/messages`, { body: 'Anything else?' }),
      await call(agentA, 'POST', `/admin/tickets/${ticketId}/assign`),
    ]) {
      expect(outcome(late)).toBe('409 TICKET_CLOSED');
    }
    const closed = await call(ada, 'GET', '/store/tickets?status=closed');
    expect(closed.json<{ tickets: { id: string }[] }>().tickets.map((e) => e.id)).toEqual([
      ticketId,
    ]);
    expect((await customerView(ada)).messages).toHaveLength(3);
  });
});
