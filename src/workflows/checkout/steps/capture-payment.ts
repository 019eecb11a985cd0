import type { CheckoutDeps } from '../checkout-deps.js';
import type { CheckoutFailure, CheckoutState } from '../checkout-state.js';
import { DONE, type Step } from '../step-runner.js';

const SYSTEM = { kind: 'system', name: 'checkout' } as const;

/**
 * After the commit: captures the authorised amount, then moves the order to `paid`. A
 * refused capture fails the checkout (the earlier steps cancel the order, give the stock
 * back and void the authorisation). Once the money is captured nothing is undone: should
 * the status move itself fail, the order stays `placed` for staff to see, and is logged.
 */
export function capturePayment(deps: CheckoutDeps): Step<CheckoutState, CheckoutFailure> {
  return {
    name: 'capture-payment',
    run: async (state) => {
      let captured;
      try {
        captured = await deps.payments.capture(state.paymentId);
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
      try {
        await deps.orders.transition(state.orderId, 'paid', {
          actor: SYSTEM,
          requestId: state.request.requestId,
          reason: 'payment_captured',
        });
        state.status = 'paid';
      } catch (error) {
        deps.logger.error({ err: error, orderId: state.orderId }, 'captured order not marked paid');
      }
      return DONE;
    },
  };
}
