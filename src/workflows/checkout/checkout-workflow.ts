import type { OrderStatus } from '../../commerce/orders/index.js';
import { newId } from '../../platform/ids.js';
import type { CheckoutDeps } from './checkout-deps.js';
import {
  need,
  type CheckoutFailure,
  type CheckoutRequest,
  type CheckoutState,
} from './checkout-state.js';
import { runSteps, type Step } from './step-runner.js';
import { authorisePayment } from './steps/authorise-payment.js';
import { capturePayment } from './steps/capture-payment.js';
import { loadCart } from './steps/load-cart.js';
import { placeOrder } from './steps/place-order.js';
import { subjectKey } from './steps/subject-key.js';

/** The order a checkout placed. */
export interface PlacedOrder {
  readonly orderId: string;
  readonly number: string;
  readonly status: OrderStatus;
  readonly totalMinor: number;
  readonly currency: string;
}

/** A checkout's end: the order, or why there is none (after every undo). */
export type CheckoutResult =
  | { readonly ok: true; readonly order: PlacedOrder }
  | { readonly ok: false; readonly failure: CheckoutFailure };

/** The checkout steps, in order; each finished one is undone if a later one fails. */
export function checkoutSteps(deps: CheckoutDeps): readonly Step<CheckoutState, CheckoutFailure>[] {
  return [
    loadCart(deps),
    authorisePayment(deps),
    subjectKey(deps),
    placeOrder(deps),
    capturePayment(deps),
  ];
}

/**
 * Checks a cart out: price it for the destination, authorise the payment, place the
 * order in one transaction, capture. A declined or failed payment, a shortage or a
 * concurrent checkout leaves nothing half-written: no order, stock as it was, the cart
 * still open, the authorisation voided.
 */
export async function checkout(
  deps: CheckoutDeps,
  steps: readonly Step<CheckoutState, CheckoutFailure>[],
  request: CheckoutRequest,
): Promise<CheckoutResult> {
  const state: CheckoutState = {
    request,
    actor:
      request.customerId === null
        ? { kind: 'anonymous' }
        : { kind: 'customer', id: request.customerId },
    orderId: newId('ord'),
    paymentId: newId('pay'),
  };
  const outcome = await runSteps(steps, state, deps.logger);
  if (!outcome.ok) return outcome;
  const cart = need(state.cart, 'cart');
  return {
    ok: true,
    order: {
      orderId: state.orderId,
      number: need(state.number, 'number'),
      status: need(state.status, 'status'),
      totalMinor: cart.totalMinor,
      currency: cart.currency,
    },
  };
}
