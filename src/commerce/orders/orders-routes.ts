import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accessOf } from '../../identity/auth/index.js';
import { auditActorId, auditActorRole } from '../../privacy/access/index.js';
import type { Purpose } from '../../privacy/inventory/index.js';
import { readOrderForStaff, readOwnOrder } from './order-reads.js';
import { adminOrderOf, nextCursor, storeOrderOf, summaryOf } from './order-replies.js';
import { listOrders, type OrderCursor } from './orders-repository.js';
import type { OrdersRouteDeps } from './orders-route-deps.js';
import {
  adminListQuery,
  adminOrderReply,
  orderPage,
  orderParams,
  storeListQuery,
  storeOrderReply,
} from './orders-schemas.js';

/** The purposes staff read orders for; named in `x-custodia-purpose`, the first by default. */
const STAFF_PURPOSES: readonly [Purpose, ...Purpose[]] = [
  'order_fulfilment',
  'shipping',
  'customer_support',
  'payment',
  'refund',
];

function cursorOf(after: string | undefined): OrderCursor | undefined {
  if (after === undefined) return undefined;
  const dot = after.indexOf('.');
  return { createdAt: Number(after.slice(0, dot)), id: after.slice(dot + 1) };
}

/** Orders for their owners under `/store` and for staff under `/admin` (C2.3, C2.5, C4.1). */
export function ordersRoutes(deps: OrdersRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/store/orders',
      {
        config: { access: { audience: 'customer', purpose: 'order_fulfilment' } },
        schema: {
          tags: ['store: orders'],
          summary: 'Your orders, newest first: numbers, status and totals',
          querystring: storeListQuery,
          response: { 200: orderPage },
        },
      },
      async (request) => {
        const { actor } = accessOf(request);
        const { limit, after } = request.query;
        // The guard admits customers only; the id scopes the list to their own orders.
        const customerId = actor.kind === 'customer' ? actor.id : '';
        const rows = await listOrders(deps.db, { customerId, limit, after: cursorOf(after) });
        return { orders: rows.map(summaryOf), next: nextCursor(rows, limit) };
      },
    );

    app.get(
      '/store/orders/:id',
      {
        config: { access: { audience: 'customer', purpose: 'order_fulfilment' } },
        schema: {
          tags: ['store: orders'],
          summary: 'One of your orders: lines, contact and addresses, status history, payment',
          params: orderParams,
          response: { 200: storeOrderReply },
        },
      },
      async (request) =>
        storeOrderOf(await readOwnOrder(deps, accessOf(request), request.params.id)),
    );

    app.get(
      '/admin/orders',
      {
        config: {
          access: { audience: 'staff', permission: 'orders.read', purposes: STAFF_PURPOSES },
        },
        schema: {
          tags: ['admin: orders'],
          summary: 'Orders, newest first, optionally by status: no personal fields (C1.5)',
          querystring: adminListQuery,
          response: { 200: orderPage },
        },
      },
      async (request) => {
        const access = accessOf(request);
        const { status, limit, after } = request.query;
        const rows = await listOrders(deps.db, {
          limit,
          after: cursorOf(after),
          ...(status === undefined ? {} : { status }),
        });
        // No personal data leaves, but a staff list is still internal use, so it is traced (C3.3).
        await deps.audit.record([
          {
            occurredAt: deps.clock.now(),
            actorId: auditActorId(access.actor),
            actorRole: auditActorRole(access.actor),
            action: 'order.list',
            purpose: access.purpose,
            subjectId: null,
            categories: [],
            decision: 'none',
            requestId: access.requestId,
            outcome: 'success',
            detail: { returned: rows.length, ...(status === undefined ? {} : { status }) },
          },
        ]);
        return { orders: rows.map(summaryOf), next: nextCursor(rows, limit) };
      },
    );

    app.get(
      '/admin/orders/:id',
      {
        config: {
          access: { audience: 'staff', permission: 'orders.read', purposes: STAFF_PURPOSES },
        },
        schema: {
          tags: ['admin: orders'],
          summary: 'One order, each personal field clear, masked or left out as the role allows',
          params: orderParams,
          response: { 200: adminOrderReply },
        },
      },
      async (request) =>
        adminOrderOf(await readOrderForStaff(deps, accessOf(request), request.params.id)),
    );
  };
}
