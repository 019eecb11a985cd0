import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { AuditSealTables, AuditSink } from '../../privacy/audit/index.js';

/** What the audit query and access-history routes are built from, wired in the app. */
export interface AuditRoutesDeps {
  /** Read only: these routes never change a stored event. */
  readonly db: Kysely<AuditSealTables>;
  /** Where each staff query of the log is itself recorded. */
  readonly audit: AuditSink;
  readonly clock: Clock;
}
