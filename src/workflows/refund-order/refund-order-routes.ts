import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ordersErrors } from '../../commerce/orders/index.js';
import { paymentsErrors } from '../../commerce/payments/index.js';
import { accessOf } from '../../identity/auth/index.js';
import { AppError } from '../../platform/errors/index.js';
import { isId } from '../../platform/ids.js';
import type { Purpose } from '../../privacy/inventory/index.js';
import type { RefundOrderDeps } from './refund-order-deps.js';
import { refundOrderErrors } from './refund-order-errors.js';
import { refundBody, refundListReply, refundParams, refundReply } from './refund-order-schemas.js';
import type { RefundFailure } from './refund-order-state.js';
import { refundOrder } from './refund-order.js';

const TAGS = ['admin: refunds'];
/** Who may list an order's refunds: finance, and support answering a customer. */
const READ_PURPOSES: readonly [Purpose, ...Purpose[]] = ['refund', 'payment', 'customer_support'];
const CAPTURED = new Set(['captured', 'partially_refunded', 'refunded']);

/** The error a failed refund answers with; details hold amounts and codes only. */
function failure(result: RefundFailure): AppError {
  switch (result.kind) {
    case 'order_not_found':
      return new AppError(ordersErrors.ORDER_NOT_FOUND);
    case 'not_paid':
      return new AppError(refundOrderErrors.REFUND_ORDER_NOT_PAID, {
        details: { status: result.status },
      });
    case 'not_captured':
      return new AppError(refundOrderErrors.REFUND_PAYMENT_NOT_CAPTURED);
    case 'exceeds_captured':
      return new AppError(refundOrderErrors.REFUND_EXCEEDS_CAPTURED, {
        details: {
          capturedMinor: result.capturedMinor,
          refundedMinor: result.refundedMinor,
          requestedMinor: result.requestedMinor,
        },
      });
    case 'key_reused':
      return new AppError(refundOrderErrors.REFUND_IDEMPOTENCY_KEY_REUSED);
    case 'provider_failed':
      return new AppError(paymentsErrors.PAYMENT_PROVIDER_FAILED, {
        details: { reason: result.reason },
      });
  }
}

/** Refunds under `/admin/orders/:id/refunds`: issued by finance, listed for those who read orders. */
export function refundOrderRoutes(deps: RefundOrderDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/admin/orders/:id/refunds',
      {
        config: {
          access: { audience: 'staff', permission: 'refunds.create', purposes: ['refund'] },
        },
        schema: {
          tags: TAGS,
          summary: 'Refund part or all of an order through the payment provider',
          params: refundParams,
          body: refundBody,
          response: { 201: refundReply },
        },
      },
      async (request, reply) => {
        const access = accessOf(request);
        const orderId = request.params.id;
        // Not even shaped like an order id: no such order, and nothing for the database.
        if (!isId(orderId, 'ord')) throw new AppError(ordersErrors.ORDER_NOT_FOUND);
        const { amountMinor, reason, idempotencyKey } = request.body;
        const result = await refundOrder(deps, {
          orderId,
          amountMinor,
          reason,
          idempotencyKey,
          actor: access.actor,
          requestId: request.id,
        });
        if (!result.ok) throw failure(result.failure);
        const order = await deps.orders.get(orderId);
        if (order === undefined) throw new AppError(ordersErrors.ORDER_NOT_FOUND);
        if (result.refund.replayed) void reply.header('idempotent-replayed', 'true');
        return reply.code(201).send({
          refundId: result.refund.refundId,
          amountMinor: result.refund.amountMinor,
          orderStatus: order.status,
          refundedMinor: order.refundedMinor,
        });
      },
    );

    app.get(
      '/admin/orders/:id/refunds',
      {
        config: {
          access: { audience: 'staff', permission: 'orders.read', purposes: READ_PURPOSES },
        },
        schema: {
          tags: TAGS,
          summary: "An order's refunds and what was captured: amounts and codes only",
          params: refundParams,
          response: { 200: refundListReply },
        },
      },
      async (request) => {
        const orderId = request.params.id;
        const order = isId(orderId, 'ord') ? await deps.orders.get(orderId) : undefined;
        if (order === undefined) throw new AppError(ordersErrors.ORDER_NOT_FOUND);
        const [refunds, payments] = await Promise.all([
          deps.refunds.forOrder(orderId),
          deps.payments.forOrder(orderId),
        ]);
        return {
          orderId,
          currency: order.currency,
          capturedMinor: payments
            .filter((payment) => CAPTURED.has(payment.status))
            .reduce((sum, payment) => sum + payment.capturedMinor, 0),
          refundedMinor: order.refundedMinor,
          refunds: refunds.map((refund) => ({
            id: refund.id,
            paymentId: refund.paymentId,
            amountMinor: refund.amountMinor,
            currency: refund.currency,
            reason: refund.reason,
            createdBy: refund.createdBy,
            providerRefundId: refund.providerRefundId,
            createdAt: refund.createdAt.toISOString(),
          })),
        };
      },
    );
  };
}
