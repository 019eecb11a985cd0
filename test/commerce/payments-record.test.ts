// C2.1, C2.5, C3.3: a recorded payment keeps only the provider token, brand, last four
// and expiry, each sealed under the subject's key; the record is audited in the same
// transaction; staff see the card masked by role; and after tokenising every test card
// and paying with the good ones, no card number and no brand or token plaintext is at
// rest or in the logs.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  TEST_CARDS,
  type PaymentsService,
  type PaymentsTables,
} from '../../src/commerce/payments/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import { newId } from '../../src/platform/ids.js';
import type { Actor } from '../../src/privacy/access/index.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import { assertNoLeaks, scanForMarkers } from '../helpers/leak-scan.js';
import { assertNoCardNumbers, findCardNumbers, scanForCardNumbers } from '../helpers/luhn-scan.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

const NEXT_YEAR = new Date().getUTCFullYear() + 1;
const staff = (roles: string[]): Actor => ({ kind: 'staff', id: newId('stf'), roles, mfa: true });

describeEachEngine('payment records', (engine) => {
  let store: TestStore;
  let t: TestApp;
  let payments: PaymentsService;
  let closed = false;
  const recorded: { paymentId: string; subjectId: string; token: string; brand: string }[] = [];

  async function tokenFor(number: string) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/test-payments/tokens',
      payload: {
        number,
        expMonth: 3,
        expYear: NEXT_YEAR,
        cvc: number.startsWith('37') ? '4321' : '321',
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ token: string; brand: string; last4: string }>();
  }

  /** Tokenises, authorises and records one payment as a checkout would. */
  async function pay(number: string, amountMinor: number) {
    const { token, brand } = await tokenFor(number);
    const authorisation = await payments.authorise({
      token,
      amountMinor,
      currency: 'EUR',
      idempotencyKey: `checkout:${randomUUID()}`,
    });
    if (!authorisation.ok) return undefined;
    const paymentId = newId('pay');
    const subjectId = newId('sub');
    const writer = await t.privacy.vault.writer(subjectId);
    await t.database.db.transaction().execute((trx) =>
      payments.record(trx, writer, {
        paymentId,
        orderId: newId('ord'),
        subjectId,
        token,
        amountMinor,
        currency: 'EUR',
        authorisation,
        actor: { kind: 'customer', id: subjectId },
        requestId: 'req_test',
      }),
    );
    const entry = { paymentId, subjectId, token, brand };
    recorded.push(entry);
    return entry;
  }

  beforeAll(async () => {
    store = await createTestStore(engine);
    t = await createTestApp(engine, { store });
    payments = t.app.commerce.services.payments;
    for (const number of Object.keys(TEST_CARDS)) {
      const entry = await pay(number, 2599);
      if (entry === undefined) continue;
      expect((await payments.capture(entry.paymentId)).ok).toBe(true);
      await payments.refund(entry.paymentId, 599, `refund:${entry.paymentId}`);
    }
  });
  afterAll(async () => {
    if (!closed) await t.close();
    await store.cleanup();
  });

  it('records a capture in one transaction with what goes with it, or alone when that fails', async () => {
    const statusOf = async (paymentId: string) =>
      (
        await tablesOf<PaymentsTables>(t.database.db)
          .selectFrom('payments')
          .select(['status', 'captured_minor'])
          .where('id', '=', paymentId)
          .executeTakeFirstOrThrow()
      ).status;
    const together = await pay('4242424242424242', 1000);
    const alone = await pay('4242424242424242', 1000);
    if (together === undefined || alone === undefined) throw new Error('not authorised');
    let sawCapture: string | undefined;
    expect(
      await payments.capture(together.paymentId, async (trx) => {
        // The follow-up runs inside the capture's transaction: it sees the payment captured.
        sawCapture = (
          await tablesOf<PaymentsTables>(trx)
            .selectFrom('payments')
            .select('status')
            .where('id', '=', together.paymentId)
            .executeTakeFirstOrThrow()
        ).status;
      }),
    ).toEqual({ ok: true, andThen: 'done' });
    expect(sawCapture).toBe('captured');
    expect(
      await payments.capture(alone.paymentId, () =>
        Promise.reject(new Error('status move failed')),
      ),
    ).toEqual({ ok: true, andThen: 'failed' });
    expect(await statusOf(alone.paymentId)).toBe('captured');
    // A second capture is answered from the record, without the provider.
    expect(await payments.capture(alone.paymentId)).toEqual({ ok: true, andThen: 'none' });
  });

  it('C2.1: token, brand, last four and expiry are stored sealed and open to their values', async () => {
    const entry = recorded.find((candidate) => candidate.brand === 'mastercard');
    if (entry === undefined) throw new Error('no mastercard payment');
    const row = await tablesOf<PaymentsTables>(t.database.db)
      .selectFrom('payments')
      .selectAll()
      .where('id', '=', entry.paymentId)
      .executeTakeFirstOrThrow();
    const clear = {
      provider_token: entry.token,
      card_brand: 'mastercard',
      card_last4: '4444',
      card_expiry: `03/${NEXT_YEAR}`,
    } as const;
    const reader = await t.privacy.vault.reader(entry.subjectId);
    for (const [column, value] of Object.entries(clear)) {
      const sealed = Buffer.from(row[column as keyof typeof clear]);
      expect(sealed.includes(Buffer.from(value)), column).toBe(false);
      expect(reader.open(`payments.${column as keyof typeof clear}`, entry.paymentId, sealed)).toBe(
        value,
      );
    }
    expect(row).toMatchObject({
      subject_id: entry.subjectId,
      provider: 'test',
      status: 'partially_refunded',
    });
  });

  it('C3.3: records payment.record in the audit log with ids and amounts only', async () => {
    const entry = recorded[0];
    if (entry === undefined) throw new Error('nothing recorded');
    const event = await tablesOf<AuditTables>(t.database.db)
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'payment.record')
      .where('subject_id', '=', entry.subjectId)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      actor_role: 'customer',
      purpose: 'payment',
      decision: 'none',
      outcome: 'success',
      request_id: 'req_test',
    });
    expect((JSON.parse(event.categories) as string[]).sort()).toEqual([
      'payment.card',
      'payment.token',
    ]);
    const detail = String(event.detail);
    expect(JSON.parse(detail)).toMatchObject({ paymentId: entry.paymentId, amountMinor: 2599 });
    expect(detail).not.toContain(entry.token);
    expect(detail).not.toContain(entry.brand);
  });

  it('C2.5: staff see the card masked by role, and only for the purposes it serves', async () => {
    const entry = recorded.find((candidate) => candidate.brand === 'visa');
    if (entry === undefined) throw new Error('no visa payment');
    const access = t.app.identity.customers.access;
    const fields = await payments.cardFields(entry.paymentId);
    expect(fields.map((field) => field.field)).toEqual([
      'payments.card_brand',
      'payments.card_last4',
      'payments.card_expiry',
    ]);
    const finance = await access.read(
      { actor: staff(['finance']), permission: 'orders.read', purpose: 'refund', requestId: null },
      entry.subjectId,
      fields,
    );
    expect(finance.map((view) => [view.field, view.view])).toEqual([
      ['payments.card_brand', 'masked'],
      ['payments.card_last4', 'masked'],
      ['payments.card_expiry', 'masked'],
    ]);
    const support = await access.read(
      {
        actor: staff(['support_agent']),
        permission: 'orders.read',
        purpose: 'customer_support',
        requestId: null,
      },
      entry.subjectId,
      fields,
    );
    expect(support.map((view) => view.field)).toEqual([
      'payments.card_brand',
      'payments.card_last4',
    ]);
    for (const view of [...finance, ...support]) {
      expect(view.view).toBe('masked');
      if (view.view === 'masked') expect(view.value).not.toBe(`03/${NEXT_YEAR}`);
    }
    const fulfilment = await access.read(
      {
        actor: staff(['fulfilment']),
        permission: 'orders.read',
        purpose: 'shipping',
        requestId: null,
      },
      entry.subjectId,
      fields,
    );
    expect(fulfilment).toEqual([]);
    expect(await payments.cardFields(newId('pay'))).toEqual([]);
  });

  it('C2.5: no card number, token or brand plaintext at rest or in the logs', async () => {
    const logs = t.logs.text();
    await t.close();
    closed = true;
    expect(recorded.length).toBeGreaterThanOrEqual(10);
    const findings = await scanForCardNumbers({
      dir: store.dataDir,
      ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
    });
    assertNoCardNumbers(findings);
    expect(findCardNumbers(Buffer.from(logs, 'utf8'))).toEqual([]);
    const leaks = await scanForMarkers({
      markers: ['mastercard', 'unionpay', ...recorded.map((entry) => entry.token)],
      dataDir: store.dataDir,
      logs,
      ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
    });
    assertNoLeaks(leaks);
  });
});
