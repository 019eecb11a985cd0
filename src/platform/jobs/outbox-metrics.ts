/** How one delivery attempt ended: done, failed and retried later, or failed for the last time. */
export type OutboxOutcome = 'delivered' | 'retried' | 'dead';

/** One kind's backlog at a moment: counts from the table, shared by every instance. */
export interface OutboxBacklog {
  /** The job kind, a fixed code such as `mail.order_confirmation`; never a payload value. */
  readonly kind: string;
  /** Open jobs: waiting, retrying or being delivered (neither done nor dead). */
  readonly pending: number;
  /** Open jobs a worker could claim now: due, and not held by a live lease. */
  readonly due: number;
  /** Jobs given up after their last attempt, still in the table. */
  readonly dead: number;
  /** Seconds since the oldest due job became due; 0 when none is. */
  readonly oldestDueAgeSeconds: number;
}

/**
 * Where an outbox reports what it does. A small sink, so the jobs module knows nothing of
 * Prometheus: `platform/metrics` adapts it to counters, a histogram and gauges. Labels are
 * kinds only, never payload values.
 */
export interface OutboxMetrics {
  /** A handler ran for `seconds` and the attempt ended with `outcome` (recorded once stored). */
  attempted(kind: string, outcome: OutboxOutcome, seconds: number): void;
  /** `count` delivered jobs of `kind` were deleted by the purge. */
  purged(kind: string, count: number): void;
  /** Given once by the outbox: how to read the backlog, for gauges collected at scrape time. */
  readBacklogWith(read: () => Promise<readonly OutboxBacklog[]>): void;
}

/** Reports nothing: the default when no metrics are wired. */
export const NO_OUTBOX_METRICS: OutboxMetrics = {
  attempted: () => undefined,
  purged: () => undefined,
  readBacklogWith: () => undefined,
};
