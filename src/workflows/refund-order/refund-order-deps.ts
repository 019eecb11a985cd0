import type { Kysely } from 'kysely';
import type { OrdersService } from '../../commerce/orders/index.js';
import type { PaymentsService } from '../../commerce/payments/index.js';
import type { RefundsService } from '../../commerce/refunds/index.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logging/index.js';
import type { AuditSink } from '../../privacy/audit/index.js';

/** What refunding an order spans: orders, payments, refund records and the audit sink. */
export interface RefundOrderDeps {
  /** The database, for the transaction that records a refund. */
  readonly db: Kysely<unknown>;
  readonly orders: OrdersService;
  readonly payments: PaymentsService;
  readonly refunds: RefundsService;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly logger: Logger;
}
