import { defineErrors } from '../../platform/errors/index.js';

/** Errors of customer accounts. */
export const customersErrors = defineErrors({
  VERIFICATION_TOKEN_INVALID: {
    status: 400,
    level: 'info',
    message: 'The email verification link is unknown, used or expired; request a new one',
  },
  CUSTOMER_NOT_FOUND: { status: 404, level: 'info', message: 'No such customer' },
  CUSTOMER_ERASED: {
    status: 410,
    level: 'info',
    message: 'This customer’s personal data has been erased',
  },
});
