import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { lockKeyForTransaction } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import type { PaymentProvider, ProviderRefund } from './payment-provider.js';
import type { PaymentRefund, PaymentStatus } from './payment-record.js';
import type { PaymentsTables } from './payments-migration.js';
import { paymentsErrors } from './payments-errors.js';

/** What a refund through the payments service needs. */
export interface RefundDeps {
  readonly db: Kysely<PaymentsTables>;
  readonly provider: PaymentProvider;
  readonly clock: Clock;
}

/** A refund that has to go to the provider, or one already decided. */
type RefundStart =
  | { readonly call: true; readonly authorisationId: string }
  | { readonly call: false; readonly result: PaymentRefund };

const REFUNDABLE: readonly PaymentStatus[] = ['captured', 'partially_refunded'];
const refused = (reason: string): RefundStart => ({ call: false, result: { ok: false, reason } });

/**
 * First half of a refund, in one transaction: a known key answers what it did before (or
 * resumes a call that never got its answer stored); a new key holds the amount against
 * the payment, conditionally, so refunds running at once never add up to more than was
 * captured, and records the key as pending.
 */
async function startRefund(
  deps: RefundDeps,
  paymentId: string,
  amountMinor: number,
  key: string,
): Promise<RefundStart> {
  return deps.db.transaction().execute(async (trx): Promise<RefundStart> => {
    await lockKeyForTransaction(trx, `payment-refund:${key}`);
    const operation = await trx
      .selectFrom('payment_operations')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    const payment = await trx
      .selectFrom('payments')
      .select(['authorisation_id', 'status'])
      .where('id', '=', paymentId)
      .executeTakeFirst();
    if (operation !== undefined) {
      if (operation.payment_id !== paymentId || Number(operation.amount_minor) !== amountMinor) {
        throw new AppError(paymentsErrors.PAYMENT_IDEMPOTENCY_KEY_REUSED, {
          details: { operation: 'refund' },
        });
      }
      if (operation.status === 'succeeded' && operation.provider_refund_id !== null) {
        return {
          call: false,
          result: { ok: true, providerRefundId: operation.provider_refund_id },
        };
      }
      if (operation.status === 'failed') return refused(operation.failure_reason ?? 'failed');
      return { call: true, authorisationId: payment?.authorisation_id ?? '' };
    }
    if (payment === undefined) return refused('payment_not_found');
    const now = deps.clock.now().getTime();
    const held = await trx
      .updateTable('payments')
      .set((eb) => ({ refunded_minor: eb('refunded_minor', '+', amountMinor), updated_at: now }))
      .where('id', '=', paymentId)
      .where('status', 'in', REFUNDABLE)
      .where((eb) => eb(eb('refunded_minor', '+', amountMinor), '<=', eb.ref('captured_minor')))
      .executeTakeFirst();
    if (held.numUpdatedRows === 0n) {
      const wasCaptured = [...REFUNDABLE, 'refunded'].includes(payment.status);
      return refused(wasCaptured ? 'exceeds_captured' : 'not_captured');
    }
    await trx
      .insertInto('payment_operations')
      .values({
        idempotency_key: key,
        payment_id: paymentId,
        kind: 'refund',
        amount_minor: amountMinor,
        status: 'pending',
        provider_refund_id: null,
        failure_reason: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return { call: true, authorisationId: payment.authorisation_id };
  });
}

/**
 * Second half: stores the provider's answer under the key; a refusal gives the held
 * amount back. Only the first attempt to settle a key changes the payment.
 */
async function finishRefund(
  deps: RefundDeps,
  paymentId: string,
  amountMinor: number,
  key: string,
  result: ProviderRefund,
): Promise<void> {
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (trx) => {
    const settled = await trx
      .updateTable('payment_operations')
      .set({
        status: result.ok ? 'succeeded' : 'failed',
        provider_refund_id: result.ok ? result.refundId : null,
        failure_reason: result.ok ? null : result.reason,
        updated_at: now,
      })
      .where('idempotency_key', '=', key)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (settled.numUpdatedRows === 0n) return;
    // In SET, columns name the values before the update, on both engines.
    await trx
      .updateTable('payments')
      .set(
        result.ok
          ? {
              status: sql<string>`case when refunded_minor >= captured_minor then 'refunded' else 'partially_refunded' end`,
              updated_at: now,
            }
          : {
              refunded_minor: sql<number>`refunded_minor - ${amountMinor}`,
              status: sql<string>`case when refunded_minor - ${amountMinor} > 0 then 'partially_refunded' else 'captured' end`,
              updated_at: now,
            },
      )
      .where('id', '=', paymentId)
      .execute();
  });
}

/**
 * Refunds part or all of a captured payment through the provider, idempotent by key:
 * the same key with the same payment and amount answers the first outcome; with others
 * it is refused (PAYMENT_IDEMPOTENCY_KEY_REUSED).
 */
export async function refundPayment(
  deps: RefundDeps,
  paymentId: string,
  amountMinor: number,
  key: string,
): Promise<PaymentRefund> {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    return { ok: false, reason: 'invalid_amount' };
  }
  const start = await startRefund(deps, paymentId, amountMinor, key);
  if (!start.call) return start.result;
  const result = await deps.provider.refund({
    authorisationId: start.authorisationId,
    amountMinor,
    idempotencyKey: key,
  });
  await finishRefund(deps, paymentId, amountMinor, key, result);
  return result.ok
    ? { ok: true, providerRefundId: result.refundId }
    : { ok: false, reason: result.reason };
}
