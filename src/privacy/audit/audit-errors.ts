import { defineErrors } from '../../platform/errors/index.js';

/** Errors of the audit log. None carries the rejected value: it may be the very leak refused. */
export const auditErrors = defineErrors({
  AUDIT_EVENT_INVALID: {
    status: 500,
    level: 'error',
    message: 'An audit event was refused: a property is missing or looks like personal data',
  },
});
