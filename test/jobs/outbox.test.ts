// The transactional outbox (DESIGN.md: Storage): a job exists exactly when the change that
// enqueued it committed, is delivered at least once, retried with backoff, given up after
// its last attempt, never delivered by two workers at the same time, and holds no
// personal data (C2.1).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AppError, defineErrors, isAppError } from '../../src/platform/errors/index.js';
import type { OutboxJob, RunningOutbox } from '../../src/platform/jobs/index.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { gate, openOutboxWorld, type OutboxWorld } from './outbox-world.js';

const testErrors = defineErrors({
  TEST_MAILER_DOWN: { status: 503, level: 'warn', message: 'The test mailer is down' },
});

/** Enqueues one job in a committed transaction of the outbox's own database. */
function commit(
  world: OutboxWorld,
  outbox: RunningOutbox,
  payload: OutboxJob['payload'] = { orderId: 'ord_1' },
  kind = 'test.deliver',
): Promise<string> {
  return world.database.db.transaction().execute((trx) => outbox.enqueue(trx, kind, payload));
}

/**
 * How long one worker waits at the rendezvous for the other. A bound only: the rendezvous
 * is released by the other worker, never by the clock, so a broken claim fails the test
 * with a message instead of hanging it.
 */
const RENDEZVOUS_BOUND_MS = 10_000;

/** Waits for `promise`, failing with `message` if it has not settled within `ms`. */
async function within(promise: Promise<void>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

describeEachEngine('transactional outbox', (engine) => {
  let world: OutboxWorld;
  beforeEach(async () => {
    world = await openOutboxWorld(engine);
  });
  afterEach(async () => world.close());

  it('leaves nothing behind when the enqueuing transaction rolls back', async () => {
    const outbox = world.outbox();
    const calls: OutboxJob[] = [];
    outbox.handle('test.deliver', async (job) => void calls.push(job));
    const rolledBack = world.database.db.transaction().execute(async (trx) => {
      await outbox.enqueue(trx, 'test.deliver', { orderId: 'ord_1' });
      throw new Error('the change failed');
    });
    await expect(rolledBack).rejects.toThrow('the change failed');
    expect(await world.count()).toBe(0);
    expect(await outbox.drain()).toBe(0);
    expect(calls).toEqual([]);
  });

  it('delivers a committed job once, with its payload, and marks it done', async () => {
    const outbox = world.outbox();
    const calls: OutboxJob[] = [];
    outbox.handle('test.deliver', async (job) => void calls.push(job));
    const id = await commit(world, outbox, { orderId: 'ord_1', amountMinor: 1999, paid: true });
    expect(id).toMatch(/^job_/);
    expect(await outbox.drain()).toBe(1);
    expect(calls).toEqual([
      {
        id,
        kind: 'test.deliver',
        payload: { orderId: 'ord_1', amountMinor: 1999, paid: true },
        attempts: 1,
      },
    ]);
    expect(await world.row(id)).toMatchObject({
      attempts: 1,
      completed_at: world.clock.now().getTime(),
      claimed_until: null,
      dead_at: null,
      last_error: null,
    });
    expect(await outbox.drain()).toBe(0);
    expect(calls).toHaveLength(1);
  });

  it('holds a job enqueued for later until its time', async () => {
    const outbox = world.outbox();
    let calls = 0;
    outbox.handle('test.deliver', async () => void (calls += 1));
    const later = new Date(world.clock.now().getTime() + 60_000);
    await world.database.db
      .transaction()
      .execute((trx) =>
        outbox.enqueue(trx, 'test.deliver', { orderId: 'ord_1' }, { availableAt: later }),
      );
    expect(await outbox.drain()).toBe(0);
    world.clock.advance(60_000);
    expect(await outbox.drain()).toBe(1);
    expect(calls).toBe(1);
  });

  it('retries a failed delivery with exponential backoff, logging the id, kind and code only', async () => {
    const outbox = world.outbox({ random: () => 0 });
    let calls = 0;
    outbox.handle('test.deliver', async () => {
      calls += 1;
      // The message holds a value that must not reach the row or the log.
      if (calls === 1)
        throw new AppError(testErrors.TEST_MAILER_DOWN, { message: 'rcpt ada@example.test' });
      if (calls === 2)
        throw Object.assign(new Error('ECONNREFUSED ada@example.test'), { code: 'ECONNREFUSED' });
    });
    const id = await commit(world, outbox);
    const start = world.clock.now().getTime();

    expect(await outbox.drain()).toBe(0);
    expect(await world.row(id)).toMatchObject({
      attempts: 1,
      last_error: 'TEST_MAILER_DOWN',
      available_at: start + 500,
      claimed_until: null,
      completed_at: null,
    });
    expect(await outbox.drain()).toBe(0);
    world.clock.advance(499);
    expect(await outbox.drain()).toBe(0);
    expect(calls).toBe(1);

    world.clock.advance(1);
    expect(await outbox.drain()).toBe(0);
    expect(calls).toBe(2);
    expect(await world.row(id)).toMatchObject({
      attempts: 2,
      last_error: 'ECONNREFUSED',
      available_at: start + 500 + 1000,
    });

    world.clock.advance(1000);
    expect(await outbox.drain()).toBe(1);
    expect(await world.row(id)).toMatchObject({ attempts: 3, completed_at: start + 1500 });

    const failures = world.logs
      .records()
      .filter((r) => r['msg'] === 'outbox job failed; retrying later');
    expect(failures.map((r) => [r['jobId'], r['kind'], r['code']])).toEqual([
      [id, 'test.deliver', 'TEST_MAILER_DOWN'],
      [id, 'test.deliver', 'ECONNREFUSED'],
    ]);
    expect(world.logs.text()).not.toContain('example.test');
  });

  it('gives a job up after its last attempt, with a warning', async () => {
    const outbox = world.outbox({ maxAttempts: 3, random: () => 0 });
    let calls = 0;
    outbox.handle('test.deliver', async () => {
      calls += 1;
      throw new Error('always fails');
    });
    const id = await commit(world, outbox);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect(await outbox.drain()).toBe(0);
      world.clock.advance(3_600_000);
    }
    expect(calls).toBe(3);
    expect(await world.row(id)).toMatchObject({
      attempts: 3,
      last_error: 'HANDLER_FAILED',
      completed_at: null,
      dead_at: expect.any(Number) as number,
    });
    expect(await outbox.drain()).toBe(0);
    expect(calls).toBe(3);
    const dead = world.logs
      .records()
      .filter((r) => r['msg'] === 'outbox job dead after its last attempt');
    expect(dead).toEqual([
      expect.objectContaining({ level: 40, jobId: id, kind: 'test.deliver', attempts: 3 }),
    ]);
  });

  it('refuses a payload with personal data and writes nothing (C2.1)', async () => {
    const outbox = world.outbox({ refusedKeys: ['recipientPhone'] });
    outbox.handle('test.deliver', async () => undefined);
    for (const payload of [
      { orderId: 'ord_1', email: 'x' },
      { orderId: 'ord_1', name: 'x' },
      { orderId: 'ord_1', phone: 'x' },
      { orderId: 'ord_1', address: 'x' },
      { orderId: 'ord_1', recipientPhone: 'x' },
      { orderId: 'ord_1', ref: 'ada@example.test' },
    ]) {
      const refused = await commit(world, outbox, payload).catch((error: unknown) => error);
      expect(isAppError(refused) && refused.code).toBe('OUTBOX_PAYLOAD_REFUSED');
      expect(JSON.stringify((refused as AppError).details)).not.toContain('example.test');
    }
    expect(await world.count()).toBe(0);
  });

  it('delivers after a local enqueue commits without waiting for the poll', async () => {
    const outbox = world.outbox({ pollMs: 600_000 });
    const delivered = gate();
    outbox.handle('test.deliver', async () => delivered.open());
    outbox.start();
    await commit(world, outbox);
    await delivered.promise;
  });

  it('delivers claimed batches side by side, never more than roundsInFlight at once', async () => {
    const batchSize = 2;
    const roundsInFlight = 3;
    const outbox = world.outbox({ batchSize, roundsInFlight, pollMs: 600_000 });
    const release = gate();
    const full = gate();
    let inHand = 0;
    let most = 0;
    outbox.handle('test.deliver', async () => {
      inHand += 1;
      most = Math.max(most, inHand);
      if (inHand === batchSize * roundsInFlight) full.open();
      await release.promise;
      inHand -= 1;
    });
    const ids = await world.database.db.transaction().execute(async (trx) => {
      const enqueued: string[] = [];
      for (let n = 0; n < 10; n += 1)
        enqueued.push(await outbox.enqueue(trx, 'test.deliver', { n }));
      return enqueued;
    });
    const draining = outbox.drain();
    try {
      // Three batches in the handlers together: none waited for the one before it.
      await within(
        full.promise,
        RENDEZVOUS_BOUND_MS,
        'three batches were never in the handlers together',
      );
      for (let turn = 0; turn < 20; turn += 1)
        await new Promise((resolve) => setImmediate(resolve));
      // And no fourth batch was claimed while three were in flight.
      expect(inHand).toBe(batchSize * roundsInFlight);
    } finally {
      release.open();
    }
    expect(await draining).toBe(10);
    expect(most).toBe(batchSize * roundsInFlight);
    for (const id of ids) expect((await world.row(id))?.completed_at).not.toBeNull();
  });

  it('refuses a batch size or a number of batches in flight below one', () => {
    expect(() => world.outbox({ roundsInFlight: 0 })).toThrow(/roundsInFlight/);
    expect(() => world.outbox({ batchSize: 0 })).toThrow(/batchSize/);
    expect(() => world.outbox({ roundsInFlight: 1.5 })).toThrow(/roundsInFlight/);
  });

  it('close waits for a handler in flight', async () => {
    const outbox = world.outbox({ pollMs: 600_000 });
    const entered = gate();
    const release = gate();
    const events: string[] = [];
    outbox.handle('test.deliver', async () => {
      entered.open();
      await release.promise;
      events.push('handler done');
    });
    outbox.start();
    const id = await commit(world, outbox);
    await entered.promise;
    const closing = outbox.close().then(() => events.push('closed'));
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([]);
    release.open();
    await closing;
    expect(events).toEqual(['handler done', 'closed']);
    expect((await world.row(id))?.completed_at).not.toBeNull();
  });

  it('drain waits for a delivery the background worker has in flight', async () => {
    const outbox = world.outbox({ pollMs: 600_000 });
    const entered = gate();
    const release = gate();
    outbox.handle('test.deliver', async () => {
      entered.open();
      await release.promise;
    });
    outbox.start();
    const id = await commit(world, outbox);
    await entered.promise;
    const draining = outbox.drain();
    release.open();
    await draining;
    expect((await world.row(id))?.completed_at).not.toBeNull();
  });

  it('delivers again after a worker loses its lease (at least once)', async () => {
    const first = world.outbox({ leaseMs: 30_000 });
    const second = world.outbox({ leaseMs: 30_000 });
    const entered = gate();
    const release = gate();
    const deliveries: string[] = [];
    first.handle('test.deliver', async () => {
      entered.open();
      await release.promise;
      deliveries.push('first');
    });
    second.handle('test.deliver', async () => void deliveries.push('second'));
    await commit(world, first);
    const firstDrain = first.drain();
    await entered.promise;
    // While the lease holds, nobody else takes the job.
    expect(await second.drain()).toBe(0);
    // The first worker stalls past its lease (a crash looks the same from outside).
    world.clock.advance(30_000);
    expect(await second.drain()).toBe(1);
    release.open();
    await firstDrain;
    expect(deliveries).toEqual(['second', 'first']);
    expect(world.logs.records().some((r) => r['msg'] === 'outbox lease lost during delivery')).toBe(
      true,
    );
  });

  it('does not start a job twice when its lease runs out while the same worker delivers it', async () => {
    const outbox = world.outbox({ leaseMs: 30_000, pollMs: 600_000 });
    const entered = gate();
    const release = gate();
    let runs = 0;
    outbox.handle('test.deliver', async () => {
      runs += 1;
      entered.open();
      await release.promise;
    });
    const id = await commit(world, outbox);
    const delivering = outbox.drain();
    await entered.promise;
    // The clock jumps past the lease: the worker's next claim takes the job again.
    world.clock.advance(30_000);
    const again = outbox.drain();
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    release.open();
    expect(await delivering).toBe(1);
    expect(await again).toBe(0);
    expect(runs).toBe(1);
    expect((await world.row(id))?.completed_at).not.toBeNull();
    expect(
      world.logs.records().filter((r) => r['msg'] === 'outbox lease lost during delivery'),
    ).toEqual([]);
  });

  it('never hands one job to two workers at the same time', async () => {
    const jobs = 200;
    // Two app instances, each on its own connection (pool) to the one database.
    const other = await world.openDatabase();
    const batchSize = 8;
    // One batch in flight per worker, so the most jobs it ever has in hand is its largest claim.
    const a = world.outbox({ batchSize, roundsInFlight: 1 });
    const b = world.outbox({ db: other.db, batchSize, roundsInFlight: 1 });
    const calls = new Map<string, number>();
    const active = new Set<string>();
    const overlaps: string[] = [];
    const byWorker = { a: 0, b: 0 };
    // Jobs each worker has in its handlers at once, and the most it ever had: the size of
    // its largest claim, since each worker here delivers one batch at a time and starts
    // every handler of a batch before any of them can finish (each counts itself before its
    // first await).
    const inHand = { a: 0, b: 0 };
    const largestClaim = { a: 0, b: 0 };
    // A rendezvous of promises, no timers: a's first delivery holds its batch claimed until
    // b has delivered a job, and b delivers nothing until a holds one. Whichever claims
    // first, both hold claimed jobs at once, so the claim must hand the second worker other
    // jobs while the first one's are taken. It cannot deadlock on either engine: a claim
    // is one statement that commits before any handler runs (on SQLite the connections
    // take turns only for that statement's write batch), so a held batch keeps no lock and
    // the other worker's claim goes through; and as a claim takes at most batchSize jobs
    // (checked below), whichever worker holds one batch leaves jobs for the other to take.
    const aHolds = gate();
    const bDelivered = gate();
    let heldByA: string | undefined;
    let whileAHeld: { aJob: string; bJob: string; aStillActive: boolean } | undefined;
    const stalls: string[] = [];
    const bounded = (promise: Promise<void>, message: string) =>
      within(promise, RENDEZVOUS_BOUND_MS, message).catch((error: unknown) => {
        stalls.push((error as Error).message);
        throw error;
      });
    // b's wait is bounded once and shared by every job of b that reaches it, so a rendezvous
    // that never comes fails the test once, after one bound, not once per job.
    let aHoldsInTime: Promise<void> | undefined;
    const rendezvous = async (worker: 'a' | 'b', job: OutboxJob): Promise<void> => {
      if (worker === 'a') {
        if (heldByA !== undefined) return;
        heldByA = job.id;
        aHolds.open();
        await bounded(bDelivered.promise, 'worker b delivered no job while worker a held a batch');
      } else if (heldByA === undefined) {
        aHoldsInTime ??= bounded(
          aHolds.promise,
          'worker a claimed no job while worker b held a batch',
        );
        await aHoldsInTime;
      }
    };
    const handler = (worker: 'a' | 'b') => async (job: OutboxJob) => {
      if (active.has(job.id)) overlaps.push(job.id);
      active.add(job.id);
      calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
      byWorker[worker] += 1;
      inHand[worker] += 1;
      largestClaim[worker] = Math.max(largestClaim[worker], inHand[worker]);
      try {
        await rendezvous(worker, job);
        // Let the other worker's claims and deliveries run while this job is in hand.
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        active.delete(job.id);
        inHand[worker] -= 1;
      }
      if (worker === 'b' && heldByA !== undefined) {
        whileAHeld ??= { aJob: heldByA, bJob: job.id, aStillActive: active.has(heldByA) };
        bDelivered.open();
      }
    };
    a.handle('test.deliver', handler('a'));
    b.handle('test.deliver', handler('b'));
    const ids = await world.database.db.transaction().execute(async (trx) => {
      const enqueued: string[] = [];
      for (let n = 0; n < jobs; n += 1) enqueued.push(await a.enqueue(trx, 'test.deliver', { n }));
      return enqueued;
    });
    const delivered = await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
    // Checked first: a claim that takes more than its batch can take every job before the
    // other worker claims, and then the rendezvous below cannot be met.
    expect(largestClaim.a, "jobs in worker a's largest claim").toBeLessThanOrEqual(batchSize);
    expect(largestClaim.b, "jobs in worker b's largest claim").toBeLessThanOrEqual(batchSize);
    expect(stalls, 'rendezvous waits that ran out').toEqual([]);
    // Both instances really worked the queue at the same time: b finished a delivery while
    // a's first job was still claimed and in its handler.
    expect(whileAHeld).toMatchObject({ aJob: heldByA, aStillActive: true });
    expect(whileAHeld?.bJob).not.toBe(heldByA);
    expect(byWorker.a).toBeGreaterThan(0);
    expect(byWorker.b).toBeGreaterThan(0);
    expect(delivered.reduce((sum, count) => sum + count, 0)).toBe(jobs);
    expect(overlaps).toEqual([]);
    expect([...calls.values()].every((count) => count === 1)).toBe(true);
    expect([...calls.keys()].sort()).toEqual([...ids].sort());
  });

  it('delivers each job once with two workers each running batches side by side', async () => {
    const jobs = 120;
    const other = await world.openDatabase();
    // Small batches, so each worker has several in flight while the other claims.
    const a = world.outbox({ batchSize: 4, roundsInFlight: 4 });
    const b = world.outbox({ db: other.db, batchSize: 4, roundsInFlight: 4 });
    const calls = new Map<string, number>();
    const handler = async (job: OutboxJob) => {
      calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
      // Hold the job over a few turns of the event loop, so batches overlap.
      for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    };
    a.handle('test.deliver', handler);
    b.handle('test.deliver', handler);
    const ids = await world.database.db.transaction().execute(async (trx) => {
      const enqueued: string[] = [];
      for (let n = 0; n < jobs; n += 1) enqueued.push(await a.enqueue(trx, 'test.deliver', { n }));
      return enqueued;
    });
    const delivered = await Promise.all([a.drain(), b.drain()]);
    expect(delivered.reduce((sum, count) => sum + count, 0)).toBe(jobs);
    expect([...calls.keys()].sort()).toEqual([...ids].sort());
    expect([...calls.values()].every((count) => count === 1)).toBe(true);
    for (const id of ids) expect((await world.row(id))?.completed_at).not.toBeNull();
  });
});
