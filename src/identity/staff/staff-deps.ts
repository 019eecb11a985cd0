import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { AccessPolicy, PersonalDataAccess } from '../../privacy/access/index.js';
import type { AuditSink } from '../../privacy/audit/index.js';
import type { Vault, VaultTables } from '../../privacy/vault/index.js';
import type { PasswordHasher } from '../passwords/index.js';
import type { SessionStore } from '../sessions/index.js';
import type { LoginThrottle } from '../throttle/index.js';
import type { StaffTables } from './staff-migration.js';

/** Everything the staff-account operations are built from, wired in the app and the CLI. */
export interface StaffDeps {
  readonly db: Kysely<StaffTables & VaultTables>;
  readonly vault: Vault;
  readonly access: PersonalDataAccess;
  readonly policy: AccessPolicy;
  readonly hasher: PasswordHasher;
  readonly throttle: LoginThrottle;
  readonly sessions: SessionStore;
  readonly audit: AuditSink;
  readonly clock: Clock;
  /** The name authenticator apps show for the account. */
  readonly issuer: string;
}
