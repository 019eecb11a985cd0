import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Actor, PersonalDataAccess } from '../../privacy/access/index.js';
import type { AuditSink } from '../../privacy/audit/index.js';
import type { Purpose } from '../../privacy/inventory/index.js';
import type { Vault } from '../../privacy/vault/index.js';
import type { SupportTables } from './support-migration.js';

/** What support needs of the orders module: whose order an id names. */
export interface OrderLookup {
  get(orderId: string): Promise<{ readonly customerId: string | null } | undefined>;
}

/** Everything support is built from, wired in `support-wiring.ts`. */
export interface SupportDeps {
  readonly db: Kysely<SupportTables>;
  readonly vault: Vault;
  readonly access: PersonalDataAccess;
  readonly audit: AuditSink;
  readonly clock: Clock;
  /** True when the staff account is active and its roles may answer tickets. */
  readonly mayAnswer: (staffId: string) => Promise<boolean>;
  /** The orders module, when the shop runs one; asked at call time. */
  readonly orders: () => OrderLookup | undefined;
}

/** Who acts and why, as the route guard established it; every write is audited with it. */
export interface Acting {
  readonly actor: Actor;
  readonly purpose: Purpose;
  readonly requestId: string | null;
}
