import { tablesOf } from '../../platform/db/index.js';
import {
  checkoutErrors,
  checkoutRoutes,
  ORDER_CONFIRMATION,
  orderConfirmationHandler,
} from '../../workflows/checkout/index.js';
import type { CommerceServices, CommerceWiring } from '../commerce-module.js';

const NEEDED = ['outbox', 'catalog', 'carts', 'payments', 'orders'] as const;

/** The services checkout spans, or a start-up error naming the first that is missing. */
function required(services: CommerceServices): Pick<CommerceServices, (typeof NEEDED)[number]> {
  const present = services as Partial<CommerceServices>;
  for (const name of NEEDED) {
    if (present[name] === undefined) {
      throw new Error(`The checkout workflow needs the ${name} module, opened before it`);
    }
  }
  return services;
}

/**
 * Wires checkout: `POST /store/carts/:id/checkout` over carts, catalog, payments, orders
 * and the outbox, and the handler that mails the order confirmation.
 */
export const checkoutWiring: CommerceWiring = {
  name: 'checkout',
  errors: { checkout: checkoutErrors },
  open: (ctx, services) => {
    const { outbox, catalog, carts, payments, orders } = required(services);
    const customers = ctx.identity.customers;
    outbox.handle(
      ORDER_CONFIRMATION,
      orderConfirmationHandler({
        orders,
        vault: ctx.privacy.vault,
        audit: ctx.identity.audit,
        mailer: ctx.identity.mailer,
        clock: ctx.clock,
        logger: ctx.logger,
      }),
    );
    const routes = checkoutRoutes({
      db: tablesOf<unknown>(ctx.database.db),
      carts,
      catalog,
      payments,
      orders,
      outbox,
      consent: customers.consent,
      vault: ctx.privacy.vault,
      shredder: ctx.privacy.shredder,
      clock: ctx.clock,
      logger: ctx.logger,
      settings: { policyVersion: ctx.config.identity.policyVersion },
    });
    return { plugins: [routes] };
  },
};
