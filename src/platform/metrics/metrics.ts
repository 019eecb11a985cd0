import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metrics of one app instance: process metrics and HTTP request durations. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
}

/** A fresh registry per app, so several apps in one process (tests) do not collide. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'custodia_' });
  const httpDuration = new Histogram({
    name: 'custodia_http_request_duration_seconds',
    help: 'HTTP request durations by route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, httpDuration };
}
