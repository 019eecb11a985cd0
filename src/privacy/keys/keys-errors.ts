import { defineErrors } from '../../platform/errors/index.js';

/** Errors of the keyring, data keys, rotation and shredding. Messages hold ids, never key material. */
export const keysErrors = defineErrors({
  KEYRING_INSECURE: {
    status: 500,
    level: 'error',
    message: 'The keyring file can be read by group or others; restrict it to mode 0600',
  },
  KEYRING_CORRUPT: {
    status: 500,
    level: 'error',
    message: 'The keyring file is truncated, altered or not a Custodia keyring',
  },
  KEK_UNAVAILABLE: {
    status: 500,
    level: 'error',
    message: 'A data key is wrapped by a key-encryption key this keyring does not hold',
  },
  KEK_RETIRE_REFUSED: {
    status: 409,
    level: 'warn',
    message: 'The key-encryption key cannot be retired while data keys still refer to it',
  },
  DATA_KEY_INVALID: {
    status: 500,
    level: 'error',
    message: 'A wrapped data key failed its integrity check',
  },
  SUBJECT_KEY_MISSING: {
    status: 500,
    level: 'error',
    message: 'No data key exists for this subject',
  },
  SUBJECT_ERASED: {
    status: 410,
    level: 'info',
    message: "The subject's personal data has been erased",
  },
});
