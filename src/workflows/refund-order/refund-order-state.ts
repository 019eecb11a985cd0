import type { OrderRecord } from '../../commerce/orders/index.js';
import type { PaymentRecord } from '../../commerce/payments/index.js';
import type { KeyedRefund, RefundReason } from '../../commerce/refunds/index.js';
import type { Actor } from '../../privacy/access/index.js';

/** A staff member's refund request, as the route validated it. */
export interface RefundRequest {
  readonly orderId: string;
  /** Absent: refund whatever was captured and not yet refunded. */
  readonly amountMinor: number | undefined;
  readonly reason: RefundReason;
  /** The client's key; a repeat with the same key and request answers the same refund. */
  readonly idempotencyKey: string | undefined;
  readonly actor: Actor;
  readonly requestId: string;
}

/** Why a refund did not happen: expected outcomes, each an error only at the route. */
export type RefundFailure =
  | { readonly kind: 'order_not_found' }
  | { readonly kind: 'not_paid'; readonly status: string }
  | { readonly kind: 'not_captured' }
  | {
      readonly kind: 'exceeds_captured';
      readonly capturedMinor: number;
      readonly refundedMinor: number;
      readonly requestedMinor: number;
    }
  | { readonly kind: 'key_reused' }
  | { readonly kind: 'provider_failed'; readonly reason: string };

/** What the steps learn and do, in order. */
export interface RefundState {
  readonly request: RefundRequest;
  /** The id the new refund gets. */
  readonly refundId: string;
  /** The request's idempotency key: the client's, or the new refund's id. */
  readonly key: string;
  /** A refund this key already produced: the steps after the first do nothing. */
  earlier?: KeyedRefund;
  order?: OrderRecord;
  payment?: PaymentRecord;
  amountMinor?: number;
  providerRefundId?: string;
}

/** A value an earlier step must have set; its absence is a bug in the step order. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`refund workflow: ${what} missing`);
  return value;
}
