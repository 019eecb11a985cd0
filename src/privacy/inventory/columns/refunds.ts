/** Non-personal columns of the refunds tables, with the reason each holds no personal data. */
export const REFUNDS_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  refunds: {
    id: 'random refund id',
    order_id: 'id of the order refunded',
    payment_id: 'id of the payment refunded',
    amount_minor: 'amount refunded, in minor units',
    currency: 'ISO 4217 currency code',
    reason: 'reason code from a closed list (damaged, not_received, …); never free text',
    created_by: 'pseudonymous staff id of whoever issued it',
    provider_refund_id: "the provider's random refund id",
    idempotency_key: "the client's random idempotency key, or the refund id",
    requested_amount_minor: 'amount asked for, in minor units; empty for a full refund',
    created_at: 'refund time',
  },
};
