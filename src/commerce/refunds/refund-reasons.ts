/**
 * Why money went back, as a code: refunds carry no free text, so nothing a customer said
 * about a parcel ends up in a financial record that outlives their erasure.
 */
export const REFUND_REASONS = [
  'damaged',
  'not_received',
  'returned',
  'wrong_item',
  'goodwill',
  'other',
] as const;

/** A refund reason code. */
export type RefundReason = (typeof REFUND_REASONS)[number];

/** True for a known reason code. */
export function isRefundReason(value: string): value is RefundReason {
  return (REFUND_REASONS as readonly string[]).includes(value);
}
