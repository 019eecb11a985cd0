import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { sessionOf, type ShopperAccess } from '../../identity/auth/index.js';
import { linesOf, openCart, type Shopper } from './cart-access.js';
import { addLine, changeLine, createCart, removeLine, setCountry } from './cart-changes.js';
import { priceCart, type PricedCart } from './cart-pricing.js';
import type { CartsDeps } from './carts-deps.js';
import type { CartTable } from './carts-migration.js';
import {
  cartParams,
  cartPatchBody,
  cartReply,
  lineParams,
  linePatchBody,
  newCartBody,
  newLineBody,
} from './carts-schemas.js';
import { cartLineOf } from './carts-service.js';

const TAGS = ['store: cart'];
const ACCESS: ShopperAccess = { audience: 'shopper', purpose: 'order_fulfilment' };

/** The customer behind the request, or null for a guest (the guard refuses staff). */
function shopperOf(request: FastifyRequest): Shopper {
  return request.access === undefined ? null : sessionOf(request).accountId;
}

function toReply(cart: PricedCart): z.infer<typeof cartReply> {
  return {
    id: cart.id,
    customerId: cart.customerId,
    country: cart.country,
    currency: cart.currency,
    lines: cart.lines.map((line) => ({
      ...cartLineOf(line),
      available: line.available,
      availableQuantity: line.availableQuantity,
      addedAt: line.addedAt.toISOString(),
    })),
    subtotalMinor: cart.subtotalMinor,
    taxRateBasisPoints: cart.taxRateBasisPoints,
    taxMinor: cart.taxMinor,
    totalMinor: cart.totalMinor,
    expiresAt: cart.expiresAt.toISOString(),
    createdAt: cart.createdAt.toISOString(),
    updatedAt: cart.updatedAt.toISOString(),
  };
}

/** Guest and customer carts under `/store/carts`. */
export function cartsRoutes(deps: CartsDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const view = async (cartId: string, shopper: Shopper) => {
      const cart = await openCart(deps, cartId, shopper);
      return toReply(await priceCart(deps, cart, await linesOf(deps.db, cart.id), cart.country));
    };
    /** Opens the shopper's cart, applies one change, and answers the cart as it is now. */
    const change = async (
      request: FastifyRequest,
      cartId: string,
      apply: (cart: CartTable, shopper: Shopper) => Promise<unknown>,
    ) => {
      const shopper = shopperOf(request);
      const cart = await openCart(deps, cartId, shopper);
      await apply(cart, shopper);
      return view(cart.id, shopper);
    };

    app.post(
      '/store/carts',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Start a cart; a logged-in customer’s cart is theirs alone',
          body: newCartBody,
          response: { 201: cartReply },
        },
      },
      async (request, reply) => {
        const shopper = shopperOf(request);
        const id = await createCart(deps, shopper, request.body?.country ?? null);
        return reply.code(201).send(await view(id, shopper));
      },
    );

    app.get(
      '/store/carts/:id',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'The cart priced now, with tax for its country',
          params: cartParams,
          response: { 200: cartReply },
        },
      },
      async (request) => view(request.params.id, shopperOf(request)),
    );

    app.patch(
      '/store/carts/:id',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Set the destination country (tax); null clears it',
          params: cartParams,
          body: cartPatchBody,
          response: { 200: cartReply },
        },
      },
      async (request) =>
        change(request, request.params.id, (cart, shopper) =>
          setCountry(deps, cart, shopper, request.body.country),
        ),
    );

    app.post(
      '/store/carts/:id/lines',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Add units of a variant; a variant already in the cart gets more units',
          params: cartParams,
          body: newLineBody,
          response: { 200: cartReply },
        },
      },
      async (request) =>
        change(request, request.params.id, (cart, shopper) =>
          addLine(deps, cart, shopper, request.body.variantId, request.body.quantity),
        ),
    );

    app.patch(
      '/store/carts/:id/lines/:lineId',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Set a line’s quantity',
          params: lineParams,
          body: linePatchBody,
          response: { 200: cartReply },
        },
      },
      async (request) =>
        change(request, request.params.id, (cart, shopper) =>
          changeLine(deps, cart, shopper, request.params.lineId, request.body.quantity),
        ),
    );

    app.delete(
      '/store/carts/:id/lines/:lineId',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Remove a line',
          params: lineParams,
          response: { 200: cartReply },
        },
      },
      async (request) =>
        change(request, request.params.id, (cart, shopper) =>
          removeLine(deps, cart, shopper, request.params.lineId),
        ),
    );
  };
}
