export type { CheckoutDeps } from './checkout-deps.js';
export { checkoutErrors } from './checkout-errors.js';
export {
  CHECKOUT_RECOVERY_BATCH,
  CHECKOUT_SETTLE_MS,
  recoverStaleCheckouts,
} from './checkout-recovery.js';
export type { RecoveryOptions, RecoveryReport } from './checkout-recovery.js';
export {
  CHECKOUT_RECOVERY_FIRST_RUN_MS,
  CHECKOUT_RECOVERY_INTERVAL_MS,
  createRecoveryLoop,
} from './checkout-recovery-loop.js';
export type {
  RecoveryLoop,
  RecoveryLoopOptions,
  RecoveryTimers,
} from './checkout-recovery-loop.js';
export { checkoutRoutes } from './checkout-routes.js';
export { checkoutBody, checkoutReply } from './checkout-schemas.js';
export type { CheckoutBody } from './checkout-schemas.js';
export type { CheckoutFailure, CheckoutRequest, CheckoutState } from './checkout-state.js';
export { checkout, checkoutSteps } from './checkout-workflow.js';
export type { CheckoutResult, PlacedOrder } from './checkout-workflow.js';
export {
  confirmationText,
  formatMoney,
  ORDER_CONFIRMATION,
  orderConfirmationHandler,
} from './order-confirmation.js';
export type { OrderConfirmationDeps } from './order-confirmation.js';
export {
  RECOVERY_ACTOR,
  RECOVERY_OUTCOMES,
  RECOVERY_REASONS,
  recoverOrder,
} from './recover-order.js';
export type { RecoveryDeps, RecoveryOutcome } from './recover-order.js';
export { DONE, runSteps } from './step-runner.js';
export type { Step, StepOutcome, WorkflowOutcome } from './step-runner.js';
