// The outbox as the app wires it: one per app, started when the app is ready, closed with
// it, refusing every alias the privacy inventory declares (C2.1).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { isAppError } from '../../src/platform/errors/index.js';
import type { OutboxJob } from '../../src/platform/jobs/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { gate } from './outbox-world.js';

describeEachEngine('outbox wiring', (engine) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(engine);
  });
  afterEach(async () => t.close());

  it('offers services.outbox; drain delivers deterministically', async () => {
    const { outbox } = t.app.commerce.services;
    const calls: OutboxJob[] = [];
    outbox.handle('test.wiring', async (job) => void calls.push(job));
    await t.database.db
      .transaction()
      .execute((trx) => outbox.enqueue(trx, 'test.wiring', { orderId: 'ord_1' }));
    await outbox.drain();
    expect(calls.map((job) => job.payload)).toEqual([{ orderId: 'ord_1' }]);
  });

  it.each(['paymentToken', 'body', 'ipAddress', 'totpSecret', 'contact_email'])(
    'refuses the inventory alias %s as a payload key (C2.1)',
    async (key) => {
      const refused = await t.database.db
        .transaction()
        .execute((trx) =>
          t.app.commerce.services.outbox.enqueue(trx, 'test.wiring', { [key]: 'x' }),
        )
        .catch((error: unknown) => error);
      expect(isAppError(refused) && refused.code).toBe('OUTBOX_PAYLOAD_REFUSED');
    },
  );

  it('runs the worker while the app is up and waits for it on close', async () => {
    const { outbox } = t.app.commerce.services;
    const entered = gate();
    const release = gate();
    const events: string[] = [];
    outbox.handle('test.wiring', async () => {
      entered.open();
      await release.promise;
      events.push('handler done');
    });
    await t.database.db
      .transaction()
      .execute((trx) => outbox.enqueue(trx, 'test.wiring', { orderId: 'ord_1' }));
    // No drain: the started worker picks the job up by itself.
    await entered.promise;
    const closing = t.app.close().then(() => events.push('app closed'));
    release.open();
    await closing;
    expect(events).toEqual(['handler done', 'app closed']);
  });
});
