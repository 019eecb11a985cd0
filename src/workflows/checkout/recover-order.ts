import type { Transaction } from 'kysely';
import type { OrderRecord } from '../../commerce/orders/index.js';
import type { CaptureResult, PaymentRecord } from '../../commerce/payments/index.js';
import { failureCode, isAppError } from '../../platform/errors/index.js';
import { cancelPlacedOrder } from './cancel-placed-order.js';
import type { CheckoutDeps } from './checkout-deps.js';

/** Who moves the orders a checkout left behind, in the status history and the audit log. */
export const RECOVERY_ACTOR = { kind: 'system', name: 'checkout-recovery' } as const;

/** Reason codes of the moves recovery makes (never free text). */
export const RECOVERY_REASONS = {
  /** The payment is captured (now, or before the checkout stopped): the order is paid. */
  paid: 'payment_captured',
  /** The provider refused the capture: the authorisation is voided, the order cancelled. */
  cancelled: 'capture_refused',
} as const;

/**
 * What became of one order:
 * - `paid`: captured (or found captured) and moved to `paid` here;
 * - `cancelled`: the capture was refused, the authorisation voided, the order cancelled
 *   and its stock given back here;
 * - `settled`: someone else (another instance, the checkout itself) moved it first;
 * - `left`: a state recovery does not decide (money captured under another key, no
 *   payment at all), logged at warn for staff;
 * - `failed`: the provider could not be reached or something broke; the next sweep
 *   tries again.
 */
export const RECOVERY_OUTCOMES = ['paid', 'cancelled', 'settled', 'left', 'failed'] as const;

/** One of RECOVERY_OUTCOMES. */
export type RecoveryOutcome = (typeof RECOVERY_OUTCOMES)[number];

/** What recovering an order needs: the modules checkout spans and its database. */
export type RecoveryDeps = Pick<
  CheckoutDeps,
  'db' | 'orders' | 'payments' | 'catalog' | 'clock' | 'logger'
>;

// Refusals that must not cancel the order: the money may be held (captured under another
// key), or there is no payment row to speak of. Staff look at these.
const NOT_CANCELLING = new Set(['already_captured', 'payment_not_found']);

const isStatusConflict = (error: unknown) =>
  isAppError(error) && error.code === 'ORDER_STATUS_CONFLICT';

/**
 * After a refused move: the order was moved by someone else. Where it went decides
 * whether that is a lost race (`settled`, quiet) or a state for staff (`left`, a warning).
 */
async function afterConflict(
  deps: RecoveryDeps,
  orderId: string,
  wanted: 'paid' | 'cancelled',
): Promise<RecoveryOutcome> {
  const status = (await deps.orders.get(orderId))?.status;
  const agrees = wanted === 'cancelled' ? status === 'cancelled' : status !== 'cancelled';
  if (agrees) {
    deps.logger.debug(
      { orderId, code: 'ORDER_STATUS_CONFLICT', status },
      'checkout recovery: order already moved by another run',
    );
    return 'settled';
  }
  // Only reachable if something outside checkout and recovery moved a placed order.
  deps.logger.warn(
    { orderId, code: 'RECOVERY_DISAGREES', wanted, status },
    'checkout recovery: order moved the other way meanwhile; left for staff',
  );
  return 'left';
}

/** `placed` → `paid` in the caller's transaction, with the recovery's actor and reason. */
function markPaid(deps: RecoveryDeps, orderId: string, trx?: Transaction<unknown>) {
  return deps.orders.transition(
    orderId,
    'paid',
    { actor: RECOVERY_ACTOR, requestId: null, reason: RECOVERY_REASONS.paid },
    trx,
  );
}

/** The payment is already captured (the `andThen` of an earlier capture failed): only the order moves. */
async function finishCaptured(deps: RecoveryDeps, orderId: string): Promise<RecoveryOutcome> {
  try {
    await markPaid(deps, orderId);
    return 'paid';
  } catch (error) {
    if (isStatusConflict(error)) return afterConflict(deps, orderId, 'paid');
    throw error;
  }
}

/**
 * Captures through the payments service, with the order's move to `paid` in the same
 * transaction as the payment's. The key is `capture:<payment id>`, as checkout's, so a
 * capture the provider made before the process stopped is replayed, not made again. A
 * concurrent run that moved the order first is caught inside the transaction (the refused
 * move writes nothing, so the transaction stays usable on PostgreSQL) and the payment is
 * still recorded as captured: the record follows the provider.
 */
async function capture(
  deps: RecoveryDeps,
  order: OrderRecord,
  payment: PaymentRecord,
): Promise<RecoveryOutcome> {
  let lostRace = false;
  let result: CaptureResult;
  try {
    result = await deps.payments.capture(
      payment.id,
      async (trx) => {
        try {
          await markPaid(deps, order.id, trx);
        } catch (error) {
          if (!isStatusConflict(error)) throw error;
          lostRace = true;
        }
      },
      { actor: RECOVERY_ACTOR, requestId: null },
    );
  } catch (error) {
    // The adapter threw (network, timeout): nothing is known, so nothing is decided.
    deps.logger.warn(
      { orderId: order.id, paymentId: payment.id, code: failureCode(error) },
      'checkout recovery: capture did not answer; tried again next sweep',
    );
    return 'failed';
  }
  if (result.ok) {
    switch (result.andThen) {
      case 'done':
        return lostRace ? afterConflict(deps, order.id, 'paid') : 'paid';
      case 'none':
        // The payment was no longer authorised when the service read it: captured by
        // another run meanwhile. Its order is moved, or moves now.
        return finishCaptured(deps, order.id);
      case 'failed':
        // Captured at the provider, but its transaction failed (the payments service
        // logged why). The next sweep finds the payment captured, or replays the capture.
        deps.logger.warn(
          { orderId: order.id, paymentId: payment.id, code: 'CAPTURE_NOT_RECORDED' },
          'checkout recovery: captured, order not moved; tried again next sweep',
        );
        return 'failed';
    }
  }
  if (NOT_CANCELLING.has(result.reason)) {
    deps.logger.warn(
      { orderId: order.id, paymentId: payment.id, reason: result.reason },
      'checkout recovery: capture refused in a way that does not cancel; left for staff',
    );
    return 'left';
  }
  return cancel(deps, order, payment, result.reason);
}

/**
 * The capture was refused (authorisation expired, voided, declined): what the checkout's
 * undo does. The authorisation is voided first, so that a stop between the two leaves a
 * voided payment, which the next sweep sees refused again and cancels; then, in one
 * transaction, the order moves to `cancelled` (first, so a run that lost the race gives
 * no stock back) and its lines' stock is released.
 */
async function cancel(
  deps: RecoveryDeps,
  order: OrderRecord,
  payment: PaymentRecord,
  reason: string,
): Promise<RecoveryOutcome> {
  try {
    await deps.payments.voidAuthorisation(payment.authorisationId, `recovery:${payment.id}:void`, {
      actor: RECOVERY_ACTOR,
      requestId: null,
    });
  } catch (error) {
    deps.logger.warn(
      { orderId: order.id, paymentId: payment.id, code: failureCode(error) },
      'checkout recovery: void did not answer; tried again next sweep',
    );
    return 'failed';
  }
  const lines = order.lines.map(({ variantId, quantity }) => ({ variantId, quantity }));
  try {
    await cancelPlacedOrder(deps, order.id, lines, {
      actor: RECOVERY_ACTOR,
      requestId: null,
      reason: RECOVERY_REASONS.cancelled,
    });
  } catch (error) {
    if (isStatusConflict(error)) return afterConflict(deps, order.id, 'cancelled');
    throw error;
  }
  deps.logger.info(
    { orderId: order.id, paymentId: payment.id, reason },
    'checkout recovery: capture refused; order cancelled',
  );
  return 'cancelled';
}

/**
 * Finishes, or undoes, one order a checkout left in `placed`: what the capture step
 * would have done. A payment already captured only moves the order to `paid`; an
 * authorised one is captured with the move; a refused capture cancels the order, gives
 * its stock back and voids the authorisation. Safe to run from several instances at
 * once: the moves are conditional and the provider calls idempotent, so a run that loses
 * the race answers `settled` and the order ends in one state.
 */
export async function recoverOrder(deps: RecoveryDeps, orderId: string): Promise<RecoveryOutcome> {
  const order = await deps.orders.get(orderId);
  if (order === undefined || order.status !== 'placed') return 'settled';
  const payments = await deps.payments.forOrder(orderId);
  if (payments.some((payment) => payment.status === 'captured')) {
    return finishCaptured(deps, orderId);
  }
  // A voided payment goes through capture too: the service refuses it, and the order is
  // cancelled like any refused capture (a checkout undo that stopped half-way).
  const open =
    payments.find((payment) => payment.status === 'authorised') ??
    payments.find((payment) => payment.status === 'voided');
  if (open === undefined) {
    deps.logger.warn(
      {
        orderId,
        code: payments.length === 0 ? 'NO_PAYMENT' : 'PAYMENT_STATE_UNEXPECTED',
        statuses: payments.map((payment) => payment.status),
      },
      'checkout recovery: placed order without a payment to capture; left for staff',
    );
    return 'left';
  }
  return capture(deps, order, open);
}
