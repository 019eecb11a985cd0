import { newId } from '../../platform/ids.js';
import { runSteps } from '../checkout/index.js';
import type { RefundOrderDeps } from './refund-order-deps.js';
import type { RefundFailure, RefundRequest, RefundState } from './refund-order-state.js';
import { choosePayment } from './steps/choose-payment.js';
import { findEarlierRefund } from './steps/find-earlier-refund.js';
import { loadOrder } from './steps/load-order.js';
import { recordRefund } from './steps/record-refund.js';
import { refundAtProvider } from './steps/refund-at-provider.js';

/** A refund made (or found again by its key), and where the order stands after it. */
export interface RefundDone {
  readonly refundId: string;
  readonly amountMinor: number;
  /** True when the request repeated an earlier one and nothing new happened. */
  readonly replayed: boolean;
}

/** The steps of a refund, in order: checks first, the provider, then the one write. */
export function refundSteps(deps: RefundOrderDeps) {
  return [
    findEarlierRefund(deps),
    loadOrder(deps),
    choosePayment(deps),
    refundAtProvider(deps),
    recordRefund(deps),
  ];
}

/**
 * Refunds part or all of an order's captured payment: full when no amount is given,
 * never more than was captured, idempotent by the request's key.
 */
export async function refundOrder(
  deps: RefundOrderDeps,
  request: RefundRequest,
): Promise<{ ok: true; refund: RefundDone } | { ok: false; failure: RefundFailure }> {
  const refundId = newId('ref');
  const state: RefundState = { request, refundId, key: request.idempotencyKey ?? refundId };
  const outcome = await runSteps(refundSteps(deps), state, deps.logger);
  if (!outcome.ok) return outcome;
  const earlier = state.earlier;
  return {
    ok: true,
    refund:
      earlier === undefined
        ? { refundId, amountMinor: state.amountMinor ?? 0, replayed: false }
        : { refundId: earlier.id, amountMinor: earlier.amountMinor, replayed: true },
  };
}
