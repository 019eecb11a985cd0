import type { Kysely, Transaction } from 'kysely';
import { fixedQuery, rowsAffected, tablesOf } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import { isId } from '../../platform/ids.js';
import { auditActorId, auditActorRole } from '../../privacy/access/index.js';
import { canTransition, isOrderStatus, type OrderStatus } from './order-status.js';
import type { TransitionFacts } from './order-types.js';
import { ordersErrors } from './orders-errors.js';
import type { OrdersTables } from './orders-migration.js';
import { insertStatusChange } from './orders-repository.js';
import type { OrdersServiceDeps } from './orders-service-deps.js';

const REASON = /^[a-z][a-z0-9_.]{0,63}$/;

const currentStatus = fixedQuery((db: Kysely<OrdersTables>, args: { orderId: string }) =>
  db.selectFrom('orders').select(['status', 'subject_id']).where('id', '=', args.orderId),
);

/** Sets the status only if it is still `from`. */
const moveStatus = fixedQuery(
  (db: Kysely<OrdersTables>, args: { orderId: string; from: string; to: string; at: number }) =>
    db
      .updateTable('orders')
      .set({ status: args.to, updated_at: args.at })
      .where('id', '=', args.orderId)
      .where('status', '=', args.from),
);

/**
 * Moves an order along the status machine in the caller's transaction: the status (only
 * if it is still the one read, so a concurrent move makes this one fail), a history entry
 * and the `order.status` audit event. Refused moves throw ORDER_STATUS_CONFLICT without
 * writing anything, so they never abort a PostgreSQL transaction.
 */
export async function transitionOrder<DB>(
  deps: OrdersServiceDeps,
  trx: Transaction<DB>,
  orderId: string,
  to: OrderStatus,
  facts: TransitionFacts,
): Promise<void> {
  // A reason is a code from a list; free text could carry personal data into the history.
  if (facts.reason !== undefined && !REASON.test(facts.reason)) {
    throw new Error('A status reason is a code such as customer_request');
  }
  if (!isId(orderId, 'ord')) throw new AppError(ordersErrors.ORDER_NOT_FOUND);
  const db = tablesOf<OrdersTables>(trx);
  const [current] = (await currentStatus.execute(db, { orderId })).rows;
  if (current === undefined) throw new AppError(ordersErrors.ORDER_NOT_FOUND);
  const from = current.status;
  const conflict = () =>
    new AppError(ordersErrors.ORDER_STATUS_CONFLICT, { details: { orderId, from, to } });
  if (!isOrderStatus(from) || !canTransition(from, to)) throw conflict();
  const now = deps.clock.now();
  const updated = await moveStatus.execute(db, { orderId, from, to, at: now.getTime() });
  if (rowsAffected(updated) !== 1) throw conflict();
  const actorId = auditActorId(facts.actor);
  const actorRole = auditActorRole(facts.actor);
  await insertStatusChange.execute(db, {
    order_id: orderId,
    from_status: from,
    to_status: to,
    actor_id: actorId,
    actor_role: actorRole,
    reason: facts.reason ?? null,
    at: now.getTime(),
  });
  const reason = facts.reason === undefined ? {} : { reason: facts.reason };
  await deps.audit.record(
    [
      {
        occurredAt: now,
        actorId,
        actorRole,
        action: 'order.status',
        purpose: 'order_fulfilment',
        subjectId: current.subject_id,
        categories: [],
        decision: 'none',
        requestId: facts.requestId,
        outcome: 'success',
        detail: { orderId, from, to, ...reason },
      },
    ],
    trx,
  );
}
