import type { ReadContext } from '../../privacy/access/index.js';
import type { Acting, SupportDeps } from './support-deps.js';
import type { TicketStatus } from './support-migration.js';
import { assignTicket } from './ticket-assign.js';
import { addCustomerMessage, closeTicket, replyAsStaff } from './ticket-conversation.js';
import { openTicket, type NewTicket } from './ticket-open.js';
import { readTicket, viewTickets, type TicketDetail, type TicketView } from './ticket-reads.js';
import type { PostedMessage, TicketRecord } from './ticket-records.js';
import { findTicket, listTickets, nextCursor, parseCursor } from './ticket-store.js';

/** One page of a ticket list and the cursor of the next, or null at the end. */
export interface TicketPage {
  readonly tickets: readonly TicketView[];
  readonly next: string | null;
}

/** Which page of which tickets. */
export interface TicketQuery {
  readonly status?: TicketStatus | undefined;
  readonly limit: number;
  /** A cursor from a previous page. */
  readonly after?: string | undefined;
}

/** The staff queue adds "assigned to me" and "taken by nobody". */
export interface StaffTicketQuery extends TicketQuery {
  readonly assigned?: 'me' | 'none' | undefined;
}

const staffIdOf = (ctx: ReadContext) => (ctx.actor.kind === 'staff' ? ctx.actor.id : '');

/**
 * Customer support (`services.support`): tickets and their messages, sealed under the
 * customer's key, every write audited and every read through the access engine. A
 * staff member sees a conversation in the clear only on a ticket assigned to them.
 */
export class SupportService {
  constructor(private readonly deps: SupportDeps) {}

  /** Opens a ticket with its first message (`ticket.create`). */
  open(acting: Acting, input: NewTicket): Promise<TicketRecord> {
    return openTicket(this.deps, acting, input);
  }

  /** The customer writes on their own ticket; it is open again (`ticket.message`). */
  addCustomerMessage(
    acting: Acting,
    customerId: string,
    ticketId: string,
    body: string,
  ): Promise<PostedMessage> {
    return addCustomerMessage(this.deps, acting, customerId, ticketId, body);
  }

  /** The assignee answers, taking a ticket nobody has; it is answered (`ticket.message`). */
  reply(acting: Acting, ticketId: string, body: string): Promise<PostedMessage> {
    return replyAsStaff(this.deps, acting, ticketId, body);
  }

  /** Gives the ticket to a staff member who may answer it, the caller by default (`ticket.assign`). */
  assign(acting: Acting, ticketId: string, staffId?: string): Promise<TicketRecord> {
    return assignTicket(this.deps, acting, ticketId, staffId);
  }

  /** The customer closes their ticket (`ticket.close`). */
  close(acting: Acting, customerId: string, ticketId: string): Promise<TicketRecord> {
    return closeTicket(this.deps, acting, customerId, ticketId);
  }

  /** The customer's own tickets, newest first, subjects in the clear (`ticket.list`). */
  async customerTickets(
    ctx: ReadContext,
    customerId: string,
    query: TicketQuery,
  ): Promise<TicketPage> {
    const rows = await listTickets(this.deps.db, {
      customerId,
      ...(query.status === undefined ? {} : { status: query.status }),
      limit: query.limit,
      after: parseCursor(query.after),
    });
    return {
      tickets: await viewTickets(this.deps, ctx, rows),
      next: nextCursor(rows, query.limit),
    };
  }

  /** One of the customer's own tickets with its messages (`ticket.read`); another's is not found. */
  async customerTicket(
    ctx: ReadContext,
    customerId: string,
    ticketId: string,
  ): Promise<TicketDetail> {
    return readTicket(this.deps, ctx, await findTicket(this.deps.db, ticketId, customerId));
  }

  /**
   * The staff queue, newest first. Subjects show as the reader's role allows, masked on
   * tickets a colleague has taken: the queue is for choosing work, not reading others'.
   */
  async staffTickets(ctx: ReadContext, query: StaffTicketQuery): Promise<TicketPage> {
    const me = staffIdOf(ctx);
    const assignedTo = query.assigned === 'me' ? me : query.assigned === 'none' ? null : undefined;
    const rows = await listTickets(this.deps.db, {
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(assignedTo === undefined ? {} : { assignedTo }),
      limit: query.limit,
      after: parseCursor(query.after),
    });
    const ceilingFor = (row: { assigned_to: string | null }) =>
      row.assigned_to !== null && row.assigned_to !== me ? ('masked' as const) : undefined;
    return {
      tickets: await viewTickets(this.deps, ctx, rows, ceilingFor),
      next: nextCursor(rows, query.limit),
    };
  }

  /** One ticket with its messages: in the clear (as the role allows) only for its assignee. */
  async staffTicket(ctx: ReadContext, ticketId: string): Promise<TicketDetail> {
    const row = await findTicket(this.deps.db, ticketId);
    const assignee = row.assigned_to !== null && row.assigned_to === staffIdOf(ctx);
    return readTicket(this.deps, ctx, row, assignee ? undefined : 'masked');
  }
}
