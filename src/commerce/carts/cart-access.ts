import type { Kysely } from 'kysely';
import { fixedQuery } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import { isId } from '../../platform/ids.js';
import type { CartsDeps } from './carts-deps.js';
import { cartsErrors } from './carts-errors.js';
import type { CartLineTable, CartTable, CartsTables } from './carts-migration.js';

const cartById = fixedQuery((db: Kysely<CartsTables>, args: { cartId: string }) =>
  db.selectFrom('carts').selectAll().where('id', '=', args.cartId),
);

const cartLines = fixedQuery((db: Kysely<CartsTables>, args: { cartId: string }) =>
  db
    .selectFrom('cart_lines')
    .selectAll()
    .where('cart_id', '=', args.cartId)
    .orderBy('added_at')
    .orderBy('id'),
);

/** Who asks for a cart: a logged-in customer's id, or null for a guest. */
export type Shopper = string | null;

/**
 * The cart, if this shopper may use it now. A customer's cart answers only to that
 * customer: to anyone else it does not exist (404, not 403, so ids cannot be probed). A
 * guest cart answers to whoever holds its random id.
 */
export async function openCart(
  deps: CartsDeps,
  cartId: string,
  shopper: Shopper,
): Promise<CartTable> {
  if (!isId(cartId, 'crt')) throw new AppError(cartsErrors.CART_NOT_FOUND);
  const [cart] = (await cartById.execute(deps.db, { cartId })).rows;
  if (cart === undefined || (cart.customer_id !== null && cart.customer_id !== shopper)) {
    throw new AppError(cartsErrors.CART_NOT_FOUND);
  }
  if (cart.status === 'checked_out') {
    throw new AppError(cartsErrors.CART_CHECKED_OUT, { details: { orderId: cart.order_id } });
  }
  if (Number(cart.expires_at) <= deps.clock.now().getTime()) {
    throw new AppError(cartsErrors.CART_EXPIRED);
  }
  return cart;
}

/** A cart's lines in the order they were added. */
export async function linesOf(db: Kysely<CartsTables>, cartId: string): Promise<CartLineTable[]> {
  const { rows } = await cartLines.execute(db, { cartId });
  return rows.map((row) => ({
    ...row,
    quantity: Number(row.quantity),
    added_at: Number(row.added_at),
  }));
}
