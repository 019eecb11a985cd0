/** What a payment processor says about the card behind a token: never the card number. */
export interface CardFacts {
  readonly brand: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
}

/** Why a processor refused to authorise: an expected outcome, not an error. */
export type AuthorisationFailure =
  'declined' | 'insufficient_funds' | 'expired_card' | 'processing_error' | 'invalid_token';

/** The answer to an authorisation request. */
export type Authorisation =
  | { readonly ok: true; readonly authorisationId: string; readonly card: CardFacts }
  | { readonly ok: false; readonly reason: AuthorisationFailure };

/** The answer of a capture or a void. */
export type ProviderResult =
  { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The answer of a refund: the processor's refund id on success. */
export type ProviderRefund =
  | { readonly ok: true; readonly refundId: string }
  | { readonly ok: false; readonly reason: string };

/** An authorisation request: a processor token and an amount, never a card. */
export interface AuthoriseInput {
  readonly token: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly idempotencyKey: string;
}

/**
 * What an adapter for a card processor implements. Every call carries an idempotency key:
 * the same key with the same parameters answers the first outcome again (a retry after a
 * timeout is safe); the same key with other parameters is refused with
 * PAYMENT_IDEMPOTENCY_KEY_REUSED. Calls may do I/O of their own: never call them inside
 * a database transaction.
 */
export interface PaymentProvider {
  /** The name stored with each payment, such as `test`. */
  readonly name: string;
  authorise(input: AuthoriseInput): Promise<Authorisation>;
  capture(input: {
    readonly authorisationId: string;
    readonly amountMinor: number;
    readonly idempotencyKey: string;
  }): Promise<ProviderResult>;
  void(input: {
    readonly authorisationId: string;
    readonly idempotencyKey: string;
  }): Promise<ProviderResult>;
  refund(input: {
    readonly authorisationId: string;
    readonly amountMinor: number;
    readonly idempotencyKey: string;
  }): Promise<ProviderRefund>;
}
