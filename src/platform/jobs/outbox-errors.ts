import { defineErrors } from '../errors/index.js';

/** Errors of the transactional outbox: mistakes in the code that enqueues, never a client's. */
export const jobsErrors = defineErrors({
  OUTBOX_PAYLOAD_REFUSED: {
    status: 500,
    level: 'error',
    message:
      'An outbox payload was refused: it must hold ids, codes, counts and flags only, never personal data',
  },
  OUTBOX_KIND_INVALID: {
    status: 500,
    level: 'error',
    message: 'An outbox job kind must be lower-case letters, digits and . _ : - (at most 64)',
  },
});
