import { defineErrors } from '../../platform/errors/index.js';

/** Errors of carts. */
export const cartsErrors = defineErrors({
  CART_NOT_FOUND: { status: 404, level: 'info', message: 'No such cart' },
  CART_EXPIRED: {
    status: 410,
    level: 'info',
    message: 'The cart expired after a time without changes; start a new one',
  },
  CART_CHECKED_OUT: {
    status: 409,
    level: 'info',
    message: 'The cart has been checked out and can no longer change; start a new one',
  },
  CART_EMPTY: { status: 409, level: 'info', message: 'The cart has no lines to check out' },
  CART_FULL: {
    status: 409,
    level: 'info',
    message: 'The cart holds as many different variants as it can',
  },
  CART_LINE_NOT_FOUND: { status: 404, level: 'info', message: 'No such line in this cart' },
  LINE_QUANTITY_LIMIT: {
    status: 409,
    level: 'info',
    message: 'A cart line holds at most 99 units',
  },
  VARIANT_UNAVAILABLE: {
    status: 409,
    level: 'info',
    message: 'The variant is not sold (unknown, archived, or its product is archived)',
  },
  INSUFFICIENT_STOCK: {
    status: 409,
    level: 'info',
    message: 'Not enough stock for this quantity',
  },
});
