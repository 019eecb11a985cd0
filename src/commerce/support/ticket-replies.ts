import type { TicketDetail, TicketView, ShownField } from './ticket-reads.js';
import type { PostedMessage, TicketRecord } from './ticket-records.js';

/** The clear value of a customer's own field, or null when erased, absent or left out. */
function ownValue(shown: ShownField | undefined): string | null {
  return shown !== undefined && 'value' in shown ? shown.value : null;
}

/** A ticket's facts as its customer sees them: no staff ids. */
export function customerState(ticket: TicketRecord) {
  return {
    id: ticket.id,
    status: ticket.status,
    orderId: ticket.orderId,
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
  };
}

/** A ticket's facts as staff see them. */
export function staffState(ticket: TicketRecord) {
  return { ...customerState(ticket), customerId: ticket.customerId, assignedTo: ticket.assignedTo };
}

/** A ticket in the customer's own list. */
export function customerListEntry(ticket: TicketView) {
  return { ...customerState(ticket), subject: ownValue(ticket.subject) };
}

/** A ticket and its conversation for its customer; who on the staff answered is not shown. */
export function customerDetail(ticket: TicketDetail) {
  return {
    ...customerListEntry(ticket),
    messages: ticket.messages.map((message) => ({
      id: message.id,
      author: message.authorKind,
      body: ownValue(message.body),
      createdAt: message.createdAt.toISOString(),
    })),
  };
}

/** A ticket in the staff queue. */
export function staffListEntry(ticket: TicketView) {
  return {
    ...staffState(ticket),
    ...(ticket.subject === undefined ? {} : { subject: ticket.subject }),
  };
}

/** A ticket and its conversation for staff, each field as the reader may see it. */
export function staffDetail(ticket: TicketDetail) {
  return {
    ...staffListEntry(ticket),
    messages: ticket.messages.map((message) => ({
      id: message.id,
      authorKind: message.authorKind,
      authorId: message.authorId,
      ...(message.body === undefined ? {} : { body: message.body }),
      createdAt: message.createdAt.toISOString(),
    })),
  };
}

/** A message just stored, for its customer. */
export function customerPosted(message: PostedMessage) {
  return {
    id: message.id,
    ticketId: message.ticketId,
    status: message.status,
    createdAt: message.createdAt.toISOString(),
  };
}

/** A message just stored, for staff. */
export function staffPosted(message: PostedMessage) {
  return { ...customerPosted(message), assignedTo: message.assignedTo };
}
