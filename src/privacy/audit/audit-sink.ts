import type { Transaction } from 'kysely';
import type { AuditEvent } from './audit-event.js';

/**
 * Where audit events go (C3.3). Given a transaction, the events are written inside it, so
 * a change and its audit entry commit or roll back together. A sink that cannot write
 * throws; callers then fail closed and return no personal data.
 */
export interface AuditSink {
  record<DB>(events: readonly AuditEvent[], trx?: Transaction<DB>): Promise<void>;
}
