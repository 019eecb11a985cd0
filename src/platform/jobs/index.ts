export { createOutbox } from './outbox.js';
export type { Outbox, OutboxJob, OutboxOptions, RunningOutbox } from './outbox.js';
export { backoffDelay, DEFAULT_BACKOFF } from './outbox-backoff.js';
export type { BackoffPolicy } from './outbox-backoff.js';
export { jobsErrors } from './outbox-errors.js';
export { NO_OUTBOX_METRICS } from './outbox-metrics.js';
export type { OutboxBacklog, OutboxMetrics, OutboxOutcome } from './outbox-metrics.js';
export {
  outboxDoneJobsMigration,
  outboxMigration,
  outboxOpenJobsMigration,
} from './outbox-migration.js';
export type { OutboxJobsTable, OutboxTables } from './outbox-migration.js';
export { BUILT_IN_REFUSED_KEYS, PayloadGuard } from './outbox-payload.js';
export type { OutboxPayload } from './outbox-payload.js';
export { createPeriodicTask } from './periodic-task.js';
export type { PeriodicTask, PeriodicTaskOptions, TaskTimers } from './periodic-task.js';
