import { defineErrors } from '../../platform/errors/index.js';

/** Errors of the catalog: products, variants, prices and stock. */
export const catalogErrors = defineErrors({
  PRODUCT_NOT_FOUND: { status: 404, level: 'info', message: 'No such product' },
  VARIANT_NOT_FOUND: {
    status: 404,
    level: 'info',
    message: 'No such variant of this product',
  },
  SKU_TAKEN: {
    status: 409,
    level: 'info',
    message: 'Another variant already uses this SKU; SKUs are unique across the catalog',
  },
  CURRENCY_MISMATCH: {
    status: 400,
    level: 'info',
    message: 'Prices must be in the shop’s currency (CUSTODIA_CURRENCY)',
  },
  STOCK_BELOW_ZERO: {
    status: 409,
    level: 'info',
    message: 'The stock adjustment would take the stock below zero',
  },
});
