export { isRefundReason, REFUND_REASONS } from './refund-reasons.js';
export type { RefundReason } from './refund-reasons.js';
export { refundsMigration } from './refunds-migration.js';
export type { RefundsTables, RefundTable } from './refunds-migration.js';
export { createRefundsService } from './refunds-service.js';
export type { KeyedRefund, NewRefund, RefundRecord, RefundsService } from './refunds-service.js';
