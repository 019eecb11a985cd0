import {
  createPeriodicTask,
  type PeriodicTask,
  type TaskTimers,
} from '../../platform/jobs/index.js';
import { sweepExpiredCarts, type CartSweepDeps, type CartSweepOptions } from './cart-sweep.js';

/** How often expired carts are swept. */
export const CART_SWEEP_INTERVAL_MS = 60 * 60_000;

/** The first sweep after start: soon, so a process restarted often still sweeps. */
export const CART_SWEEP_FIRST_RUN_MS = 60_000;

/** The timer functions the loop uses; tests pass their own to fire runs by hand. */
export type SweeperTimers = TaskTimers;

/** When the sweep runs and whom it tells. */
export interface CartSweeperOptions {
  readonly intervalMs?: number;
  readonly firstRunMs?: number;
  /** Grace period and batch size of each sweep. */
  readonly sweep?: Omit<CartSweepOptions, 'signal'>;
  /** A sweep ended; `deleted` carts are gone. */
  readonly onSwept: (deleted: number) => void;
  /** A sweep failed; the loop carries on at the next interval. */
  readonly onError: (error: unknown) => void;
  readonly timers?: SweeperTimers;
}

/** The background sweep of expired carts, started and closed with the app. */
export type CartSweeper = PeriodicTask;

/** Sweeps expired carts shortly after start, then every interval; runs never overlap. */
export function createCartSweeper(deps: CartSweepDeps, options: CartSweeperOptions): CartSweeper {
  return createPeriodicTask({
    run: (signal) => sweepExpiredCarts(deps, { ...options.sweep, signal }),
    firstRunMs: options.firstRunMs ?? CART_SWEEP_FIRST_RUN_MS,
    intervalMs: options.intervalMs ?? CART_SWEEP_INTERVAL_MS,
    onDone: options.onSwept,
    onError: options.onError,
    ...(options.timers === undefined ? {} : { timers: options.timers }),
  });
}
