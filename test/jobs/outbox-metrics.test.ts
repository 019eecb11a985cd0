// What operators see of the outbox on GET /metrics: counters of delivered, retried and dead
// jobs and a duration histogram by kind (never a payload value), and backlog gauges read
// from the table at scrape time, in one query per scrape.
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxJob, OutboxMetrics, RunningOutbox } from '../../src/platform/jobs/index.js';
import { createOutboxMetrics } from '../../src/platform/metrics/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { gate, openOutboxWorld, type OutboxWorld } from './outbox-world.js';

/** The value of one sample of the exposition text, or undefined when it is absent. */
function sample(text: string, name: string, kind: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{kind="${kind}"} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The backlog gauges of one kind, as scraped. */
function backlogOf(text: string, kind: string) {
  return {
    pending: sample(text, 'custodia_outbox_jobs_pending', kind),
    due: sample(text, 'custodia_outbox_jobs_due', kind),
    dead: sample(text, 'custodia_outbox_jobs_dead', kind),
    oldestDueAge: sample(text, 'custodia_outbox_oldest_due_job_age_seconds', kind),
  };
}

/** The outbox counters of one kind, as scraped (absent until the first event). */
function countsOf(text: string, kind: string) {
  return {
    delivered: sample(text, 'custodia_outbox_jobs_delivered_total', kind),
    retried: sample(text, 'custodia_outbox_jobs_retried_total', kind),
    dead: sample(text, 'custodia_outbox_jobs_dead_total', kind),
    attempts: sample(text, 'custodia_outbox_delivery_duration_seconds_count', kind),
  };
}

describeEachEngine('outbox metrics', (engine) => {
  let world: OutboxWorld;
  let registry: Registry;
  let reads: number;
  beforeEach(async () => {
    world = await openOutboxWorld(engine);
    registry = new Registry();
    reads = 0;
  });
  afterEach(async () => world.close());

  /** An outbox reporting to the test's registry, counting backlog reads. */
  function outbox(options: Parameters<OutboxWorld['outbox']>[0] = {}): RunningOutbox {
    const sink = createOutboxMetrics(registry);
    const counting: OutboxMetrics = {
      attempted: (kind, outcome, seconds) => sink.attempted(kind, outcome, seconds),
      purged: (kind, count) => sink.purged(kind, count),
      readBacklogWith: (read) =>
        sink.readBacklogWith(() => {
          reads += 1;
          return read();
        }),
    };
    return world.outbox({ random: () => 0, ...options, metrics: counting });
  }

  function commit(box: RunningOutbox, kind: string, availableAt?: Date): Promise<string> {
    return world.database.db
      .transaction()
      .execute((trx) =>
        box.enqueue(trx, kind, { orderId: 'ord_1' }, availableAt ? { availableAt } : {}),
      );
  }

  it('counts delivered, retried and dead jobs by kind, and gauges the backlog', async () => {
    const box = outbox({ maxAttempts: 2 });
    box.handle('test.ok', async () => undefined);
    box.handle('test.flaky', async () => {
      throw Object.assign(new Error('refused for ord_1'), { code: 'ECONNREFUSED' });
    });
    box.handle('test.idle', async () => undefined);
    await commit(box, 'test.ok');
    await commit(box, 'test.ok');
    await commit(box, 'test.flaky');
    // A kind no instance handles yet (a rolling upgrade): it waits, and ages.
    await commit(box, 'test.orphan');
    await commit(box, 'test.later', new Date(world.clock.now().getTime() + 60_000));

    world.clock.advance(5_000);
    expect(await box.drain()).toBe(2);
    let text = await registry.metrics();
    expect(reads).toBe(1);
    expect(countsOf(text, 'test.ok')).toEqual({
      delivered: 2,
      retried: undefined,
      dead: undefined,
      attempts: 2,
    });
    expect(countsOf(text, 'test.flaky')).toEqual({
      delivered: undefined,
      retried: 1,
      dead: undefined,
      attempts: 1,
    });
    // Handled kinds with an empty queue read 0 rather than vanishing.
    expect(backlogOf(text, 'test.ok')).toEqual({ pending: 0, due: 0, dead: 0, oldestDueAge: 0 });
    expect(backlogOf(text, 'test.idle')).toEqual({ pending: 0, due: 0, dead: 0, oldestDueAge: 0 });
    // Retried in 500 ms: open, not due yet.
    expect(backlogOf(text, 'test.flaky')).toEqual({ pending: 1, due: 0, dead: 0, oldestDueAge: 0 });
    expect(backlogOf(text, 'test.orphan')).toEqual({
      pending: 1,
      due: 1,
      dead: 0,
      oldestDueAge: 5,
    });
    expect(backlogOf(text, 'test.later')).toEqual({ pending: 1, due: 0, dead: 0, oldestDueAge: 0 });

    world.clock.advance(750);
    text = await registry.metrics();
    expect(backlogOf(text, 'test.flaky')).toEqual({
      pending: 1,
      due: 1,
      dead: 0,
      oldestDueAge: 0.25,
    });
    expect(backlogOf(text, 'test.orphan').oldestDueAge).toBe(5.75);

    // The second attempt is the last: the job is dead.
    expect(await box.drain()).toBe(0);
    text = await registry.metrics();
    expect(reads).toBe(3);
    expect(countsOf(text, 'test.flaky')).toEqual({
      delivered: undefined,
      retried: 1,
      dead: 1,
      attempts: 2,
    });
    expect(backlogOf(text, 'test.flaky')).toEqual({ pending: 0, due: 0, dead: 1, oldestDueAge: 0 });
    expect(backlogOf(text, 'test.ok').pending).toBe(0);
  });

  it('labels by kind alone, never with a payload value or an error message', async () => {
    const box = outbox({ maxAttempts: 1 });
    box.handle('test.fail', async () => {
      throw new Error('mail to ada@example.test refused');
    });
    await commit(box, 'test.fail');
    await box.drain();
    const text = await registry.metrics();
    const outboxLines = text.split('\n').filter((l) => l.startsWith('custodia_outbox_'));
    expect(outboxLines.length).toBeGreaterThan(0);
    for (const line of outboxLines) {
      const labels = /\{([^}]*)\}/.exec(line)?.[1] ?? '';
      const names = labels.split(',').map((pair) => pair.split('=')[0]);
      expect(names.filter((name) => name !== 'le')).toEqual(['kind']);
    }
    expect(text).not.toContain('ord_1');
    expect(text).not.toContain('example.test');
  });

  it('counts a job being delivered as pending but not due', async () => {
    const box = outbox();
    const entered = gate();
    const release = gate();
    box.handle('test.slow', async () => {
      entered.open();
      await release.promise;
    });
    await commit(box, 'test.slow');
    const draining = box.drain();
    await entered.promise;
    const text = await registry.metrics();
    expect(backlogOf(text, 'test.slow')).toEqual({ pending: 1, due: 0, dead: 0, oldestDueAge: 0 });
    release.open();
    expect(await draining).toBe(1);
    expect(backlogOf(await registry.metrics(), 'test.slow').pending).toBe(0);
  });

  it('keeps the scrape when the backlog cannot be read, logging a code only', async () => {
    const other = await world.openDatabase();
    const box = outbox({ db: other.db });
    box.handle('test.ok', async () => undefined);
    await commit(box, 'test.ok');
    await box.drain();
    await other.close();
    const text = await registry.metrics();
    expect(countsOf(text, 'test.ok').delivered).toBe(1);
    expect(backlogOf(text, 'test.ok').pending).toBeUndefined();
    const warnings = world.logs.records().filter((r) => r['msg'] === 'outbox backlog read failed');
    expect(warnings).toHaveLength(1);
    expect(typeof warnings[0]?.['code']).toBe('string');
  });
});

describe('outbox metrics sink', () => {
  it('reads the backlog once per scrape, however many gauges ask', async () => {
    const registry = new Registry();
    const sink = createOutboxMetrics(registry);
    let reads = 0;
    sink.readBacklogWith(async () => {
      reads += 1;
      return [{ kind: 'test.kind', pending: 3, due: 2, dead: 1, oldestDueAgeSeconds: 7.5 }];
    });
    const text = await registry.metrics();
    expect(reads).toBe(1);
    expect(backlogOf(text, 'test.kind')).toEqual({
      pending: 3,
      due: 2,
      dead: 1,
      oldestDueAge: 7.5,
    });
    await registry.metrics();
    expect(reads).toBe(2);
  });
});

describeEachEngine('GET /metrics with the outbox', (engine) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(engine);
  });
  afterEach(async () => t.close());

  it('shows the outbox counters and backlog of the app', async () => {
    const { outbox } = t.app.commerce.services;
    const calls: OutboxJob[] = [];
    outbox.handle('test.metrics', async (job) => void calls.push(job));
    await t.database.db
      .transaction()
      .execute((trx) => outbox.enqueue(trx, 'test.metrics', { orderId: 'ord_1' }));
    await outbox.drain();
    expect(calls).toHaveLength(1);
    const response = await t.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    const text = response.body;
    expect(countsOf(text, 'test.metrics')).toMatchObject({ delivered: 1, attempts: 1 });
    expect(backlogOf(text, 'test.metrics')).toEqual({
      pending: 0,
      due: 0,
      dead: 0,
      oldestDueAge: 0,
    });
    // The shop's own kinds are there from the start, at zero.
    expect(backlogOf(text, 'order.confirmation').pending).toBe(0);
    expect(text).toContain('# TYPE custodia_outbox_delivery_duration_seconds histogram');
  });
});
