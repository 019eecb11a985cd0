import { defineErrors } from '../../platform/errors/index.js';

/** Errors of the vault. None carries a value, a ciphertext or key material. */
export const vaultErrors = defineErrors({
  CIPHERTEXT_INVALID: {
    status: 500,
    level: 'error',
    message: 'A stored personal value failed its integrity check and was not returned',
  },
  FIELD_NOT_SEARCHABLE: {
    status: 500,
    level: 'error',
    message: 'The field has no blind index',
  },
});
