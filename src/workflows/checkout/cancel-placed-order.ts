import type { StockLine } from '../../commerce/catalog/index.js';
import type { TransitionFacts } from '../../commerce/orders/index.js';
import type { CheckoutDeps } from './checkout-deps.js';

/**
 * Undoes a placed order in one transaction: the order moves to `cancelled` first (a
 * concurrent move makes this fail before any stock is given back), then its lines' stock
 * is released. The checkout's own undo and the recovery of a stopped checkout both end
 * an order this way.
 */
export async function cancelPlacedOrder(
  deps: Pick<CheckoutDeps, 'db' | 'orders' | 'catalog'>,
  orderId: string,
  lines: readonly StockLine[],
  facts: TransitionFacts,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await deps.orders.transition(orderId, 'cancelled', facts, trx);
    await deps.catalog.release(trx, lines);
  });
}
