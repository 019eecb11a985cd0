import { setImmediate as nextTurn } from 'node:timers/promises';
import type { OrderRef } from '../../commerce/orders/index.js';
import { failureCode } from '../../platform/errors/index.js';
import {
  RECOVERY_OUTCOMES,
  recoverOrder,
  type RecoveryDeps,
  type RecoveryOutcome,
} from './recover-order.js';

/**
 * How old a `placed` order must be before recovery touches it: a checkout runs its
 * capture within seconds of placing the order, so one still in flight is never raced.
 * Counted from the order's creation on the app's clock.
 */
export const CHECKOUT_SETTLE_MS = 5 * 60_000;

/** Orders read per page: a backlog is walked in bounded batches, oldest first. */
export const CHECKOUT_RECOVERY_BATCH = 50;

/** What one sweep did, in counts (see RecoveryOutcome): nothing personal, no ids. */
export type RecoveryReport = Readonly<Record<RecoveryOutcome, number>>;

/** How one sweep runs; the defaults suit production. */
export interface RecoveryOptions {
  readonly settleMs?: number;
  readonly batchSize?: number;
  /** Checked before each order: an aborted sweep stops after the order in hand. */
  readonly signal?: AbortSignal;
}

/**
 * Finds the orders checkouts left in `placed` (the process stopped between placing the
 * order and capturing, or the capture's move to `paid` failed) that are older than the
 * settle time, and recovers each (see recoverOrder), oldest first, one at a time, page
 * after page until none is left. Orders it leaves for staff are passed over by the
 * cursor, so they never hold up the others. One order's failure is logged with its code
 * and counted; the sweep goes on.
 */
export async function recoverStaleCheckouts(
  deps: RecoveryDeps,
  options: RecoveryOptions = {},
): Promise<RecoveryReport> {
  const before = new Date(deps.clock.now().getTime() - (options.settleMs ?? CHECKOUT_SETTLE_MS));
  const batchSize = options.batchSize ?? CHECKOUT_RECOVERY_BATCH;
  const counts = Object.fromEntries(RECOVERY_OUTCOMES.map((outcome) => [outcome, 0])) as Record<
    RecoveryOutcome,
    number
  >;
  // A function, so each check reads the signal afresh.
  const stopped = () => options.signal?.aborted === true;
  let after: OrderRef | undefined;
  while (!stopped()) {
    const page = await deps.orders.placedBefore(before, batchSize, after);
    for (const ref of page) {
      if (stopped()) break;
      let outcome: RecoveryOutcome;
      try {
        outcome = await recoverOrder(deps, ref.id);
      } catch (error) {
        deps.logger.error(
          { orderId: ref.id, code: failureCode(error) },
          'checkout recovery: order not recovered; tried again next sweep',
        );
        outcome = 'failed';
      }
      counts[outcome] += 1;
    }
    if (page.length < batchSize) break;
    after = page.at(-1);
    // Requests waiting for the database go first (better-sqlite3 runs on this thread).
    await nextTurn();
  }
  return counts;
}
