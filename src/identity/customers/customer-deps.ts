import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logging/index.js';
import type { Mailer } from '../../platform/mail/index.js';
import type { PersonalDataAccess } from '../../privacy/access/index.js';
import type { AuditSink } from '../../privacy/audit/index.js';
import type { ConsentLedger } from '../../privacy/consent/index.js';
import type { Vault, VaultTables } from '../../privacy/vault/index.js';
import type { PasswordHasher } from '../passwords/index.js';
import type { ServiceLog } from '../service-events/index.js';
import type { SessionStore } from '../sessions/index.js';
import type { LoginThrottle } from '../throttle/index.js';
import type { CustomerTables } from './customers-migration.js';

/** Everything the customer-account operations are built from, wired in the app. */
export interface CustomerDeps {
  readonly db: Kysely<CustomerTables & VaultTables>;
  readonly vault: Vault;
  readonly access: PersonalDataAccess;
  readonly hasher: PasswordHasher;
  readonly throttle: LoginThrottle;
  readonly sessions: SessionStore;
  readonly consent: ConsentLedger;
  readonly audit: AuditSink;
  /** Sign-ins with their truncated network and user agent (C1.3). */
  readonly serviceLog: ServiceLog;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: {
    /** The policy version shown where consents are collected. */
    readonly policyVersion: string;
    /** The shop's public base URL, for links in mail. */
    readonly publicUrl: string;
  };
}
