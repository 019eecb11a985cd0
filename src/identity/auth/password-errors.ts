import { defineErrors } from '../../platform/errors/index.js';

/** Errors of the password policy, for customers and staff alike (ASVS 2.1). */
export const passwordErrors = defineErrors({
  PASSWORD_TOO_SHORT: {
    status: 400,
    level: 'info',
    message: 'The password must be at least 12 characters long',
  },
  PASSWORD_TOO_LONG: {
    status: 400,
    level: 'info',
    message: 'The password must be at most 128 characters long',
  },
  PASSWORD_TOO_COMMON: {
    status: 400,
    level: 'info',
    message: 'The password is one of the most commonly used passwords; choose another',
  },
});
