import { tablesOf } from '../../platform/db/index.js';
import {
  checkoutErrors,
  checkoutRoutes,
  createRecoveryLoop,
  ORDER_CONFIRMATION,
  orderConfirmationHandler,
  RECOVERY_OUTCOMES,
  recoverStaleCheckouts,
  type CheckoutDeps,
  type RecoveryOptions,
  type RecoveryReport,
} from '../../workflows/checkout/index.js';
import { failureCode } from '../../platform/errors/index.js';
import { createTaskMetrics } from '../../platform/metrics/index.js';
import type { CommerceServices, CommerceWiring } from '../commerce-module.js';

/** Orders checkouts left behind, finished or undone (docs/orders.md, "Recovery"). */
export interface CheckoutRecovery {
  /** One sweep now, beside the background one; safe to run anywhere at once. */
  sweep(options?: RecoveryOptions): Promise<RecoveryReport>;
}

declare module '../commerce-module.js' {
  interface CommerceServices {
    /** The recovery sweep of checkouts stopped between placing the order and capturing. */
    checkoutRecovery: CheckoutRecovery;
  }
}

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
 * and the outbox, the handler that mails the order confirmation, and the background
 * recovery of checkouts that stopped before their capture (shortly after start, then
 * every minute; counts logged, never personal data).
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
    const deps: CheckoutDeps = {
      db: tablesOf<unknown>(ctx.database.db),
      carts,
      catalog,
      payments,
      orders,
      outbox,
      consent: customers.consent,
      vault: ctx.privacy.vault,
      clock: ctx.clock,
      logger: ctx.logger,
      settings: { policyVersion: ctx.config.identity.policyVersion },
    };
    // Orders by what recovery did with them, from every sweep, on GET /metrics.
    const metrics = createTaskMetrics(ctx.metrics.registry, {
      handled: {
        name: 'custodia_checkout_recovery_orders_total',
        help: 'Orders left placed by interrupted checkouts, by what recovery did with them',
      },
      failedRuns: {
        name: 'custodia_checkout_recovery_sweeps_failed_total',
        help: 'Checkout recovery sweeps that failed as a whole',
      },
      outcomes: RECOVERY_OUTCOMES,
    });
    const recovery: CheckoutRecovery = {
      sweep: async (options) => {
        const report = await recoverStaleCheckouts(deps, options);
        for (const outcome of RECOVERY_OUTCOMES) metrics.handled(outcome, report[outcome]);
        return report;
      },
    };
    const loop = createRecoveryLoop({
      sweep: (signal) => recovery.sweep({ signal }),
      onSwept: (report) => {
        const moved = report.paid + report.cancelled + report.left + report.failed;
        if (moved > 0) ctx.logger.info({ ...report }, 'checkout recovery swept');
        else if (report.settled > 0) ctx.logger.debug({ ...report }, 'checkout recovery swept');
      },
      onError: (error) => {
        metrics.runFailed();
        ctx.logger.error({ code: failureCode(error) }, 'checkout recovery sweep failed');
      },
    });
    return {
      services: { checkoutRecovery: recovery },
      plugins: [checkoutRoutes(deps)],
      start: () => loop.start(),
      close: () => loop.close(),
    };
  },
};
