import type { Session } from '../sessions/index.js';
import type { CustomerDeps } from './customer-deps.js';
import type { LoginFacts } from './customer-login.js';

/**
 * Ends a customer's session on the server, then records the sign-out in the service log
 * (C1.3), so the customer's list of sign-ins shows when each session ended. The session
 * ends first: a log that cannot be written must not keep anyone signed in.
 */
export async function logoutCustomer(
  deps: CustomerDeps,
  session: Session,
  facts: LoginFacts,
): Promise<void> {
  await deps.sessions.revoke(session.id);
  const customerId = session.accountId;
  const writer = await deps.vault.writer(customerId);
  await deps.db.transaction().execute(async (trx) => {
    await deps.serviceLog.record(trx, writer, {
      subjectId: customerId,
      actor: { kind: 'customer', id: customerId },
      kind: 'logout',
      ip: facts.ip,
      userAgent: facts.userAgent,
      occurredAt: deps.clock.now(),
      requestId: facts.requestId,
    });
  });
}
