import {
  createRefundsService,
  refundsMigration,
  type RefundsService,
  type RefundsTables,
} from '../../commerce/refunds/index.js';
import { tablesOf } from '../../platform/db/index.js';
import { refundOrderErrors, refundOrderRoutes } from '../../workflows/refund-order/index.js';
import type { CommerceWiring } from '../commerce-module.js';

declare module '../commerce-module.js' {
  interface CommerceServices {
    /** Refund records: amounts, ids and reason codes. */
    refunds: RefundsService;
  }
}

/**
 * Wires refunds: the refund records and `/admin/orders/:id/refunds`, the workflow that
 * spans orders, payments and the audit sink (opened after both).
 */
export const refundsWiring: CommerceWiring = {
  name: 'refunds',
  migrations: [refundsMigration],
  errors: { refundOrder: refundOrderErrors },
  open: (ctx, services) => {
    const refunds = createRefundsService(tablesOf<RefundsTables>(ctx.database.db));
    const routes = refundOrderRoutes({
      db: tablesOf<unknown>(ctx.database.db),
      orders: services.orders,
      payments: services.payments,
      refunds,
      audit: ctx.identity.audit,
      clock: ctx.clock,
      logger: ctx.logger,
    });
    return { services: { refunds }, plugins: [routes] };
  },
};
