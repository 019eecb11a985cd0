import type { OrderRecord, OrderStatus } from '../../commerce/orders/index.js';
import {
  idempotencyDigest,
  shippingErrors,
  type ShipmentRecord,
  type ShippingLabel,
} from '../../commerce/shipping/index.js';
import type { RequestAccess } from '../../identity/auth/index.js';
import { AppError, isAppError } from '../../platform/errors/index.js';
import { isId, newId } from '../../platform/ids.js';
import { auditActorId, auditActorRole } from '../../privacy/access/index.js';
import type { AuditEvent } from '../../privacy/audit/index.js';
import type { Category } from '../../privacy/inventory/index.js';
import { readCarrierLabel } from './carrier-label.js';
import type { ShipOrderDeps } from './ship-order-deps.js';

/** What a shipment request asks: the order, the staff member's access, an optional key. */
export interface ShipOrderRequest {
  readonly orderId: string;
  readonly access: RequestAccess;
  /** The same key for the same order answers the first shipment again. */
  readonly idempotencyKey?: string | undefined;
}

/** The shipment made (or made before, for the same key), or why none was. */
export type ShipOrderResult =
  | {
      readonly ok: true;
      readonly shipment: ShipmentRecord;
      readonly orderStatus: OrderStatus;
      readonly replayed: boolean;
    }
  | { readonly ok: false; readonly reason: 'order_not_found' }
  | { readonly ok: false; readonly reason: 'not_shippable'; readonly status: OrderStatus }
  | { readonly ok: false; readonly reason: 'label_denied' | 'label_erased' };

async function replay(deps: ShipOrderDeps, shipment: ShipmentRecord): Promise<ShipOrderResult> {
  const order = await deps.orders.get(shipment.orderId);
  if (order === undefined) return { ok: false, reason: 'order_not_found' };
  return { ok: true, shipment, orderStatus: order.status, replayed: true };
}

/** Step 2: the carrier issues a label; any failure but its own refusal is "unreachable". */
async function buyLabel(
  deps: ShipOrderDeps,
  label: ShippingLabel,
  carrierKey: string,
): Promise<string> {
  try {
    return (await deps.shipping.carrier.createShipment(label, carrierKey)).trackingNumber;
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError(shippingErrors.CARRIER_UNAVAILABLE, { cause: error });
  }
}

/** Undo of step 2: the label is voided; a failure to void is logged, never hidden. */
async function voidLabel(deps: ShipOrderDeps, trackingNumber: string): Promise<void> {
  try {
    await deps.shipping.carrier.cancel(trackingNumber);
  } catch (error) {
    deps.logger.warn(
      {
        carrier: deps.shipping.carrier.name,
        trackingNumber,
        code: isAppError(error) ? error.code : 'UNKNOWN',
      },
      'A carrier label could not be voided after a failed shipment; void it at the carrier',
    );
  }
}

function disclosureEvent(
  deps: ShipOrderDeps,
  request: ShipOrderRequest,
  order: OrderRecord,
  categories: readonly Category[],
  shipmentId: string,
): AuditEvent {
  const { actor, requestId } = request.access;
  return {
    occurredAt: deps.clock.now(),
    actorId: auditActorId(actor),
    actorRole: auditActorRole(actor),
    action: 'disclosure.carrier',
    purpose: 'shipping',
    subjectId: order.subjectId,
    categories,
    // The carrier received the values in the clear.
    decision: 'clear',
    requestId,
    outcome: 'success',
    detail: { processor: deps.shipping.carrier.name, shipmentId },
  };
}

/** Step 3: shipment, order status and the disclosure's audit event commit together. */
async function recordShipment(
  deps: ShipOrderDeps,
  request: ShipOrderRequest,
  order: OrderRecord,
  made: { shipmentId: string; trackingNumber: string; categories: readonly Category[] },
): Promise<void> {
  const { actor, requestId } = request.access;
  await deps.db.transaction().execute(async (trx) => {
    await deps.shipping.record(trx, {
      shipmentId: made.shipmentId,
      orderId: order.id,
      trackingNumber: made.trackingNumber,
      createdBy: auditActorId(actor),
      idempotencyKey: request.idempotencyKey ?? null,
    });
    await deps.orders.transition(
      order.id,
      'fulfilled',
      { actor, requestId, reason: 'shipped' },
      trx,
    );
    await deps.audit.record(
      [disclosureEvent(deps, request, order, made.categories, made.shipmentId)],
      trx,
    );
  });
}

/**
 * After step 3 failed: the shipment a concurrent request with the same key recorded for
 * this very label (the carrier gave both the same one), if any. Without a key the label
 * is this attempt's alone. When the answer cannot be known, the label is left alone
 * rather than voided under a recorded shipment, and the fact is logged.
 */
async function recordedByTwin(
  deps: ShipOrderDeps,
  request: ShipOrderRequest,
  trackingNumber: string,
): Promise<ShipmentRecord | undefined | 'unknown'> {
  if (request.idempotencyKey === undefined) return undefined;
  try {
    const recorded = await deps.shipping.byTrackingNumber(trackingNumber);
    return recorded?.orderId === request.orderId ? recorded : undefined;
  } catch {
    deps.logger.warn(
      { carrier: deps.shipping.carrier.name, trackingNumber },
      'A shipment failed and its label could not be checked; void it at the carrier if unused',
    );
    return 'unknown';
  }
}

/**
 * Ships a paid order, a workflow of three steps: (1) read the label fields for the
 * carrier through the access engine; (2) buy the label at the carrier; (3) in one
 * transaction, record the shipment, move the order to `fulfilled` and audit the
 * disclosure to the carrier (C3.4), so the customer's access history shows it. If step 3
 * fails, step 2 is undone by voiding the label — unless a concurrent request with the
 * same key recorded that very label, which is then the answer.
 */
export async function shipOrder(
  deps: ShipOrderDeps,
  request: ShipOrderRequest,
): Promise<ShipOrderResult> {
  const { orderId, idempotencyKey } = request;
  if (!isId(orderId, 'ord')) return { ok: false, reason: 'order_not_found' };
  if (idempotencyKey !== undefined) {
    const earlier = await deps.shipping.byIdempotencyKey(orderId, idempotencyKey);
    if (earlier !== undefined) return replay(deps, earlier);
  }
  const order = await deps.orders.get(orderId);
  if (order === undefined) return { ok: false, reason: 'order_not_found' };
  if (order.status !== 'paid') return { ok: false, reason: 'not_shippable', status: order.status };

  const read = await readCarrierLabel(deps, request.access, order);
  if (!read.ok) return read;

  const shipmentId = newId('shp');
  // With a client key, a retry reaches the same label; without one, each attempt is its own.
  const carrierKey =
    idempotencyKey === undefined ? shipmentId : idempotencyDigest(orderId, idempotencyKey);
  const trackingNumber = await buyLabel(deps, read.label, carrierKey);

  try {
    await recordShipment(deps, request, order, {
      shipmentId,
      trackingNumber,
      categories: read.categories,
    });
  } catch (error) {
    const recorded = await recordedByTwin(deps, request, trackingNumber);
    if (recorded === 'unknown') throw error;
    if (recorded !== undefined) return replay(deps, recorded);
    await voidLabel(deps, trackingNumber);
    if (isAppError(error) && error.code === 'ORDER_STATUS_CONFLICT') {
      const now = await deps.orders.get(orderId);
      return { ok: false, reason: 'not_shippable', status: now?.status ?? order.status };
    }
    throw error;
  }
  const shipment = await deps.shipping.get(shipmentId);
  if (shipment === undefined) throw new Error('A committed shipment is missing');
  return { ok: true, shipment, orderStatus: 'fulfilled', replayed: false };
}
