import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../platform/errors/index.js';
import { isId, newId, newSecretId } from '../../platform/ids.js';
import { openCart, type Shopper } from './cart-access.js';
import type { CartsDeps, CatalogVariant } from './carts-deps.js';
import { cartsErrors } from './carts-errors.js';
import type { CartTable, CartsTables } from './carts-migration.js';

/** Most units of one variant a line holds. */
export const MAX_LINE_QUANTITY = 99;
/** Most different variants one cart holds. */
export const MAX_CART_LINES = 50;

/** Creates an open cart, bound to the customer when one is logged in; returns its id. */
export async function createCart(
  deps: CartsDeps,
  shopper: Shopper,
  country: string | null,
): Promise<string> {
  const now = deps.clock.now().getTime();
  const id = newSecretId('crt');
  await deps.db
    .insertInto('carts')
    .values({
      id,
      customer_id: shopper,
      country,
      status: 'open',
      order_id: null,
      currency: deps.settings.currency,
      expires_at: now + deps.settings.cartTtlMs,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/**
 * Runs a change to an open cart in one transaction that first refreshes the cart's expiry
 * with a conditional UPDATE. That UPDATE is also the cart's lock on PostgreSQL, so two
 * changes to one cart run one after the other; if the cart expired or was checked out
 * since it was opened, nothing changes and the caller learns why.
 */
async function changeCart<T>(
  deps: CartsDeps,
  cart: CartTable,
  shopper: Shopper,
  change: (trx: Transaction<CartsTables>) => Promise<T>,
  set: Partial<Pick<CartTable, 'country'>> = {},
): Promise<T> {
  const now = deps.clock.now().getTime();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const touched = await trx
      .updateTable('carts')
      .set({ ...set, updated_at: now, expires_at: now + deps.settings.cartTtlMs })
      .where('id', '=', cart.id)
      .where('status', '=', 'open')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(touched.numUpdatedRows) === 0) return { changed: false as const };
    return { changed: true as const, value: await change(trx) };
  });
  if (outcome.changed) return outcome.value;
  await openCart(deps, cart.id, shopper);
  throw new AppError(cartsErrors.CART_NOT_FOUND);
}

/** Sets or clears the destination country. */
export async function setCountry(
  deps: CartsDeps,
  cart: CartTable,
  shopper: Shopper,
  country: string | null,
): Promise<void> {
  await changeCart(deps, cart, shopper, async () => undefined, { country });
}

/** The variant if it can be put in this cart now. */
async function sellable(
  deps: CartsDeps,
  cart: CartTable,
  variantId: string,
): Promise<CatalogVariant> {
  const variant = (await deps.catalog.variants([variantId])).get(variantId);
  if (variant === undefined || !variant.available || variant.currency !== cart.currency) {
    throw new AppError(cartsErrors.VARIANT_UNAVAILABLE, { details: { variantId } });
  }
  return variant;
}

function checkQuantity(variant: CatalogVariant, quantity: number, inCart: number): void {
  if (quantity > MAX_LINE_QUANTITY) {
    throw new AppError(cartsErrors.LINE_QUANTITY_LIMIT, {
      details: { variantId: variant.variantId, max: MAX_LINE_QUANTITY, inCart },
    });
  }
  if (quantity > variant.stock) {
    throw new AppError(cartsErrors.INSUFFICIENT_STOCK, {
      details: { variantId: variant.variantId, requested: quantity, available: variant.stock },
    });
  }
}

/**
 * Adds units of a variant: a new line, or more of the line that holds it. Stock is checked
 * here to tell the shopper early; it is taken only at checkout.
 */
export async function addLine(
  deps: CartsDeps,
  cart: CartTable,
  shopper: Shopper,
  variantId: string,
  quantity: number,
): Promise<string> {
  // Read before the transaction: on SQLite a query outside it would wait for it to end.
  const variant = await sellable(deps, cart, variantId);
  return changeCart(deps, cart, shopper, async (trx) => {
    const existing = await trx
      .selectFrom('cart_lines')
      .select(['id', 'quantity'])
      .where('cart_id', '=', cart.id)
      .where('variant_id', '=', variantId)
      .executeTakeFirst();
    const inCart = existing === undefined ? 0 : Number(existing.quantity);
    checkQuantity(variant, inCart + quantity, inCart);
    if (existing !== undefined) {
      await trx
        .updateTable('cart_lines')
        .set({ quantity: inCart + quantity })
        .where('id', '=', existing.id)
        .execute();
      return existing.id;
    }
    await assertRoom(trx, cart.id);
    const id = newId('lin');
    await trx
      .insertInto('cart_lines')
      .values({
        id,
        cart_id: cart.id,
        variant_id: variantId,
        quantity,
        added_at: deps.clock.now().getTime(),
      })
      .execute();
    return id;
  });
}

async function assertRoom(trx: Kysely<CartsTables>, cartId: string): Promise<void> {
  const { count } = await trx
    .selectFrom('cart_lines')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('cart_id', '=', cartId)
    .executeTakeFirstOrThrow();
  if (Number(count) >= MAX_CART_LINES) {
    throw new AppError(cartsErrors.CART_FULL, { details: { maxLines: MAX_CART_LINES } });
  }
}

async function lineOf(deps: CartsDeps, cart: CartTable, lineId: string) {
  const line = isId(lineId, 'lin')
    ? await deps.db
        .selectFrom('cart_lines')
        .select(['id', 'variant_id', 'quantity'])
        .where('id', '=', lineId)
        .where('cart_id', '=', cart.id)
        .executeTakeFirst()
    : undefined;
  if (line === undefined) throw new AppError(cartsErrors.CART_LINE_NOT_FOUND);
  return { id: line.id, variantId: line.variant_id, quantity: Number(line.quantity) };
}

/**
 * Sets a line's quantity. More units need the variant to be sold and in stock; fewer are
 * always accepted, so a shopper can trim a line whose stock has since run low.
 */
export async function changeLine(
  deps: CartsDeps,
  cart: CartTable,
  shopper: Shopper,
  lineId: string,
  quantity: number,
): Promise<void> {
  const line = await lineOf(deps, cart, lineId);
  if (quantity > line.quantity) {
    checkQuantity(await sellable(deps, cart, line.variantId), quantity, line.quantity);
  }
  await changeCart(deps, cart, shopper, async (trx) => {
    const result = await trx
      .updateTable('cart_lines')
      .set({ quantity })
      .where('id', '=', line.id)
      .where('cart_id', '=', cart.id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new AppError(cartsErrors.CART_LINE_NOT_FOUND);
  });
}

/** Removes a line. */
export async function removeLine(
  deps: CartsDeps,
  cart: CartTable,
  shopper: Shopper,
  lineId: string,
): Promise<void> {
  if (!isId(lineId, 'lin')) throw new AppError(cartsErrors.CART_LINE_NOT_FOUND);
  await changeCart(deps, cart, shopper, async (trx) => {
    const result = await trx
      .deleteFrom('cart_lines')
      .where('id', '=', lineId)
      .where('cart_id', '=', cart.id)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new AppError(cartsErrors.CART_LINE_NOT_FOUND);
  });
}
