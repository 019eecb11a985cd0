import {
  createPeriodicTask,
  type PeriodicTask,
  type TaskTimers,
} from '../../platform/jobs/index.js';
import type { RecoveryReport } from './checkout-recovery.js';

/** How often the checkout recovery sweep runs. */
export const CHECKOUT_RECOVERY_INTERVAL_MS = 60_000;

/**
 * The first sweep after start: soon, so orders left by the stop that preceded this start
 * (a crash, a deploy) are finished within a minute of their settle time.
 */
export const CHECKOUT_RECOVERY_FIRST_RUN_MS = 30_000;

/** The timer functions the loop uses; tests pass their own to fire runs by hand. */
export type RecoveryTimers = TaskTimers;

/** What the loop runs and whom it tells. */
export interface RecoveryLoopOptions {
  /** One sweep; it should stop between orders once the signal is aborted. */
  readonly sweep: (signal: AbortSignal) => Promise<RecoveryReport>;
  readonly intervalMs?: number;
  readonly firstRunMs?: number;
  /** A sweep ended, with its counts. */
  readonly onSwept: (report: RecoveryReport) => void;
  /** A sweep failed as a whole; the loop carries on at the next interval. */
  readonly onError: (error: unknown) => void;
  readonly timers?: RecoveryTimers;
}

/** The background recovery of stale checkouts, started and closed with the app. */
export type RecoveryLoop = PeriodicTask;

/**
 * Sweeps shortly after start, then an interval after each sweep ends, so runs of one
 * instance never overlap (runs of several instances may: the sweep is safe for that).
 */
export function createRecoveryLoop(options: RecoveryLoopOptions): RecoveryLoop {
  return createPeriodicTask({
    run: options.sweep,
    firstRunMs: options.firstRunMs ?? CHECKOUT_RECOVERY_FIRST_RUN_MS,
    intervalMs: options.intervalMs ?? CHECKOUT_RECOVERY_INTERVAL_MS,
    onDone: options.onSwept,
    onError: options.onError,
    ...(options.timers === undefined ? {} : { timers: options.timers }),
  });
}
