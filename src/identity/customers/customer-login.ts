import { AppError } from '../../platform/errors/index.js';
import type { AuditEvent } from '../../privacy/audit/index.js';
import { isErased } from '../../privacy/vault/index.js';
import { authErrors } from '../auth/auth-errors.js';
import { passLoginGate } from '../auth/login-gate.js';
import type { ServiceEventInput } from '../service-events/index.js';
import type { IssuedSession } from '../sessions/index.js';
import { CUSTOMER_LOGIN_POLICY, IP_LOGIN_POLICY } from '../throttle/index.js';
import type { CustomerDeps } from './customer-deps.js';

/** Where a login attempt comes from. */
export interface LoginFacts {
  readonly requestId: string;
  readonly ip: string;
  /** The client's User-Agent header; the service log keeps at most 512 characters of it. */
  readonly userAgent?: string | undefined;
}

/** A sign-in as the service log records it: the network and user agent it came from. */
function serviceEvent(
  kind: 'login' | 'login_failed',
  customerId: string,
  facts: LoginFacts,
  occurredAt: Date,
): ServiceEventInput {
  return {
    subjectId: customerId,
    actor: { kind: 'customer', id: customerId },
    kind,
    ip: facts.ip,
    userAgent: facts.userAgent,
    occurredAt,
    requestId: facts.requestId,
  };
}

/**
 * A wrong password for an existing account: logged for its holder to see ("was this
 * you?"), in one commit with the failure's audit event (C1.3).
 */
async function recordFailedSignIn(
  deps: CustomerDeps,
  customerId: string,
  facts: LoginFacts,
  failure: AuditEvent,
): Promise<void> {
  const writer = await deps.vault.writer(customerId);
  await deps.db.transaction().execute(async (trx) => {
    await deps.serviceLog.record(
      trx,
      writer,
      serviceEvent('login_failed', customerId, facts, failure.occurredAt),
      [failure],
    );
  });
}

async function storedHash(deps: CustomerDeps, customerId: string): Promise<string | undefined> {
  const row = await deps.db
    .selectFrom('customers')
    .select('password_hash')
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const hash = await deps.vault.open(
    'customers.password_hash',
    { subjectId: customerId, rowId: customerId },
    row.password_hash,
  );
  return isErased(hash) ? undefined : hash;
}

/**
 * Checks an email and password and opens a session. Known and unknown addresses take
 * the same path and the same Argon2id time, and fail with the same answer; repeated
 * failures slow the account down and block the address (ASVS 2.2.1, 3.2).
 */
export async function loginCustomer(
  deps: CustomerDeps,
  email: string,
  password: string,
  facts: LoginFacts,
): Promise<IssuedSession> {
  // The throttle key is the address's blind digest: the same for known and unknown ones.
  const accountKey = `customer:${deps.vault.digest('customers.email', email).toString('hex')}`;
  const keys = [
    { key: accountKey, policy: CUSTOMER_LOGIN_POLICY },
    { key: `ip:${facts.ip}`, policy: IP_LOGIN_POLICY },
  ];
  await passLoginGate(deps, keys, {
    requestId: facts.requestId,
    categories: ['registration.email', 'registration.credentials'],
  });
  const [match] = await deps.vault.lookup('customers.email', email);
  const hash = match === undefined ? undefined : await storedHash(deps, match.subjectId);
  const valid =
    hash === undefined
      ? await deps.hasher.verifyAgainstDummy(password)
      : await deps.hasher.verify(hash, password);
  const now = deps.clock.now();
  const event = {
    occurredAt: now,
    actorId: match?.subjectId ?? 'anonymous',
    actorRole: match === undefined ? 'anonymous' : 'customer',
    action: 'session.create',
    purpose: 'account' as const,
    subjectId: match?.subjectId ?? null,
    categories: ['registration.email' as const, 'registration.credentials' as const],
    decision: 'none' as const,
    requestId: facts.requestId,
  };
  if (!valid || match === undefined) {
    await deps.throttle.recordFailure(keys);
    const failure: AuditEvent = { ...event, outcome: 'failure' };
    // Only a live account has a key to seal the attempt under; an unknown or erased one
    // leaves the audit event alone.
    if (match !== undefined && hash !== undefined) {
      await recordFailedSignIn(deps, match.subjectId, facts, failure);
    } else {
      await deps.audit.record([failure]);
    }
    throw new AppError(authErrors.INVALID_CREDENTIALS);
  }
  await deps.throttle.recordSuccess(keys);
  if (hash !== undefined && deps.hasher.needsRehash(hash)) {
    await rehash(deps, match.subjectId, password);
  }
  // The key is fetched before the transaction, as the vault asks of every writer.
  const writer = await deps.vault.writer(match.subjectId);
  // One durable commit for the session, the service-log entry and their audit events.
  return deps.db.transaction().execute(async (trx) => {
    const issued = await deps.sessions.create('customer', match.subjectId, trx);
    await deps.serviceLog.record(trx, writer, serviceEvent('login', match.subjectId, facts, now), [
      { ...event, outcome: 'success', detail: { session: issued.session.id } },
    ]);
    return issued;
  });
}

async function rehash(deps: CustomerDeps, customerId: string, password: string): Promise<void> {
  const writer = await deps.vault.writer(customerId);
  const sealed = writer.seal(
    'customers.password_hash',
    customerId,
    await deps.hasher.hash(password),
  );
  await deps.db
    .updateTable('customers')
    .set({ password_hash: sealed })
    .where('id', '=', customerId)
    .execute();
}
