import { AppError } from '../../platform/errors/index.js';
import { isId } from '../../platform/ids.js';
import type { Acting, SupportDeps } from './support-deps.js';
import { supportErrors } from './support-errors.js';
import { findTicket, updateOpenTicket } from './ticket-store.js';
import { ticketEvent, toRecord, type TicketRecord } from './ticket-records.js';

/**
 * Gives a ticket to a staff member who may answer tickets (the caller when none is
 * named), audited as `ticket.assign` with the previous assignee. From then on only they
 * read its messages in the clear and answer it.
 */
export async function assignTicket(
  deps: SupportDeps,
  acting: Acting,
  ticketId: string,
  staffId?: string,
): Promise<TicketRecord> {
  const assignee = staffId ?? (acting.actor.kind === 'staff' ? acting.actor.id : '');
  const ticket = await findTicket(deps.db, ticketId);
  if (!isId(assignee, 'stf') || !(await deps.mayAnswer(assignee))) {
    throw new AppError(supportErrors.TICKET_ASSIGNEE_INVALID);
  }
  if (ticket.status === 'closed') throw new AppError(supportErrors.TICKET_CLOSED);
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (trx) => {
    const changes = { assigned_to: assignee, updated_at: now };
    if (!(await updateOpenTicket(trx, ticket.id, changes))) {
      throw new AppError(supportErrors.TICKET_CLOSED);
    }
    await deps.audit.record(
      [
        ticketEvent(acting, {
          action: 'ticket.assign',
          subjectId: ticket.customer_id,
          occurredAt: new Date(now),
          categories: [],
          detail: { ticket: ticket.id, assignee, previous: ticket.assigned_to ?? 'none' },
        }),
      ],
      trx,
    );
  });
  return toRecord({ ...ticket, assigned_to: assignee, updated_at: now });
}
