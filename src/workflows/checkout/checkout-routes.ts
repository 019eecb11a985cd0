import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { cartsErrors } from '../../commerce/carts/index.js';
import { paymentsErrors } from '../../commerce/payments/index.js';
import { AppError } from '../../platform/errors/index.js';
import type { CheckoutDeps } from './checkout-deps.js';
import { checkoutErrors } from './checkout-errors.js';
import { checkoutBody, checkoutParams, checkoutReply } from './checkout-schemas.js';
import type { CheckoutFailure } from './checkout-state.js';
import { checkout, checkoutSteps } from './checkout-workflow.js';

/** The error a checkout failure answers with: ids, codes and counts only. */
function errorOf(failure: CheckoutFailure): AppError {
  switch (failure.kind) {
    case 'payment_declined':
      return new AppError(checkoutErrors.PAYMENT_DECLINED, { details: { reason: failure.reason } });
    case 'payment_token_invalid':
      return new AppError(checkoutErrors.PAYMENT_TOKEN_INVALID);
    case 'payment_failed':
      return new AppError(paymentsErrors.PAYMENT_PROVIDER_FAILED, {
        details: { stage: failure.stage },
      });
    case 'out_of_stock':
      return new AppError(checkoutErrors.OUT_OF_STOCK, {
        details: {
          shortages: failure.shortages.map(({ variantId, requested, available }) => ({
            variantId,
            requested,
            available,
          })),
        },
      });
    case 'cart_checked_out':
      return new AppError(cartsErrors.CART_CHECKED_OUT);
  }
}

/** `POST /store/carts/:id/checkout`, for guests and logged-in customers alike. */
export function checkoutRoutes(deps: CheckoutDeps): FastifyPluginAsyncZod {
  const steps = checkoutSteps(deps);
  return async (app) => {
    app.post(
      '/store/carts/:id/checkout',
      {
        config: { access: { audience: 'shopper', purpose: 'order_fulfilment' } },
        schema: {
          tags: ['store: checkout'],
          summary:
            'Place the order: contact, delivery address, a payment token and optional consents',
          params: checkoutParams,
          body: checkoutBody,
          response: { 201: checkoutReply },
        },
      },
      async (request, reply) => {
        // A guest has no access set; a customer acts as themselves.
        const actor = request.access?.actor;
        const customerId = actor?.kind === 'customer' ? actor.id : null;
        const result = await checkout(deps, steps, {
          cartId: request.params.id,
          customerId,
          form: request.body,
          requestId: request.id,
        });
        if (!result.ok) throw errorOf(result.failure);
        return reply.code(201).send(result.order);
      },
    );
  };
}
