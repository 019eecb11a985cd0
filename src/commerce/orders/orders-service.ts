import type { Transaction } from 'kysely';
import { tablesOf } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import { isId } from '../../platform/ids.js';
import type { FieldInput } from '../../privacy/access/index.js';
import type { PersonalFieldName } from '../../privacy/inventory/index.js';
import type { FieldWriter } from '../../privacy/vault/index.js';
import { createOrder } from './order-create.js';
import { fieldInputsOf } from './order-fields.js';
import type { OrderStatus } from './order-status.js';
import { transitionOrder } from './order-transition.js';
import type {
  NewOrder,
  OrderRecord,
  OrderRef,
  OrdersService,
  TransitionFacts,
} from './order-types.js';
import { ordersErrors } from './orders-errors.js';
import type { OrdersTables } from './orders-migration.js';
import { findOrderLines, findOrderRow, findPlacedBefore, recordOf } from './orders-repository.js';
import type { OrdersServiceDeps } from './orders-service-deps.js';

/**
 * Orders: creation inside the checkout's transaction, the status machine with its
 * history, refunds, and the reads other modules need. Personal fields are sealed under
 * the order's subject and never opened here.
 */
export class OrdersServiceImpl implements OrdersService {
  constructor(private readonly deps: OrdersServiceDeps) {}

  create<DB>(
    trx: Transaction<DB>,
    writer: FieldWriter,
    input: NewOrder,
  ): Promise<{ number: string }> {
    return createOrder(this.deps, trx, writer, input);
  }

  async transition<DB>(
    orderId: string,
    to: OrderStatus,
    facts: TransitionFacts,
    trx?: Transaction<DB>,
  ): Promise<void> {
    if (trx !== undefined) return transitionOrder(this.deps, trx, orderId, to, facts);
    return this.deps.db
      .transaction()
      .execute((own) => transitionOrder(this.deps, own, orderId, to, facts));
  }

  async addRefunded<DB>(trx: Transaction<DB>, orderId: string, amountMinor: number): Promise<void> {
    if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
      throw new Error('A refunded amount is a positive integer of minor units');
    }
    const db = tablesOf<OrdersTables>(trx);
    // One guarded statement: concurrent refunds can never add up beyond the total.
    const result = await db
      .updateTable('orders')
      .set((eb) => ({
        refunded_minor: eb('refunded_minor', '+', amountMinor),
        updated_at: this.deps.clock.now().getTime(),
      }))
      .where('id', '=', orderId)
      .where((eb) => eb(eb('refunded_minor', '+', amountMinor), '<=', eb.ref('total_minor')))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return;
    const exists = await db
      .selectFrom('orders')
      .select('id')
      .where('id', '=', orderId)
      .executeTakeFirst();
    throw new AppError(
      exists === undefined ? ordersErrors.ORDER_NOT_FOUND : ordersErrors.ORDER_REFUND_EXCEEDS_TOTAL,
      { details: { orderId } },
    );
  }

  async placedBefore(before: Date, limit: number, after?: OrderRef): Promise<OrderRef[]> {
    if (!Number.isSafeInteger(limit) || limit <= 0) {
      throw new Error('A page of orders holds a positive whole number of them');
    }
    const cursor =
      after === undefined ? undefined : { createdAt: after.createdAt.getTime(), id: after.id };
    const rows = await findPlacedBefore(this.deps.db, before.getTime(), limit, cursor);
    return rows.map((row) => ({ id: row.id, createdAt: new Date(Number(row.created_at)) }));
  }

  async get(orderId: string): Promise<OrderRecord | undefined> {
    if (!isId(orderId, 'ord')) return undefined;
    const [row, lines] = await Promise.all([
      findOrderRow(this.deps.db, orderId),
      findOrderLines(this.deps.db, orderId),
    ]);
    return row === undefined ? undefined : recordOf(row, lines);
  }

  async personalFields(
    orderId: string,
    which?: readonly PersonalFieldName[],
  ): Promise<FieldInput[]> {
    if (!isId(orderId, 'ord')) return [];
    const row = await findOrderRow(this.deps.db, orderId);
    return row === undefined ? [] : fieldInputsOf(row, which);
  }

  async getWithFields(
    orderId: string,
    which: readonly PersonalFieldName[],
  ): Promise<{ order: OrderRecord; fields: FieldInput[] } | undefined> {
    if (!isId(orderId, 'ord')) return undefined;
    const [row, lines] = await Promise.all([
      findOrderRow(this.deps.db, orderId),
      findOrderLines(this.deps.db, orderId),
    ]);
    if (row === undefined) return undefined;
    return { order: recordOf(row, lines), fields: fieldInputsOf(row, which) };
  }
}
