import { customersMigration } from '../identity/customers/index.js';
import { serviceEventsMigration } from '../identity/service-events/index.js';
import { sessionsMigration } from '../identity/sessions/index.js';
import { staffMigration } from '../identity/staff/index.js';
import { throttleMigration } from '../identity/throttle/index.js';
import { baseMigration, type NamedMigration } from '../platform/db/index.js';
import { accessMigration } from '../privacy/access/index.js';
import { auditIndexMigration, auditMigration, auditSealMigration } from '../privacy/audit/index.js';
import { consentMigration } from '../privacy/consent/index.js';
import { keysMigration } from '../privacy/keys/index.js';
import { blindIndexMigration } from '../privacy/vault/index.js';
import { rateLimitMigration } from './http/rate-limit-store.js';
import { COMMERCE_WIRINGS } from './commerce-wirings.js';

/**
 * Every schema change of every module, in the order they apply. Names start with a
 * global sequence number; a test checks that the list is sorted and has no gaps. From
 * 0017 on, the commerce wirings' migrations and the kernel's later ones apply in the order
 * of their numbers, so a module adds a change under the next free number wherever it is
 * listed.
 */
export const MIGRATIONS: readonly NamedMigration[] = Object.freeze([
  baseMigration,
  rateLimitMigration,
  keysMigration,
  blindIndexMigration,
  auditMigration,
  consentMigration,
  accessMigration,
  throttleMigration,
  customersMigration,
  staffMigration,
  sessionsMigration,
  auditSealMigration,
  serviceEventsMigration,
  ...[...COMMERCE_WIRINGS.flatMap((wiring) => wiring.migrations ?? []), auditIndexMigration].sort(
    (a, b) => a.name.localeCompare(b.name),
  ),
]);
