export { createMetrics } from './metrics.js';
export type { Metrics } from './metrics.js';
export { createOutboxMetrics } from './outbox-metrics.js';
