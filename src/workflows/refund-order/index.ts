export type { RefundOrderDeps } from './refund-order-deps.js';
export { refundOrderErrors } from './refund-order-errors.js';
export { refundOrderRoutes } from './refund-order-routes.js';
export { refundBody, refundListReply, refundReply } from './refund-order-schemas.js';
export type { RefundFailure, RefundRequest, RefundState } from './refund-order-state.js';
export { refundOrder, refundSteps } from './refund-order.js';
export type { RefundDone } from './refund-order.js';
