import { defineErrors } from '../../platform/errors/index.js';

/**
 * Errors of payments and of the test provider's tokenisation endpoint. None of them ever
 * carries a card number, a security code or a token, in its message or its details.
 */
export const paymentsErrors = defineErrors({
  CARD_NUMBER_INVALID: {
    status: 400,
    level: 'info',
    message: 'The card number is not valid: it must have 13 to 19 digits and pass the Luhn check',
  },
  CARD_NOT_TEST_NUMBER: {
    status: 400,
    level: 'info',
    message:
      'The test payment provider accepts only its documented test card numbers (docs/payments.md)',
  },
  CARD_EXPIRED: { status: 400, level: 'info', message: 'The card’s expiry date has passed' },
  CARD_CVC_INVALID: {
    status: 400,
    level: 'info',
    message: 'The security code must have 3 digits, or 4 for American Express',
  },
  PAYMENT_IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    level: 'warn',
    message: 'This idempotency key was used before with other parameters; use a new key',
  },
  PAYMENT_PROVIDER_FAILED: {
    status: 502,
    level: 'warn',
    message: 'The payment provider could not complete the operation; try again later',
  },
});
