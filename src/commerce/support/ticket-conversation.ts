import type { Transaction } from 'kysely';
import { AppError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids.js';
import type { AuditEvent } from '../../privacy/audit/index.js';
import type { FieldWriter } from '../../privacy/vault/index.js';
import type { Acting, SupportDeps } from './support-deps.js';
import { supportErrors } from './support-errors.js';
import type {
  MessageAuthorKind,
  SupportTables,
  TicketMessageTable,
  TicketTable,
} from './support-migration.js';
import { findTicket, updateOpenTicket } from './ticket-store.js';
import {
  SUPPORT_CATEGORIES,
  ticketEvent,
  toRecord,
  type PostedMessage,
  type TicketRecord,
} from './ticket-records.js';

/** The message row for a body, sealed under the customer's key whoever writes it. */
function messageRow(
  writer: FieldWriter,
  ticket: TicketTable,
  author: { kind: MessageAuthorKind; id: string },
  body: string,
  now: number,
): NewMessage {
  const id = newId('msg');
  return {
    id,
    ticket_id: ticket.id,
    customer_id: ticket.customer_id,
    author_kind: author.kind,
    author_id: author.id,
    body: writer.seal('ticket_messages.body', id, body),
    created_at: now,
  };
}

/** The `ticket.message` audit event of a stored message. */
function messageEvent(acting: Acting, message: NewMessage): AuditEvent {
  return ticketEvent(acting, {
    action: 'ticket.message',
    subjectId: message.customer_id,
    occurredAt: new Date(message.created_at),
    categories: SUPPORT_CATEGORIES,
    detail: { ticket: message.ticket_id, message: message.id, author: message.author_kind },
  });
}

/** A message before it has its place in the conversation. */
type NewMessage = Omit<TicketMessageTable, 'position'>;

/**
 * Appends a message after the last one. The caller has already changed the ticket's row
 * in this transaction, which holds off every other writer to the same ticket until it
 * commits, so the next place is never claimed twice.
 */
async function insertMessage(trx: Transaction<SupportTables>, message: NewMessage): Promise<void> {
  const last = await trx
    .selectFrom('ticket_messages')
    .select((eb) => eb.fn.max('position').as('position'))
    .where('ticket_id', '=', message.ticket_id)
    .executeTakeFirst();
  const position = Number(last?.position ?? 0) + 1;
  await trx
    .insertInto('ticket_messages')
    .values({ ...message, position })
    .execute();
}

/**
 * A customer writes on their own ticket: it is open again, waiting for the shop.
 * Another customer's ticket is TICKET_NOT_FOUND; a closed one TICKET_CLOSED.
 */
export async function addCustomerMessage(
  deps: SupportDeps,
  acting: Acting,
  customerId: string,
  ticketId: string,
  body: string,
): Promise<PostedMessage> {
  const ticket = await findTicket(deps.db, ticketId, customerId);
  if (ticket.status === 'closed') throw new AppError(supportErrors.TICKET_CLOSED);
  const writer = await deps.vault.writer(customerId);
  const now = deps.clock.now().getTime();
  const message = messageRow(writer, ticket, { kind: 'customer', id: customerId }, body, now);
  await deps.db.transaction().execute(async (trx) => {
    // Closed between the read and now: the message is not stored.
    if (!(await updateOpenTicket(trx, ticket.id, { status: 'open', updated_at: now }))) {
      throw new AppError(supportErrors.TICKET_CLOSED);
    }
    await insertMessage(trx, message);
    await deps.audit.record([messageEvent(acting, message)], trx);
  });
  return {
    id: message.id,
    ticketId: ticket.id,
    status: 'open',
    assignedTo: ticket.assigned_to,
    createdAt: new Date(now),
  };
}

/**
 * A staff member answers: only the assignee may, and a ticket nobody has taken becomes
 * theirs (audited as `ticket.assign` too). The ticket is then answered.
 */
export async function replyAsStaff(
  deps: SupportDeps,
  acting: Acting,
  ticketId: string,
  body: string,
): Promise<PostedMessage> {
  const staffId = acting.actor.kind === 'staff' ? acting.actor.id : '';
  if (staffId === '') throw new AppError(supportErrors.TICKET_NOT_ASSIGNED_TO_YOU);
  const ticket = await findTicket(deps.db, ticketId);
  if (ticket.status === 'closed') throw new AppError(supportErrors.TICKET_CLOSED);
  if (ticket.assigned_to !== null && ticket.assigned_to !== staffId) {
    throw new AppError(supportErrors.TICKET_NOT_ASSIGNED_TO_YOU);
  }
  const writer = await deps.vault.writer(ticket.customer_id);
  const now = deps.clock.now().getTime();
  const message = messageRow(writer, ticket, { kind: 'staff', id: staffId }, body, now);
  await deps.db.transaction().execute(async (trx) => {
    const changes = { status: 'answered' as const, assigned_to: staffId, updated_at: now };
    if (!(await updateOpenTicket(trx, ticket.id, changes, staffId))) {
      // Closed, or taken by a colleague, since it was read: say which, store nothing.
      const current = await findTicket(trx, ticket.id);
      throw new AppError(
        current.status === 'closed'
          ? supportErrors.TICKET_CLOSED
          : supportErrors.TICKET_NOT_ASSIGNED_TO_YOU,
      );
    }
    await insertMessage(trx, message);
    const events = [messageEvent(acting, message)];
    if (ticket.assigned_to === null) {
      events.unshift(
        ticketEvent(acting, {
          action: 'ticket.assign',
          subjectId: ticket.customer_id,
          occurredAt: new Date(now),
          categories: [],
          detail: { ticket: ticket.id, assignee: staffId, previous: 'none' },
        }),
      );
    }
    await deps.audit.record(events, trx);
  });
  return {
    id: message.id,
    ticketId: ticket.id,
    status: 'answered',
    assignedTo: staffId,
    createdAt: new Date(now),
  };
}

/** The customer closes their ticket; closing a closed ticket changes nothing. */
export async function closeTicket(
  deps: SupportDeps,
  acting: Acting,
  customerId: string,
  ticketId: string,
): Promise<TicketRecord> {
  const ticket = await findTicket(deps.db, ticketId, customerId);
  if (ticket.status === 'closed') return toRecord(ticket);
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (trx) => {
    // Already closed by a concurrent request: nothing more to record.
    if (!(await updateOpenTicket(trx, ticket.id, { status: 'closed', updated_at: now }))) return;
    await deps.audit.record(
      [
        ticketEvent(acting, {
          action: 'ticket.close',
          subjectId: customerId,
          occurredAt: new Date(now),
          categories: [],
          detail: { ticket: ticket.id },
        }),
      ],
      trx,
    );
  });
  return toRecord({ ...ticket, status: 'closed', updated_at: now });
}
