import type { RequestAccess } from '../../identity/auth/index.js';
import { AppError } from '../../platform/errors/index.js';
import { isId } from '../../platform/ids.js';
import type { FieldInput, FieldView, ReadContext } from '../../privacy/access/index.js';
import type { Purpose } from '../../privacy/inventory/index.js';
import { cardInputs, type OrderPaymentFacts } from './order-payments.js';
import type { OrderLine } from './order-types.js';
import { ordersErrors } from './orders-errors.js';
import {
  findOrderLines,
  findOrderRow,
  findStatusHistory,
  type OrderRow,
  type StatusChange,
} from './orders-repository.js';
import type { OrdersRouteDeps } from './orders-route-deps.js';
import { fieldInputsOf } from './order-fields.js';

/** An order as a page shows it: the row, its lines, history and payments, and the field views. */
export interface OrderRead {
  readonly row: OrderRow;
  readonly lines: readonly OrderLine[];
  readonly history: readonly StatusChange[];
  readonly payments: readonly OrderPaymentFacts[];
  /** Whatever the access engine handed out; denied fields are absent from it. */
  readonly views: readonly FieldView[];
}

// Purposes whose need for the delivery address ends once the parcel has left.
const SHIPPING_PURPOSES: readonly Purpose[] = ['order_fulfilment', 'shipping'];

/** The row of an id-shaped, existing order, or ORDER_NOT_FOUND. */
async function rowOf(deps: OrdersRouteDeps, orderId: string): Promise<OrderRow> {
  // Not shaped like an order id: nothing to look up (and nothing for PostgreSQL to refuse).
  const row = isId(orderId, 'ord') ? await findOrderRow(deps.db, orderId) : undefined;
  if (row === undefined) throw new AppError(ordersErrors.ORDER_NOT_FOUND);
  return row;
}

async function detailsOf(deps: OrdersRouteDeps, orderId: string) {
  const [lines, history, payments] = await Promise.all([
    findOrderLines(deps.db, orderId),
    findStatusHistory(deps.db, orderId),
    deps.payments?.forOrder(orderId) ?? Promise.resolve([]),
  ]);
  const cards = deps.payments === undefined ? [] : await cardInputs(deps.payments, payments);
  return { lines, history, payments, cards };
}

/**
 * A customer's own order (C4.1): another customer's order, a guest order and an unknown id
 * all answer ORDER_NOT_FOUND, so ids cannot be probed (C2.3). Contact and delivery
 * address are read for order fulfilment; billing address and card for payment, the
 * purposes those fields are declared for.
 */
export async function readOwnOrder(
  deps: OrdersRouteDeps,
  access: RequestAccess,
  orderId: string,
): Promise<OrderRead> {
  const row = await rowOf(deps, orderId);
  const own = access.actor.kind === 'customer' && row.customer_id === access.actor.id;
  if (!own) throw new AppError(ordersErrors.ORDER_NOT_FOUND);
  const { lines, history, payments, cards } = await detailsOf(deps, row.id);
  const ctx: ReadContext = { ...access, action: 'order.read' };
  const fulfilment = fieldInputsOf(row, [
    'orders.contact_email',
    'orders.contact_name',
    'orders.contact_phone',
    'orders.shipping_address',
  ]);
  const payment: FieldInput[] = [...fieldInputsOf(row, ['orders.billing_address']), ...cards];
  // Two purposes, two audited reads; side by side, so their events share a commit.
  const [forFulfilment, forPayment] = await Promise.all([
    deps.access.read(ctx, row.subject_id, fulfilment),
    payment.some((input) => input.sealed !== null)
      ? deps.access.read({ ...ctx, purpose: 'payment' }, row.subject_id, payment)
      : [],
  ]);
  return { row, lines, history, payments, views: [...forFulfilment, ...forPayment] };
}

/**
 * An order for staff (C2.3, C2.5): each field as the role and purpose allow, in one
 * audited read. For shipping purposes the delivery address is clear only while the order
 * awaits shipment (`paid`); before payment and after shipment the read is capped at masked.
 */
export async function readOrderForStaff(
  deps: OrdersRouteDeps,
  access: RequestAccess,
  orderId: string,
): Promise<OrderRead> {
  const row = await rowOf(deps, orderId);
  const { lines, history, payments, cards } = await detailsOf(deps, row.id);
  const capped = SHIPPING_PURPOSES.includes(access.purpose) && row.status !== 'paid';
  const ctx: ReadContext = {
    ...access,
    action: 'order.read',
    ...(capped ? { ceiling: 'masked' as const } : {}),
  };
  const views = await deps.access.read(ctx, row.subject_id, [...fieldInputsOf(row), ...cards]);
  return { row, lines, history, payments, views };
}
