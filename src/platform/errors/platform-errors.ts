import { defineErrors } from './error-catalog.js';

/** Errors of the HTTP surface and the platform itself, shared by every module. */
export const platformErrors = defineErrors({
  VALIDATION_FAILED: {
    status: 400,
    level: 'info',
    message: 'The request does not match the schema',
  },
  UNKNOWN_FIELDS: {
    status: 400,
    level: 'info',
    message: 'The request contains fields that are not accepted',
  },
  MALFORMED_JSON: { status: 400, level: 'info', message: 'The request body is not valid JSON' },
  EMPTY_BODY: {
    status: 400,
    level: 'info',
    message: 'The request declares a JSON body but sends none',
  },
  FORBIDDEN_PROPERTY: {
    status: 400,
    level: 'warn',
    message: 'The request body contains a forbidden property (__proto__ or constructor.prototype)',
  },
  INVALID_TEXT: {
    status: 400,
    level: 'info',
    message: 'The request contains text that is not valid Unicode or holds a NUL character',
  },
  BAD_REQUEST: { status: 400, level: 'info', message: 'The request cannot be processed' },
  NOT_FOUND: { status: 404, level: 'info', message: 'No such resource' },
  BODY_TOO_LARGE: { status: 413, level: 'info', message: 'The request body is too large' },
  URI_TOO_LONG: {
    status: 414,
    level: 'info',
    message: 'A segment of the request path is too long',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    level: 'info',
    message: 'The content type is not supported; send application/json',
  },
  RATE_LIMITED: { status: 429, level: 'warn', message: 'Too many requests; retry later' },
  INTERNAL_ERROR: {
    status: 500,
    level: 'error',
    message: 'An internal error occurred; quote the request id when reporting it',
  },
  NOT_READY: {
    status: 503,
    level: 'warn',
    message: 'The service is not ready: the database is unreachable or not migrated',
  },
  SHUTTING_DOWN: { status: 503, level: 'info', message: 'The service is shutting down' },
});
