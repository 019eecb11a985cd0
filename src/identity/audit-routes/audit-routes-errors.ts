import { defineErrors } from '../../platform/errors/index.js';

/** Errors of the audit query API. They name the rule broken, never the values sent. */
export const auditQueryErrors = defineErrors({
  AUDIT_RANGE_INVALID: {
    status: 400,
    level: 'info',
    message: 'The time range is empty: `from` must be earlier than `to`',
  },
});
