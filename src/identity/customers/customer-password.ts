import { AppError } from '../../platform/errors/index.js';
import { isErased } from '../../privacy/vault/index.js';
import { authErrors } from '../auth/auth-errors.js';
import { assertAcceptablePassword } from '../auth/password-rules.js';
import type { IssuedSession, Session } from '../sessions/index.js';
import { CUSTOMER_LOGIN_POLICY } from '../throttle/index.js';
import type { CustomerDeps } from './customer-deps.js';
import type { LoginFacts } from './customer-login.js';
import { customersErrors } from './customers-errors.js';

/**
 * Changes a password after proving the current one (re-authentication), then ends every
 * session of the account, the current one included, and opens a fresh one (ASVS 3.3.3).
 */
export async function changeCustomerPassword(
  deps: CustomerDeps,
  session: Session,
  currentPassword: string,
  newPassword: string,
  facts: LoginFacts,
): Promise<IssuedSession> {
  const { requestId } = facts;
  assertAcceptablePassword(newPassword);
  const id = session.accountId;
  const row = await deps.db
    .selectFrom('customers')
    .select('password_hash')
    .where('id', '=', id)
    .executeTakeFirst();
  if (row === undefined) throw new AppError(customersErrors.CUSTOMER_NOT_FOUND);
  const reader = await deps.vault.reader(id);
  const hash = reader.open('customers.password_hash', id, row.password_hash);
  if (isErased(hash)) throw new AppError(customersErrors.CUSTOMER_ERASED);
  // A stolen session must not become a way to guess the password: the same backoff as login.
  const keys = [{ key: `customer-reauth:${id}`, policy: CUSTOMER_LOGIN_POLICY }];
  await deps.throttle.assertAllowed(keys);
  if (!(await deps.hasher.verify(hash, currentPassword))) {
    await deps.throttle.recordFailure(keys);
    throw new AppError(authErrors.INVALID_CREDENTIALS);
  }
  await deps.throttle.recordSuccess(keys);
  const writer = await deps.vault.writer(id);
  const sealed = writer.seal('customers.password_hash', id, await deps.hasher.hash(newPassword));
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('customers')
      .set({ password_hash: sealed, updated_at: now.getTime() })
      .where('id', '=', id)
      .execute();
    // The change and its entry in the service log (C1.3) commit together.
    await deps.serviceLog.record(
      trx,
      writer,
      {
        subjectId: id,
        actor: { kind: 'customer', id },
        kind: 'password_change',
        ip: facts.ip,
        userAgent: facts.userAgent,
        occurredAt: now,
        requestId,
      },
      [
        {
          occurredAt: now,
          actorId: id,
          actorRole: 'customer',
          action: 'customer.password_change',
          purpose: 'account',
          subjectId: id,
          categories: ['registration.credentials'],
          decision: 'none',
          requestId,
          outcome: 'success',
        },
      ],
    );
  });
  await deps.sessions.revokeAll('customer', id);
  return deps.sessions.create('customer', id);
}
