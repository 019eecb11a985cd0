import type { z } from 'zod';
import type { StoredAuditEvent } from '../../privacy/audit/index.js';
import { CATEGORIES } from '../../privacy/inventory/index.js';
import { describeAct } from './access-history-wording.js';
import type { accessHistoryEntry, ACTOR_KINDS } from './access-history-schemas.js';

/** One entry of a customer's access history. */
export type AccessHistoryEntry = z.infer<typeof accessHistoryEntry>;

/** The kind of actor; the id itself is never shown (staff ids are pseudonymous, not public). */
function actorKind(event: StoredAuditEvent, customerId: string): (typeof ACTOR_KINDS)[number] {
  if (event.actorId === customerId) return 'you';
  switch (event.actorRole) {
    case 'customer':
      return 'customer';
    case 'anonymous':
      return 'anonymous';
    case 'system':
      return 'system';
    default:
      return event.actorId.startsWith('system:') ? 'system' : 'staff';
  }
}

/**
 * An audit event about the customer, as the customer sees it: when, by which role, what
 * in plain words, why, which categories, and whether it was a reveal. Built field by
 * field, so the actor's id, the request id and the detail (a reveal's ticket id) stay out.
 */
export function toHistoryEntry(event: StoredAuditEvent, customerId: string): AccessHistoryEntry {
  const { description, reveal } = describeAct(
    event.action,
    event.categories,
    event.outcome === 'success',
  );
  return {
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    by: actorKind(event, customerId),
    roles: event.actorRole.split(',').filter((role) => role.length > 0),
    action: event.action,
    description,
    purpose: event.purpose,
    categories: event.categories.map((category) => ({
      category,
      label: CATEGORIES[category].label,
    })),
    reveal,
    outcome: event.outcome,
  };
}
