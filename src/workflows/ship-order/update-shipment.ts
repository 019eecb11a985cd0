import type { OrderStatus } from '../../commerce/orders/index.js';
import type { ShipmentRecord, ShipmentStatus } from '../../commerce/shipping/index.js';
import type { RequestAccess } from '../../identity/auth/index.js';
import { isId } from '../../platform/ids.js';
import type { ShipOrderDeps } from './ship-order-deps.js';

/** The shipment after the update and its order's status, or why nothing moved. */
export type UpdateShipmentResult =
  | { readonly ok: true; readonly shipment: ShipmentRecord; readonly orderStatus: OrderStatus }
  | { readonly ok: false; readonly reason: 'not_found' }
  | { readonly ok: false; readonly reason: 'not_forward'; readonly current: ShipmentStatus };

/**
 * Records where a parcel is. Statuses move forward only; the same status again changes
 * nothing. Delivery moves a shipped order to `delivered` in the same transaction; an order
 * that has moved on meanwhile (refunded) keeps its status, and the parcel its own.
 */
export async function updateShipment(
  deps: ShipOrderDeps,
  request: {
    readonly shipmentId: string;
    readonly status: ShipmentStatus;
    readonly access: RequestAccess;
  },
): Promise<UpdateShipmentResult> {
  const { shipmentId, status, access } = request;
  if (!isId(shipmentId, 'shp')) return { ok: false, reason: 'not_found' };
  const shipment = await deps.shipping.get(shipmentId);
  if (shipment === undefined) return { ok: false, reason: 'not_found' };
  // Read before the transaction: the orders service reads outside it, and SQLite has one connection.
  const order = await deps.orders.get(shipment.orderId);
  if (order === undefined) return { ok: false, reason: 'not_found' };
  const moved = await deps.db.transaction().execute(async (trx) => {
    const result = await deps.shipping.advance(trx, shipmentId, status);
    // A repeated `delivered` (moved from delivered) has moved the order already.
    const delivers =
      result.ok &&
      status === 'delivered' &&
      result.from !== 'delivered' &&
      order.status === 'fulfilled';
    if (delivers) {
      await deps.orders.transition(
        order.id,
        'delivered',
        { actor: access.actor, requestId: access.requestId, reason: 'carrier_delivered' },
        trx,
      );
    }
    return result;
  });
  if (!moved.ok) return moved;
  // The order as it stands now, moved by this update or by a concurrent one.
  const now = await deps.orders.get(order.id);
  return { ok: true, shipment: moved.shipment, orderStatus: now?.status ?? order.status };
}
