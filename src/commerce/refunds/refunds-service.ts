import type { Kysely, Transaction } from 'kysely';
import { tablesOf } from '../../platform/db/index.js';
import type { RefundReason } from './refund-reasons.js';
import type { RefundsTables, RefundTable } from './refunds-migration.js';

/** A refund as staff and other modules see it: amounts, ids and a reason code. */
export interface RefundRecord {
  readonly id: string;
  readonly orderId: string;
  readonly paymentId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly reason: RefundReason;
  /** The staff id of whoever issued it. */
  readonly createdBy: string;
  readonly providerRefundId: string;
  readonly createdAt: Date;
}

/** A stored refund with the request it answered, for idempotent repeats. */
export interface KeyedRefund extends RefundRecord {
  readonly idempotencyKey: string;
  /** The amount asked for; null when the request asked for whatever remained. */
  readonly requestedAmountMinor: number | null;
}

/** What `record` stores. */
export type NewRefund = Omit<KeyedRefund, 'createdAt'> & { readonly createdAt: Date };

/** Refund records (`services.refunds`). */
export interface RefundsService {
  /** Inserts a refund in the caller's transaction. */
  record<DB>(trx: Transaction<DB>, refund: NewRefund): Promise<void>;
  /** The refund an order's idempotency key already produced, read in the caller's transaction when given. */
  byKey<DB>(orderId: string, key: string, trx?: Transaction<DB>): Promise<KeyedRefund | undefined>;
  /** An order's refunds, oldest first. */
  forOrder(orderId: string): Promise<RefundRecord[]>;
}

function toRecord(row: RefundTable): KeyedRefund {
  return {
    id: row.id,
    orderId: row.order_id,
    paymentId: row.payment_id,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    reason: row.reason as RefundReason,
    createdBy: row.created_by,
    providerRefundId: row.provider_refund_id,
    createdAt: new Date(Number(row.created_at)),
    idempotencyKey: row.idempotency_key,
    requestedAmountMinor:
      row.requested_amount_minor === null ? null : Number(row.requested_amount_minor),
  };
}

/** A refund without the request facts kept for idempotent repeats. */
function plainRecord(row: RefundTable): RefundRecord {
  const keyed = toRecord(row);
  return {
    id: keyed.id,
    orderId: keyed.orderId,
    paymentId: keyed.paymentId,
    amountMinor: keyed.amountMinor,
    currency: keyed.currency,
    reason: keyed.reason,
    createdBy: keyed.createdBy,
    providerRefundId: keyed.providerRefundId,
    createdAt: keyed.createdAt,
  };
}

/** The refunds service over its table. */
export function createRefundsService(db: Kysely<RefundsTables>): RefundsService {
  return {
    async record<DB>(trx: Transaction<DB>, refund: NewRefund) {
      await tablesOf<RefundsTables>(trx)
        .insertInto('refunds')
        .values({
          id: refund.id,
          order_id: refund.orderId,
          payment_id: refund.paymentId,
          amount_minor: refund.amountMinor,
          currency: refund.currency,
          reason: refund.reason,
          created_by: refund.createdBy,
          provider_refund_id: refund.providerRefundId,
          idempotency_key: refund.idempotencyKey,
          requested_amount_minor: refund.requestedAmountMinor,
          created_at: refund.createdAt.getTime(),
        })
        .execute();
    },

    async byKey<DB>(orderId: string, key: string, trx?: Transaction<DB>) {
      const row = await (trx === undefined ? db : tablesOf<RefundsTables>(trx))
        .selectFrom('refunds')
        .selectAll()
        .where('order_id', '=', orderId)
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async forOrder(orderId: string) {
      const rows = await db
        .selectFrom('refunds')
        .selectAll()
        .where('order_id', '=', orderId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(plainRecord);
    },
  };
}
