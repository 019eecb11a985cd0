import { defineErrors } from '../errors/index.js';

/** Errors of outgoing mail. Messages and details name fields and codes, never an address. */
export const mailErrors = defineErrors({
  MAIL_MESSAGE_REFUSED: {
    status: 500,
    level: 'error',
    message:
      'An outgoing message was refused before sending: a header holds a line break or control character, or the recipient is not one plain address',
  },
  MAIL_DELIVERY_FAILED: {
    status: 503,
    level: 'warn',
    message: 'The message could not be handed to the mail server; retry later',
  },
});
