export { cartsErrors } from './carts-errors.js';
export { cartsMigration } from './carts-migration.js';
export type { CartLineTable, CartTable, CartsTables } from './carts-migration.js';
export { cartsRoutes } from './carts-routes.js';
export { createCartsService } from './carts-service.js';
export type { CartLine, CartSnapshot, CartsService, CartTotals } from './carts-service.js';
export type { CartsDeps, CatalogReader, CatalogVariant } from './carts-deps.js';
export { MAX_CART_LINES, MAX_LINE_QUANTITY } from './cart-changes.js';
export { taxFor } from './tax.js';
