import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../platform/clock.js';
import { tablesOf, type Database } from '../platform/db/index.js';
import type { Logger } from '../platform/logging/index.js';
import { createMailer, type Mailer } from '../platform/mail/index.js';
import {
  AccessPolicy,
  DEFAULT_ROLES,
  parseRoleDefinitions,
  PersonalDataAccess,
  type RoleDefinition,
} from '../privacy/access/index.js';
import { DatabaseAuditSink, type AuditSink } from '../privacy/audit/index.js';
import { ConsentLedger } from '../privacy/consent/index.js';
import type { PrivacyKernel } from '../privacy/kernel/index.js';
import { accessHistoryRoutes, auditAdminRoutes } from '../identity/audit-routes/index.js';
import { authPlugin, type DeclaredRoute } from '../identity/auth/index.js';
import {
  customerAdminRoutes,
  customerRoutes,
  type CustomerDeps,
} from '../identity/customers/index.js';
import { PasswordHasher } from '../identity/passwords/index.js';
import { ServiceLog, signInRoutes } from '../identity/service-events/index.js';
import { SessionStore } from '../identity/sessions/index.js';
import { activeStaffRoles, staffRoutes, type StaffDeps } from '../identity/staff/index.js';
import { LoginThrottle } from '../identity/throttle/index.js';
import type { Config } from './config.js';
import { StartupError } from './startup-error.js';

/** The identity and access services of one process, and what the HTTP layer registers. */
export interface IdentityModule {
  readonly customers: CustomerDeps;
  readonly staff: StaffDeps;
  readonly policy: AccessPolicy;
  readonly audit: AuditSink;
  readonly mailer: Mailer;
  /** Every declared `/store` and `/admin` route, filled as routes register. */
  readonly routes: DeclaredRoute[];
  /** Authentication and the guard first, then the routes. */
  readonly plugins: readonly FastifyPluginAsync[];
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Accounts, sessions, the access engine and the audit sink of this app. */
    identity: IdentityModule;
  }
}

/** The roles in force: the defaults plus the operator's own from the roles file. */
export function loadRoles(rolesFile: string | undefined): RoleDefinition[] {
  if (rolesFile === undefined) return [...DEFAULT_ROLES];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(rolesFile, 'utf8'));
  } catch (error) {
    const reason =
      error instanceof SyntaxError
        ? 'not valid JSON'
        : ((error as { code?: string }).code ?? 'unreadable');
    throw new StartupError(`CUSTODIA_ROLES_FILE: cannot read ${rolesFile} (${reason})`);
  }
  try {
    return [...parseRoleDefinitions(json)];
  } catch (error) {
    throw new StartupError(`CUSTODIA_ROLES_FILE: ${(error as Error).message}`);
  }
}

/** Wires accounts, sessions, the access engine and the audit sink (the database's unless given) by hand. */
export function openIdentityModule<S>(
  config: Config,
  database: Database<S>,
  privacy: PrivacyKernel,
  clock: Clock,
  logger: Logger,
  auditSink?: AuditSink,
): IdentityModule {
  const db = tablesOf<never>(database.db);
  const policy = new AccessPolicy(loadRoles(config.identity.rolesFile));
  const audit = auditSink ?? new DatabaseAuditSink(tablesOf(db));
  const consent = new ConsentLedger(tablesOf(db));
  const access = new PersonalDataAccess({
    db: tablesOf(db),
    vault: privacy.vault,
    policy,
    audit,
    clock,
    consent,
  });
  const sessions = new SessionStore(tablesOf(db), clock, config.identity.sessions);
  const throttle = new LoginThrottle(tablesOf(db), clock);
  const hasher = new PasswordHasher();
  const mailer = createMailer(config.mail);
  const shared = {
    vault: privacy.vault,
    access,
    hasher,
    throttle,
    sessions,
    audit,
    clock,
  };
  const customers: CustomerDeps = {
    ...shared,
    db: tablesOf(db),
    consent,
    serviceLog: new ServiceLog(audit),
    mailer,
    logger,
    settings: {
      policyVersion: config.identity.policyVersion,
      publicUrl: config.identity.publicUrl,
    },
  };
  const staff: StaffDeps = { ...shared, db: tablesOf(db), policy, issuer: 'Custodia' };
  const routes: DeclaredRoute[] = [];
  const plugins: FastifyPluginAsync[] = [
    authPlugin({
      sessions,
      staffRoles: (id) => activeStaffRoles(staff, id),
      policy,
      audit,
      clock,
      routes,
    }),
    customerRoutes(customers),
    customerAdminRoutes(customers),
    staffRoutes(staff),
    auditAdminRoutes({ db: tablesOf(db), audit, clock }),
    accessHistoryRoutes({ db: tablesOf(db), audit, clock }),
    signInRoutes({ db: tablesOf(db), access }),
  ];
  return { customers, staff, policy, audit, mailer, routes, plugins, close: () => mailer.close() };
}
