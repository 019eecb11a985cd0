import { sweepExpiredCarts, type CartSweepDeps, type CartSweepOptions } from './cart-sweep.js';

/** How often expired carts are swept. */
export const CART_SWEEP_INTERVAL_MS = 60 * 60_000;

/** The first sweep after start: soon, so a process restarted often still sweeps. */
export const CART_SWEEP_FIRST_RUN_MS = 60_000;

/** The timer functions the loop uses; tests pass their own to fire runs by hand. */
export interface SweeperTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

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
export interface CartSweeper {
  /** Schedules the first sweep; calling it again does nothing. */
  start(): void;
  /** Clears the timer and waits for a sweep in progress, which stops after its batch. */
  close(): Promise<void>;
}

const unrefTimers: SweeperTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // The sweep never keeps a process alive on its own: its owner closes it.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Sweeps expired carts shortly after start, then every interval; runs never overlap. */
export function createCartSweeper(deps: CartSweepDeps, options: CartSweeperOptions): CartSweeper {
  const timers = options.timers ?? unrefTimers;
  const intervalMs = options.intervalMs ?? CART_SWEEP_INTERVAL_MS;
  const closing = new AbortController();
  let timer: unknown;
  let running: Promise<void> | undefined;
  let started = false;

  const schedule = (ms: number) => {
    if (closing.signal.aborted) return;
    timer = timers.setTimeout(() => {
      timer = undefined;
      // Sweep failures reach onError; only a listener that throws lands here, and must
      // not become an unhandled rejection.
      running = run().catch(() => undefined);
    }, ms);
  };

  async function run(): Promise<void> {
    let deleted: number | undefined;
    let failure: unknown;
    try {
      deleted = await sweepExpiredCarts(deps, { ...options.sweep, signal: closing.signal });
    } catch (error) {
      failure = error;
    }
    // The next sweep is due an interval after this one ends; scheduled before anyone is
    // told, so a listener sees the loop as it will stay.
    running = undefined;
    schedule(intervalMs);
    if (deleted === undefined) options.onError(failure);
    else options.onSwept(deleted);
  }

  return {
    start() {
      if (started) return;
      started = true;
      schedule(options.firstRunMs ?? CART_SWEEP_FIRST_RUN_MS);
    },
    async close() {
      closing.abort();
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
