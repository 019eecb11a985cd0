import { defineErrors } from '../../platform/errors/index.js';

/** Errors of the consent ledger. They name purposes, never the person or their choice text. */
export const consentErrors = defineErrors({
  CONSENT_PURPOSE_UNKNOWN: {
    status: 400,
    level: 'info',
    message: 'Consent can be given only for a purpose that rests on consent',
  },
  CONSENT_CHOICE_INVALID: {
    status: 400,
    level: 'info',
    message: 'A consent choice must be true or false',
  },
  CONSENT_CONTEXT_INVALID: {
    status: 500,
    level: 'error',
    message: 'A consent was recorded without a policy version, a known collection point or a time',
  },
});
