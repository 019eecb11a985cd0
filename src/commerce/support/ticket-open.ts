import { AppError } from '../../platform/errors/index.js';
import { isId, newId } from '../../platform/ids.js';
import type { Acting, SupportDeps } from './support-deps.js';
import { supportErrors } from './support-errors.js';
import type { TicketMessageTable, TicketTable } from './support-migration.js';
import { SUPPORT_CATEGORIES, ticketEvent, toRecord, type TicketRecord } from './ticket-records.js';

/** A new ticket as the customer writes it. */
export interface NewTicket {
  readonly customerId: string;
  readonly subject: string;
  readonly body: string;
  readonly orderId?: string | undefined;
}

/**
 * A ticket may name only one of the customer's own orders. With the orders module the
 * order's owner is checked; without it only the id's shape can be, and is.
 */
async function checkOrder(deps: SupportDeps, customerId: string, orderId: string): Promise<void> {
  if (!isId(orderId, 'ord')) throw new AppError(supportErrors.TICKET_ORDER_INVALID);
  const orders = deps.orders();
  if (orders === undefined) return;
  const order = await orders.get(orderId);
  if (order?.customerId !== customerId) throw new AppError(supportErrors.TICKET_ORDER_INVALID);
}

/**
 * Opens a ticket with its first message: subject and body sealed under the customer's
 * key, stored and audited (`ticket.create`) in one transaction.
 */
export async function openTicket(
  deps: SupportDeps,
  acting: Acting,
  input: NewTicket,
): Promise<TicketRecord> {
  const { customerId } = input;
  if (input.orderId !== undefined) await checkOrder(deps, customerId, input.orderId);
  const writer = await deps.vault.writer(customerId);
  const now = deps.clock.now().getTime();
  const id = newId('tkt');
  const ticket: TicketTable = {
    id,
    customer_id: customerId,
    order_id: input.orderId ?? null,
    status: 'open',
    assigned_to: null,
    subject: writer.seal('tickets.subject', id, input.subject),
    created_at: now,
    updated_at: now,
  };
  const messageId = newId('msg');
  const message: TicketMessageTable = {
    id: messageId,
    ticket_id: id,
    customer_id: customerId,
    author_kind: 'customer',
    author_id: customerId,
    body: writer.seal('ticket_messages.body', messageId, input.body),
    created_at: now,
    position: 1,
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('tickets').values(ticket).execute();
    await trx.insertInto('ticket_messages').values(message).execute();
    const detail = {
      ticket: id,
      message: messageId,
      ...(ticket.order_id === null ? {} : { order: ticket.order_id }),
    };
    await deps.audit.record(
      [
        ticketEvent(acting, {
          action: 'ticket.create',
          subjectId: customerId,
          occurredAt: new Date(now),
          categories: SUPPORT_CATEGORIES,
          detail,
        }),
      ],
      trx,
    );
  });
  return toRecord(ticket);
}
