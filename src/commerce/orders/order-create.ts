import type { Insertable, Kysely, Transaction } from 'kysely';
import { fixedQuery, rowsAffected, tablesOf } from '../../platform/db/index.js';
import { isId } from '../../platform/ids.js';
import { auditActorId, auditActorRole } from '../../privacy/access/index.js';
import type { FieldWriter } from '../../privacy/vault/index.js';
import { addressJson } from './address.js';
import { newOrderNumber } from './order-number.js';
import type { NewOrder } from './order-types.js';
import type { OrderLinesTable, OrdersTable, OrdersTables } from './orders-migration.js';
import { insertStatusChange } from './orders-repository.js';
import type { OrdersServiceDeps } from './orders-service-deps.js';

// 50 random bits per number: a second clash in a row means something else is wrong.
const NUMBER_ATTEMPTS = 5;

function assertNewOrder(input: NewOrder): void {
  const money = (value: number) => Number.isSafeInteger(value) && value >= 0;
  const { totals, lines } = input;
  const linesSum = lines.reduce((sum, line) => sum + line.lineTotalMinor, 0);
  const sound =
    isId(input.orderId, 'ord') &&
    lines.length > 0 &&
    lines.every(
      (line) =>
        Number.isSafeInteger(line.quantity) &&
        line.quantity > 0 &&
        money(line.unitPriceMinor) &&
        line.lineTotalMinor === line.unitPriceMinor * line.quantity,
    ) &&
    money(totals.subtotalMinor) &&
    money(totals.taxMinor) &&
    totals.subtotalMinor === linesSum &&
    totals.totalMinor === totals.subtotalMinor + totals.taxMinor;
  // The caller priced the cart; numbers that do not add up are a bug, never a client error.
  if (!sound) throw new Error('Order lines and totals do not add up');
}

type OrderInsert = Required<Insertable<OrdersTable>>;

/**
 * Inserts an order unless its number is taken. ON CONFLICT DO NOTHING rather than
 * catching the violation: on PostgreSQL a failed statement would abort the caller's
 * whole transaction.
 */
const insertOrderUnlessNumberTaken = fixedQuery((db: Kysely<OrdersTables>, row: OrderInsert) =>
  db
    .insertInto('orders')
    .values(row)
    .onConflict((conflict) => conflict.column('number').doNothing()),
);

/** An order's lines, all in one statement. */
const insertLines = fixedQuery(
  (db: Kysely<OrdersTables>, args: { lines: Insertable<OrderLinesTable>[] }) =>
    db.insertInto('order_lines').values(args.lines),
);

/** Inserts the order under a fresh number, drawing again on a clash with the unique index. */
async function insertWithNumber(
  db: Kysely<OrdersTables>,
  row: Omit<OrderInsert, 'number'>,
): Promise<string> {
  for (let attempt = 0; attempt < NUMBER_ATTEMPTS; attempt++) {
    const number = newOrderNumber();
    const result = await insertOrderUnlessNumberTaken.execute(db, { ...row, number });
    if (rowsAffected(result) === 1) return number;
  }
  throw new Error('No free order number after several attempts');
}

/**
 * Creates an order as `placed` in the caller's transaction, in four statements whatever
 * the number of lines: the order (personal fields sealed with the writer), its lines in
 * one insert, the first history entry, and the `order.create` audit event.
 */
export async function createOrder<DB>(
  deps: OrdersServiceDeps,
  trx: Transaction<DB>,
  writer: FieldWriter,
  input: NewOrder,
): Promise<{ number: string }> {
  assertNewOrder(input);
  const db = tablesOf<OrdersTables>(trx);
  const id = input.orderId;
  const now = deps.clock.now();
  const at = now.getTime();
  const { contact, shippingAddress, billingAddress, totals } = input;
  const number = await insertWithNumber(db, {
    id,
    subject_id: input.subjectId,
    customer_id: input.customerId,
    status: 'placed',
    currency: totals.currency,
    subtotal_minor: totals.subtotalMinor,
    tax_minor: totals.taxMinor,
    total_minor: totals.totalMinor,
    refunded_minor: 0,
    // Not personal on its own, and needed for tax records after erasure (C4.4).
    shipping_country: shippingAddress.country.toUpperCase(),
    contact_email: writer.seal('orders.contact_email', id, contact.email),
    contact_name: writer.seal('orders.contact_name', id, contact.name),
    contact_phone:
      contact.phone === undefined ? null : writer.seal('orders.contact_phone', id, contact.phone),
    shipping_address: writer.seal('orders.shipping_address', id, addressJson(shippingAddress)),
    billing_address:
      billingAddress === undefined
        ? null
        : writer.seal('orders.billing_address', id, addressJson(billingAddress)),
    created_at: at,
    updated_at: at,
  });
  await insertLines.execute(db, {
    lines: input.lines.map((line, position) => ({
      order_id: id,
      position,
      variant_id: line.variantId,
      product_title: line.productTitle,
      variant_title: line.variantTitle,
      sku: line.sku,
      quantity: line.quantity,
      unit_price_minor: line.unitPriceMinor,
      line_total_minor: line.lineTotalMinor,
    })),
  });
  const actorId = auditActorId(input.actor);
  const actorRole = auditActorRole(input.actor);
  await insertStatusChange.execute(db, {
    order_id: id,
    from_status: null,
    to_status: 'placed',
    actor_id: actorId,
    actor_role: actorRole,
    reason: null,
    at,
  });
  await deps.audit.record(
    [
      {
        occurredAt: now,
        actorId,
        actorRole,
        action: 'order.create',
        purpose: 'order_fulfilment',
        subjectId: input.subjectId,
        categories: ['order.contact', 'delivery.address'],
        decision: 'none',
        requestId: input.requestId,
        outcome: 'success',
        detail: { orderId: id, lines: input.lines.length },
      },
    ],
    trx,
  );
  return { number };
}
