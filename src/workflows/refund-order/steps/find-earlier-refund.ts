import type { KeyedRefund } from '../../../commerce/refunds/index.js';
import { DONE, type Step } from '../../checkout/index.js';
import type { RefundOrderDeps } from '../refund-order-deps.js';
import type { RefundFailure, RefundRequest, RefundState } from '../refund-order-state.js';

/** True when a stored refund answered exactly this request. */
export function sameRequest(earlier: KeyedRefund, request: RefundRequest): boolean {
  return (
    earlier.reason === request.reason &&
    earlier.requestedAmountMinor === (request.amountMinor ?? null)
  );
}

/**
 * A repeated request (same idempotency key) gets the refund it produced the first time;
 * the same key with another amount or reason is refused. Nothing to undo.
 */
export function findEarlierRefund(deps: RefundOrderDeps): Step<RefundState, RefundFailure> {
  return {
    name: 'find-earlier-refund',
    run: async (state) => {
      if (state.request.idempotencyKey === undefined) return DONE;
      const earlier = await deps.refunds.byKey(state.request.orderId, state.key);
      if (earlier === undefined) return DONE;
      if (!sameRequest(earlier, state.request)) {
        return { ok: false, failure: { kind: 'key_reused' } };
      }
      state.earlier = earlier;
      return DONE;
    },
  };
}
