import type { Transaction } from 'kysely';
import type { CheckoutDeps } from '../checkout-deps.js';
import { CHECKOUT_ACTOR, type CheckoutFailure, type CheckoutState } from '../checkout-state.js';
import { DONE, type Step } from '../step-runner.js';

/**
 * After the commit: captures the authorised amount, and marks the payment captured and
 * the order `paid` in one transaction. A refused capture fails the checkout (the earlier
 * steps cancel the order, give the stock back and void the authorisation). Once the money
 * is captured nothing is undone: should the status move fail, the payment is still
 * recorded as captured, the order stays `placed` for staff to see, and it is logged.
 */
export function capturePayment(deps: CheckoutDeps): Step<CheckoutState, CheckoutFailure> {
  return {
    name: 'capture-payment',
    run: async (state) => {
      const markPaid = (trx: Transaction<unknown>) =>
        deps.orders.transition(
          state.orderId,
          'paid',
          { actor: CHECKOUT_ACTOR, requestId: state.request.requestId, reason: 'payment_captured' },
          trx,
        );
      let captured;
      try {
        captured = await deps.payments.capture(state.paymentId, markPaid, {
          actor: CHECKOUT_ACTOR,
          requestId: state.request.requestId,
        });
      } catch (error) {
        deps.logger.warn({ err: error, orderId: state.orderId }, 'payment capture failed');
        captured = { ok: false as const, reason: 'provider_error' };
      }
      if (!captured.ok) {
        deps.logger.warn(
          { orderId: state.orderId, reason: captured.reason },
          'payment not captured',
        );
        return { ok: false, failure: { kind: 'payment_failed', stage: 'capture' } };
      }
      if (captured.andThen === 'done') state.status = 'paid';
      else deps.logger.error({ orderId: state.orderId }, 'captured order not marked paid');
      return DONE;
    },
  };
}
