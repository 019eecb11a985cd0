import { defineErrors } from '../../platform/errors/index.js';

/** Errors of access decisions and reveals. They name fields and codes, never values or reasons. */
export const accessErrors = defineErrors({
  ACCESS_DENIED: {
    status: 403,
    level: 'info',
    message: 'Your roles do not allow this data to be seen for this purpose',
  },
  REVEAL_DENIED: {
    status: 403,
    level: 'warn',
    message:
      'Your roles do not allow one or more of the requested fields to be revealed for this purpose',
  },
  REVEAL_REQUEST_INVALID: {
    status: 400,
    level: 'info',
    message:
      'A reveal needs 1 to 20 fields, a reason of 8 to 2,000 characters and, if given, a ticket id of at most 64 letters, digits or _.:#-',
  },
  AUDIT_UNAVAILABLE: {
    status: 503,
    level: 'error',
    message: 'The audit log cannot be written, so no personal data is returned; retry later',
  },
  ROLE_DEFINITIONS_INVALID: {
    status: 500,
    level: 'error',
    message: 'The role definitions are invalid',
  },
});
