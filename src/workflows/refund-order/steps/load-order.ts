import type { OrderStatus } from '../../../commerce/orders/index.js';
import { DONE, type Step } from '../../checkout/index.js';
import type { RefundOrderDeps } from '../refund-order-deps.js';
import type { RefundFailure, RefundState } from '../refund-order-state.js';

/** Statuses in which money was taken and may go back. */
const REFUNDABLE: readonly OrderStatus[] = ['paid', 'fulfilled', 'delivered', 'refunded'];

/**
 * Loads the order; one never paid (placed) or cancelled has nothing to refund. A fully
 * refunded order passes here and is stopped by the amount check. Nothing to undo.
 */
export function loadOrder(deps: RefundOrderDeps): Step<RefundState, RefundFailure> {
  return {
    name: 'load-order',
    run: async (state) => {
      if (state.earlier !== undefined) return DONE;
      const order = await deps.orders.get(state.request.orderId);
      if (order === undefined) return { ok: false, failure: { kind: 'order_not_found' } };
      if (!REFUNDABLE.includes(order.status)) {
        return { ok: false, failure: { kind: 'not_paid', status: order.status } };
      }
      state.order = order;
      return DONE;
    },
  };
}
