import type { Transaction } from 'kysely';
import { ordersErrors } from '../../../commerce/orders/index.js';
import { lockKeyForTransaction } from '../../../platform/db/index.js';
import { isAppError } from '../../../platform/errors/index.js';
import { auditActorId, auditActorRole } from '../../../privacy/access/index.js';
import { DONE, type Step } from '../../checkout/index.js';
import type { RefundOrderDeps } from '../refund-order-deps.js';
import { need, type RefundFailure, type RefundState } from '../refund-order-state.js';

const CAPTURED = new Set(['captured', 'partially_refunded', 'refunded']);

/** True when nothing captured for the order is left to refund. */
async function fullyRefunded(deps: RefundOrderDeps, orderId: string): Promise<boolean> {
  const captured = (await deps.payments.forOrder(orderId)).filter((p) => CAPTURED.has(p.status));
  const sum = (pick: (p: (typeof captured)[number]) => number) =>
    captured.reduce((total, p) => total + pick(p), 0);
  return captured.length > 0 && sum((p) => p.refundedMinor) >= sum((p) => p.capturedMinor);
}

/** Moves the order to `refunded`; a concurrent full refund that got there first is fine. */
async function markRefunded(
  deps: RefundOrderDeps,
  trx: Transaction<unknown>,
  state: RefundState,
): Promise<void> {
  try {
    await deps.orders.transition(
      state.request.orderId,
      'refunded',
      {
        actor: state.request.actor,
        requestId: state.request.requestId,
        reason: state.request.reason,
      },
      trx,
    );
  } catch (error) {
    const already =
      isAppError(error) &&
      error.code === ordersErrors.ORDER_STATUS_CONFLICT.code &&
      error.details?.['from'] === 'refunded';
    if (!already) throw error;
  }
}

/**
 * Records the refund, adds it to the order's refunded amount, moves a fully refunded
 * order to `refunded` and audits `refund.create`, in one transaction. A concurrent
 * request with the same key that got here first wins, and its refund is the answer.
 * The last step, so it has no undo; should it fail after the provider refunded, the log
 * says so with the ids, and repeating the request with the same key completes it.
 */
export function recordRefund(deps: RefundOrderDeps): Step<RefundState, RefundFailure> {
  return {
    name: 'record-refund',
    run: async (state) => {
      if (state.earlier !== undefined) return DONE;
      const { request, key } = state;
      const order = need(state.order, 'order');
      const payment = need(state.payment, 'payment');
      const amountMinor = need(state.amountMinor, 'amount');
      const providerRefundId = need(state.providerRefundId, 'provider refund id');
      // Read before the transaction: on SQLite it holds the only connection.
      const full = await fullyRefunded(deps, request.orderId);
      const now = deps.clock.now();
      try {
        await deps.db.transaction().execute(async (trx) => {
          await lockKeyForTransaction(trx, `refund:${request.orderId}:${key}`);
          const earlier = await deps.refunds.byKey(request.orderId, key, trx);
          if (earlier !== undefined) {
            state.earlier = earlier;
            return;
          }
          await deps.refunds.record(trx, {
            id: state.refundId,
            orderId: request.orderId,
            paymentId: payment.id,
            amountMinor,
            currency: payment.currency,
            reason: request.reason,
            createdBy: auditActorId(request.actor),
            providerRefundId,
            idempotencyKey: key,
            requestedAmountMinor: request.amountMinor ?? null,
            createdAt: now,
          });
          await deps.orders.addRefunded(trx, request.orderId, amountMinor);
          if (full) await markRefunded(deps, trx, state);
          await deps.audit.record(
            [
              {
                occurredAt: now,
                actorId: auditActorId(request.actor),
                actorRole: auditActorRole(request.actor),
                action: 'refund.create',
                purpose: 'refund',
                subjectId: order.subjectId,
                categories: [],
                decision: 'none',
                requestId: request.requestId,
                outcome: 'success',
                detail: {
                  refundId: state.refundId,
                  orderId: request.orderId,
                  paymentId: payment.id,
                  amountMinor,
                  currency: payment.currency,
                  reason: request.reason,
                  full,
                },
              },
            ],
            trx,
          );
        });
      } catch (error) {
        deps.logger.error(
          { err: error, orderId: request.orderId, paymentId: payment.id, providerRefundId },
          'refund made at the provider but not recorded',
        );
        throw error;
      }
      return DONE;
    },
  };
}
