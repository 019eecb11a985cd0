import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { OutboxBacklog, OutboxMetrics, OutboxOutcome } from '../jobs/index.js';

type BacklogGauge = Exclude<keyof OutboxBacklog, 'kind'>;

const COUNTERS: Readonly<Record<OutboxOutcome, { name: string; help: string }>> = {
  delivered: {
    name: 'custodia_outbox_jobs_delivered_total',
    help: 'Outbox jobs delivered by this instance, by kind',
  },
  retried: {
    name: 'custodia_outbox_jobs_retried_total',
    help: 'Failed outbox delivery attempts that will be retried, by kind',
  },
  dead: {
    name: 'custodia_outbox_jobs_dead_total',
    help: 'Outbox jobs given up after their last failed attempt on this instance, by kind',
  },
};

const GAUGES: Readonly<Record<BacklogGauge, { name: string; help: string }>> = {
  pending: {
    name: 'custodia_outbox_jobs_pending',
    help: 'Open outbox jobs (waiting, retrying or being delivered), by kind; the same on every instance',
  },
  due: {
    name: 'custodia_outbox_jobs_due',
    help: 'Outbox jobs due now and not held by a worker, by kind',
  },
  dead: {
    name: 'custodia_outbox_jobs_dead',
    help: 'Dead outbox jobs kept for inspection, by kind',
  },
  oldestDueAgeSeconds: {
    name: 'custodia_outbox_oldest_due_job_age_seconds',
    help: 'Seconds since the oldest due outbox job became due, by kind (0 when none is)',
  },
};

/** From a few milliseconds (an enqueue elsewhere) to the 60 s lease (a processor timing out). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Registers the outbox's metrics on an app's registry and returns the sink the outbox
 * reports to: counters and a duration histogram by kind, and backlog gauges read from the
 * database at scrape time, with one query per scrape however many gauges ask for it.
 */
export function createOutboxMetrics(registry: Registry): OutboxMetrics {
  const counters = Object.fromEntries(
    Object.entries(COUNTERS).map(([outcome, { name, help }]) => [
      outcome,
      new Counter({ name, help, labelNames: ['kind'] as const, registers: [registry] }),
    ]),
  ) as Record<OutboxOutcome, Counter<'kind'>>;
  const duration = new Histogram({
    name: 'custodia_outbox_delivery_duration_seconds',
    help: 'Time an outbox handler ran, per attempt (delivered or failed), by kind',
    labelNames: ['kind'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const purged = new Counter({
    name: 'custodia_outbox_jobs_purged_total',
    help: 'Delivered outbox jobs deleted by this instance once past their retention, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  let read: () => Promise<readonly OutboxBacklog[]> = () => Promise.resolve([]);
  // The registry collects every metric at once: the gauges share the read in progress.
  let inProgress: Promise<readonly OutboxBacklog[]> | undefined;
  const backlog = () => {
    inProgress ??= read().finally(() => (inProgress = undefined));
    return inProgress;
  };
  for (const [field, { name, help }] of Object.entries(GAUGES)) {
    new Gauge({
      name,
      help,
      labelNames: ['kind'] as const,
      registers: [registry],
      async collect() {
        const rows = await backlog();
        this.reset();
        for (const row of rows) this.set({ kind: row.kind }, row[field as BacklogGauge]);
      },
    });
  }
  return {
    attempted(kind, outcome, seconds) {
      counters[outcome].inc({ kind });
      duration.observe({ kind }, seconds);
    },
    purged(kind, count) {
      purged.inc({ kind }, count);
    },
    readBacklogWith(reader) {
      read = reader;
    },
  };
}
