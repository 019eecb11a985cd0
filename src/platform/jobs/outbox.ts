import type { Transaction } from 'kysely';
import { systemClock, type Clock } from '../clock.js';
import { AppError, failureCode } from '../errors/index.js';
import { afterCommit } from '../db/index.js';
import { newId } from '../ids.js';
import type { Logger } from '../logging/index.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './outbox-backoff.js';
import { jobsErrors } from './outbox-errors.js';
import { NO_OUTBOX_METRICS, type OutboxBacklog, type OutboxMetrics } from './outbox-metrics.js';
import { PayloadGuard, type OutboxPayload } from './outbox-payload.js';
import { OutboxStore } from './outbox-store.js';
import { OutboxWorker, type OutboxHandler } from './outbox-worker.js';
import { createPeriodicTask, type PeriodicTask, type TaskTimers } from './periodic-task.js';
import {
  DEFAULT_KEEP_DELIVERED_MS,
  purgeDelivered,
  purgedCount,
  type PurgedJobs,
} from './outbox-purge.js';

/** A job handed to its handler. */
export interface OutboxJob {
  readonly id: string;
  readonly kind: string;
  readonly payload: OutboxPayload;
  /** Deliveries started so far, this one included (1 on the first). */
  readonly attempts: number;
}

/**
 * The transactional outbox: effects on other modules, mail and processors are written in
 * the same transaction as the change that causes them and delivered at least once after
 * it commits. Payloads carry ids and codes; handlers read what they need when they run.
 */
export interface Outbox {
  /** Inside the caller's transaction; payload carries ids and codes only (checked: refuses keys that are personal-field aliases, e.g. email, name, phone, address). Returns the job id. */
  enqueue<DB>(
    trx: Transaction<DB>,
    kind: string,
    payload: OutboxJob['payload'],
    options?: { availableAt?: Date },
  ): Promise<string>;
  /** Registers the handler of a kind (at wiring time). A handler that throws is retried with backoff; after maxAttempts the job is dead. */
  handle(kind: string, handler: (job: OutboxJob) => Promise<void>): void;
  /** Delivers every job that is due now, then resolves with the count (tests, CLI). */
  drain(): Promise<number>;
  /** Deletes the delivered jobs older than the retention now; resolves with the count (tests, CLI). */
  purge(): Promise<number>;
}

/** An outbox with its background worker's lifecycle. */
export interface RunningOutbox extends Outbox {
  /** Starts polling (every `pollMs`), delivering after local enqueues, and the hourly purge. */
  start(): void;
  /** Stops the worker and the purge, and waits for the handlers and a purge in flight. */
  close(): Promise<void>;
}

/** Settings of an outbox; all but the database are optional. */
export interface OutboxOptions {
  /** The app's Kysely instance, typed with any tables (only `outbox_jobs` is used). */
  readonly db: object;
  readonly clock?: Clock;
  readonly logger: Logger;
  /** Extra payload keys to refuse: every alias of the privacy inventory, given by the wiring. */
  readonly refusedKeys?: Iterable<string>;
  /** Attempts before a job is dead (8). */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  /** Jitter source, [0, 1); tests pass a fixed one. */
  readonly random?: () => number;
  /** Jobs claimed per round (16). */
  readonly batchSize?: number;
  /** Claimed batches delivered at once, at most (4). */
  readonly roundsInFlight?: number;
  /** How long a claim holds a job; renewed while its handler runs (60 s). */
  readonly leaseMs?: number;
  /** How often the worker looks for due jobs (1 s). */
  readonly pollMs?: number;
  /** Where deliveries are counted and timed, and the backlog read at scrape time (none). */
  readonly metrics?: OutboxMetrics;
  /** How long delivered jobs are kept before the purge deletes them (7 days). */
  readonly keepDeliveredMs?: number;
  /** How often delivered jobs are purged (1 h; the first purge a minute after start). */
  readonly purgeIntervalMs?: number;
  /** The purge's timers; tests pass their own to fire runs by hand. */
  readonly timers?: TaskTimers;
}

const KIND_SHAPE = /^[a-z][a-z0-9_.:-]{0,63}$/;

function checkKind(kind: string): void {
  if (!KIND_SHAPE.test(kind)) throw new AppError(jobsErrors.OUTBOX_KIND_INVALID);
}

/**
 * Reads the backlog for a scrape: every kind with open or dead jobs, and every kind handled
 * here at zero, so a series drops to 0 rather than vanishing once its queue is empty. A
 * failed read is logged (by code) and yields nothing, so the scrape keeps its other metrics.
 */
function backlogReader(
  store: OutboxStore,
  clock: Clock,
  logger: Logger,
  handlers: ReadonlyMap<string, OutboxHandler>,
): () => Promise<readonly OutboxBacklog[]> {
  return async () => {
    try {
      const rows = await store.backlog(clock.now().getTime());
      const seen = new Set(rows.map((row) => row.kind));
      const idle = [...handlers.keys()]
        .filter((kind) => !seen.has(kind))
        .map((kind) => ({ kind, pending: 0, due: 0, dead: 0, oldestDueAgeSeconds: 0 }));
      return [...rows, ...idle];
    } catch (error) {
      logger.warn(
        { code: failureCode(error, 'BACKLOG_READ_FAILED') },
        'outbox backlog read failed',
      );
      return [];
    }
  };
}

/** The first purge after start: soon, so a process restarted often still purges. */
const PURGE_FIRST_RUN_MS = 60_000;

/**
 * The hourly deletion of delivered jobs older than the retention (open and dead jobs stay),
 * counted by kind and logged with the count; a failed purge is logged by code and tried
 * again at the next interval.
 */
function purgeTask(
  purge: (signal?: AbortSignal) => Promise<PurgedJobs>,
  options: OutboxOptions,
  metrics: OutboxMetrics,
): PeriodicTask {
  return createPeriodicTask({
    run: (signal) => purge(signal),
    firstRunMs: PURGE_FIRST_RUN_MS,
    intervalMs: options.purgeIntervalMs ?? 60 * 60_000,
    onDone: (purged) => {
      for (const [kind, count] of purged) metrics.purged(kind, count);
      const count = purgedCount(purged);
      if (count > 0) options.logger.info({ count }, 'delivered outbox jobs purged');
    },
    onError: (error) =>
      options.logger.warn(
        { code: failureCode(error, 'OUTBOX_PURGE_FAILED') },
        'outbox purge failed',
      ),
    ...(options.timers === undefined ? {} : { timers: options.timers }),
  });
}

/** A count the worker needs at least one of: with none it would claim nothing, forever. */
function atLeastOne(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number of at least 1`);
  return value;
}

/** Creates an outbox on a migrated database (`0014_platform_outbox`). */
export function createOutbox(options: OutboxOptions): RunningOutbox {
  const clock = options.clock ?? systemClock;
  const store = new OutboxStore(options.db);
  const guard = new PayloadGuard(options.refusedKeys ?? []);
  const handlers = new Map<string, OutboxHandler>();
  const metrics = options.metrics ?? NO_OUTBOX_METRICS;
  metrics.readBacklogWith(backlogReader(store, clock, options.logger, handlers));
  const worker = new OutboxWorker(store, handlers, {
    clock,
    logger: options.logger,
    workerId: newId('wrk'),
    batchSize: atLeastOne('batchSize', options.batchSize ?? 16),
    roundsInFlight: atLeastOne('roundsInFlight', options.roundsInFlight ?? 4),
    leaseMs: options.leaseMs ?? 60_000,
    pollMs: options.pollMs ?? 1_000,
    maxAttempts: options.maxAttempts ?? 8,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    random: options.random ?? Math.random,
    metrics,
  });
  const keepDeliveredMs = options.keepDeliveredMs ?? DEFAULT_KEEP_DELIVERED_MS;
  const purge = (signal?: AbortSignal) =>
    purgeDelivered(store, {
      before: clock.now().getTime() - keepDeliveredMs,
      ...(signal === undefined ? {} : { signal }),
    });
  const purging = purgeTask(purge, options, metrics);
  return {
    async enqueue(trx, kind, payload, enqueueOptions = {}) {
      checkKind(kind);
      guard.check(payload);
      const id = newId('job');
      const now = clock.now().getTime();
      const availableAt = enqueueOptions.availableAt?.getTime() ?? now;
      await store.insert(trx, { id, kind, payload: { ...payload }, availableAt, now });
      // Never delivered inside the caller's transaction: the worker is woken once it has
      // committed, and then looks until the job shows up.
      if (availableAt <= now && handlers.has(kind)) await afterCommit(trx, () => worker.nudge(id));
      return id;
    },
    handle(kind, handler) {
      checkKind(kind);
      if (handlers.has(kind)) throw new Error(`Outbox kind ${kind} already has a handler`);
      handlers.set(kind, handler);
    },
    drain: () => worker.drain(),
    purge: async () => purgedCount(await purge()),
    start: () => {
      worker.start();
      purging.start();
    },
    close: async () => {
      await purging.close();
      await worker.close();
    },
  };
}
