import type { FieldInput } from '../../privacy/access/index.js';

/** What an order page shows of one payment: amounts and state, no card data. */
export interface OrderPaymentFacts {
  readonly id: string;
  readonly status: string;
  readonly amountMinor: number;
  readonly capturedMinor: number;
  readonly refundedMinor: number;
  readonly currency: string;
}

/**
 * The part of the payments service an order page reads, named here so that the orders
 * module depends on a shape and not on the payments module (modules never import each
 * other; the wiring hands the service in when it exists).
 */
export interface OrderPaymentsSource {
  forOrder(orderId: string): Promise<readonly OrderPaymentFacts[]>;
  /** The payment's card fields as FieldInputs (payments.card_brand, card_last4, card_expiry). */
  cardFields(paymentId: string): Promise<FieldInput[]>;
}

/** The card fields an order page shows: brand and last four, never the expiry. */
export const SHOWN_CARD_FIELDS = ['payments.card_brand', 'payments.card_last4'] as const;

/** The shown card fields of every payment, one lookup per payment (an order has one or two). */
export async function cardInputs(
  source: OrderPaymentsSource,
  payments: readonly OrderPaymentFacts[],
): Promise<FieldInput[]> {
  const all = await Promise.all(payments.map((payment) => source.cardFields(payment.id)));
  return all
    .flat()
    .filter((input) => (SHOWN_CARD_FIELDS as readonly string[]).includes(input.field));
}
