import type { FastifyPluginAsync } from 'fastify';
import { tablesOf } from '../../platform/db/index.js';
import {
  createPaymentsService,
  openTestProvider,
  paymentsErrors,
  paymentsMigration,
  type PaymentProvider,
  type PaymentsService,
  type PaymentsTables,
  type TestProviderTables,
} from '../../commerce/payments/index.js';
import type { CommerceContext, CommerceWiring } from '../commerce-module.js';

declare module '../commerce-module.js' {
  interface CommerceServices {
    /** Authorisations, captures, voids and refunds through the configured provider. */
    payments: PaymentsService;
  }
}

/** The provider config names, and the routes it brings (the test provider's tokens). */
async function providerOf(
  ctx: CommerceContext,
): Promise<{ provider: PaymentProvider; plugins: FastifyPluginAsync[] }> {
  switch (ctx.config.commerce.paymentProvider) {
    case 'test': {
      const { provider, routes } = await openTestProvider(
        tablesOf<TestProviderTables>(ctx.database.db),
        ctx.clock,
      );
      return { provider, plugins: [routes] };
    }
  }
}

/** Wires the payments module: its tables, its errors, the provider and `services.payments`. */
export const paymentsWiring: CommerceWiring = {
  name: 'payments',
  migrations: [paymentsMigration],
  errors: { payments: paymentsErrors },
  open: async (ctx) => {
    const { provider, plugins } = await providerOf(ctx);
    const payments = createPaymentsService({
      db: tablesOf<PaymentsTables>(ctx.database.db),
      provider,
      audit: ctx.identity.audit,
      clock: ctx.clock,
      logger: ctx.logger,
    });
    return { services: { payments }, plugins };
  },
};
