import { platformErrors, type ErrorCatalog } from '../platform/errors/index.js';
import { keysErrors } from '../privacy/keys/index.js';
import { vaultErrors } from '../privacy/vault/index.js';

/**
 * Every module's error catalogue. docs/errors.md documents exactly these codes; a test
 * fails when one is missing there or when the two disagree on a status.
 */
export const ERROR_CATALOGS: Readonly<Record<string, ErrorCatalog>> = Object.freeze({
  platform: platformErrors,
  keys: keysErrors,
  vault: vaultErrors,
});
