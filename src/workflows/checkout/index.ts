export type { CheckoutDeps } from './checkout-deps.js';
export { checkoutErrors } from './checkout-errors.js';
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
export { DONE, runSteps } from './step-runner.js';
export type { Step, StepOutcome, WorkflowOutcome } from './step-runner.js';
