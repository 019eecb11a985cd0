import type { Insertable, Kysely, Selectable } from 'kysely';
import { fixedQuery } from '../../platform/db/index.js';
import { isOrderStatus } from './order-status.js';
import type { OrderLine, OrderRecord } from './order-types.js';
import type {
  OrderLinesTable,
  OrdersTable,
  OrdersTables,
  OrderStatusHistoryTable,
} from './orders-migration.js';

/** An order row as stored, sealed columns included. */
export type OrderRow = Selectable<OrdersTable>;

/** One entry of an order's status history. */
export interface StatusChange {
  readonly from: string | null;
  readonly to: string;
  readonly actorId: string;
  readonly actorRole: string;
  readonly reason: string | null;
  readonly at: Date;
}

/** A position in an order list: the last row of the previous page. */
export interface OrderCursor {
  readonly createdAt: number;
  readonly id: string;
}

/** What a list asks for: whose orders, which status, how many, after which row. */
export interface OrderListQuery {
  readonly customerId?: string;
  readonly status?: string;
  readonly limit: number;
  readonly after?: OrderCursor | undefined;
}

/** The non-personal columns of an order list row. */
export const SUMMARY_COLUMNS = [
  'id',
  'number',
  'status',
  'customer_id',
  'currency',
  'subtotal_minor',
  'tax_minor',
  'total_minor',
  'refunded_minor',
  'shipping_country',
  'created_at',
  'updated_at',
] as const;

/** An order list row: non-personal columns only. */
export type OrderSummaryRow = Pick<OrderRow, (typeof SUMMARY_COLUMNS)[number]>;

function lineOf(row: Selectable<OrderLinesTable>): OrderLine {
  return {
    variantId: row.variant_id,
    productTitle: row.product_title,
    variantTitle: row.variant_title,
    sku: row.sku,
    quantity: Number(row.quantity),
    unitPriceMinor: Number(row.unit_price_minor),
    lineTotalMinor: Number(row.line_total_minor),
  };
}

/** An order row's currency, amounts and destination country, as numbers and plain text. */
export function moneyOf(row: OrderSummaryRow) {
  return {
    currency: row.currency,
    subtotalMinor: Number(row.subtotal_minor),
    taxMinor: Number(row.tax_minor),
    totalMinor: Number(row.total_minor),
    refundedMinor: Number(row.refunded_minor),
    shippingCountry: row.shipping_country,
  };
}

/** The record of a row and its lines; a status the machine does not know is a corrupt row. */
export function recordOf(row: OrderRow, lines: readonly OrderLine[]): OrderRecord {
  if (!isOrderStatus(row.status)) throw new Error(`Order ${row.id} has an unknown status`);
  return {
    id: row.id,
    number: row.number,
    subjectId: row.subject_id,
    customerId: row.customer_id,
    status: row.status,
    ...moneyOf(row),
    lines: [...lines],
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

/** A status history entry as inserted: every column but its generated id. */
type StatusChangeRow = Required<Omit<Insertable<OrderStatusHistoryTable>, 'id'>>;

/** Appends an entry to an order's status history. */
export const insertStatusChange = fixedQuery((db: Kysely<OrdersTables>, row: StatusChangeRow) =>
  db.insertInto('order_status_history').values(row),
);

const orderRowById = fixedQuery((db: Kysely<OrdersTables>, args: { orderId: string }) =>
  db.selectFrom('orders').selectAll().where('id', '=', args.orderId),
);

const orderLinesById = fixedQuery((db: Kysely<OrdersTables>, args: { orderId: string }) =>
  db.selectFrom('order_lines').selectAll().where('order_id', '=', args.orderId).orderBy('position'),
);

/** The order row, sealed columns included, or undefined. */
export async function findOrderRow(
  db: Kysely<OrdersTables>,
  orderId: string,
): Promise<OrderRow | undefined> {
  return (await orderRowById.execute(db, { orderId })).rows[0];
}

/** The order's lines in the order they were placed. */
export async function findOrderLines(
  db: Kysely<OrdersTables>,
  orderId: string,
): Promise<OrderLine[]> {
  return (await orderLinesById.execute(db, { orderId })).rows.map(lineOf);
}

/** The order's status history, oldest first. */
export async function findStatusHistory(
  db: Kysely<OrdersTables>,
  orderId: string,
): Promise<StatusChange[]> {
  const rows: Selectable<OrderStatusHistoryTable>[] = await db
    .selectFrom('order_status_history')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    from: row.from_status,
    to: row.to_status,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    reason: row.reason,
    at: new Date(Number(row.at)),
  }));
}

/** One page of orders, newest first, non-personal columns only (keyset pagination). */
export async function listOrders(
  db: Kysely<OrdersTables>,
  query: OrderListQuery,
): Promise<OrderSummaryRow[]> {
  let select = db.selectFrom('orders').select(SUMMARY_COLUMNS);
  if (query.customerId !== undefined) select = select.where('customer_id', '=', query.customerId);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  const after = query.after;
  if (after !== undefined) {
    select = select.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)),
    );
  }
  return select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}

/**
 * Orders still `placed` created before `before` (epoch ms), oldest first, after the
 * cursor: ids and creation times only. The index `orders_status_created` (status,
 * created_at, id) serves it, so a sweep reads only the rows it returns.
 */
export async function findPlacedBefore(
  db: Kysely<OrdersTables>,
  before: number,
  limit: number,
  after?: OrderCursor,
): Promise<{ id: string; created_at: number }[]> {
  let select = db
    .selectFrom('orders')
    .select(['id', 'created_at'])
    .where('status', '=', 'placed')
    .where('created_at', '<', before);
  if (after !== undefined) {
    select = select.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)),
    );
  }
  return select.orderBy('created_at').orderBy('id').limit(limit).execute();
}
