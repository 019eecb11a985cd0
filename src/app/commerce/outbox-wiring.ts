import {
  createOutbox,
  jobsErrors,
  outboxDoneJobsMigration,
  outboxMigration,
  outboxOpenJobsMigration,
  type Outbox,
} from '../../platform/jobs/index.js';
import { createOutboxMetrics } from '../../platform/metrics/index.js';
import { personalLogKeys } from '../../privacy/inventory/index.js';
import type { CommerceWiring } from '../commerce-module.js';

declare module '../commerce-module.js' {
  interface CommerceServices {
    /** The transactional outbox: enqueue in your transaction, register handlers at wiring time. */
    outbox: Outbox;
  }
}

/**
 * Wires the jobs module first, so every later module can enqueue and register handlers.
 * The worker starts once the app is ready and stops before the database closes; its
 * counters, durations and backlog gauges go to the app's registry (docs/jobs.md).
 */
export const jobsWiring: CommerceWiring = {
  name: 'jobs',
  migrations: [outboxMigration, outboxOpenJobsMigration, outboxDoneJobsMigration],
  errors: { jobs: jobsErrors },
  open: (ctx) => {
    const outbox = createOutbox({
      db: ctx.database.db,
      clock: ctx.clock,
      logger: ctx.logger,
      // Every name the inventory knows a personal field by is refused as a payload key.
      refusedKeys: personalLogKeys(),
      // Delivered, retried and dead jobs by kind, and the backlog, on GET /metrics.
      metrics: createOutboxMetrics(ctx.metrics.registry),
    });
    return {
      services: { outbox },
      start: () => outbox.start(),
      close: () => outbox.close(),
    };
  },
};
