import { defineErrors } from '../../platform/errors/index.js';

/** Errors of staff accounts. */
export const staffErrors = defineErrors({
  STAFF_EMAIL_TAKEN: {
    status: 409,
    level: 'info',
    message: 'A staff account with this email address already exists',
  },
  ROLE_UNKNOWN: {
    status: 400,
    level: 'info',
    message: 'The role is not defined; see the roles in docs/access.md or the roles file',
  },
  SETUP_TOKEN_INVALID: {
    status: 400,
    level: 'info',
    message: 'The set-up link is unknown, used or expired; ask an admin for a new one',
  },
  STAFF_NOT_FOUND: { status: 404, level: 'info', message: 'No such staff account' },
});
