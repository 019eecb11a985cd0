import { tablesOf } from '../../platform/db/index.js';
import { shipOrderErrors, shipOrderRoutes } from '../../workflows/ship-order/index.js';
import type { CommerceWiring } from '../commerce-module.js';

/**
 * Wires the fulfilment workflows, which span modules: shipping an order (orders,
 * shipping, the access engine and the audit sink together).
 */
export const fulfilmentWiring: CommerceWiring = {
  name: 'fulfilment',
  errors: { shipOrder: shipOrderErrors },
  open: (ctx, services) => {
    const routes = shipOrderRoutes({
      db: tablesOf<unknown>(ctx.database.db),
      orders: services.orders,
      shipping: services.shipping,
      access: ctx.identity.customers.access,
      vault: ctx.privacy.vault,
      audit: ctx.identity.audit,
      clock: ctx.clock,
      logger: ctx.logger,
    });
    return { plugins: [routes] };
  },
};
