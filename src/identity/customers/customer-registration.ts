import { newId } from '../../platform/ids.js';
import type { Purpose } from '../../privacy/inventory/index.js';
import { assertAcceptablePassword } from '../auth/password-rules.js';
import type { CustomerDeps } from './customer-deps.js';
import { issueVerificationToken, mailVerificationLink } from './email-verification.js';

/** What a customer gives at registration (validated by the route schema). */
export interface Registration {
  readonly email: string;
  readonly name: string;
  readonly password: string;
  readonly phone?: string | undefined;
  /** The optional consents offered on the form: purpose → ticked. */
  readonly consents?: Partial<Record<Purpose, boolean>> | undefined;
}

/** The request facts that go into the audit event. */
export interface RequestFacts {
  readonly requestId: string;
}

async function emailTaken(deps: CustomerDeps, email: string): Promise<boolean> {
  return (await deps.vault.lookup('customers.email', email)).length > 0;
}

async function mailAlreadyRegistered(deps: CustomerDeps, email: string): Promise<void> {
  try {
    await deps.mailer.send({
      kind: 'registration_attempt',
      to: email,
      subject: 'Someone tried to register with your email address',
      text: 'An account with this email address already exists. If that was you, log in or reset your password. If not, you can ignore this message.\n',
    });
  } catch (error) {
    deps.logger.warn({ err: error }, 'registration-attempt mail not sent');
  }
}

/**
 * Registers a customer. The answer is the same whether or not the address is already
 * registered, so registration cannot be used to find out who has an account: the owner
 * of a taken address is told by mail instead (ASVS 2.2, C1.2).
 */
export async function registerCustomer(
  deps: CustomerDeps,
  input: Registration,
  facts: RequestFacts,
): Promise<void> {
  assertAcceptablePassword(input.password);
  if (await emailTaken(deps, input.email)) {
    await deps.hasher.verifyAgainstDummy(input.password);
    return mailAlreadyRegistered(deps, input.email);
  }
  const passwordHash = await deps.hasher.hash(input.password);
  const id = newId('cus');
  const ref = { subjectId: id, rowId: id };
  // The data key is written by the transaction that writes the account: a registration
  // that loses a race or fails leaves no key behind.
  const { writer, store: storeKey } = await deps.vault.newSubject(id);
  const now = deps.clock.now();
  const token = await deps.db.transaction().execute(async (trx) => {
    // Two registrations of one address at once: the second waits here, then sees the first.
    const taken = await deps.vault.lookupForUpdate(trx, 'customers.email', input.email);
    if (taken.length > 0) return undefined;
    await storeKey(trx);
    await trx
      .insertInto('customers')
      .values({
        id,
        email: writer.seal('customers.email', id, input.email),
        name: writer.seal('customers.name', id, input.name),
        phone: input.phone === undefined ? null : writer.seal('customers.phone', id, input.phone),
        password_hash: writer.seal('customers.password_hash', id, passwordHash),
        email_verified_at: null,
        created_at: now.getTime(),
        updated_at: now.getTime(),
      })
      .execute();
    await deps.vault.index(trx, 'customers.email', ref, input.email);
    await deps.consent.record(trx, id, input.consents ?? {}, {
      policyVersion: deps.settings.policyVersion,
      collectionPoint: 'registration',
      recordedAt: now,
    });
    await deps.audit.record(
      [
        {
          occurredAt: now,
          actorId: id,
          actorRole: 'customer',
          action: 'customer.register',
          purpose: 'account',
          subjectId: id,
          categories: [
            'registration.email',
            'registration.name',
            'registration.credentials',
            ...(input.phone === undefined ? [] : ['registration.phone' as const]),
          ],
          decision: 'none',
          requestId: facts.requestId,
          outcome: 'success',
        },
      ],
      trx,
    );
    return issueVerificationToken(trx, id, now);
  });
  // Lost the race: nothing was stored, the owner is told.
  if (token === undefined) return mailAlreadyRegistered(deps, input.email);
  await mailVerificationLink(deps, input.email, token);
}
