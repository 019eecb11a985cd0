import { Counter, type Registry } from 'prom-client';

/** What a background task reports: the items its runs handled, by outcome, and failed runs. */
export interface TaskMetrics {
  /** `count` items of one run ended with `outcome`, one of the task's fixed codes. */
  handled(outcome: string, count: number): void;
  /** A run failed as a whole. */
  runFailed(): void;
}

/** The names and meaning of a task's two counters, and the outcomes its items can have. */
export interface TaskMetricsSpec {
  readonly handled: { readonly name: string; readonly help: string };
  readonly failedRuns: { readonly name: string; readonly help: string };
  /** Every outcome, shown at 0 from the start so a rate can be taken before the first. */
  readonly outcomes: readonly string[];
}

/**
 * Registers a background task's counters on an app's registry: items handled by
 * `outcome` (a fixed code, never an id or a value) and runs that failed. Per instance:
 * sum them across instances.
 */
export function createTaskMetrics(registry: Registry, spec: TaskMetricsSpec): TaskMetrics {
  const handled = new Counter({
    name: spec.handled.name,
    help: spec.handled.help,
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const outcome of spec.outcomes) handled.inc({ outcome }, 0);
  const failedRuns = new Counter({
    name: spec.failedRuns.name,
    help: spec.failedRuns.help,
    registers: [registry],
  });
  return {
    handled: (outcome, count) => {
      if (count > 0) handled.inc({ outcome }, count);
    },
    runFailed: () => failedRuns.inc(),
  };
}
