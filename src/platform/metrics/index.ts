export { createMetrics } from './metrics.js';
export type { Metrics } from './metrics.js';
export { createOutboxMetrics } from './outbox-metrics.js';
export { createTaskMetrics } from './task-metrics.js';
export type { TaskMetrics, TaskMetricsSpec } from './task-metrics.js';
