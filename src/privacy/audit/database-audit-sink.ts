import type { Insertable, Kysely, Transaction } from 'kysely';
import { tablesOf } from '../../platform/db/index.js';
import { assertAuditEvent, type AuditEvent } from './audit-event.js';
import type { AuditEventsTable, AuditTables } from './audit-migration.js';
import type { AuditSink } from './audit-sink.js';

/** The row an event is stored as. */
function toRow(event: AuditEvent): Insertable<AuditEventsTable> {
  return {
    occurred_at: event.occurredAt.getTime(),
    actor_id: event.actorId,
    actor_role: event.actorRole,
    action: event.action,
    purpose: event.purpose,
    subject_id: event.subjectId,
    // Deduplicated and in a stable order, so the same access always reads the same.
    categories: JSON.stringify([...new Set(event.categories)].sort()),
    decision: event.decision,
    request_id: event.requestId,
    outcome: event.outcome,
    detail: event.detail === undefined ? null : JSON.stringify(event.detail),
  };
}

/** Writes audit events to `audit_events`, in the caller's transaction when one is given. */
export class DatabaseAuditSink implements AuditSink {
  constructor(private readonly db: Kysely<AuditTables>) {}

  /** Validates every event first, so a batch is written whole or not at all. */
  async record<DB>(events: readonly AuditEvent[], trx?: Transaction<DB>): Promise<void> {
    if (events.length === 0) return;
    for (const event of events) assertAuditEvent(event);
    const target = trx === undefined ? this.db : tablesOf<AuditTables>(trx);
    await target.insertInto('audit_events').values(events.map(toRow)).execute();
  }
}
