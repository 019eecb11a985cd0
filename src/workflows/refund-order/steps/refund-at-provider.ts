import { DONE, type Step } from '../../checkout/index.js';
import type { RefundOrderDeps } from '../refund-order-deps.js';
import { need, type RefundFailure, type RefundState } from '../refund-order-state.js';

/**
 * Sends the money back through the provider, under a key derived from the order and the
 * request's key, so a retried request never refunds twice. No undo: money returned to a
 * card cannot be taken back, so this runs after every check and before the one write.
 */
export function refundAtProvider(deps: RefundOrderDeps): Step<RefundState, RefundFailure> {
  return {
    name: 'refund-at-provider',
    run: async (state) => {
      if (state.earlier !== undefined) return DONE;
      const payment = need(state.payment, 'payment');
      const amountMinor = need(state.amountMinor, 'amount');
      const result = await deps.payments.refund(
        payment.id,
        amountMinor,
        `refund:${state.request.orderId}:${state.key}`,
      );
      if (result.ok) {
        state.providerRefundId = result.providerRefundId;
        return DONE;
      }
      switch (result.reason) {
        case 'exceeds_captured': {
          const fresh = await deps.payments.forOrder(state.request.orderId);
          const sum = (pick: (p: (typeof fresh)[number]) => number) =>
            fresh.reduce((total, p) => total + pick(p), 0);
          return {
            ok: false,
            failure: {
              kind: 'exceeds_captured',
              capturedMinor: sum((p) => p.capturedMinor),
              refundedMinor: sum((p) => p.refundedMinor),
              requestedMinor: amountMinor,
            },
          };
        }
        case 'not_captured':
          return { ok: false, failure: { kind: 'not_captured' } };
        default:
          deps.logger.warn(
            { orderId: state.request.orderId, paymentId: payment.id, reason: result.reason },
            'refund refused by the payment provider',
          );
          return { ok: false, failure: { kind: 'provider_failed', reason: result.reason } };
      }
    },
  };
}
