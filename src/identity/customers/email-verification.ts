import { createHash, randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { AppError } from '../../platform/errors/index.js';
import { isErased, type VaultTables } from '../../privacy/vault/index.js';
import type { CustomerDeps } from './customer-deps.js';
import type { CustomerTables } from './customers-migration.js';
import { customersErrors } from './customers-errors.js';

/** How long a verification link works. */
export const VERIFICATION_TTL_MS = 24 * 3_600_000;

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Stores a new verification token for a customer, inside the caller's transaction. */
export async function issueVerificationToken(
  trx: Transaction<CustomerTables & VaultTables>,
  customerId: string,
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await trx
    .insertInto('email_verifications')
    .values({
      token_hash: hashOf(token),
      customer_id: customerId,
      expires_at: now.getTime() + VERIFICATION_TTL_MS,
      used_at: null,
    })
    .execute();
  return token;
}

/** Mails the verification link; a failure is logged and the customer can ask again. */
export async function mailVerificationLink(
  deps: CustomerDeps,
  to: string,
  token: string,
): Promise<void> {
  const link = `${deps.settings.publicUrl}/verify-email#token=${token}`;
  try {
    await deps.mailer.send({
      kind: 'email_verification',
      to,
      subject: 'Confirm your email address',
      text: `Please confirm your email address by opening this link within 24 hours:\n\n${link}\n\nIf you did not create an account, ignore this message.\n`,
    });
  } catch (error) {
    deps.logger.warn({ err: error }, 'verification mail not sent');
  }
}

/** Issues a fresh link to a logged-in customer whose address is not yet confirmed. */
export async function resendVerification(deps: CustomerDeps, customerId: string): Promise<void> {
  const row = await deps.db
    .selectFrom('customers')
    .select(['email', 'email_verified_at'])
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (row === undefined) throw new AppError(customersErrors.CUSTOMER_NOT_FOUND);
  if (row.email_verified_at !== null) return;
  const email = await deps.vault.open(
    'customers.email',
    { subjectId: customerId, rowId: customerId },
    row.email,
  );
  if (isErased(email)) throw new AppError(customersErrors.CUSTOMER_ERASED);
  const token = await deps.db
    .transaction()
    .execute((trx) => issueVerificationToken(trx, customerId, deps.clock.now()));
  await mailVerificationLink(deps, email, token);
}

/** Marks the address confirmed when the token is known, unused and unexpired. */
export async function confirmEmail(deps: CustomerDeps, token: string): Promise<void> {
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('email_verifications')
      .selectAll()
      .where('token_hash', '=', hashOf(token))
      .executeTakeFirst();
    if (row === undefined || row.used_at !== null || row.expires_at <= now) {
      throw new AppError(customersErrors.VERIFICATION_TOKEN_INVALID);
    }
    await trx
      .updateTable('email_verifications')
      .set({ used_at: now })
      .where('token_hash', '=', row.token_hash)
      .execute();
    await trx
      .updateTable('customers')
      .set({ email_verified_at: now, updated_at: now })
      .where('id', '=', row.customer_id)
      .execute();
    await deps.audit.record(
      [
        {
          occurredAt: new Date(now),
          actorId: row.customer_id,
          actorRole: 'customer',
          action: 'customer.email_verified',
          purpose: 'account',
          subjectId: row.customer_id,
          categories: ['registration.email'],
          decision: 'none',
          requestId: null,
          outcome: 'success',
        },
      ],
      trx,
    );
  });
}
