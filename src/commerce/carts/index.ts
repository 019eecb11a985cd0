export { cartsErrors } from './carts-errors.js';
export { cartsExpiryMigration, cartsMigration } from './carts-migration.js';
export type { CartLineTable, CartTable, CartsTables } from './carts-migration.js';
export { cartsRoutes } from './carts-routes.js';
export { createCartsService } from './carts-service.js';
export type { CartLine, CartSnapshot, CartsService, CartTotals } from './carts-service.js';
export type { CartsDeps, CatalogReader, CatalogVariant } from './carts-deps.js';
export { MAX_CART_LINES, MAX_LINE_QUANTITY } from './cart-changes.js';
export { taxFor } from './tax.js';
export { CART_SWEEP_BATCH, CART_SWEEP_GRACE_MS, sweepExpiredCarts } from './cart-sweep.js';
export type { CartSweepDeps, CartSweepOptions } from './cart-sweep.js';
export {
  CART_SWEEP_FIRST_RUN_MS,
  CART_SWEEP_INTERVAL_MS,
  createCartSweeper,
} from './cart-sweeper.js';
export type { CartSweeper, CartSweeperOptions, SweeperTimers } from './cart-sweeper.js';
