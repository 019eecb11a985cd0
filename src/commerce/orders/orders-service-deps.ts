import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { AuditSink } from '../../privacy/audit/index.js';
import type { OrdersTables } from './orders-migration.js';

/** What the orders service is built from. */
export interface OrdersServiceDeps {
  readonly db: Kysely<OrdersTables>;
  readonly audit: AuditSink;
  readonly clock: Clock;
}
