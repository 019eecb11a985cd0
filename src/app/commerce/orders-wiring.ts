import {
  ordersErrors,
  ordersMigration,
  ordersRoutes,
  OrdersServiceImpl,
  type OrderPaymentsSource,
  type OrdersService,
  type OrdersTables,
} from '../../commerce/orders/index.js';
import { tablesOf } from '../../platform/db/index.js';
import type { CommerceServices, CommerceWiring } from '../commerce-module.js';

declare module '../commerce-module.js' {
  interface CommerceServices {
    orders: OrdersService;
  }
}

/** The payments service as order pages read it, when the shop has one. */
function paymentsOf(services: CommerceServices): OrderPaymentsSource | undefined {
  return (services as Partial<Record<'payments', OrderPaymentsSource>>).payments;
}

/** Wires the orders module: the service, the status machine, the store and admin routes. */
export const ordersWiring: CommerceWiring = {
  name: 'orders',
  migrations: [ordersMigration],
  errors: { orders: ordersErrors },
  open: (ctx, services) => {
    const db = tablesOf<OrdersTables>(ctx.database.db);
    const audit = ctx.identity.audit;
    const orders = new OrdersServiceImpl({ db, audit, clock: ctx.clock });
    const routes = ordersRoutes({
      db,
      access: ctx.identity.customers.access,
      audit,
      clock: ctx.clock,
      payments: paymentsOf(services),
    });
    return { services: { orders }, plugins: [routes] };
  },
};
