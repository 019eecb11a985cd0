import type { Kysely } from 'kysely';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../../platform/clock.js';
import type { CartsTables } from './carts-migration.js';

const HOUR = 60 * 60_000;

/**
 * How long an expired cart is kept before it is deleted: meanwhile its holder still gets
 * the clear `410 CART_EXPIRED` (afterwards `404 CART_NOT_FOUND`), and a checkout that
 * priced the cart just before it expired has long finished.
 */
export const CART_SWEEP_GRACE_MS = 24 * HOUR;

/** Carts deleted per statement: a backlog never holds the write lock for long. */
export const CART_SWEEP_BATCH = 500;

/** What the sweep needs: the carts tables and the time. */
export interface CartSweepDeps {
  readonly db: Kysely<CartsTables>;
  readonly clock: Clock;
}

/** How one sweep runs; the defaults suit production. */
export interface CartSweepOptions {
  readonly graceMs?: number;
  readonly batchSize?: number;
  /** Checked before each batch: an aborted sweep stops between batches. */
  readonly signal?: AbortSignal;
}

/**
 * Deletes carts, with their lines, that expired more than the grace period ago and were
 * never checked out; returns how many. A checked-out cart is never touched: it is the
 * record of what an order was placed from. Runs batch after batch until none is left.
 */
export async function sweepExpiredCarts(
  deps: CartSweepDeps,
  options: CartSweepOptions = {},
): Promise<number> {
  const cutoff = deps.clock.now().getTime() - (options.graceMs ?? CART_SWEEP_GRACE_MS);
  const batchSize = options.batchSize ?? CART_SWEEP_BATCH;
  let deleted = 0;
  while (options.signal?.aborted !== true) {
    const batch = await deleteBatch(deps.db, cutoff, batchSize);
    deleted += batch;
    if (batch < batchSize) break;
    // Requests waiting for the database go first (better-sqlite3 runs on this thread).
    await nextTurn();
  }
  return deleted;
}

/**
 * One statement per batch. Lines go with their cart through the `on delete cascade` of
 * `cart_lines.cart_id` (foreign keys are on for both engines). The outer conditions are
 * checked again on the rows the statement deletes, so a cart that changed state since
 * the inner select is left alone; an expired cart cannot change anyway.
 */
async function deleteBatch(db: Kysely<CartsTables>, cutoff: number, limit: number) {
  const expired = db
    .selectFrom('carts')
    .select('id')
    .where('status', '=', 'open')
    .where('expires_at', '<', cutoff)
    .limit(limit);
  const result = await db
    .deleteFrom('carts')
    .where('id', 'in', expired)
    .where('status', '=', 'open')
    .where('expires_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
