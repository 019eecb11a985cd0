import type { PaymentRecord } from '../../../commerce/payments/index.js';
import { DONE, type Step } from '../../checkout/index.js';
import type { RefundOrderDeps } from '../refund-order-deps.js';
import type { RefundFailure, RefundState } from '../refund-order-state.js';

const CAPTURED = new Set(['captured', 'partially_refunded', 'refunded']);
const left = (payment: PaymentRecord) => payment.capturedMinor - payment.refundedMinor;

/**
 * Picks the captured payment with the most left to refund and settles the amount: the
 * one asked for, or everything left. Whether an explicit amount fits is the payments
 * service's call, made atomically (two refunds at once cannot both take the last euro).
 * Nothing to undo.
 */
export function choosePayment(deps: RefundOrderDeps): Step<RefundState, RefundFailure> {
  return {
    name: 'choose-payment',
    run: async (state) => {
      if (state.earlier !== undefined) return DONE;
      const all = await deps.payments.forOrder(state.request.orderId);
      const captured = all.filter((payment) => CAPTURED.has(payment.status));
      if (captured.length === 0) {
        const pending = all.some((payment) => payment.status === 'authorised');
        return {
          ok: false,
          failure: pending ? { kind: 'not_captured' } : { kind: 'not_paid', status: 'unpaid' },
        };
      }
      const payment = captured.reduce((best, next) => (left(next) > left(best) ? next : best));
      const amountMinor = state.request.amountMinor ?? left(payment);
      if (amountMinor <= 0) {
        return {
          ok: false,
          failure: {
            kind: 'exceeds_captured',
            capturedMinor: captured.reduce((sum, p) => sum + p.capturedMinor, 0),
            refundedMinor: captured.reduce((sum, p) => sum + p.refundedMinor, 0),
            requestedMinor: amountMinor,
          },
        };
      }
      state.payment = payment;
      state.amountMinor = amountMinor;
      return DONE;
    },
  };
}
