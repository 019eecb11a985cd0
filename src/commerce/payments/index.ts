export type {
  Authorisation,
  AuthorisationFailure,
  AuthoriseInput,
  CardFacts,
  PaymentProvider,
  ProviderRefund,
  ProviderResult,
} from './payment-provider.js';
export type {
  CaptureResult,
  PaymentContext,
  PaymentRecord,
  PaymentRefund,
  PaymentStatus,
  PaymentsService,
  RecordPaymentInput,
} from './payment-record.js';
export { paymentsErrors } from './payments-errors.js';
export { paymentsMigration } from './payments-migration.js';
export type { PaymentOperationTable, PaymentTable, PaymentsTables } from './payments-migration.js';
export { createPaymentsService } from './payments-service.js';
export type { PaymentsDeps } from './payments-service.js';
export { brandOf, normaliseCardNumber, passesLuhn } from './test-provider/card-number.js';
export { openTestProvider } from './test-provider/open-test-provider.js';
export { TEST_CARDS } from './test-provider/test-cards.js';
export type { TestCardBehaviour } from './test-provider/test-cards.js';
export type { TestProviderTables } from './test-provider/test-provider-tables.js';
