import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import { engineOf, fixedQuery, tablesOf } from '../db/index.js';
import type { OutboxBacklog } from './outbox-metrics.js';
import type { OutboxTables } from './outbox-migration.js';
import type { OutboxPayload } from './outbox-payload.js';

/** A job as a worker holds it. */
export interface ClaimedJob {
  readonly id: string;
  readonly kind: string;
  readonly payload: OutboxPayload;
  /** Including the delivery that is starting. */
  readonly attempts: number;
}

type Due = ExpressionBuilder<OutboxTables, 'outbox_jobs'>;

/** Open, due, and not held by a live lease. */
function due(eb: Due, now: number, kinds: readonly string[]) {
  return eb.and([
    eb('completed_at', 'is', null),
    eb('dead_at', 'is', null),
    eb('available_at', '<=', now),
    eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]),
    eb('kind', 'in', kinds),
  ]);
}

const insertJob = fixedQuery(
  (
    db: Kysely<OutboxTables>,
    row: { id: string; kind: string; payload: string; available_at: number; created_at: number },
  ) => db.insertInto('outbox_jobs').values({ ...row, attempts: 0 }),
);

// Ids per completing statement: well under either engine's limit on bound parameters.
const IDS_PER_COMPLETE = 500;

/** Marks jobs done that `worker` still holds, and returns their ids. */
const completeJobs = fixedQuery(
  (db: Kysely<OutboxTables>, args: { ids: string[]; worker: string; now: number }) =>
    db
      .updateTable('outbox_jobs')
      .set({ completed_at: args.now, claimed_until: null })
      .where('id', 'in', args.ids)
      .where('claimed_by', '=', args.worker)
      .where('completed_at', 'is', null)
      .returning('id'),
);

/** The SQL of the outbox: insert in the caller's transaction; claim, settle and renew. */
export class OutboxStore {
  readonly #db: Kysely<OutboxTables>;
  readonly #postgres: boolean;

  constructor(db: object) {
    this.#db = tablesOf<OutboxTables>(db);
    this.#postgres = engineOf(this.#db) === 'postgres';
  }

  /** Writes a job in the caller's transaction, so it exists exactly when the change does. */
  async insert<DB>(
    trx: Transaction<DB>,
    job: { id: string; kind: string; payload: OutboxPayload; availableAt: number; now: number },
  ): Promise<void> {
    await insertJob.execute(tablesOf<OutboxTables>(trx), {
      id: job.id,
      kind: job.kind,
      payload: JSON.stringify(job.payload),
      available_at: job.availableAt,
      created_at: job.now,
    });
  }

  /**
   * Takes up to `limit` due jobs of the given kinds for `worker` until `leaseUntil`, in one
   * statement. On PostgreSQL the candidate rows are locked with FOR UPDATE SKIP LOCKED, so
   * concurrent workers take disjoint sets without waiting on each other; the outer
   * condition is checked again on the locked rows. On SQLite the statement runs under the
   * database's single write lock, so the conditional UPDATE alone makes the claim exclusive.
   */
  async claim(input: {
    worker: string;
    kinds: readonly string[];
    now: number;
    leaseUntil: number;
    limit: number;
  }): Promise<ClaimedJob[]> {
    const { worker, kinds, now, leaseUntil, limit } = input;
    if (kinds.length === 0) return [];
    let candidates = this.#db
      .selectFrom('outbox_jobs')
      .select('id')
      .where((eb) => due(eb, now, kinds))
      .orderBy('available_at')
      .limit(limit);
    if (this.#postgres) candidates = candidates.forUpdate().skipLocked();
    // The candidates are a CTE, which PostgreSQL evaluates once. As an `IN (subquery)` the
    // planner may re-run the locking subquery per row it updates, each run skipping the
    // rows just claimed, so one claim would take the whole queue instead of `limit` jobs.
    const rows = await this.#db
      .with('candidates', () => candidates)
      .updateTable('outbox_jobs')
      .set({
        claimed_until: leaseUntil,
        claimed_by: worker,
        attempts: sql<number>`attempts + 1`,
      })
      .where('id', 'in', (eb) => eb.selectFrom('candidates').select('id'))
      .where((eb) => due(eb, now, kinds))
      .returning(['id', 'kind', 'payload', 'attempts'])
      .execute();
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      payload: JSON.parse(row.payload) as OutboxPayload,
      attempts: Number(row.attempts),
    }));
  }

  /**
   * Marks delivered jobs done, in one statement per IDS_PER_COMPLETE; returns those this
   * worker still held.
   */
  async complete(ids: readonly string[], worker: string, now: number): Promise<Set<string>> {
    const held = new Set<string>();
    for (let start = 0; start < ids.length; start += IDS_PER_COMPLETE) {
      const chunk = ids.slice(start, start + IDS_PER_COMPLETE);
      const { rows } = await completeJobs.execute(this.#db, { ids: chunk, worker, now });
      for (const row of rows) held.add(row.id);
    }
    return held;
  }

  /** Records a failed delivery: retried at `retryAt`, or dead when `retryAt` is null. */
  async fail(
    id: string,
    worker: string,
    facts: { code: string; now: number; retryAt: number | null },
  ): Promise<void> {
    await this.#db
      .updateTable('outbox_jobs')
      .set({
        last_error: facts.code,
        claimed_until: null,
        ...(facts.retryAt === null ? { dead_at: facts.now } : { available_at: facts.retryAt }),
      })
      .where('id', '=', id)
      .where('claimed_by', '=', worker)
      .where('completed_at', 'is', null)
      .execute();
  }

  /**
   * Each kind's open and dead jobs at `now`, in one grouped statement. Done jobs are not
   * counted; both engines still read past them, as no index holds the dead rows.
   */
  async backlog(now: number): Promise<OutboxBacklog[]> {
    // Due exactly as `claim` sees it: available, and not held by a live lease.
    const waiting = sql<boolean>`dead_at is null and available_at <= ${now}
      and (claimed_until is null or claimed_until <= ${now})`;
    const rows = await this.#db
      .selectFrom('outbox_jobs')
      .select([
        'kind',
        sql<number>`sum(case when dead_at is null then 1 else 0 end)`.as('pending'),
        sql<number>`sum(case when ${waiting} then 1 else 0 end)`.as('due'),
        sql<number>`sum(case when dead_at is null then 0 else 1 end)`.as('dead'),
        sql<number | null>`min(case when ${waiting} then available_at end)`.as('oldest_due'),
      ])
      .where('completed_at', 'is', null)
      .groupBy('kind')
      .execute();
    return rows.map((row) => ({
      kind: row.kind,
      pending: Number(row.pending),
      due: Number(row.due),
      dead: Number(row.dead),
      oldestDueAgeSeconds:
        row.oldest_due === null ? 0 : Math.max(0, (now - Number(row.oldest_due)) / 1000),
    }));
  }

  /**
   * Deletes up to `limit` delivered jobs completed before `before`, oldest first, and
   * returns the kind of each. Open and dead jobs are never touched.
   */
  async purgeDelivered(before: number, limit: number): Promise<string[]> {
    const rows = await this.#db
      .deleteFrom('outbox_jobs')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbox_jobs')
          .select('id')
          .where('completed_at', '<', before)
          .orderBy('completed_at')
          .limit(limit),
      )
      .returning('kind')
      .execute();
    return rows.map((row) => row.kind);
  }

  /** Extends the lease on jobs still being delivered, so no other worker takes them. */
  async renew(ids: readonly string[], worker: string, leaseUntil: number): Promise<void> {
    if (ids.length === 0) return;
    await this.#db
      .updateTable('outbox_jobs')
      .set({ claimed_until: leaseUntil })
      .where('id', 'in', ids)
      .where('claimed_by', '=', worker)
      .where('completed_at', 'is', null)
      .execute();
  }
}
