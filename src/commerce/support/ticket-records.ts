import { auditActorId, auditActorRole } from '../../privacy/access/index.js';
import type { AuditDetail, AuditEvent } from '../../privacy/audit/index.js';
import type { Category } from '../../privacy/inventory/index.js';
import type { Acting } from './support-deps.js';
import type { TicketStatus, TicketTable } from './support-migration.js';

/** A ticket's facts without its content: safe to hand to any caller that may see the ticket. */
export interface TicketRecord {
  readonly id: string;
  readonly customerId: string;
  readonly orderId: string | null;
  readonly status: TicketStatus;
  readonly assignedTo: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A message just stored, and where its ticket stands now. */
export interface PostedMessage {
  readonly id: string;
  readonly ticketId: string;
  readonly status: TicketStatus;
  readonly assignedTo: string | null;
  readonly createdAt: Date;
}

/** The record of a ticket row. */
export function toRecord(row: TicketTable): TicketRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    orderId: row.order_id,
    status: row.status,
    assignedTo: row.assigned_to,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** The support content category: subjects and messages. */
export const SUPPORT_CATEGORIES: readonly Category[] = ['service.support_message'];

/** An audit event of a support write (C3.3): ids and counts only, never content. */
export function ticketEvent(
  acting: Acting,
  facts: {
    readonly action: string;
    readonly subjectId: string;
    readonly occurredAt: Date;
    readonly categories: readonly Category[];
    readonly detail: AuditDetail;
  },
): AuditEvent {
  return {
    occurredAt: facts.occurredAt,
    actorId: auditActorId(acting.actor),
    actorRole: auditActorRole(acting.actor),
    action: facts.action,
    purpose: acting.purpose,
    subjectId: facts.subjectId,
    categories: facts.categories,
    decision: 'none',
    requestId: acting.requestId,
    outcome: 'success',
    detail: facts.detail,
  };
}
