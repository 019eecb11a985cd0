import type { Kysely, Transaction } from 'kysely';
import { tablesOf } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import { isId } from '../../platform/ids.js';
import { supportErrors } from './support-errors.js';
import type {
  SupportTables,
  TicketMessageTable,
  TicketStatus,
  TicketTable,
} from './support-migration.js';

/** A place in a ticket list, newest first: the last ticket of the previous page. */
export interface TicketCursor {
  readonly createdAt: number;
  readonly id: string;
}

/** Which tickets a list shows. */
export interface TicketFilter {
  readonly customerId?: string;
  readonly status?: TicketStatus;
  /** A staff id, or null for tickets nobody has taken. */
  readonly assignedTo?: string | null;
  readonly limit: number;
  readonly after?: TicketCursor | undefined;
}

/** One ticket row; TICKET_NOT_FOUND for an unknown id, or one of another customer when given. */
export async function findTicket(
  db: Kysely<SupportTables>,
  ticketId: string,
  customerId?: string,
): Promise<TicketTable> {
  // Not even shaped like a ticket id: nothing to ask the database (PostgreSQL refuses NUL).
  if (!isId(ticketId, 'tkt')) throw new AppError(supportErrors.TICKET_NOT_FOUND);
  let query = db.selectFrom('tickets').selectAll().where('id', '=', ticketId);
  if (customerId !== undefined) query = query.where('customer_id', '=', customerId);
  const row = await query.executeTakeFirst();
  // Another customer's ticket answers exactly as a missing one does.
  if (row === undefined) throw new AppError(supportErrors.TICKET_NOT_FOUND);
  return row;
}

/** The messages of a ticket, oldest first. */
export async function messagesOf(
  db: Kysely<SupportTables>,
  ticketId: string,
): Promise<TicketMessageTable[]> {
  return db
    .selectFrom('ticket_messages')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .orderBy('position', 'asc')
    .execute();
}

/** One page of tickets, newest first. */
export async function listTickets(
  db: Kysely<SupportTables>,
  filter: TicketFilter,
): Promise<TicketTable[]> {
  let query = db
    .selectFrom('tickets')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit);
  if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const assigned = filter.assignedTo;
  if (assigned === null) query = query.where('assigned_to', 'is', null);
  else if (assigned !== undefined) query = query.where('assigned_to', '=', assigned);
  const after = filter.after;
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  return query.execute();
}

/** The cursor of the page after `rows`, or null when this page was the last. */
export function nextCursor(rows: readonly TicketTable[], limit: number): string | null {
  const last = rows.at(-1);
  return rows.length === limit && last !== undefined ? `${last.created_at}.${last.id}` : null;
}

/** Parses a cursor written by nextCursor; the route's schema has checked its shape. */
export function parseCursor(text: string | undefined): TicketCursor | undefined {
  const [createdAt, id] = text?.split('.') ?? [];
  return createdAt !== undefined && id !== undefined
    ? { createdAt: Number(createdAt), id }
    : undefined;
}

/**
 * Changes a ticket that is not closed, in the caller's transaction; false when it was
 * closed meanwhile (or, with `assignableTo`, taken by someone else), so the caller rolls back.
 */
export async function updateOpenTicket<DB>(
  trx: Transaction<DB>,
  ticketId: string,
  changes: Partial<Pick<TicketTable, 'status' | 'assigned_to' | 'updated_at'>>,
  assignableTo?: string,
): Promise<boolean> {
  let query = tablesOf<SupportTables>(trx)
    .updateTable('tickets')
    .set(changes)
    .where('id', '=', ticketId)
    .where('status', '<>', 'closed');
  if (assignableTo !== undefined) {
    query = query.where((eb) =>
      eb.or([eb('assigned_to', 'is', null), eb('assigned_to', '=', assignableTo)]),
    );
  }
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
