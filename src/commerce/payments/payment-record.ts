import type { Transaction } from 'kysely';
import type { Actor, FieldInput } from '../../privacy/access/index.js';
import type { FieldWriter } from '../../privacy/vault/index.js';
import type { Authorisation, PaymentProvider } from './payment-provider.js';

/** A capture's answer: refused with the provider's reason, or done (see `capture`). */
export type CaptureResult =
  | { readonly ok: true; readonly andThen: 'done' | 'failed' | 'none' }
  | { readonly ok: false; readonly reason: string };

/** Where a payment stands. */
export type PaymentStatus =
  'authorised' | 'captured' | 'voided' | 'refunded' | 'partially_refunded';

/** A payment as other modules see it: amounts and ids, nothing personal. */
export interface PaymentRecord {
  readonly id: string;
  readonly orderId: string;
  readonly subjectId: string;
  readonly provider: string;
  readonly authorisationId: string;
  readonly status: PaymentStatus;
  readonly amountMinor: number;
  readonly capturedMinor: number;
  readonly refundedMinor: number;
  readonly currency: string;
  readonly createdAt: Date;
}

/** What `record` stores: the order's payment after a successful authorisation. */
export interface RecordPaymentInput {
  readonly paymentId: string;
  readonly orderId: string;
  readonly subjectId: string;
  readonly token: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly authorisation: Extract<Authorisation, { ok: true }>;
  readonly actor: Actor;
  readonly requestId: string | null;
}

/** Who moves a payment, and in which request: what its audit event records. */
export interface PaymentContext {
  readonly actor?: Actor;
  readonly requestId?: string | null;
}

/** The answer of a refund through the payments service. */
export type PaymentRefund =
  | { readonly ok: true; readonly providerRefundId: string }
  | { readonly ok: false; readonly reason: string };

/** The payments of the shop, over one provider (`services.payments`). */
export interface PaymentsService {
  readonly provider: PaymentProvider;
  /** Authorises through the provider; never inside a transaction (the provider does I/O). */
  authorise(input: {
    token: string;
    amountMinor: number;
    currency: string;
    idempotencyKey: string;
  }): Promise<Authorisation>;
  /**
   * Inserts the payment row in the caller's transaction: token, brand, last four and
   * expiry sealed with the writer (fetched by the caller before the transaction), and
   * the audit event `payment.record` in the same transaction.
   */
  record<DB>(trx: Transaction<DB>, writer: FieldWriter, input: RecordPaymentInput): Promise<void>;
  /**
   * Captures the full authorised amount through the provider, then marks it captured, in
   * one transaction with `andThen`: the caller's change that goes with the capture (the
   * order becoming paid). Throws only when the provider's adapter does. Once the provider
   * has captured, the answer is `ok`: should that transaction fail, the capture is
   * recorded alone and `andThen` reported `failed` (the record follows the provider).
   * The payment's move is audited (`payment.capture`) in the transaction that records it.
   */
  capture(
    paymentId: string,
    andThen?: (trx: Transaction<unknown>) => Promise<void>,
    context?: PaymentContext,
  ): Promise<CaptureResult>;
  /**
   * Undo of authorise: voids at the provider (no payment row needed); a recorded payment
   * still authorised becomes `voided`, audited (`payment.void`) in the same transaction.
   */
  voidAuthorisation(
    authorisationId: string,
    idempotencyKey: string,
    context?: PaymentContext,
  ): Promise<void>;
  /**
   * Refunds part or all of a captured payment through the provider, idempotent by key;
   * updates refundedMinor and the status. Reasons: `exceeds_captured`, `not_captured`,
   * `payment_not_found`, `invalid_amount`, or the provider's own.
   */
  refund(paymentId: string, amountMinor: number, idempotencyKey: string): Promise<PaymentRefund>;
  forOrder(orderId: string): Promise<PaymentRecord[]>;
  /** The card fields of a payment as FieldInputs for PersonalDataAccess.read. */
  cardFields(paymentId: string): Promise<FieldInput[]>;
}
