import { tablesOf } from '../../platform/db/index.js';
import {
  cartsErrors,
  cartsExpiryMigration,
  cartsMigration,
  cartsRoutes,
  createCartSweeper,
  createCartsService,
  type CartsDeps,
  type CartsService,
  type CartsTables,
} from '../../commerce/carts/index.js';
import { failureCode } from '../../platform/errors/index.js';
import type { CommerceWiring } from '../commerce-module.js';

declare module '../commerce-module.js' {
  interface CommerceServices {
    /** Carts priced for checkout, and the checked-out mark. */
    carts: CartsService;
  }
}

/**
 * Wires the carts module; it reads prices and stock through the catalog service. Expired
 * carts that were never checked out are swept in the background while the app runs.
 */
export const cartsWiring: CommerceWiring = {
  name: 'carts',
  migrations: [cartsMigration, cartsExpiryMigration],
  errors: { carts: cartsErrors },
  open: (ctx, services) => {
    // Declared, but filled only if the catalog wiring opened first.
    if ((services as Partial<typeof services>).catalog === undefined) {
      throw new Error('The carts module needs the catalog module, opened before it');
    }
    const deps: CartsDeps = {
      db: tablesOf<CartsTables>(ctx.database.db),
      catalog: services.catalog,
      clock: ctx.clock,
      settings: {
        currency: ctx.config.commerce.currency,
        taxRates: ctx.config.commerce.taxRates,
        cartTtlMs: ctx.config.commerce.cartTtlMs,
      },
    };
    const sweeper = createCartSweeper(deps, {
      onSwept: (deleted) => {
        if (deleted > 0) ctx.logger.info({ deleted }, 'expired carts deleted');
      },
      onError: (error) => ctx.logger.error({ code: failureCode(error) }, 'cart sweep failed'),
    });
    return {
      services: { carts: createCartsService(deps) },
      plugins: [cartsRoutes(deps)],
      start: () => sweeper.start(),
      close: () => sweeper.close(),
    };
  },
};
