import type { Clock } from '../clock.js';
import { failureCode } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { backoffDelay, type BackoffPolicy } from './outbox-backoff.js';
import { CompletionGroups } from './outbox-completions.js';
import type { OutboxMetrics } from './outbox-metrics.js';
import type { ClaimedJob, OutboxStore } from './outbox-store.js';

/** Delivers one job; throwing means "try again later". */
export type OutboxHandler = (job: ClaimedJob) => Promise<void>;

/** How a worker claims, retries and gives up. */
export interface OutboxWorkerSettings {
  readonly clock: Clock;
  readonly logger: Logger;
  /** A random id naming this worker in `claimed_by`. */
  readonly workerId: string;
  readonly batchSize: number;
  /** Claimed batches being delivered at once, at most. */
  readonly roundsInFlight: number;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly random: () => number;
  readonly metrics: OutboxMetrics;
}

/** A batch just claimed: how many jobs, and its deliveries, which settle with the count delivered. */
interface Claim {
  readonly claimed: number;
  readonly delivered: Promise<number>;
}

/** The code of a failure without one of its own (a handler's plain Error). */
const HANDLER_FAILED = 'HANDLER_FAILED';

// A locally enqueued job is looked for again until it shows up (its transaction commits)
// or this long has passed (it was rolled back); the poll covers anything later.
const AWAIT_COMMIT_MS = 2_000;

/**
 * Claims due jobs and runs their handlers. Claims never overlap within one worker (drain,
 * poll and nudges queue behind each other), but the batches they take are delivered side
 * by side, up to `roundsInFlight` at once: a batch waits for its slowest delivery, and a
 * worker that waited for each batch before claiming the next fell behind a busy shop,
 * whose mails then trailed its orders by seconds. `close` and `drain` wait for every batch
 * in flight; other instances are kept apart by the claim itself.
 */
export class OutboxWorker {
  readonly #store: OutboxStore;
  readonly #handlers: ReadonlyMap<string, OutboxHandler>;
  readonly #s: OutboxWorkerSettings;
  #chain: Promise<unknown> = Promise.resolve();
  /** Deliveries of the batches claimed and not yet settled. */
  readonly #inFlight = new Set<Promise<number>>();
  /** Ids of the jobs whose delivery is under way. */
  readonly #delivering = new Set<string>();
  #running = false;
  #poll: NodeJS.Timeout | undefined;
  #soon: NodeJS.Timeout | undefined;
  readonly #completions: CompletionGroups;
  /** Locally enqueued job ids not yet claimed, with when they were enqueued (monotonic ms). */
  readonly #awaited = new Map<string, number>();

  constructor(
    store: OutboxStore,
    handlers: ReadonlyMap<string, OutboxHandler>,
    settings: OutboxWorkerSettings,
  ) {
    this.#store = store;
    this.#handlers = handlers;
    this.#s = settings;
    this.#completions = new CompletionGroups((ids) =>
      store.complete(ids, settings.workerId, settings.clock.now().getTime()),
    );
  }

  /** Starts polling; idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedulePoll();
  }

  /** A job was enqueued here: look for it at once, and again until its transaction commits. */
  nudge(jobId: string): void {
    if (!this.#running) return;
    this.#awaited.set(jobId, performance.now());
    this.#scheduleSoon(0);
  }

  /**
   * Delivers every job due now, its batches side by side like the background worker's, and
   * waits for the batches already in flight; resolves with the count it delivered itself.
   */
  async drain(): Promise<number> {
    const deliveries: Promise<number>[] = [];
    for (;;) {
      const claim = await this.#serial(() => this.#claim());
      if (claim.claimed === 0) break;
      deliveries.push(claim.delivered);
    }
    const counts = await Promise.all(deliveries);
    await this.#settled();
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /** Stops polling and waits for the handlers in flight. */
  async close(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#poll);
    clearTimeout(this.#soon);
    this.#poll = undefined;
    this.#soon = undefined;
    this.#awaited.clear();
    await this.#chain;
    await this.#settled();
  }

  /** Once every batch in flight has been delivered (or has failed, which is logged). */
  async #settled(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(work);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #schedulePoll(): void {
    clearTimeout(this.#poll);
    if (!this.#running) return;
    this.#poll = setTimeout(() => void this.#tick(), this.#s.pollMs);
    // The worker never keeps a process alive on its own: its owner closes it.
    this.#poll.unref();
  }

  #scheduleSoon(ms: number): void {
    if (!this.#running || this.#soon !== undefined) return;
    this.#soon = setTimeout(() => {
      this.#soon = undefined;
      void this.#tick();
    }, ms);
    this.#soon.unref();
  }

  async #tick(): Promise<void> {
    if (!this.#running) return;
    try {
      let claim: Claim;
      do {
        claim = await this.#serial(() => this.#claim());
      } while (claim.claimed === this.#s.batchSize && this.#running);
    } catch (error) {
      this.#s.logger.error({ code: failureCode(error, HANDLER_FAILED) }, 'outbox round failed');
    }
    this.#recheckAwaited();
    this.#schedulePoll();
  }

  #recheckAwaited(): void {
    const now = performance.now();
    let oldest = now;
    for (const [id, since] of this.#awaited) {
      if (now - since > AWAIT_COMMIT_MS) this.#awaited.delete(id);
      else oldest = Math.min(oldest, since);
    }
    // Back off from 10 ms as the transaction stays open longer.
    if (this.#awaited.size > 0) this.#scheduleSoon(Math.min(500, Math.max(10, (now - oldest) / 2)));
  }

  /**
   * Claims a batch once a slot is free, and starts delivering it. Runs inside `#serial`,
   * so waiting for a slot and claiming happen for one batch at a time.
   */
  async #claim(): Promise<Claim> {
    while (this.#inFlight.size >= this.#s.roundsInFlight) await Promise.race(this.#inFlight);
    const now = this.#s.clock.now().getTime();
    const jobs = await this.#store.claim({
      worker: this.#s.workerId,
      kinds: [...this.#handlers.keys()],
      now,
      leaseUntil: now + this.#s.leaseMs,
      limit: this.#s.batchSize,
    });
    if (jobs.length === 0) return { claimed: 0, delivered: Promise.resolve(0) };
    for (const job of jobs) this.#awaited.delete(job.id);
    // A job whose lease ran out while this worker still delivers it (a clock that jumped,
    // a handler slower than the renewals) is claimed again, which renews its lease; the
    // delivery under way settles it, so it is not started a second time here.
    const fresh = jobs.filter((job) => !this.#delivering.has(job.id));
    const delivered = this.#deliverAll(fresh);
    // Tracked until settled; a failed write of an outcome is logged (drain also throws it).
    const tracked = delivered.catch((error: unknown) => {
      this.#s.logger.error({ code: failureCode(error, HANDLER_FAILED) }, 'outbox round failed');
      return 0;
    });
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
    return { claimed: jobs.length, delivered };
  }

  /** Delivers a claimed batch side by side, renewing the lease of those still running. */
  async #deliverAll(jobs: readonly ClaimedJob[]): Promise<number> {
    const running = new Set(jobs.map((job) => job.id));
    const renewal = setInterval(() => {
      const until = this.#s.clock.now().getTime() + this.#s.leaseMs;
      this.#store.renew([...running], this.#s.workerId, until).catch((error: unknown) => {
        this.#s.logger.error(
          { code: failureCode(error, HANDLER_FAILED) },
          'outbox lease renewal failed',
        );
      });
    }, this.#s.leaseMs / 3);
    renewal.unref();
    try {
      const results = await Promise.all(
        jobs.map((job) => this.#deliver(job).finally(() => running.delete(job.id))),
      );
      return results.filter(Boolean).length;
    } finally {
      clearInterval(renewal);
    }
  }

  async #deliver(job: ClaimedJob): Promise<boolean> {
    this.#delivering.add(job.id);
    try {
      return await this.#deliverOnce(job);
    } finally {
      this.#delivering.delete(job.id);
    }
  }

  async #deliverOnce(job: ClaimedJob): Promise<boolean> {
    const handler = this.#handlers.get(job.kind);
    // Monotonic time, not the injected clock: a duration, not a point in time.
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      if (handler === undefined)
        throw Object.assign(new Error('no handler'), { code: 'OUTBOX_NO_HANDLER' });
      await handler(job);
    } catch (error) {
      const took = seconds();
      await this.#failed(job, failureCode(error, HANDLER_FAILED), took);
      return false;
    }
    const took = seconds();
    const held = await this.#completions.complete(job.id);
    if (!held) {
      // The lease ran out during delivery and another worker took the job: it will be
      // delivered again, which at-least-once delivery allows.
      this.#s.logger.warn({ jobId: job.id, kind: job.kind }, 'outbox lease lost during delivery');
    }
    this.#s.metrics.attempted(job.kind, 'delivered', took);
    return true;
  }

  async #failed(job: ClaimedJob, code: string, took: number): Promise<void> {
    const now = this.#s.clock.now().getTime();
    const dead = job.attempts >= this.#s.maxAttempts;
    const retryInMs = dead ? null : backoffDelay(job.attempts, this.#s.backoff, this.#s.random);
    await this.#store.fail(job.id, this.#s.workerId, {
      code,
      now,
      retryAt: retryInMs === null ? null : now + retryInMs,
    });
    this.#s.metrics.attempted(job.kind, dead ? 'dead' : 'retried', took);
    const facts = { jobId: job.id, kind: job.kind, code, attempts: job.attempts };
    if (dead) this.#s.logger.warn(facts, 'outbox job dead after its last attempt');
    else this.#s.logger.info({ ...facts, retryInMs }, 'outbox job failed; retrying later');
  }
}
