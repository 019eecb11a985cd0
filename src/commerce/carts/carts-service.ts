import type { Kysely, Transaction } from 'kysely';
import { fixedQuery, rowsAffected, tablesOf } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import { linesOf, openCart } from './cart-access.js';
import { priceCart } from './cart-pricing.js';
import type { CartsDeps } from './carts-deps.js';
import { cartsErrors } from './carts-errors.js';
import type { CartsTables } from './carts-migration.js';
import { taxFor } from './tax.js';

/** Marks an open cart checked out for an order; a cart no longer open is left alone. */
const checkOut = fixedQuery(
  (db: Kysely<CartsTables>, args: { cartId: string; orderId: string; now: number }) =>
    db
      .updateTable('carts')
      .set({ status: 'checked_out', order_id: args.orderId, updated_at: args.now })
      .where('id', '=', args.cartId)
      .where('status', '=', 'open'),
);

/** A cart line priced from the catalog now. */
export interface CartLine {
  lineId: string;
  variantId: string;
  productId: string;
  productTitle: string;
  variantTitle: string;
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  lineTotalMinor: number;
}

/** A cart's money: subtotal, tax on it for the destination, and the total. */
export interface CartTotals {
  currency: string;
  subtotalMinor: number;
  taxRateBasisPoints: number;
  taxMinor: number;
  totalMinor: number;
}

/** A cart priced for checkout. */
export interface CartSnapshot extends CartTotals {
  id: string;
  customerId: string | null;
  country: string | null;
  lines: CartLine[];
  expiresAt: Date;
}

/** The checkout facts of a priced line, without what only the shopper's view carries. */
export function cartLineOf(line: CartLine): CartLine {
  return {
    lineId: line.lineId,
    variantId: line.variantId,
    productId: line.productId,
    productTitle: line.productTitle,
    variantTitle: line.variantTitle,
    sku: line.sku,
    quantity: line.quantity,
    unitPriceMinor: line.unitPriceMinor,
    lineTotalMinor: line.lineTotalMinor,
  };
}

/** What carts offer other modules (checkout). */
export interface CartsService {
  /**
   * The cart priced now for the destination country; throws CART_NOT_FOUND (also for a
   * cart of another customer), CART_EXPIRED, CART_EMPTY, CART_CHECKED_OUT,
   * VARIANT_UNAVAILABLE. `customerId` null for a guest.
   */
  forCheckout(cartId: string, customerId: string | null, country: string): Promise<CartSnapshot>;
  /** open → checked_out in the caller's transaction; false when it was not open (a concurrent checkout won). */
  markCheckedOut<DB>(trx: Transaction<DB>, cartId: string, orderId: string): Promise<boolean>;
  /** Tax on a subtotal at a rate in basis points, rounded half up (the pure `taxFor`). */
  taxFor(subtotalMinor: number, basisPoints: number): number;
}

/** The carts service over the shop's database and the catalog. */
export function createCartsService(deps: CartsDeps): CartsService {
  return {
    async forCheckout(cartId, customerId, country) {
      const cart = await openCart(deps, cartId, customerId);
      const rows = await linesOf(deps.db, cart.id);
      if (rows.length === 0) throw new AppError(cartsErrors.CART_EMPTY);
      const priced = await priceCart(deps, cart, rows, country.toUpperCase());
      const unavailable = priced.lines.filter((line) => !line.available);
      if (unavailable.length > 0) {
        throw new AppError(cartsErrors.VARIANT_UNAVAILABLE, {
          details: { variantIds: unavailable.map((line) => line.variantId) },
        });
      }
      return {
        id: priced.id,
        customerId: priced.customerId,
        country: priced.country,
        currency: priced.currency,
        lines: priced.lines.map(cartLineOf),
        subtotalMinor: priced.subtotalMinor,
        taxRateBasisPoints: priced.taxRateBasisPoints,
        taxMinor: priced.taxMinor,
        totalMinor: priced.totalMinor,
        expiresAt: priced.expiresAt,
      };
    },

    async markCheckedOut(trx, cartId, orderId) {
      const now = deps.clock.now().getTime();
      const result = await checkOut.execute(tablesOf<CartsTables>(trx), { cartId, orderId, now });
      return rowsAffected(result) > 0;
    },

    taxFor,
  };
}
