// One test app for the payment tests, with a manual clock, and the helpers that pay as a
// checkout would: tokenise a test card, authorise, record the payment.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { PaymentsService, TestProviderTables } from '../../src/commerce/payments/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { tablesOf } from '../../src/platform/db/index.js';
import type { Engine } from '../../src/platform/db/index.js';
import { isAppError } from '../../src/platform/errors/index.js';
import { newId } from '../../src/platform/ids.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

export const NEXT_YEAR = new Date().getUTCFullYear() + 1;

/** A fresh idempotency key. */
export const key = (label: string) => `${label}-${randomUUID()}`;

/** The code of what a promise rejects with, or `resolved`. */
export async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isAppError(error) ? error.code : String(error);
  }
}

/** A recorded payment. */
export interface Paid {
  readonly paymentId: string;
  readonly orderId: string;
  readonly subjectId: string;
  readonly authorisationId: string;
}

/** The app and helpers of one describe block; set up before its tests and closed after. */
export interface PaymentsWorld {
  readonly t: TestApp;
  readonly clock: ManualClock;
  readonly payments: PaymentsService;
  /** The test provider's tables. */
  readonly db: () => ReturnType<typeof tablesOf<TestProviderTables>>;
  /** How many authorisations the test provider holds. */
  readonly authorisations: () => Promise<number>;
  readonly tokenFor: (number: string) => Promise<string>;
  /** Authorises and records a payment as a checkout's transaction does. */
  readonly paidWith: (number: string, amountMinor: number) => Promise<Paid>;
  readonly paymentOf: (
    paymentId: string,
  ) => Promise<{ status: string; refunded: number; captured: number }>;
}

/** Registers the world's setup and teardown in the calling describe block. */
export function usePaymentsWorld(engine: Engine): PaymentsWorld {
  let app: TestApp | undefined;
  const clock = new ManualClock(new Date());
  const t = () => {
    if (app === undefined) throw new Error('the payments world is not set up yet');
    return app;
  };
  beforeAll(async () => {
    app = await createTestApp(engine, { clock });
  });
  afterAll(async () => t().close());

  const world: PaymentsWorld = {
    get t() {
      return t();
    },
    clock,
    get payments() {
      return t().app.commerce.services.payments;
    },
    db: () => tablesOf<TestProviderTables>(t().database.db),
    async authorisations() {
      const { n } = await world
        .db()
        .selectFrom('test_provider_authorisations')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(n);
    },
    async tokenFor(number) {
      const cvc = number.startsWith('37') ? '1234' : '123';
      const response = await t().app.inject({
        method: 'POST',
        url: '/test-payments/tokens',
        payload: { number, expMonth: 12, expYear: NEXT_YEAR, cvc },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ token: string }>().token;
    },
    async paidWith(number, amountMinor) {
      const token = await world.tokenFor(number);
      const authorisation = await world.payments.authorise({
        token,
        amountMinor,
        currency: 'EUR',
        idempotencyKey: key('auth'),
      });
      if (!authorisation.ok) throw new Error(`authorisation failed: ${authorisation.reason}`);
      const paymentId = newId('pay');
      const orderId = newId('ord');
      const subjectId = newId('sub');
      const writer = await t().privacy.vault.writer(subjectId);
      await t()
        .database.db.transaction()
        .execute((trx) =>
          world.payments.record(trx, writer, {
            paymentId,
            orderId,
            subjectId,
            token,
            amountMinor,
            currency: 'EUR',
            authorisation,
            actor: { kind: 'system', name: 'test' },
            requestId: null,
          }),
        );
      return { paymentId, orderId, subjectId, authorisationId: authorisation.authorisationId };
    },
    async paymentOf(paymentId) {
      const row = await t()
        .database.db.withTables<{
          payments: { id: string; status: string; refunded_minor: number; captured_minor: number };
        }>()
        .selectFrom('payments')
        .select(['status', 'refunded_minor', 'captured_minor'])
        .where('id', '=', paymentId)
        .executeTakeFirstOrThrow();
      return {
        status: row.status,
        refunded: Number(row.refunded_minor),
        captured: Number(row.captured_minor),
      };
    },
  };
  return world;
}
