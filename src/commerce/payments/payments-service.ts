import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { fixedQuery, rowsAffected, tablesOf } from '../../platform/db/index.js';
import type { Logger } from '../../platform/logging/index.js';
import { auditActorId, auditActorRole, type FieldInput } from '../../privacy/access/index.js';
import type { AuditSink } from '../../privacy/audit/index.js';
import type { Category } from '../../privacy/inventory/index.js';
import type { FieldWriter } from '../../privacy/vault/index.js';
import type { PaymentProvider } from './payment-provider.js';
import { refundPayment } from './payment-refunds.js';
import type {
  CaptureResult,
  PaymentContext,
  PaymentRecord,
  PaymentStatus,
  PaymentsService,
  RecordPaymentInput,
} from './payment-record.js';
import type { PaymentsTables, PaymentTable } from './payments-migration.js';

/** What the payments service is built from. */
export interface PaymentsDeps {
  readonly db: Kysely<PaymentsTables>;
  readonly provider: PaymentProvider;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly logger: Logger;
}

const RECORD_COLUMNS = [
  'id',
  'order_id',
  'subject_id',
  'provider',
  'authorisation_id',
  'status',
  'amount_minor',
  'captured_minor',
  'refunded_minor',
  'currency',
  'created_at',
] as const;

type RecordRow = Pick<PaymentTable, (typeof RECORD_COLUMNS)[number]>;

const insertPayment = fixedQuery((db: Kysely<PaymentsTables>, row: PaymentTable) =>
  db.insertInto('payments').values(row),
);

/** What capturing needs to know of a payment. */
const captureFacts = fixedQuery((db: Kysely<PaymentsTables>, args: { paymentId: string }) =>
  db
    .selectFrom('payments')
    .select(['authorisation_id', 'status', 'amount_minor', 'subject_id'])
    .where('id', '=', args.paymentId),
);

/** Marks an authorised payment captured; a payment no longer authorised is left alone. */
const markPaymentCaptured = fixedQuery(
  (db: Kysely<PaymentsTables>, args: { paymentId: string; amount: number; at: number }) =>
    db
      .updateTable('payments')
      .set({ status: 'captured', captured_minor: args.amount, updated_at: args.at })
      .where('id', '=', args.paymentId)
      .where('status', '=', 'authorised'),
);

function toRecord(row: RecordRow): PaymentRecord {
  return {
    id: row.id,
    orderId: row.order_id,
    subjectId: row.subject_id,
    provider: row.provider,
    authorisationId: row.authorisation_id,
    status: row.status as PaymentStatus,
    amountMinor: Number(row.amount_minor),
    capturedMinor: Number(row.captured_minor),
    refundedMinor: Number(row.refunded_minor),
    currency: row.currency,
    createdAt: new Date(Number(row.created_at)),
  };
}

/** Who moves a payment when the caller does not say: the payments service itself. */
const PAYMENTS_ACTOR = { kind: 'system', name: 'payments' } as const;

/** The payments service over one provider (see PaymentsService). */
export function createPaymentsService(deps: PaymentsDeps): PaymentsService {
  const { db, provider, clock } = deps;

  /**
   * The audit event of a payment's record or move, in the transaction that makes it: who,
   * in which request, and ids and amounts only (with the provider's name).
   */
  const auditPayment = <DB>(
    trx: Transaction<DB>,
    event: {
      readonly action: 'payment.record' | 'payment.capture' | 'payment.void';
      readonly subjectId: string;
      readonly categories: readonly Category[];
      readonly detail: Readonly<Record<string, string | number>>;
    },
    context: PaymentContext,
    now: Date,
  ) => {
    const actor = context.actor ?? PAYMENTS_ACTOR;
    return deps.audit.record(
      [
        {
          occurredAt: now,
          actorId: auditActorId(actor),
          actorRole: auditActorRole(actor),
          action: event.action,
          purpose: 'payment',
          subjectId: event.subjectId,
          categories: event.categories,
          decision: 'none',
          requestId: context.requestId ?? null,
          outcome: 'success',
          detail: { ...event.detail, provider: provider.name },
        },
      ],
      trx,
    );
  };

  return {
    provider,

    authorise: (input) => provider.authorise(input),

    async record<DB>(trx: Transaction<DB>, writer: FieldWriter, input: RecordPaymentInput) {
      const { paymentId: id, authorisation } = input;
      const card = authorisation.card;
      const now = clock.now();
      const expiry = `${String(card.expMonth).padStart(2, '0')}/${card.expYear}`;
      await insertPayment.execute(tablesOf<PaymentsTables>(trx), {
        id,
        order_id: input.orderId,
        subject_id: input.subjectId,
        provider: provider.name,
        authorisation_id: authorisation.authorisationId,
        status: 'authorised',
        amount_minor: input.amountMinor,
        captured_minor: 0,
        refunded_minor: 0,
        currency: input.currency,
        provider_token: writer.seal('payments.provider_token', id, input.token),
        card_brand: writer.seal('payments.card_brand', id, card.brand),
        card_last4: writer.seal('payments.card_last4', id, card.last4),
        card_expiry: writer.seal('payments.card_expiry', id, expiry),
        created_at: now.getTime(),
        updated_at: now.getTime(),
      });
      await auditPayment(
        trx,
        {
          action: 'payment.record',
          subjectId: input.subjectId,
          categories: ['payment.token', 'payment.card'],
          detail: {
            paymentId: id,
            orderId: input.orderId,
            amountMinor: input.amountMinor,
            currency: input.currency,
          },
        },
        { actor: input.actor, requestId: input.requestId },
        now,
      );
    },

    async capture(paymentId, andThen, context = {}): Promise<CaptureResult> {
      const [row] = (await captureFacts.execute(db, { paymentId })).rows;
      if (row === undefined) return { ok: false, reason: 'payment_not_found' };
      if (row.status === 'voided') return { ok: false, reason: 'authorisation_voided' };
      if (row.status !== 'authorised') return { ok: true, andThen: 'none' };
      const amount = Number(row.amount_minor);
      const result = await provider.capture({
        authorisationId: row.authorisation_id,
        amountMinor: amount,
        idempotencyKey: `capture:${paymentId}`,
      });
      if (!result.ok) return result;
      const markCaptured = async (trx: Transaction<PaymentsTables>) => {
        const now = clock.now();
        const updated = await markPaymentCaptured.execute(trx, {
          paymentId,
          amount,
          at: now.getTime(),
        });
        if (rowsAffected(updated) === 0) return;
        await auditPayment(
          trx,
          {
            action: 'payment.capture',
            subjectId: row.subject_id,
            categories: [],
            detail: { paymentId, amountMinor: amount },
          },
          context,
          now,
        );
      };
      try {
        await db.transaction().execute(async (trx) => {
          await markCaptured(trx);
          await andThen?.(tablesOf<unknown>(trx) as Transaction<unknown>);
        });
        return { ok: true, andThen: andThen === undefined ? 'none' : 'done' };
      } catch (error) {
        deps.logger.error({ err: error, paymentId }, 'capture recorded without what goes with it');
      }
      try {
        await db.transaction().execute(markCaptured);
      } catch (error) {
        // The provider holds the money; a retried capture replays its answer and records it.
        deps.logger.error({ err: error, paymentId }, 'captured payment not recorded');
      }
      return { ok: true, andThen: andThen === undefined ? 'none' : 'failed' };
    },

    async voidAuthorisation(authorisationId, idempotencyKey, context = {}): Promise<void> {
      const result = await provider.void({ authorisationId, idempotencyKey });
      if (!result.ok) {
        deps.logger.warn({ authorisationId, reason: result.reason }, 'authorisation not voided');
        return;
      }
      await db.transaction().execute(async (trx) => {
        const now = clock.now();
        const voided = await trx
          .updateTable('payments')
          .set({ status: 'voided', updated_at: now.getTime() })
          .where('provider', '=', provider.name)
          .where('authorisation_id', '=', authorisationId)
          .where('status', '=', 'authorised')
          .returning(['id', 'subject_id', 'amount_minor'])
          .execute();
        for (const payment of voided) {
          await auditPayment(
            trx,
            {
              action: 'payment.void',
              subjectId: payment.subject_id,
              categories: [],
              detail: { paymentId: payment.id, amountMinor: Number(payment.amount_minor) },
            },
            context,
            now,
          );
        }
      });
    },

    refund: (paymentId, amountMinor, idempotencyKey) =>
      refundPayment(deps, paymentId, amountMinor, idempotencyKey),

    async forOrder(orderId: string): Promise<PaymentRecord[]> {
      const rows = await db
        .selectFrom('payments')
        .select(RECORD_COLUMNS)
        .where('order_id', '=', orderId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },

    async cardFields(paymentId: string): Promise<FieldInput[]> {
      const row = await db
        .selectFrom('payments')
        .select(['card_brand', 'card_last4', 'card_expiry'])
        .where('id', '=', paymentId)
        .executeTakeFirst();
      if (row === undefined) return [];
      return [
        { field: 'payments.card_brand', rowId: paymentId, sealed: row.card_brand },
        { field: 'payments.card_last4', rowId: paymentId, sealed: row.card_last4 },
        { field: 'payments.card_expiry', rowId: paymentId, sealed: row.card_expiry },
      ];
    },
  };
}
