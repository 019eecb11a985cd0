import type { CartSnapshot } from '../../../commerce/carts/index.js';
import type { StockLine } from '../../../commerce/catalog/index.js';
import type { OrderLine } from '../../../commerce/orders/index.js';
import { writeDeferredNow } from '../../../platform/db/index.js';
import { cancelPlacedOrder } from '../cancel-placed-order.js';
import type { CheckoutDeps } from '../checkout-deps.js';
import {
  CHECKOUT_ACTOR,
  need,
  type CheckoutFailure,
  type CheckoutState,
} from '../checkout-state.js';
import { DONE, type Step } from '../step-runner.js';

/** Thrown inside the transaction to roll it back with an expected outcome. */
class Rollback extends Error {
  constructor(readonly failure: CheckoutFailure) {
    super(failure.kind);
  }
}

/** The cart's lines as stock to take; the catalog sums and orders them per variant. */
function stockLines(cart: CartSnapshot): StockLine[] {
  return cart.lines.map(({ variantId, quantity }) => ({ variantId, quantity }));
}

// A cart line is the order line plus the cart's own keys (the snapshot carries no others).
function orderLines(cart: CartSnapshot): OrderLine[] {
  return cart.lines.map(({ lineId: _lineId, productId: _productId, ...line }) => line);
}

/**
 * The one transaction: the cart is marked checked out, a guest's data key stored, the
 * order created as `placed`, the payment recorded, the consents given recorded with the
 * policy version shown, the confirmation mail queued, and the stock reserved — last, after
 * the audit events deferred to the commit are written, so the busiest rows (popular
 * variants) stay locked for the shortest time: on PostgreSQL, checkouts of one variant
 * queue behind each other from its reservation to their COMMIT. A concurrent checkout of
 * the same cart or a shortage rolls everything back. Undo, once committed (a later step
 * failed): the order is cancelled and its stock given back, in one transaction.
 */
export function placeOrder(deps: CheckoutDeps): Step<CheckoutState, CheckoutFailure> {
  return {
    name: 'place-order',
    run: async (state) => {
      const cart = need(state.cart, 'cart');
      const authorisation = need(state.authorisation, 'authorisation');
      const subjectId = need(state.subjectId, 'subject');
      const writer = need(state.writer, 'writer');
      const { form, requestId, customerId } = state.request;
      const { orderId, paymentId, actor, consents } = state;
      const now = deps.clock.now();
      try {
        state.number = await deps.db.transaction().execute(async (trx) => {
          if (!(await deps.carts.markCheckedOut(trx, cart.id, orderId))) {
            throw new Rollback({ kind: 'cart_checked_out' });
          }
          await state.storeKey?.(trx);
          const { number } = await deps.orders.create(trx, writer, {
            orderId,
            subjectId,
            customerId,
            contact: {
              email: form.email,
              name: form.name,
              ...(form.phone === undefined ? {} : { phone: form.phone }),
            },
            shippingAddress: form.shippingAddress,
            ...(form.billingAddress === undefined ? {} : { billingAddress: form.billingAddress }),
            lines: orderLines(cart),
            totals: {
              currency: cart.currency,
              subtotalMinor: cart.subtotalMinor,
              taxMinor: cart.taxMinor,
              totalMinor: cart.totalMinor,
            },
            actor,
            requestId,
          });
          await deps.payments.record(trx, writer, {
            paymentId,
            orderId,
            subjectId,
            token: form.paymentToken,
            amountMinor: cart.totalMinor,
            currency: cart.currency,
            authorisation,
            actor,
            requestId,
          });
          if (consents !== undefined) {
            await deps.consent.record(trx, subjectId, consents, {
              policyVersion: deps.settings.policyVersion,
              collectionPoint: 'checkout',
              recordedAt: now,
            });
          }
          await deps.outbox.enqueue(trx, 'order.confirmation', { orderId });
          // The audit events deferred to the commit are written before the stock is
          // locked, so that lock lasts for the reservation and the COMMIT alone.
          await writeDeferredNow(trx);
          const reservation = await deps.catalog.reserve(trx, stockLines(cart));
          if (!reservation.ok) {
            throw new Rollback({ kind: 'out_of_stock', shortages: reservation.shortages });
          }
          return number;
        });
      } catch (error) {
        if (error instanceof Rollback) return { ok: false, failure: error.failure };
        throw error;
      }
      state.status = 'placed';
      return DONE;
    },
    undo: async (state) => {
      const cart = need(state.cart, 'cart');
      await cancelPlacedOrder(deps, state.orderId, stockLines(cart), {
        actor: CHECKOUT_ACTOR,
        requestId: state.request.requestId,
        reason: 'checkout_failed',
      });
      state.status = 'cancelled';
    },
  };
}
