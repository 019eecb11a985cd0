import { defineErrors } from '../../platform/errors/index.js';

/** Errors of the audit log. None carries the rejected value: it may be the very leak refused. */
export const auditErrors = defineErrors({
  AUDIT_EVENT_INVALID: {
    status: 500,
    level: 'error',
    message: 'An audit event was refused: a property is missing or looks like personal data',
  },
  AUDIT_SIGNING_KEY_INSECURE: {
    status: 500,
    level: 'error',
    message: 'The audit signing key file can be read by group or others; restrict it to mode 0600',
  },
  AUDIT_SIGNING_KEY_CORRUPT: {
    status: 500,
    level: 'error',
    message: 'The audit signing key file is truncated, altered or not a Custodia signing key',
  },
  AUDIT_SIGNING_KEY_MISSING: {
    status: 500,
    level: 'error',
    message: 'The audit signing key file is missing but checkpoints signed by it exist',
  },
  AUDIT_SIGNING_KEY_MISMATCH: {
    status: 500,
    level: 'error',
    message: 'The latest audit checkpoint was signed by another key than this instance holds',
  },
  AUDIT_PROOF_UNAVAILABLE: {
    status: 404,
    level: 'info',
    message: 'No signed checkpoint covers the requested audit entry or tree size',
  },
});
