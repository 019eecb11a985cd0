import type { Transaction } from 'kysely';
import type { CartSnapshot } from '../../commerce/carts/index.js';
import type { OrderStatus } from '../../commerce/orders/index.js';
import type { Authorisation } from '../../commerce/payments/index.js';
import type { Actor } from '../../privacy/access/index.js';
import type { Purpose } from '../../privacy/inventory/index.js';
import type { FieldWriter } from '../../privacy/vault/index.js';
import type { CheckoutBody } from './checkout-schemas.js';

/** The actor of what checkout does on its own: capture, and the undo of its steps. */
export const CHECKOUT_ACTOR = { kind: 'system', name: 'checkout' } as const;

/** One checkout as asked for: the cart, the shopper, the form. */
export interface CheckoutRequest {
  readonly cartId: string;
  /** The logged-in customer; null for a guest. */
  readonly customerId: string | null;
  readonly form: CheckoutBody;
  readonly requestId: string | null;
}

/** Why a checkout stopped, as an expected outcome; the route turns it into an error. */
export type CheckoutFailure =
  | {
      readonly kind: 'payment_declined';
      readonly reason: 'declined' | 'insufficient_funds' | 'expired_card';
    }
  | { readonly kind: 'payment_token_invalid' }
  | { readonly kind: 'payment_failed'; readonly stage: 'authorise' | 'capture' }
  | {
      readonly kind: 'out_of_stock';
      readonly shortages: readonly { variantId: string; requested: number; available: number }[];
    }
  | { readonly kind: 'cart_checked_out' };

/** What the steps learn and leave for the next ones (and for their undos). */
export interface CheckoutState {
  readonly request: CheckoutRequest;
  /** Who places the order: the customer, or nobody logged in. */
  readonly actor: Actor;
  /** Minted up front: the authorisation's idempotency key is derived from it. */
  readonly orderId: string;
  readonly paymentId: string;
  cart?: CartSnapshot;
  authorisation?: Extract<Authorisation, { ok: true }> & { readonly idempotencyKey: string };
  /** The customer id, or a fresh `sub_` id for a guest. */
  subjectId?: string;
  writer?: FieldWriter;
  /** A guest's new data key, written by the order's transaction. */
  storeKey?: (trx: Transaction<unknown>) => Promise<void>;
  number?: string;
  status?: OrderStatus;
  /** The consents to record, when there are any to record. */
  consents?: Partial<Record<Purpose, boolean>>;
}

/** A value an earlier step must have set; its absence is a bug in the step order. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`Checkout step order: ${what} is not set`);
  return value;
}
