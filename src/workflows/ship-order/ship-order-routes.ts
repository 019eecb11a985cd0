import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ordersErrors } from '../../commerce/orders/index.js';
import { shippingErrors, type ShipmentRecord } from '../../commerce/shipping/index.js';
import { accessOf } from '../../identity/auth/index.js';
import { AppError } from '../../platform/errors/index.js';
import type { Purpose } from '../../privacy/inventory/index.js';
import type { ShipOrderDeps } from './ship-order-deps.js';
import { shipOrderErrors } from './ship-order-errors.js';
import {
  orderParams,
  shipBody,
  shipmentParams,
  shipmentReply,
  shipmentView,
  updateBody,
} from './ship-order-schemas.js';
import { shipOrder, type ShipOrderResult } from './ship-order.js';
import { updateShipment } from './update-shipment.js';

const TAGS = ['admin: shipments'];
/** Shipping and its status updates serve delivery; the label is always read for shipping. */
const SHIP_PURPOSES: readonly [Purpose, ...Purpose[]] = ['shipping', 'order_fulfilment'];
/** Who may look at an order's shipments: those who may read the order. */
const READ_PURPOSES: readonly [Purpose, ...Purpose[]] = [
  'order_fulfilment',
  'shipping',
  'customer_support',
  'refund',
  'payment',
];

function failure(result: Exclude<ShipOrderResult, { ok: true }>): AppError {
  switch (result.reason) {
    case 'order_not_found':
      return new AppError(ordersErrors.ORDER_NOT_FOUND);
    case 'not_shippable':
      return new AppError(shipOrderErrors.ORDER_NOT_SHIPPABLE, {
        details: { status: result.status },
      });
    case 'label_denied':
      return new AppError(shipOrderErrors.SHIPMENT_LABEL_DENIED);
    case 'label_erased':
      return new AppError(shipOrderErrors.SHIPMENT_LABEL_ERASED);
  }
}

function toView(shipment: ShipmentRecord): z.infer<typeof shipmentView> {
  return {
    id: shipment.id,
    orderId: shipment.orderId,
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber,
    status: shipment.status,
    createdAt: shipment.createdAt.toISOString(),
    updatedAt: shipment.updatedAt.toISOString(),
    events: shipment.events.map((event) => ({
      status: event.status,
      at: event.at.toISOString(),
    })),
  };
}

/** Shipments under `/admin`: ship a paid order, record where the parcel is, list them. */
export function shipOrderRoutes(deps: ShipOrderDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/admin/orders/:id/shipments',
      {
        config: {
          access: { audience: 'staff', permission: 'orders.fulfil', purposes: SHIP_PURPOSES },
        },
        schema: {
          tags: TAGS,
          summary:
            'Ship a paid order: the carrier receives the label, the staff member never sees it',
          description:
            'Reads the recipient name, phone and delivery address for the carrier only, buys ' +
            'the label, records the shipment, moves the order to fulfilled and logs the ' +
            'disclosure to the carrier in the customer’s access history. The same ' +
            'idempotencyKey for the same order answers the first shipment again ' +
            '(header idempotent-replayed: true).',
          params: orderParams,
          // No body at all is the same as an empty one.
          body: shipBody.nullish(),
          response: { 201: shipmentReply },
        },
      },
      async (request, reply) => {
        const result = await shipOrder(deps, {
          orderId: request.params.id,
          access: accessOf(request),
          idempotencyKey: request.body?.idempotencyKey,
        });
        if (!result.ok) throw failure(result);
        if (result.replayed) void reply.header('idempotent-replayed', 'true');
        return reply.code(201).send({
          shipmentId: result.shipment.id,
          trackingNumber: result.shipment.trackingNumber,
          status: result.shipment.status,
          orderStatus: result.orderStatus,
        });
      },
    );

    app.patch(
      '/admin/shipments/:id',
      {
        config: {
          access: { audience: 'staff', permission: 'orders.fulfil', purposes: SHIP_PURPOSES },
        },
        schema: {
          tags: TAGS,
          summary: 'Record where a parcel is; forward only; delivered moves the order too',
          params: shipmentParams,
          body: updateBody,
          response: { 200: shipmentReply },
        },
      },
      async (request) => {
        const result = await updateShipment(deps, {
          shipmentId: request.params.id,
          status: request.body.status,
          access: accessOf(request),
        });
        if (!result.ok) {
          if (result.reason === 'not_found') throw new AppError(shippingErrors.SHIPMENT_NOT_FOUND);
          throw new AppError(shippingErrors.SHIPMENT_STATUS_CONFLICT, {
            details: { current: result.current, requested: request.body.status },
          });
        }
        return {
          shipmentId: result.shipment.id,
          trackingNumber: result.shipment.trackingNumber,
          status: result.shipment.status,
          orderStatus: result.orderStatus,
        };
      },
    );

    app.get(
      '/admin/orders/:id/shipments',
      {
        config: {
          access: { audience: 'staff', permission: 'orders.read', purposes: READ_PURPOSES },
        },
        schema: {
          tags: TAGS,
          summary: 'An order’s shipments with their history, oldest first',
          params: orderParams,
          response: { 200: z.object({ shipments: z.array(shipmentView) }) },
        },
      },
      async (request) => {
        const order = await deps.orders.get(request.params.id);
        if (order === undefined) throw new AppError(ordersErrors.ORDER_NOT_FOUND);
        const shipments = await deps.shipping.forOrder(order.id);
        return { shipments: shipments.map(toView) };
      },
    );
  };
}
