// C3.3: the background sealer runs every T, or at once when enough events are waiting;
// runs never overlap, a failed run is reported and retried, and once stopped no timer
// is left behind. Timers are fired by hand, so nothing here waits on the clock.
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  AuditSealer,
  startSealer,
  type SealerTimers,
  type SealResult,
} from '../../src/privacy/audit/index.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { openAuditLogFixture, type AuditLogFixture } from './audit-log-fixture.js';

/** Timers that only fire when the test says so. */
class HandTimers implements SealerTimers {
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  #next = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.pending.set(id, { callback, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Fires the one pending timer. */
  fire(): void {
    const [entry] = this.pending;
    if (entry === undefined) throw new Error('no timer pending');
    this.pending.delete(entry[0]);
    entry[1].callback();
  }
}

describeEachEngine('background sealer (C3.3)', (engine) => {
  let f: AuditLogFixture;
  let timers: HandTimers;
  beforeEach(async () => {
    f = await openAuditLogFixture(engine);
    timers = new HandTimers();
  });
  afterEach(async () => f.close());

  const unsealed = async () =>
    (await f.db.selectFrom('audit_events').select('id').where('seq', 'is', null).execute()).length;

  it('runs every interval, sealing batch after batch until nothing is pending', async () => {
    const errors: unknown[] = [];
    const loop = startSealer(f.sealer(), {
      intervalMs: 10_000,
      maxBatch: 3,
      timers,
      onError: (e) => errors.push(e),
    });
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([10_000]);
    await f.record(10);
    const run = loop.nextRun();
    timers.fire();
    expect(await run).toEqual({ sealed: 10, treeSize: 10, checkpoints: 1 });
    expect(await unsealed()).toBe(0);
    // The next run is scheduled once this one is done.
    expect(timers.pending.size).toBe(1);
    await loop.stop();
    expect(timers.pending.size).toBe(0);
    expect(errors).toEqual([]);
  });

  it('runs at once when the pending threshold is reached, not before', async () => {
    const loop = startSealer(f.sealer(), {
      intervalMs: 3_600_000,
      pendingThreshold: 5,
      timers,
      onError: () => undefined,
    });
    const run = loop.nextRun();
    await f.record(4);
    loop.notify(4);
    expect(await unsealed()).toBe(4);
    await f.record(1);
    loop.notify(1);
    expect(await run).toMatchObject({ sealed: 5 });
    await loop.stop();
  });

  it('never overlaps runs: a trigger during a run starts exactly one more after it', async () => {
    let active = 0;
    let most = 0;
    let calls = 0;
    class Watched extends AuditSealer {
      override async sealPending(options?: { maxBatch?: number }): Promise<SealResult> {
        active += 1;
        calls += 1;
        most = Math.max(most, active);
        try {
          return await super.sealPending(options);
        } finally {
          active -= 1;
        }
      }
    }
    const loop = startSealer(new Watched(f.db, { signer: f.key, clock: f.clock }), {
      timers,
      onError: () => undefined,
    });
    await f.record(2);
    const first = loop.runNow();
    const second = loop.runNow();
    const third = loop.runNow();
    await Promise.all([first, second, third]);
    expect(most).toBe(1);
    expect(calls).toBe(2);
    await loop.stop();
  });

  it('reports a failed run and tries again at the next interval', async () => {
    let failures = 1;
    class Flaky extends AuditSealer {
      override async sealPending(options?: { maxBatch?: number }): Promise<SealResult> {
        if (failures-- > 0) throw new Error('database went away');
        return super.sealPending(options);
      }
    }
    const errors: string[] = [];
    const loop = startSealer(new Flaky(f.db, { signer: f.key, clock: f.clock }), {
      timers,
      onError: (e) => errors.push((e as Error).message),
    });
    await f.record(3);
    const failed = loop.nextRun();
    timers.fire();
    expect(await failed).toBeUndefined();
    expect(errors).toEqual(['database went away']);
    expect(timers.pending.size).toBe(1);
    const retried = loop.nextRun();
    timers.fire();
    expect(await retried).toMatchObject({ sealed: 3 });
    await loop.stop();
  });

  it('stops: waits for the run in progress, flushes on request, then ignores every trigger', async () => {
    const loop = startSealer(f.sealer({ checkpointAfterMs: 3_600_000, checkpointEvery: 1000 }), {
      timers,
      pendingThreshold: 1,
      onError: () => undefined,
    });
    await f.record(2);
    const running = loop.runNow();
    await f.record(3);
    await loop.stop({ flush: true });
    // On PostgreSQL the run in progress may already see the later three.
    expect((await running)?.sealed).toBeGreaterThanOrEqual(2);
    // The flush sealed the rest and signed a checkpoint covering it.
    expect(await unsealed()).toBe(0);
    const latest = await f.db
      .selectFrom('audit_checkpoints')
      .select('tree_size')
      .orderBy('tree_size', 'desc')
      .executeTakeFirst();
    expect(Number(latest?.tree_size)).toBe(5);
    expect(timers.pending.size).toBe(0);
    await f.record(1);
    loop.notify(100);
    expect(await loop.runNow()).toBeUndefined();
    expect(await loop.nextRun()).toBeUndefined();
    expect(timers.pending.size).toBe(0);
    expect(await unsealed()).toBe(1);
  });
});
