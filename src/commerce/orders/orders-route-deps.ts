import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { PersonalDataAccess } from '../../privacy/access/index.js';
import type { AuditSink } from '../../privacy/audit/index.js';
import type { OrderPaymentsSource } from './order-payments.js';
import type { OrdersTables } from './orders-migration.js';

/** What the order routes are built from. */
export interface OrdersRouteDeps {
  readonly db: Kysely<OrdersTables>;
  /** Every personal field leaves through here, decided and audited. */
  readonly access: PersonalDataAccess;
  readonly audit: AuditSink;
  readonly clock: Clock;
  /** The payments service when the shop has one; order pages then show a payment summary. */
  readonly payments: OrderPaymentsSource | undefined;
}
