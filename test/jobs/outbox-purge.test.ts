// Delivered outbox jobs are kept for a while (7 days by default), then deleted by an
// hourly purge, in batches; open and dead jobs are never purged. The purge is counted by
// kind and logged with a count only.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/platform/db/index.js';
import type { OutboxMetrics, OutboxTables, RunningOutbox } from '../../src/platform/jobs/index.js';
import { handTimers } from '../helpers/hand-timers.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { openOutboxWorld, type OutboxWorld } from './outbox-world.js';

const DAY = 24 * 60 * 60_000;

describeEachEngine('outbox purge of delivered jobs', (engine) => {
  let world: OutboxWorld;
  beforeEach(async () => {
    world = await openOutboxWorld(engine);
  });
  afterEach(async () => world.close());

  function commit(box: RunningOutbox, kind: string, availableAt?: Date): Promise<string> {
    return world.database.db
      .transaction()
      .execute((trx) =>
        box.enqueue(
          trx,
          kind,
          { orderId: 'ord_1' },
          availableAt === undefined ? {} : { availableAt },
        ),
      );
  }

  /** Delivered jobs written straight into the table, completed `ageMs` ago. */
  async function deliveredRows(count: number, ageMs: number, kind = 'test.bulk'): Promise<void> {
    const completedAt = world.clock.now().getTime() - ageMs;
    const rows = Array.from({ length: count }, (_, i) => ({
      id: `job_bulk_${kind}_${ageMs}_${i}`,
      kind,
      payload: '{}',
      attempts: 1,
      available_at: completedAt,
      created_at: completedAt,
      completed_at: completedAt,
    }));
    const db = tablesOf<OutboxTables>(world.database.db);
    // Chunks keep each statement under both engines' limits on bound parameters.
    for (let i = 0; i < rows.length; i += 100) {
      await db
        .insertInto('outbox_jobs')
        .values(rows.slice(i, i + 100))
        .execute();
    }
  }

  it('deletes delivered jobs past the retention and keeps recent, open and dead ones', async () => {
    const box = world.outbox({ maxAttempts: 1, keepDeliveredMs: 7 * DAY });
    box.handle('test.ok', async () => undefined);
    box.handle('test.fail', () => Promise.reject(new Error('processor down')));
    const old = [await commit(box, 'test.ok'), await commit(box, 'test.ok')];
    const dead = await commit(box, 'test.fail');
    expect(await box.drain()).toBe(2);
    world.clock.advance(8 * DAY);
    const recent = await commit(box, 'test.ok');
    const open = await commit(box, 'test.ok', new Date(world.clock.now().getTime() + DAY));
    expect(await box.drain()).toBe(1);

    expect(await box.purge()).toBe(2);
    for (const id of old) expect(await world.row(id)).toBeUndefined();
    expect((await world.row(recent))?.completed_at).not.toBeNull();
    expect((await world.row(dead))?.dead_at).not.toBeNull();
    expect((await world.row(open))?.completed_at).toBeNull();
    // Nothing more is due for deletion: a second purge finds nothing.
    expect(await box.purge()).toBe(0);
  });

  it('purges a backlog larger than one batch, batch by batch, to the last job', async () => {
    const box = world.outbox();
    await deliveredRows(2_500, 8 * DAY);
    await deliveredRows(10, 6 * DAY);
    expect(await box.purge()).toBe(2_500);
    expect(await world.count()).toBe(10);
  });

  it('runs hourly once started, counting by kind and logging the count alone', async () => {
    const hand = handTimers();
    const purged: [string, number][] = [];
    const metrics: OutboxMetrics = {
      attempted: () => undefined,
      purged: (kind, count) => void purged.push([kind, count]),
      readBacklogWith: () => undefined,
    };
    const box = world.outbox({ timers: hand.timers, metrics, pollMs: 60_000 });
    await deliveredRows(3, 8 * DAY, 'mail.receipt');
    await deliveredRows(1, 8 * DAY, 'carrier.booking');
    box.start();
    expect(hand.delays()).toEqual([60_000]);
    hand.fire();
    // Closing waits for the purge in flight.
    await box.close();
    expect(purged.sort()).toEqual([
      ['carrier.booking', 1],
      ['mail.receipt', 3],
    ]);
    const logged = world.logs.records().filter((r) => r['msg'] === 'delivered outbox jobs purged');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.['count']).toBe(4);
    expect(JSON.stringify(logged[0])).not.toContain('job_bulk');
    expect(await world.count()).toBe(0);
  });

  it('logs a failed purge by code and tries again at the next interval', async () => {
    const hand = handTimers();
    const box = world.outbox({ timers: hand.timers, pollMs: 60_000, purgeIntervalMs: 3_600_000 });
    await sql`drop table outbox_jobs`.execute(world.database.db);
    box.start();
    hand.fire();
    await box.close();
    const failed = world.logs.records().find((r) => r['msg'] === 'outbox purge failed');
    expect(typeof failed?.['code']).toBe('string');
  });
});

// The planner's choice is checked where it is deterministic for a table this small.
describe('outbox purge index', () => {
  it('lets SQLite find the oldest delivered jobs without reading the others', async () => {
    const world = await openOutboxWorld('sqlite');
    try {
      const plan = await sql<{ detail: string }>`explain query plan
        select id from outbox_jobs where completed_at < ${0} order by completed_at limit ${10}`.execute(
        world.database.db,
      );
      expect(plan.rows.map((row) => row.detail).join(' ')).toContain('outbox_jobs_done');
    } finally {
      await world.close();
    }
  });
});
