import { defineErrors } from '../../platform/errors/index.js';

/** Errors of authentication, sessions and route guards. */
export const authErrors = defineErrors({
  AUTHENTICATION_REQUIRED: {
    status: 401,
    level: 'info',
    message: 'Log in first: no valid session or bearer token was presented',
  },
  INVALID_CREDENTIALS: {
    status: 401,
    level: 'info',
    message: 'The email address, password or one-time code is not correct',
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    level: 'warn',
    message:
      'A request authenticated by cookie must carry the session’s x-csrf-token header to change anything',
  },
  MFA_REQUIRED: {
    status: 403,
    level: 'warn',
    message: 'A second factor is required before personal data can be reached',
  },
  REAUTHENTICATION_REQUIRED: {
    status: 403,
    level: 'info',
    message: 'Confirm your password (and one-time code) again to do this',
  },
  PERMISSION_DENIED: {
    status: 403,
    level: 'warn',
    message: 'Your role does not allow this',
  },
  WRONG_AUDIENCE: {
    status: 403,
    level: 'info',
    message: 'This endpoint is not for this kind of account',
  },
});
