import { platformErrors, type ErrorCatalog } from '../platform/errors/index.js';
import { keysErrors } from '../privacy/keys/index.js';
import { vaultErrors } from '../privacy/vault/index.js';
import { accessErrors } from '../privacy/access/index.js';
import { auditErrors } from '../privacy/audit/index.js';
import { consentErrors } from '../privacy/consent/index.js';
import { auditQueryErrors } from '../identity/audit-routes/index.js';
import { authErrors, passwordErrors, purposeErrors } from '../identity/auth/index.js';
import { customersErrors } from '../identity/customers/index.js';
import { staffErrors } from '../identity/staff/index.js';
import { throttleErrors } from '../identity/throttle/index.js';
import { mailErrors } from '../platform/mail/index.js';
import { COMMERCE_WIRINGS } from './commerce-wirings.js';

/**
 * Every module's error catalogue. docs/errors.md documents exactly these codes; a test
 * fails when one is missing there or when the two disagree on a status.
 */
export const ERROR_CATALOGS: Readonly<Record<string, ErrorCatalog>> = Object.freeze({
  platform: platformErrors,
  keys: keysErrors,
  vault: vaultErrors,
  access: accessErrors,
  audit: auditErrors,
  consent: consentErrors,
  auth: authErrors,
  passwords: passwordErrors,
  purposes: purposeErrors,
  throttle: throttleErrors,
  customers: customersErrors,
  staff: staffErrors,
  auditQueries: auditQueryErrors,
  mail: mailErrors,
  ...(Object.assign({}, ...COMMERCE_WIRINGS.map((wiring) => wiring.errors ?? {})) as Record<
    string,
    ErrorCatalog
  >),
});
